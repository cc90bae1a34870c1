# SPDX-License-Identifier: BSD-2-Clause
"""tools/apidoc.py: which declarations of a header count as public symbols
and which as documented (a comment on the line, or above the group of
lines), the pages it writes, and the --check floor."""
import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
spec = importlib.util.spec_from_file_location("apidoc", os.path.join(ROOT, "tools", "apidoc.py"))
apidoc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(apidoc)

HEADER = """/* SPDX-License-Identifier: BSD-2-Clause */
/* A header: what the page starts with. */
#ifndef GUARD_H
#define GUARD_H

/* Two calls under one comment. */
int documented_a(int x);
long documented_b(void);

int bare(int x);
#define BARE_MACRO 3
#define TRAILING 4 /* the comment on its line */

/* A struct. */
typedef struct thing {
    int field; /* not a symbol of its own */
} thing_t;

typedef unsigned long bare_t;

/* An inline. */
static inline int inline_doc(int x)
{
    return x + 1;
}

static inline int inline_bare(int x)
{
    return x;
}
typedef void (*callback_t)(int);
#endif
"""


class TestParse(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp(suffix=".h")
        with os.fdopen(fd, "w") as f:
            f.write(HEADER)

    def tearDown(self):
        os.unlink(self.path)

    def test_symbols_and_what_documents_them(self):
        got = {s.name: (s.kind, bool(s.doc)) for s in apidoc.parse_header(self.path)}
        self.assertEqual(got, {
            "documented_a": ("function", True), "documented_b": ("function", True),
            "bare": ("function", False), "BARE_MACRO": ("macro", False),
            "TRAILING": ("macro", True), "thing_t": ("type", True), "bare_t": ("type", False),
            "inline_doc": ("function", True), "inline_bare": ("function", False),
            "callback_t": ("type", False)})

    def test_the_group_comment_is_the_documentation(self):
        syms = {s.name: s for s in apidoc.parse_header(self.path)}
        self.assertEqual(syms["documented_b"].doc, "Two calls under one comment.")
        self.assertEqual(syms["documented_b"].line, 8)
        self.assertEqual(syms["TRAILING"].doc, "the comment on its line")


class TestRules(unittest.TestCase):
    def parse(self, text):
        fd, path = tempfile.mkstemp(suffix=".h")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return {s.name: s.doc for s in apidoc.parse_header(path)}

    def test_a_section_title_documents_its_macros_but_not_its_functions(self):
        got = self.parse("/* ---- Linux constants ---- */\n#define A 1\n\n#define B 2\n\n"
                         "int f(void);\n")
        self.assertEqual(got, {"A": "(Linux constants)", "B": "(Linux constants)", "f": None})

    def test_a_header_of_macros_alone_is_documented_by_its_opening_comment(self):
        got = self.parse("/* SPDX-License-Identifier: X */\n/* Error numbers. */\n#pragma once\n"
                         "\n#define E1 1\n#define E2 2\n")
        self.assertEqual(got, {"E1": "(Error numbers)", "E2": "(Error numbers)"})
        got = self.parse("/* Error numbers. */\n\n#define E1 1\nint g(void);\n")
        self.assertEqual(got, {"E1": None, "g": None})


class TestCheck(unittest.TestCase):
    def test_the_tree_meets_its_floor_and_a_higher_one_fails_naming_positions(self):
        tool = os.path.join(ROOT, "tools", "apidoc.py")
        p = subprocess.run([sys.executable, tool, "--check", "--min-percent", "50"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:])
        self.assertRegex(p.stdout.splitlines()[-1],
                         r"^apidoc: \d+ of \d+ public symbols documented \([\d.]+%")
        p = subprocess.run([sys.executable, tool, "--check", "--min-percent", "100"],
                           capture_output=True, text=True)
        if p.returncode == 0:
            self.skipTest("every symbol is documented")
        self.assertRegex(p.stdout, r"(?m)^include/\S+\.h:\d+:\d+: error: '\w+' \(\w+\) has no "
                                   r"comment")

    def test_pages_are_written_for_every_header(self):
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "apidoc.py"),
                                "--out", out], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "kaal_ring.md")) as f:
                page = f.read()
            self.assertIn("### `kaal_ring_init`", page)
            self.assertIn("Formats an empty ring", page)
            with open(os.path.join(out, "index.md")) as f:
                self.assertIn("[<kaal/ring.h>](kaal_ring.md)", f.read())


if __name__ == "__main__":
    unittest.main()
