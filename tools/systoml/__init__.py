# SPDX-License-Identifier: BSD-2-Clause
"""system.toml compiler: validation with file:line:col diagnostics, layout,
the KSYS binary description and per-component C headers.

    from systoml import compile_file, CompileError, binfmt
    system = compile_file("system.toml")      # raises CompileError
    blob = binfmt.encode(system)

See docs/system-toml.md for the schema and the binary format."""
from .compiler import CompileError, Diagnostic, compile_file, compile_text  # noqa: F401
from . import binfmt, cheader, schema  # noqa: F401
