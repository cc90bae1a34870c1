#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The API reference of the public headers (include/sel4, include/kaal),
generated from their comments, and the check that every public symbol is
documented (docs/api/README.md).

    tools/apidoc.py --out build/docs/api     one Markdown page per header + index.md
    tools/apidoc.py --check [--min-percent P]

Public symbols are the functions (prototypes and static inline
definitions), typedef names and macros a header declares at file scope
(include guards excepted). A symbol is documented when a comment is on its
own line, or earlier in its group: the run of non-blank lines it is in, so
one comment above a block of related declarations documents the block, as
the headers are written; a macro under a section title
(`/* ---- Linux x86_64 constants ---- */`) is documented by it, and a
header of macros alone (a table: linux_errno.h) by its opening comment. --check prints `FILE:LINE:COL: error: 'NAME' ...`
for each undocumented symbol and the coverage line
`apidoc: N of M public symbols documented (P%)`; it fails when the
coverage is below --min-percent (default 100; `make test` passes the
floor the headers have reached, so coverage only goes up), and the gaps
are warnings when it is not. seL4 API names (seL4_*) in include/sel4/
without a comment are documented by reference: the seL4 manual."""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, "include")
KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "defined", "__attribute__",
            "_Static_assert", "static_assert", "typeof", "__typeof__", "asm", "__asm__"}


class Symbol:
    def __init__(self, name, kind, line, col, decl, doc):
        self.name, self.kind, self.line, self.col = name, kind, line, col
        self.decl = decl          # the declaration's text (first lines)
        self.doc = doc            # the comment that documents it, or None


def strip_comments(line, in_comment):
    """(code without comments, comment text, still inside a comment)."""
    code, text, i = "", "", 0
    while i < len(line):
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                text += line[i:]
                return code, text, True
            text += line[i:j]
            i, in_comment = j + 2, False
        elif line.startswith("/*", i):
            in_comment, i = True, i + 2
        elif line.startswith("//", i):
            text += line[i + 2:]
            break
        elif line[i] == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            code += line[i:j + 1]
            i = j + 1
        else:
            code += line[i]
            i += 1
    return code, text, in_comment


def clean_comment(text):
    lines = [re.sub(r"^\s*\*+ ?", "", x).rstrip() for x in text.split("\n")]
    return "\n".join(x for x in lines).strip()


def parse_header(path):
    with open(path, errors="replace") as f:
        raw = f.read().split("\n")
    symbols = []
    in_comment = False
    depth = 0                 # braces at file scope
    group_doc = None          # the last comment in the current group of lines
    guard = None
    pending = None            # a statement being read: (line, col, text)
    typedef_start = None      # (line, col, text) of a `typedef struct {` being read
    section = None            # the title of the last `/* ---- title ---- */`
    for n, line in enumerate(raw, 1):
        code, comment, in_comment_after = strip_comments(line, in_comment)
        starts_in_comment = in_comment
        in_comment = in_comment_after
        m = re.match(r"^\s*-{3,}\s*(.*?)\s*-{3,}\s*$", comment)
        if m and not code.strip() and depth == 0:
            section = m.group(1)      # a title, not the documentation of a group
            group_doc = None
            continue
        if not code.strip() and not comment.strip() and not starts_in_comment:
            group_doc = None                  # a blank line ends the group
            continue
        if comment.strip():
            # A comment that starts the line or follows a declaration documents it.
            group_doc = (group_doc + "\n" if group_doc and starts_in_comment else "") + comment
        stripped = code.strip()
        if not stripped:
            continue
        own_doc = clean_comment(comment) if comment.strip() else None
        doc = own_doc or (clean_comment(group_doc) if group_doc else None)
        if stripped.startswith("#"):
            m = re.match(r"#\s*ifndef\s+(\w+)", stripped)
            if m and guard is None:
                guard = m.group(1)
            m = re.match(r"#\s*define\s+(\w+)", stripped)
            if m and m.group(1) != guard and depth == 0:
                # A constant of a table under a section title ("Linux x86_64
                # constants") means what the title says it is.
                symbols.append(Symbol(m.group(1), "macro", n, code.index(m.group(1)) + 1,
                                      stripped, doc or (section and "(%s)" % section)))
            continue
        if depth == 0 and pending is None and typedef_start is None:
            pending = (n, len(code) - len(code.lstrip()) + 1, stripped, doc)
        elif pending is not None and depth == 0:
            pending = (pending[0], pending[1], pending[2] + " " + stripped, pending[3] or doc)
        opens, closes = code.count("{"), code.count("}")
        if depth == 0 and opens and pending is not None:
            text = pending[2]
            head = text[:text.index("{")]
            if head.lstrip().startswith("typedef"):
                typedef_start = pending
            else:
                fn = function_name(head)
                if fn:
                    symbols.append(Symbol(fn, "function", pending[0], pending[1], head.strip(),
                                          pending[3]))
            pending = None
        depth += opens - closes
        if depth < 0:
            depth = 0
        if depth == 0 and typedef_start is not None and closes:
            m = re.search(r"\}\s*(\w+)\s*(\[[^\]]*\])?\s*;", code)
            if m:
                symbols.append(Symbol(m.group(1), "type", typedef_start[0], typedef_start[1],
                                      typedef_start[2].split("{")[0].strip() + " { ... } "
                                      + m.group(1), typedef_start[3]))
            typedef_start = None
            continue
        if depth == 0 and pending is not None and stripped.endswith(";"):
            text = pending[2]
            if text.startswith("typedef"):
                m = re.search(r"(\w+)\s*(\)\s*\([^)]*\))?\s*(\[[^\]]*\])?\s*;$", text)
                fp = re.search(r"\(\s*\*\s*(\w+)\s*\)", text)
                name = fp.group(1) if fp else (m.group(1) if m else None)
                if name:
                    symbols.append(Symbol(name, "type", pending[0], pending[1], text,
                                          pending[3]))
            else:
                fn = function_name(text)
                if fn:
                    symbols.append(Symbol(fn, "function", pending[0], pending[1],
                                          text.rstrip(";").strip(), pending[3]))
            pending = None
    # A header that is one table of constants (macros only) is documented
    # by its opening comment, which says what the table is.
    if symbols and all(x.kind == "macro" for x in symbols):
        intro = file_comment(path)
        for x in symbols:
            x.doc = x.doc or (intro and "(%s)" % intro.split("\n")[0].rstrip("."))
    return symbols


def function_name(text):
    """The name a file-scope declaration declares as a function, or None."""
    m = re.match(r"^(?:[\w\s\*]|__attribute__\s*\(\(.*?\)\))*?\b(\w+)\s*\(", text)
    if not m or m.group(1) in KEYWORDS:
        return None
    before = text[:m.start(1)].split()
    if not before:           # a macro call at file scope, e.g. SEL4_SIZE_SANITY(...)
        return None
    return m.group(1)


SEL4_MANUAL = ("the seL4 API: this name means what the seL4 reference manual says "
               "(docs/sel4-deviations.md lists where KaaL differs)")


def documented_by_reference(path, sym):
    """A seL4 API name in include/sel4/ keeps seL4's meaning: its reference
    is the seL4 manual (its uncommented declarations point there)."""
    rel = os.path.relpath(path, INCLUDE)
    return rel.startswith("sel4/") and sym.name.startswith("seL4_")


def headers():
    out = []
    for d, subdirs, files in os.walk(INCLUDE):
        subdirs.sort()
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith(".h")]
    return out


def file_comment(path):
    """The header's opening comment (after the SPDX line)."""
    with open(path, errors="replace") as f:
        text = f.read()
    for m in re.finditer(r"/\*(.*?)\*/", text, re.S):
        body = clean_comment(m.group(1))
        if not body.startswith("SPDX"):
            code = re.sub(r"/\*.*?\*/", "", text[:m.start()], flags=re.S).strip()
            return "" if code else body
    return ""


def write_pages(out):
    os.makedirs(out, exist_ok=True)
    index = ["# KaaL API reference", "",
             "Generated by tools/apidoc.py from the comments of include/ "
             "(docs/api/README.md). One page per header.", "",
             "| header | symbols | documented |", "|---|---|---|"]
    for path in headers():
        rel = os.path.relpath(path, INCLUDE)
        syms = parse_header(path)
        for sym in syms:
            if not sym.doc and documented_by_reference(path, sym):
                sym.doc = SEL4_MANUAL
        page = rel.replace("/", "_").replace(".h", ".md")
        lines = ["# <%s>" % rel, ""]
        intro = file_comment(path)
        if intro:
            lines += [intro, ""]
        for kind, title in (("function", "Functions"), ("type", "Types"),
                            ("macro", "Macros")):
            group = [s for s in syms if s.kind == kind]
            if not group:
                continue
            lines += ["## " + title, ""]
            for s in group:
                lines += ["### `%s`" % s.name, "", "```c", s.decl, "```", ""]
                lines += [s.doc if s.doc else "*(undocumented)*", ""]
        with open(os.path.join(out, page), "w") as f:
            f.write("\n".join(lines))
        n_doc = sum(1 for s in syms if s.doc)
        index.append("| [<%s>](%s) | %d | %d |" % (rel, page, len(syms), n_doc))
    with open(os.path.join(out, "index.md"), "w") as f:
        f.write("\n".join(index) + "\n")


def check(min_percent):
    total, missing = 0, []
    for path in headers():
        for s in parse_header(path):
            total += 1
            if not (s.doc or documented_by_reference(path, s)):
                missing.append((path, s))
    documented = total - len(missing)
    pct = 100.0 * documented / total if total else 100.0
    # Below the bar each gap is an error; above it, a warning still to fix.
    level = "error" if pct < min_percent else "warning"
    for path, s in missing:
        print("%s:%d:%d: %s: '%s' (%s) has no comment: write one on its line or above its "
              "group of declarations" % (os.path.relpath(path, ROOT), s.line, s.col, level,
                                         s.name, s.kind))
    print("apidoc: %d of %d public symbols documented (%.1f%%, at least %g%% required)"
          % (documented, total, pct, min_percent))
    return 0 if pct >= min_percent else 1


def main():
    ap = argparse.ArgumentParser(prog="apidoc.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="write the reference here (one .md per header)")
    ap.add_argument("--check", action="store_true", help="check every symbol is documented")
    ap.add_argument("--min-percent", type=float, default=100.0)
    args = ap.parse_args()
    if not args.out and not args.check:
        ap.error("give --out DIR or --check")
    if args.out:
        write_pages(args.out)
        print("apidoc: %s/index.md" % args.out)
    return check(args.min_percent) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
