# SPDX-License-Identifier: BSD-2-Clause
"""tools/check_readmes.py: a source file passes only when the README.md of
its directory names it (by file name, as a whole word), or, where its
directory has none, the nearest ancestor's README.md names its relative
path; errors are `path:1:1: error: not named in DIR/README.md`."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import check_readmes  # noqa: E402

# (case, {path: contents}, errors expected: [(path, readme)])
CASES = [
    ("named_in_own_readme", {"a/README.md": "| `x.c` | the x |", "a/x.c": ""}, []),
    ("named_in_plain_text_at_sentence_end", {"a/README.md": "See x.c.", "a/x.c": ""}, []),
    ("not_named", {"a/README.md": "nothing here", "a/x.c": ""}, [("a/x.c", "a/README.md")]),
    ("name_inside_a_longer_name_does_not_count",
     {"a/README.md": "`self.c` and `x.cc` and `x.c2`", "a/elf.c": "", "a/x.c": ""},
     [("a/elf.c", "a/README.md"), ("a/x.c", "a/README.md")]),
    ("name_in_a_path_does_not_count", {"a/README.md": "`b/x.c`", "a/x.c": ""},
     [("a/x.c", "a/README.md")]),
    ("own_readme_wins_over_a_naming_ancestor",
     {"README.md": "`a/x.c`", "a/README.md": "other", "a/x.c": ""},
     [("a/x.c", "a/README.md")]),
    ("ancestor_names_the_relative_path",
     {"README.md": "top", "a/README.md": "`b/c/x.h`", "a/b/c/x.h": ""}, []),
    ("ancestor_by_bare_name_is_not_enough",
     {"README.md": "top", "a/README.md": "`x.h`", "a/b/x.h": ""},
     [("a/b/x.h", "a/README.md")]),
    ("nearest_ancestor_is_used",
     {"README.md": "`a/b/x.py`", "a/README.md": "nothing", "a/b/x.py": ""},
     [("a/b/x.py", "a/README.md")]),
    ("top_level_readme_for_top_level_dirs",
     {"README.md": "`mk/rules.mk`", "mk/rules.mk": "", "mk/config.mk": ""},
     [("mk/config.mk", "README.md")]),
    ("every_source_suffix_is_checked",
     {"README.md": "", "a.S": "", "b.ld": "", "c.h": "", "d.toml": "", "e.sh": ""},
     [(p, "README.md") for p in ("a.S", "b.ld", "c.h", "d.toml", "e.sh")]),
    ("a_script_without_suffix_is_source", {"README.md": "", "tool": "#!/bin/sh\n"},
     [("tool", "README.md")]),
    ("exempt_names_and_non_sources_pass",
     {"README.md": "", "a/module.mk": "", "a/system.toml": "", "a/component.toml": "",
      "a/ping.component.toml": "", "a/notes.txt": "", "a/data": "plain",
      ".ci/run": "#!/bin/sh\n"}, []),
    ("a_toml_merely_ending_in_component_is_not_exempt",
     {"README.md": "", "a/mycomponent.toml": ""}, [("a/mycomponent.toml", "README.md")]),
]


def write_tree(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


class CheckReadmes(unittest.TestCase):
    """One test per entry of CASES (test_<case>), from a file list."""

    def check_case(self, files, want):
        with tempfile.TemporaryDirectory() as root:
            write_tree(root, files)
            got = check_readmes.check(root, sorted(files))
            self.assertEqual(got, ["%s:1:1: error: not named in %s" % w for w in want])

    def test_git_tree_is_checked_and_the_exit_status_says_so(self):
        with tempfile.TemporaryDirectory() as root:
            write_tree(root, {"README.md": "`kept.c`", "kept.c": "", "new.c": "",
                              "build/gen.c": "", ".gitignore": "/build/\n"})
            subprocess.run(["git", "init", "-q", root], check=True)
            subprocess.run(["git", "-C", root, "add", "README.md", "kept.c", ".gitignore"],
                           check=True)
            # new.c is not added yet and still checked; build/ is ignored.
            self.assertEqual(check_readmes.git_files(root),
                             [".gitignore", "README.md", "kept.c", "new.c"])
            p = subprocess.run([sys.executable, check_readmes.__file__, "--root", root],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            self.assertIn("new.c:1:1: error: not named in README.md\n", p.stderr)
            self.assertNotIn("kept.c", p.stderr)
            with open(os.path.join(root, "README.md"), "a") as f:
                f.write(" and `new.c`")
            p = subprocess.run([sys.executable, check_readmes.__file__, "--root", root],
                               capture_output=True, text=True)
            self.assertEqual((p.returncode, p.stderr), (0, ""))


for _name, _files, _want in CASES:
    setattr(CheckReadmes, "test_" + _name,
            lambda self, f=_files, w=_want: self.check_case(f, w))


if __name__ == "__main__":
    unittest.main()
