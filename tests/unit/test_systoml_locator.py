# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml/locator.py: the key and value positions that semantic
errors in system.toml are reported at."""
import os
import sys
import tomllib
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from systoml.locator import Locations  # noqa: E402

DOC = '''\
# a comment with key = "value" and [table]
[system]
name = "x"  # trailing comment

[[component]]
name = "a"
devices = [ "serial0",
  # a comment inside an array
  "rtc", ]
end = { component = "b", end = "x", nested = { k = 1 } }
text = """first
fake = 1
[fake.table]
"""
lit = \'\'\'no "escapes" here\'\'\'
"quoted.key" = 3
dotted.inner = 4

[component.config]
k = 'v'

[[component]]
name = "b"

[[component.cap]]
name = "c0"

[[component.cap]]
name = "c1"
'''


class TestLocator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tomllib.loads(DOC)  # the locator only runs on valid TOML
        cls.locs = Locations(DOC)

    def test_plain_keys_and_values(self):
        self.assertEqual(self.locs.key(("system", "name")), (3, 1))
        self.assertEqual(self.locs.value(("system", "name")), (3, 8))

    def test_array_of_tables_elements_are_indexed(self):
        self.assertEqual(self.locs.key(("component", 0)), (5, 1))
        self.assertEqual(self.locs.key(("component", 1)), (22, 1))
        self.assertEqual(self.locs.value(("component", 1, "name")), (23, 8))

    def test_array_elements_across_lines_and_comments(self):
        self.assertEqual(self.locs.value(("component", 0, "devices", 0)), (7, 13))
        self.assertEqual(self.locs.value(("component", 0, "devices", 1)), (9, 3))

    def test_inline_tables_nest(self):
        self.assertEqual(self.locs.key(("component", 0, "end", "end")), (10, 26))
        self.assertEqual(self.locs.value(("component", 0, "end", "end")), (10, 32))
        self.assertEqual(self.locs.value(("component", 0, "end", "nested", "k")), (10, 52))

    def test_multiline_strings_hide_what_looks_like_keys_and_tables(self):
        self.assertNotIn(("component", 0, "fake"), self.locs.keys)
        self.assertNotIn(("fake", "table"), self.locs.keys)
        self.assertEqual(self.locs.key(("component", 0, "lit")), (15, 1))

    def test_quoted_and_dotted_keys(self):
        self.assertEqual(self.locs.key(("component", 0, "quoted.key")), (16, 1))
        self.assertEqual(self.locs.key(("component", 0, "dotted", "inner")), (17, 8))

    def test_sub_table_of_an_array_element_attaches_to_the_last_element(self):
        self.assertEqual(self.locs.key(("component", 0, "config")), (19, 1))
        self.assertEqual(self.locs.value(("component", 0, "config", "k")), (20, 5))

    def test_nested_arrays_of_tables_count_per_parent(self):
        self.assertEqual(self.locs.key(("component", 1, "cap", 0)), (25, 1))
        self.assertEqual(self.locs.key(("component", 1, "cap", 1, "name")), (29, 1))

    def test_unknown_paths_fall_back_to_the_nearest_ancestor(self):
        self.assertEqual(self.locs.key(("component", 1, "cap", 1, "missing")), (28, 1))
        self.assertEqual(self.locs.value(("component", 0, "priority")), (5, 1))
        self.assertIsNone(self.locs.key(("nothing",)))

    def test_comments_are_not_keys(self):
        self.assertNotIn(("a",), self.locs.keys)
        self.assertNotIn(("table",), self.locs.keys)

    def test_crlf_line_endings_and_non_ascii_count_like_tomllib(self):
        text = '[system]\r\nname = "ÿé"\r\nx = 1\r\n'
        tomllib.loads(text)
        locs = Locations(text)
        self.assertEqual(locs.value(("system", "x")), (3, 5))
        self.assertEqual(locs.value(("system", "name")), (2, 8))
        with self.assertRaises(tomllib.TOMLDecodeError) as cm:
            tomllib.loads('[system]\r\nname = "ÿé" x\r\n')
        self.assertIn("line 2, column 13", str(cm.exception))

    def test_every_key_tomllib_sees_is_located(self):
        def walk(node, path):
            if isinstance(node, dict):
                for k, v in node.items():
                    self.assertIn(path + (k,), self.locs.keys, path + (k,))
                    walk(v, path + (k,))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, path + (i,))
        walk(tomllib.loads(DOC), ())


if __name__ == "__main__":
    unittest.main()
