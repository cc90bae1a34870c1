# SPDX-License-Identifier: BSD-2-Clause
"""The compiler's data model: what the passes fill in (System, Component,
Channel, caps, regions, boot modules) and its diagnostics (Diagnostic,
CompileError), with the small helpers every pass uses."""
import difflib
import re
from dataclasses import dataclass, field

from . import schema as S

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SIZE_RE = re.compile(r"^\s*([0-9]+)\s*(KiB|MiB|GiB|K|M|G)?\s*$")
UNITS = {None: 1, "K": 1 << 10, "KiB": 1 << 10, "M": 1 << 20, "MiB": 1 << 20,
          "G": 1 << 30, "GiB": 1 << 30}

@dataclass
class Diagnostic:
    file: str
    line: int
    col: int
    message: str
    # (file, line, col, message): where the other half of the problem is,
    # e.g. the component.toml declaration a system.toml wiring contradicts.
    notes: list = field(default_factory=list)

    def __str__(self):
        out = [format_diagnostic(self.file, self.line, self.col, "error", self.message)]
        out += [format_diagnostic(f, ln, col, "note", msg) for f, ln, col, msg in self.notes]
        return "\n".join(out)


def format_diagnostic(file, line, col, severity, message):
    if line:
        return "%s:%d:%d: %s: %s" % (file, line, col, severity, message)
    return "%s: %s: %s" % (file, severity, message)


class CompileError(Exception):
    def __init__(self, diagnostics):
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass
class Cap:
    name: str
    kind: str
    slot: int = 0
    object: int = S.NONE
    rights: int = S.RIGHTS_ALL
    arg0: int = 0
    arg1: int = 0
    comment: str = ""


@dataclass
class Region:
    name: str
    object: int
    vaddr: int
    size: int
    rights: int = S.RIGHT_READ | S.RIGHT_WRITE
    flags: int = 0          # S.REGION_DMA: init reports the physical address


@dataclass
class RingEnd:
    """What a component's code needs to know about one of its ring ends."""
    name: str
    producer: bool
    queue_vaddr: int = 0
    queue_size: int = 0
    data_vaddr: int = 0
    data_size: int = 0
    depth: int = 0
    bit: int = 0            # bit the peer's signal sets in our `events`
    explicit_vaddr: int = None
    vaddr_path: tuple = ()
    objects: tuple = ()     # (queues, data) memory objects
    dma: bool = False       # component.toml `dma = true`: data region physically
                            # contiguous, its physical address in the start record


@dataclass
class BootFile:
    """A read-only file init maps into a component ([[component.file]])."""
    name: str
    path: str               # absolute
    toml_path: tuple
    window: int             # max_size: bytes of address space reserved
    explicit_vaddr: int = None
    vaddr: int = 0
    size: int = 0           # of the file (0 until checked)
    module: int = 0


@dataclass
class Component:
    index: int
    name: str
    path: tuple
    binary: str = ""
    module: int = 0
    priority: int = S.DEFAULT_PRIORITY
    restart: str = "never"
    max_restarts: int = 0
    heap_size: int = S.DEFAULT_HEAP
    stack_size: int = S.DEFAULT_STACK
    devices: list = field(default_factory=list)
    config: list = field(default_factory=list)   # (key, type, value)
    segments: list = field(default_factory=list)
    caps: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    rings: list = field(default_factory=list)
    files: list = field(default_factory=list)   # BootFile, in file order
    badges: list = field(default_factory=list)  # (server end, client component, badge)
    names: dict = field(default_factory=dict)   # namespace: name -> (path, what)
    cnode_bits: int = S.MIN_CNODE_BITS
    heap_vaddr: int = S.HEAP_VADDR
    stack_top: int = S.STACK_TOP
    ipc_buffer: int = S.IPC_BUFFER_VADDR
    dma: int = 0                                 # bytes of DMA region (0: none)
    debug_syscalls: bool = True                  # seL4_Debug* calls (false: withheld)
    windows: list = field(default_factory=list)  # (cap, size, what): BARs, DMA to place
    # The component.toml this instance is of (component.py), or None for an
    # inline component whose ends are implied by the channels (binary = ...).
    ctype: object = None
    wired: dict = field(default_factory=dict)    # typed: end name -> path of its first use


@dataclass
class End:
    component: Component
    name: str
    path: tuple
    vaddr: int = None


@dataclass
class Channel:
    index: int
    name: str
    kind: str
    path: tuple
    ends: tuple = ()          # (server|producer, client|consumer)
    badge: int = 0
    badge_path: tuple = ()
    grant: bool = None        # rpc: the client's cap has Grant; None: as the server end says
    queue_depth: int = 0
    data_size: int = 0
    explicit: frozenset = frozenset()   # the keys the channel table wrote


@dataclass
class Module:
    name: str
    path: str
    size: int
    crc32: int


@dataclass
class System:
    name: str
    source: str
    components: list
    channels: list
    objects: list = field(default_factory=list)   # (kind, name, size)
    modules: list = field(default_factory=list)
    qemu_args: list = field(default_factory=list)  # from [machine] (machine.py)

def closest(word, choices):
    m = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return "; did you mean '%s'?" % m[0] if m else ""


def type_name(v):
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a float"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "a table"
    return "a date/time"


def page_round(n):
    return (n + S.PAGE_SIZE - 1) // S.PAGE_SIZE * S.PAGE_SIZE


@dataclass
class Search:
    """Where `type = "NAME"` components are found: component.toml files under
    component_dirs (default: the system.toml's directory), binaries named in
    them relative to bin_dir (default: the component.toml's directory)."""
    component_dirs: tuple = ()
    bin_dir: str = None
