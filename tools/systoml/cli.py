# SPDX-License-Identifier: BSD-2-Clause
"""Command line of tools/systoml-compile, and the atomic output writer the
other tools (sel4-compose, mkimage) share: outputs are written to temporary
files next to their destination and renamed only when all of them are
complete, so a failed run never leaves a half-written description."""
import argparse
import os
import sys
import tempfile

from . import binfmt, cheader
from .compiler import CompileError, compile_file


class AtomicOutputs:
    """Collects (path, bytes) and commits them all, or none."""

    def __init__(self):
        self.pending = []

    def add(self, path, data):
        self.pending.append((path, data if isinstance(data, bytes) else data.encode()))

    def commit(self):
        temps = []
        try:
            for path, data in self.pending:
                d = os.path.dirname(os.path.abspath(path))
                os.makedirs(d, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=d)
                temps.append((tmp, path))
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.chmod(tmp, 0o644)
            for tmp, path in temps:
                os.replace(tmp, path)
            temps = []
        finally:
            for tmp, _ in temps:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass


def compile_to(toml_path, output=None, header_dir=None, check_binaries=True, display=None):
    """Compiles; on success writes the blob and headers. Returns the System."""
    system = compile_file(toml_path, check_binaries=check_binaries, display=display)
    outs = AtomicOutputs()
    if output:
        outs.add(output, binfmt.encode(system))
    if header_dir:
        src = os.path.basename(toml_path)
        for comp in system.components:
            outs.add(os.path.join(header_dir, "%s_caps.h" % comp.name),
                     cheader.component_header(system, comp, src))
    outs.commit()
    return system


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="systoml-compile",
        description="Validate a system.toml and compile it into a KSYS binary "
                    "system description (docs/system-toml.md).")
    ap.add_argument("toml", help="the system description (system.toml)")
    ap.add_argument("-o", "--output", help="write the binary description here")
    ap.add_argument("--header-dir", help="write <component>_caps.h files here")
    ap.add_argument("--no-binaries", action="store_true",
                    help="do not require the component ELF files to exist yet")
    ap.add_argument("--dump", action="store_true",
                    help="print the compiled description in readable form")
    args = ap.parse_args(argv)
    if args.no_binaries and args.output:
        ap.error("--no-binaries cannot write a description: module sizes and checksums "
                 "come from the binaries (use it with --header-dir or alone)")
    try:
        system = compile_to(args.toml, args.output, args.header_dir,
                            check_binaries=not args.no_binaries)
    except CompileError as e:
        for d in e.diagnostics:
            print(d, file=sys.stderr)
        n = len(e.diagnostics)
        print("%s: %d error%s, nothing written" % (args.toml, n, "" if n == 1 else "s"),
              file=sys.stderr)
        return 1
    except OSError as e:
        print("%s: error: %s" % (args.toml, e), file=sys.stderr)
        return 1
    if args.dump:
        import pprint
        pprint.pprint(binfmt.decode(binfmt.encode(system)), sort_dicts=False, width=100)
    return 0
