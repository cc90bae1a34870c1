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
from .compiler import CompileError, Search, compile_file


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


def compile_to(toml_path, output=None, header_dir=None, check_binaries=True, display=None,
               search=None, qemu_args=None):
    """Compiles; on success writes the blob and headers. Returns the System.
    Headers are written for the inline components only: a typed one's
    header comes from its component.toml (compile_component_to)."""
    system = compile_file(toml_path, check_binaries=check_binaries, display=display,
                          search=search)
    outs = AtomicOutputs()
    if output:
        outs.add(output, binfmt.encode(system))
    if qemu_args:
        outs.add(qemu_args, "".join(a + "\n" for a in system.qemu_args).encode())
    if header_dir:
        src = os.path.basename(toml_path)
        for comp in system.components:
            if comp.ctype is None:
                outs.add(os.path.join(header_dir, "%s_caps.h" % comp.name),
                         cheader.component_header(system, comp, src))
    outs.commit()
    return system


def compile_component_to(toml_path, header_dir):
    """component.toml -> HEADER_DIR/<type>_caps.h (no binary needed)."""
    from .component import load_component_toml
    ctype, diags = load_component_toml(toml_path)
    if ctype is None:
        raise CompileError(diags)
    outs = AtomicOutputs()
    outs.add(os.path.join(header_dir, "%s_caps.h" % ctype.name),
             cheader.type_header(ctype, os.path.relpath(toml_path)))
    outs.commit()
    return ctype


def add_search_arguments(ap):
    """--component-dir / --bin-dir: where `type = "NAME"` components are found."""
    ap.add_argument("--component-dir", action="append", default=[], metavar="DIR",
                    help="search DIR (recursively) for component.toml files; repeatable "
                         "(default: the system.toml's directory)")
    ap.add_argument("--bin-dir", metavar="DIR", action="append", default=[],
                    help="component.toml binaries are relative to DIR (default: to the "
                         "component.toml); repeatable: the first DIR holding it wins")


def search_from(args):
    return Search(tuple(args.component_dir), tuple(args.bin_dir) or None)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="systoml-compile",
        description="Validate a system.toml and compile it into a KSYS binary "
                    "system description (docs/system-toml.md).")
    ap.add_argument("toml", help="the system description (system.toml), or with "
                    "--component a component.toml")
    ap.add_argument("--component", action="store_true",
                    help="TOML is a component.toml: write its <type>_caps.h to --header-dir")
    ap.add_argument("-o", "--output", help="write the binary description here")
    ap.add_argument("--header-dir", help="write <component>_caps.h files here")
    ap.add_argument("--qemu-args", metavar="FILE",
                    help="write the QEMU arguments of the [machine] table here, one per line")
    ap.add_argument("--no-binaries", action="store_true",
                    help="do not require the component ELF files to exist yet")
    ap.add_argument("--dump", action="store_true",
                    help="print the compiled description in readable form")
    add_search_arguments(ap)
    args = ap.parse_args(argv)
    if args.component and (args.output or not args.header_dir):
        ap.error("--component writes one header: give --header-dir (and no -o)")
    if args.no_binaries and args.output:
        ap.error("--no-binaries cannot write a description: module sizes and checksums "
                 "come from the binaries (use it with --header-dir or alone)")
    try:
        if args.component:
            compile_component_to(args.toml, args.header_dir)
            return 0
        system = compile_to(args.toml, args.output, args.header_dir,
                            check_binaries=not args.no_binaries, search=search_from(args),
                            qemu_args=args.qemu_args)
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
