# SPDX-License-Identifier: BSD-2-Clause
"""system.toml -> validated, laid-out system (a System), with diagnostics.

Passes over the document tomllib returned:
  1. check every table's keys and value types, collect components, channels,
     devices and named caps (errors carry file:line:col from the locator);
  2. resolve names: channel ends to components, name clashes, badges;
  3. the boot modules (binaries and boot files, with their sizes and CRCs);
  4. lay out each component: CSpace slots for every granted cap, virtual
     addresses for heap, stack, IPC buffer and shared ring regions (explicit
     `vaddr`s are honoured and checked for overlap).
(component.toml types and their wiring checks are component.py's, the
[machine] table machine.py's.)
All errors of a pass are reported; a later pass only runs if the earlier
ones found nothing (they would mostly report consequences).

Nothing here writes files: see cli.py (atomic output) and binfmt.py.

The passes live in their own modules: declarations.py, names.py,
modules.py (boot modules), layout.py; model.py holds what they fill in,
checker.py the diagnostics they report through.
"""
import os
import re
import tomllib

from . import component as typed
from . import machine
from .checker import Checker
from .declarations import pass_declarations
from .layout import pass_layout
from .model import CompileError, Diagnostic, Search  # noqa: F401  (the package's API)
from .modules import pass_modules
from .names import pass_names


def compile_text(text, display, base_dir, check_binaries=True, search=None):
    """Returns a System or raises CompileError listing every problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)$", msg)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
            msg = msg[:m.start()].rstrip()
        else:
            m = re.search(r"\(at end of document\)$", msg)
            line = text.count("\n") + 1
            col = len(text) - (text.rfind("\n") + 1) + 1
            msg = msg[:m.start()].rstrip() if m else msg
        raise CompileError([Diagnostic(display, line, col,
                                       "TOML syntax: %s" % (msg[0].lower() + msg[1:]))])
    c = Checker(display, text)
    c.types = typed.TypeIndex(search or Search(), base_dir, check_binaries)
    system = pass_declarations(c, doc, base_dir, check_binaries)
    qemu_args = machine.qemu_args(c, doc, base_dir)
    if system is not None:
        system.qemu_args = qemu_args
    if not c.diags:
        typed.check_wiring(c, system)
    if not c.diags:
        pass_names(c, system)
    if not c.diags:
        typed.check_pairs(c, system)
    if not c.diags:
        pass_modules(system)
        pass_layout(c, system)
    diags = c.diags + c.types.diags
    if diags:
        # This file's errors first, in source order, then each component.toml's.
        diags.sort(key=lambda d: (d.file != display, d.file, d.line, d.col))
        raise CompileError(diags)
    return system


def compile_file(path, check_binaries=True, display=None, search=None):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CompileError([Diagnostic(display or path, 0, 0,
                                       "not UTF-8 text (byte %d)" % e.start)])
    return compile_text(text, display or path, os.path.dirname(os.path.abspath(path)),
                        check_binaries, search)
