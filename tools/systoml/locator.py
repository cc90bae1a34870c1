# SPDX-License-Identifier: BSD-2-Clause
"""Source positions for the keys and values of a TOML document.

tomllib returns plain dicts without positions, so semantic errors would have
no `file:line:col`. This module scans the source text a second time and
records, for every key path, where the key and its value start. It is a
*locator*, not a parser: it only runs on text tomllib has already accepted,
never produces values, and only understands as much TOML syntax as it needs
to stay in step (strings of the four kinds, comments, arrays, inline tables,
table and array-of-table headers).

Paths are tuples of keys and array indices, in the shape tomllib's result
has: the third `[[component]]`'s `priority` is ("component", 2, "priority"),
the second element of its `devices` array is ("component", 2, "devices", 1),
and `[[component.cap]]` under it is ("component", 2, "cap", 0).

Positions are (line, column), both 1-based, column counted in characters,
like tomllib's own syntax-error messages.
"""
import bisect

_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = set(",]}#\n\r")


class Locations:
    """Where each key path was written. Look-ups fall back to the nearest
    recorded ancestor, so an error always gets the best position known."""

    def __init__(self, text):
        self.text = text
        self.keys = {}      # path -> position of the key (or table header)
        self.values = {}    # path -> position of the value's first character
        self._line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self._line_starts.append(i + 1)
        _Scanner(self).run()

    def position(self, offset):
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def key(self, path):
        """Position of the key that defines path (or its closest ancestor)."""
        return self._lookup(self.keys, tuple(path))

    def value(self, path):
        """Position of the value at path, else of its key, else an ancestor."""
        path = tuple(path)
        if path in self.values:
            return self.values[path]
        return self._lookup(self.keys, path)

    def _lookup(self, table, path):
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return None


class _Scanner:
    def __init__(self, locs):
        self.locs = locs
        self.s = locs.text
        self.i = 0
        self.table = ()          # resolved path of the current table
        self.aot_count = {}      # resolved array-of-tables path -> elements so far

    # -- helpers ---------------------------------------------------------
    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def pos(self, offset=None):
        return self.locs.position(self.i if offset is None else offset)

    def skip_ws(self, newlines=False):
        """Skips blanks (and comments and newlines when newlines is set)."""
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch in " \t":
                self.i += 1
            elif newlines and ch in "\r\n":
                self.i += 1
            elif newlines and ch == "#":
                self.skip_comment()
            else:
                break

    def skip_comment(self):
        while self.i < len(self.s) and self.s[self.i] != "\n":
            self.i += 1

    def skip_string(self):
        """Skips one string of any of TOML's four kinds; returns its text
        (escapes are not decoded: only used for quoted keys)."""
        s = self.s
        quote = s[self.i]
        if s.startswith(quote * 3, self.i):
            end = s.find(quote * 3, self.i + 3)
            if quote == '"':
                while end != -1 and _escaped(s, end):
                    end = s.find('"""', end + 1)
            # A closing delimiter may be followed by up to two more quotes
            # that belong to the content (TOML 1.0 allows """a"""" ).
            end += 3
            while end < len(s) and s[end] == quote and end - self.i < len(s):
                end += 1
            text = s[self.i + 3:end - 3]
            self.i = end
            return text
        j = self.i + 1
        while j < len(s) and s[j] != quote:
            j += 2 if (quote == '"' and s[j] == "\\") else 1
        text = s[self.i + 1:j]
        self.i = j + 1
        return text

    def read_key(self):
        """Reads a (possibly dotted, possibly quoted) key; returns
        [(part, offset), ...]."""
        parts = []
        while True:
            self.skip_ws()
            start = self.i
            if self.peek() in "\"'":
                parts.append((_unescape_key(self.skip_string()), start))
            else:
                while self.peek() in _BARE and self.peek() != "":
                    self.i += 1
                parts.append((self.s[start:self.i], start))
            self.skip_ws()
            if self.peek() == ".":
                self.i += 1
                continue
            return parts

    # -- structure -------------------------------------------------------
    def run(self):
        while self.i < len(self.s):
            self.skip_ws(newlines=True)
            if self.i >= len(self.s):
                break
            if self.peek() == "[":
                self.header()
            else:
                self.keyval(self.table)
            self.skip_ws()
            if self.peek() == "#":
                self.skip_comment()

    def resolve(self, parts):
        """Turns header keys into a path, stepping into the last element of
        every array of tables on the way (TOML's rule for [a.b] after [[a]])."""
        path = ()
        for name in parts:
            path += (name,)
            if path in self.aot_count:
                path += (self.aot_count[path] - 1,)
        return path

    def header(self):
        start = self.i
        is_array = self.s.startswith("[[", self.i)
        self.i += 2 if is_array else 1
        parts = self.read_key()
        self.i += 2 if is_array else 1
        names = [p for p, _ in parts]
        if is_array:
            parent = self.resolve(names[:-1]) + (names[-1],)
            index = self.aot_count.get(parent, 0)
            self.aot_count[parent] = index + 1
            path = parent + (index,)
            self.locs.keys.setdefault(parent, self.pos(start))
        else:
            path = self.resolve(names)
        self.locs.keys.setdefault(path, self.pos(start))
        self.table = path

    def keyval(self, base):
        parts = self.read_key()
        path = base
        for name, offset in parts:
            path += (name,)
            self.locs.keys.setdefault(path, self.pos(offset))
        self.skip_ws()
        if self.peek() == "=":
            self.i += 1
        self.skip_ws()
        self.value(path)

    def value(self, path):
        self.locs.values.setdefault(path, self.pos())
        ch = self.peek()
        if ch in "\"'":
            self.skip_string()
        elif ch == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_ws(newlines=True)
                if self.peek() in ("]", ""):
                    self.i += 1
                    return
                self.value(path + (index,))
                index += 1
                self.skip_ws(newlines=True)
                if self.peek() == ",":
                    self.i += 1
        elif ch == "{":
            self.i += 1
            while True:
                self.skip_ws()
                if self.peek() in ("}", ""):
                    self.i += 1
                    return
                self.keyval(path)
                self.skip_ws()
                if self.peek() == ",":
                    self.i += 1
        else:
            while self.i < len(self.s) and self.s[self.i] not in _SCALAR_END:
                self.i += 1


def _escaped(s, quote_at):
    """True if the quote at s[quote_at] is preceded by an odd run of backslashes."""
    n = 0
    j = quote_at - 1
    while j >= 0 and s[j] == "\\":
        n += 1
        j -= 1
    return n % 2 == 1


def _unescape_key(raw):
    if "\\" not in raw:
        return raw
    import json
    try:
        return json.loads('"%s"' % raw)
    except ValueError:
        return raw
