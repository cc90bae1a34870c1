# Counts a C file's lines of logic: lines that still hold code once /* */
# and // comments are removed (blank and comment-only lines do not count;
# a line of code with a trailing comment does). Naive about comment markers
# inside string literals, which the driver files do not have.
# Usage: awk -f drivers/uart16550/count-logic-lines.awk FILE.c
{
    line = $0
    out = ""
    while (line != "") {
        if (in_comment) {
            end = index(line, "*/")
            if (end == 0) { line = ""; break }
            line = substr(line, end + 2)
            in_comment = 0
            continue
        }
        start = index(line, "/*")
        slash = index(line, "//")
        if (slash > 0 && (start == 0 || slash < start)) {
            out = out substr(line, 1, slash - 1)
            line = ""
            break
        }
        if (start == 0) { out = out line; line = ""; break }
        out = out substr(line, 1, start - 1)
        line = substr(line, start + 2)
        in_comment = 1
    }
    if (out ~ /[^ \t]/)
        n++
}
END { print n + 0 }
