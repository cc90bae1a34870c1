#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks that every source file is named in a README.md: the map of the tree
a newcomer reads must list every file in it.

Rule. A source file must be named in the README.md of its own directory, by
its file name; if its directory has no README.md, in the README.md of the
nearest ancestor directory that has one, by its path relative to that
README's directory (`arch/syscalls.h` in include/sel4/README.md names
include/sel4/arch/syscalls.h). A name counts only
as a whole word: `elf.c` does not name `self.c` or `foo/elf.c`.

Source files are the files `git ls-files` lists (tracked, plus untracked ones
that are not ignored, so a new file is checked before it is added) that end
in .c .h .S .py .ld .sh .awk .mk or .toml, or start with `#!` (the
executable scripts in tools/ have no suffix). Build glue and system
descriptions (.mk, .toml) are code a reader must find too: mk/rules.mk,
kernel/arch/x86_64/arch.mk and tests/system/systems/vfs.toml each have a role
of their own. Three names are exempt because the name is the role and the
build finds them by it: `module.mk` (a directory's build rules, read by the
top-level Makefile), `system.toml` (the system a directory builds) and
`component.toml` (a component's declaration; `NAME.component.toml` where a
directory holds several components); tests/README.md says so once. Hidden
paths (`.ci/`, `.gitignore`) are configuration of outside tools, not part of
the map.

Errors go to stderr as `path:line:col: error: message`; the exit status is 1
when there is any.

Usage: tools/check_readmes.py [--root DIR] [FILE...]
  (no FILE: every file `git ls-files` lists under DIR, default the repo root)
"""
import argparse
import os
import re
import subprocess
import sys

SOURCE_SUFFIXES = (".c", ".h", ".S", ".py", ".ld", ".sh", ".awk", ".mk", ".toml")
EXEMPT_NAMES = {"module.mk", "system.toml", "component.toml"}
README = "README.md"
# Characters that may belong to a file name or path: a name must not be
# preceded or followed by one of them to count.
NAME_CHARS = r"A-Za-z0-9_.+/-"


def git_files(root):
    """Tracked files plus untracked, not-ignored ones, relative to root."""
    out = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others",
                          "--exclude-standard", "-z"],
                         capture_output=True, check=True).stdout
    names = sorted(set(p for p in out.decode().split("\0") if p))
    return [p for p in names if os.path.isfile(os.path.join(root, p))]


def is_source(root, path):
    name = os.path.basename(path)
    if (name in EXEMPT_NAMES or name.endswith(".component.toml")
            or any(part.startswith(".") for part in path.split("/"))):
        return False
    if name.endswith(SOURCE_SUFFIXES):
        return True
    if "." in name:
        return False
    try:
        with open(os.path.join(root, path), "rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def names(text, name):
    """Whether text names `name` as a whole word (a sentence may end right
    after it: "see elf.c." names elf.c)."""
    c = NAME_CHARS
    pattern = r"(?<![%s])%s(?=$|[^%s]|\.(?:$|[^%s]))" % (c, re.escape(name), c, c)
    return re.search(pattern, text) is not None


def governing_readme(readmes, directory):
    """The directory whose README.md must name files of `directory`: itself
    or its nearest ancestor with a README.md (None if there is none)."""
    d = directory
    while True:
        if (os.path.join(d, README) if d else README) in readmes:
            return d
        if not d:
            return None
        d = os.path.dirname(d)


def check(root, files):
    """Returns the errors for files (paths relative to root), in order."""
    readmes = set(p for p in files if os.path.basename(p) == README)
    readmes |= set(p for p in _readmes_on_disk(root, files))
    texts = {}
    errors = []
    for path in files:
        if not is_source(root, path):
            continue
        directory = os.path.dirname(path)
        home = governing_readme(readmes, directory)
        if home is None:
            errors.append("%s:1:1: error: no README.md in its directory or any parent" % path)
            continue
        readme = os.path.join(home, README) if home else README
        if readme not in texts:
            with open(os.path.join(root, readme), encoding="utf-8", errors="replace") as f:
                texts[readme] = f.read()
        rel = os.path.relpath(path, home) if home else path
        if not names(texts[readme], rel):
            errors.append("%s:1:1: error: not named in %s" % (path, readme))
    return errors


def _readmes_on_disk(root, files):
    """README.md files in the directories of `files` that exist on disk, so a
    file list given on the command line is checked against the real tree."""
    dirs = set()
    for p in files:
        d = os.path.dirname(p)
        while True:
            dirs.add(d)
            if not d:
                break
            d = os.path.dirname(d)
    for d in dirs:
        r = os.path.join(d, README) if d else README
        if os.path.isfile(os.path.join(root, r)):
            yield r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)
    files = args.files or git_files(args.root)
    errors = check(args.root, files)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print("%d source file(s) not named in a README.md" % len(errors), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
