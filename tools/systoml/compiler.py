# SPDX-License-Identifier: BSD-2-Clause
"""system.toml -> validated, laid-out system (a System), with diagnostics.

Three passes over the document tomllib returned:
  1. check every table's keys and value types, collect components, channels,
     devices and named caps (errors carry file:line:col from the locator);
  2. resolve names: channel ends to components, name clashes, badges;
  3. lay out each component: CSpace slots for every granted cap, virtual
     addresses for heap, stack, IPC buffer and shared ring regions (explicit
     `vaddr`s are honoured and checked for overlap).
All errors of a pass are reported; a later pass only runs if the earlier
ones found nothing (they would mostly report consequences).

Nothing here writes files: see cli.py (atomic output) and binfmt.py.
"""
import difflib
import os
import re
import tomllib
import zlib
from dataclasses import dataclass, field

from . import schema as S
from .elfinfo import ElfError, load_segments
from .locator import Locations

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SIZE = re.compile(r"^\s*([0-9]+)\s*(KiB|MiB|GiB|K|M|G)?\s*$")
_UNITS = {None: 1, "K": 1 << 10, "KiB": 1 << 10, "M": 1 << 20, "MiB": 1 << 20,
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
        out = [_format(self.file, self.line, self.col, "error", self.message)]
        out += [_format(f, ln, col, "note", msg) for f, ln, col, msg in self.notes]
        return "\n".join(out)


def _format(file, line, col, severity, message):
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


def _close(word, choices):
    m = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return "; did you mean '%s'?" % m[0] if m else ""


def _type_name(v):
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


def _page_round(n):
    return (n + S.PAGE_SIZE - 1) // S.PAGE_SIZE * S.PAGE_SIZE


class _Checker:
    def __init__(self, display, text):
        self.display = display
        self.locs = Locations(text)
        self.diags = []

    # -- reporting -------------------------------------------------------
    def at(self, pos, msg, notes=()):
        line, col = pos if pos else (0, 0)
        self.diags.append(Diagnostic(self.display, line, col, msg, list(notes)))

    def err_key(self, path, msg, notes=()):
        self.at(self.locs.key(path), msg, notes)

    def err_value(self, path, msg, notes=()):
        self.at(self.locs.value(path), msg, notes)

    def note_value(self, path, msg):
        """A note at path of this file, for another file's error."""
        line, col = self.locs.value(path) or (0, 0)
        return (self.display, line, col, msg)

    def where(self, path):
        pos = self.locs.key(path)
        return "line %d" % pos[0] if pos else "elsewhere"

    # -- typed getters: report and return None on a bad value -----------
    def keys(self, table, allowed, path, what):
        for k in table:
            if k not in allowed:
                self.err_key(path + (k,), "unknown key '%s' in %s%s (expected one of: %s)"
                             % (k, what, _close(k, allowed), ", ".join(sorted(allowed))))

    def require(self, table, key, path, what):
        if key not in table:
            self.err_key(path, "%s has no '%s' (it is required)" % (what, key))
            return False
        return True

    def string(self, table, key, path, what, required=True):
        if key not in table:
            if required:
                self.require(table, key, path, what)
            return None
        v = table[key]
        if not isinstance(v, str):
            self.err_value(path + (key,), "'%s' must be a string, not %s" % (key, _type_name(v)))
            return None
        return v

    def name(self, table, key, path, what, required=True):
        v = self.string(table, key, path, what, required)
        if v is not None and (not _NAME.match(v) or len(v) > S.MAX_NAME):
            self.err_value(path + (key,), "invalid name '%s': expected a lower-case identifier "
                           "([a-z][a-z0-9_]*, at most %d characters)" % (v, S.MAX_NAME))
            return None
        return v

    def integer(self, table, key, path, lo, hi, default):
        if key not in table:
            return default
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, int):
            self.err_value(path + (key,), "'%s' must be an integer in %d..%d, not %s"
                           % (key, lo, hi, _type_name(v)))
            return None
        if not lo <= v <= hi:
            self.err_value(path + (key,), "%s %d is out of range (expected %d..%d)"
                           % (key, v, lo, hi))
            return None
        return v

    def boolean(self, table, key, path, default):
        if key not in table:
            return default
        v = table[key]
        if not isinstance(v, bool):
            self.err_value(path + (key,), "'%s' must be true or false, not %s"
                           % (key, _type_name(v) if not isinstance(v, str) else "'%s'" % v))
            return None
        return v

    def vaddr(self, table, path):
        """An optional page-aligned user address under key "vaddr"; None
        when absent or wrong (the error is recorded)."""
        if "vaddr" not in table:
            return None
        v = self.integer(table, "vaddr", path, 0, S.USER_TOP - 1, None)
        if v is not None and v % S.PAGE_SIZE:
            self.err_value(path + ("vaddr",), "vaddr 0x%x is not page aligned (expected a "
                           "multiple of 0x%x)" % (v, S.PAGE_SIZE))
            return None
        return v

    def size(self, table, key, path, default, power_of_two=False):
        """Byte sizes: an integer or a string like "64KiB"; page multiples."""
        if key not in table:
            return default
        v = table[key]
        if isinstance(v, str) and _SIZE.match(v):
            m = _SIZE.match(v)
            n = int(m.group(1)) * _UNITS[m.group(2)]
        elif isinstance(v, int) and not isinstance(v, bool):
            n = v
        else:
            self.err_value(path + (key,), "'%s' must be a size in bytes (an integer or a "
                           "string like \"64KiB\"), not %s" % (key, _type_name(v)
                                                              if not isinstance(v, str)
                                                              else "'%s'" % v))
            return None
        if n <= 0 or n % S.PAGE_SIZE:
            self.err_value(path + (key,), "%s %d is not a multiple of the page size "
                           "(%d bytes); expected e.g. %d" % (key, n, S.PAGE_SIZE,
                                                            max(_page_round(n), S.PAGE_SIZE)))
            return None
        if n >= 1 << 40:
            self.err_value(path + (key,), "%s %d is too large (limit 1 TiB)" % (key, n))
            return None
        if power_of_two and n & (n - 1):
            self.err_value(path + (key,), "%s %d must be a power of two" % (key, n))
            return None
        return n

    def table(self, parent, key, path, what):
        v = parent.get(key)
        if v is not None and not isinstance(v, dict):
            self.err_value(path + (key,), "'%s' must be a table (%s), not %s"
                           % (key, what, _type_name(v)))
            return None
        return v

    def array_of_tables(self, parent, key, path, header):
        v = parent.get(key, [])
        if not isinstance(v, list) or not all(isinstance(e, dict) for e in v):
            self.err_value(path + (key,), "'%s' must be written as [[%s]] tables"
                           % (key, header))
            return []
        return v

    # -- namespace of one component --------------------------------------
    def claim(self, comp, name, path, what):
        if name in comp.names:
            first_path, first_what = comp.names[name]
            self.err_value(path, "duplicate name '%s' in component '%s': already used by %s "
                           "at %s" % (name, comp.name, first_what, self.where(first_path)))
            return False
        # Device caps are called "serial0.irq": a user name "serial0_irq" would
        # make the same macro in the generated header.
        macro = "".join(ch if ch.isalnum() else "_" for ch in name).upper()
        for other, (other_path, other_what) in comp.names.items():
            if other.replace(".", "_").upper() == macro:
                self.err_value(path, "name '%s' in component '%s' gives the same C name "
                               "KAAL_CAP_%s as %s at %s" % (name, comp.name, macro,
                                                           other_what, self.where(other_path)))
                return False
        comp.names[name] = (path, what)
        return True


@dataclass
class Search:
    """Where `type = "NAME"` components are found: component.toml files under
    component_dirs (default: the system.toml's directory), binaries named in
    them relative to bin_dir (default: the component.toml's directory)."""
    component_dirs: tuple = ()
    bin_dir: str = None


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
    c = _Checker(display, text)
    from . import component as typed
    c.types = typed.TypeIndex(search or Search(), base_dir, check_binaries)
    system = _pass_declarations(c, doc, base_dir, check_binaries)
    from . import machine
    qemu_args = machine.qemu_args(c, doc, base_dir)
    if system is not None:
        system.qemu_args = qemu_args
    if not c.diags:
        typed.check_wiring(c, system)
    if not c.diags:
        _pass_names(c, system)
    if not c.diags:
        _pass_layout(c, system)
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


# ---------------------------------------------------------------------------
def _pass_declarations(c, doc, base_dir, check_binaries):
    from . import component as typed
    c.keys(doc, S.TOP_KEYS, (), "the top level")
    sys_name = None
    debug_default = True
    sys_table = c.table(doc, "system", (), "[system]")
    if sys_table is None and "system" not in doc:
        c.at((1, 1), "no [system] table (expected [system] with name = \"...\")")
    elif sys_table is not None:
        c.keys(sys_table, S.SYSTEM_KEYS, ("system",), "[system]")
        sys_name = c.string(sys_table, "name", ("system",), "[system]")
        c.string(sys_table, "description", ("system",), "[system]", required=False)
        # The default for every component; a component's own key wins.
        debug_default = c.boolean(sys_table, "debug_syscalls", ("system",), True)

    components, by_name = [], {}
    comp_tables = c.array_of_tables(doc, "component", (), "component")
    if not comp_tables and "component" not in doc:
        c.at((1, 1), "no [[component]] table: a system needs at least one component")
    c.types.wanted = any("type" in t for t in comp_tables)
    for i, t in enumerate(comp_tables):
        path = ("component", i)
        what = "[[component]] #%d" % (i + 1)
        ctype = None
        if "type" in t:
            ctype = c.types.lookup(c, t, path)
            allowed = S.INSTANCE_KEYS
        else:
            allowed = S.COMPONENT_KEYS
        for k in t:
            if k not in allowed and k in S.COMPONENT_KEYS and "type" in t:
                c.err_key(path + (k,), "'%s' of a typed component is declared by its "
                          "component.toml%s, not in system.toml" % (
                              k, " (%s)" % ctype.display if ctype else ""))
        c.keys({k: v for k, v in t.items() if k not in S.COMPONENT_KEYS}, allowed, path,
               "[[component]]")
        name = c.name(t, "name", path, what)
        comp = Component(i, name or "#%d" % (i + 1), path)
        comp.ctype = ctype
        if ctype is not None:
            comp.priority, comp.heap_size, comp.stack_size = ctype.defaults
        if name is not None:
            if name in by_name:
                c.err_value(path + ("name",), "duplicate component name '%s' (first defined "
                            "at %s)" % (name, c.where(by_name[name].path + ("name",))))
            else:
                by_name[name] = comp
        comp.priority = c.integer(t, "priority", path, 0, 255, comp.priority)
        comp.debug_syscalls = c.boolean(t, "debug_syscalls", path, debug_default is not False)
        comp.heap_size = c.size(t, "heap_size", path, comp.heap_size)
        comp.stack_size = c.size(t, "stack_size", path, comp.stack_size)
        restart = c.string(t, "restart", path, what, required=False) or "never"
        if restart not in S.RESTART:
            c.err_value(path + ("restart",), "unknown restart policy '%s' (expected one of: %s)"
                        % (restart, ", ".join('"%s"' % r for r in S.RESTART)))
        comp.restart = restart
        comp.max_restarts = c.integer(t, "max_restarts", path, 0, 65535,
                                      0 if restart == "never" else S.DEFAULT_MAX_RESTARTS)
        if restart == "never" and t.get("max_restarts"):
            c.err_value(path + ("max_restarts",), "max_restarts given but restart is "
                        "\"never\" (set restart = \"always\" or \"on-failure\")")
        if "type" in t:
            _check_config(c, t, path, comp)
            if ctype is not None:
                typed.instantiate(c, t, path, comp, base_dir, check_binaries)
        else:
            _check_binary(c, t, path, what, comp, base_dir, check_binaries)
            _check_devices(c, t, path, comp)
            _check_dma(c, t, path, comp)
            _check_config(c, t, path, comp)
            _check_named_caps(c, t, path, comp)
            _check_files(c, t, path, comp, base_dir, check_binaries)
        components.append(comp)

    channels = []
    for i, t in enumerate(c.array_of_tables(doc, "channel", (), "channel")):
        ch = _check_channel(c, t, ("channel", i), i, by_name)
        if ch:
            channels.append(ch)
    if sys_table is not None and "console" in sys_table:
        _console_channels(c, sys_table, components, by_name, channels)
    return System(sys_name or "", "", components, channels)


def _console_channels(c, sys_table, components, by_name, channels):
    """`[system] console = "NAME"`: one rpc channel per component to the
    console's endpoint, appended after the written channels (so they do not
    move the slots of those). Left out: the console itself and its drivers,
    the components that feed it over a ring (their output would have to pass
    through themselves); they print through the kernel."""
    path = ("system", "console")
    name = c.name(sys_table, "console", ("system",), "[system]")
    if name is None:
        return
    console = by_name.get(name)
    if console is None:
        c.err_value(path, "unknown console component '%s'%s (components: %s)"
                    % (name, _close(name, by_name), ", ".join(sorted(by_name)) or "none"))
        return
    drivers = {ch.ends[0].component.name for ch in channels
               if ch.kind == "ring" and ch.ends[1].component is console}
    n = 0
    for comp in components:
        if comp is console or comp.name in drivers:
            continue
        n += 1
        ch = Channel(len(channels), "console.%s" % comp.name, "rpc", path,
                     ends=(End(console, S.CONSOLE_SERVER_END, path),
                           End(comp, S.CONSOLE_CLIENT_END, path)),
                     badge=S.CONSOLE_BADGE_CLIENT | n, badge_path=path)
        channels.append(ch)


def _check_binary(c, t, path, what, comp, base_dir, check_binaries):
    binary = c.string(t, "binary", path, what)
    if binary is None:
        return
    full = os.path.normpath(os.path.join(base_dir, binary))
    comp.binary = full
    owner = c.types.owner_of_binary(full)
    if owner is not None:
        c.err_value(path + ("binary",), "binary '%s' is the ELF of component type '%s', built "
                    "for the slots and addresses its component.toml declares: write type = "
                    "\"%s\" instead of binary" % (binary, owner.name, owner.name),
                    [(owner.display, owner.name_pos[0], owner.name_pos[1],
                      "component type '%s' is declared here" % owner.name)])
        return
    if not check_binaries:
        return
    if not os.path.isfile(full):
        c.err_value(path + ("binary",), "binary '%s' of component '%s' not found (looked for "
                    "%s; build it first)" % (binary, comp.name, full))
        return
    with open(full, "rb") as f:
        data = f.read()
    try:
        comp.segments = load_segments(data)
    except ElfError as e:
        c.err_value(path + ("binary",), "binary '%s' is not a usable component: %s "
                    "(expected a static x86_64 ELF executable)" % (binary, e))


def _check_devices(c, t, path, comp):
    devs = t.get("devices", [])
    if not isinstance(devs, list):
        c.err_value(path + ("devices",), "'devices' must be an array of device names, not %s"
                    % _type_name(devs))
        return
    seen = {}
    for j, d in enumerate(devs):
        p = path + ("devices", j)
        if not isinstance(d, str):
            c.err_value(p, "device names are strings, not %s" % _type_name(d))
        elif d not in S.DEVICES:
            c.err_value(p, "unknown device '%s'%s (known devices: %s)"
                        % (d, _close(d, S.DEVICES), ", ".join(sorted(S.DEVICES))))
        elif d in seen:
            c.err_value(p, "device '%s' granted twice (first at column %d)"
                        % (d, c.locs.value(seen[d])[1]))
        else:
            seen[d] = p
            comp.devices.append((d, p))


def _check_dma(c, t, path, comp):
    """`dma = "64KiB"`: a DMA region for the component's PCI device(s)."""
    if "dma" not in t:
        return
    size = c.size(t, "dma", path, 0)
    if size is None:
        return
    if size > S.MAX_DMA:
        c.err_value(path + ("dma",), "dma %d is too large (limit %d MiB: it is one physically "
                    "contiguous block)" % (size, S.MAX_DMA >> 20))
        return
    if not any("pci" in S.DEVICES[d] for d, _p in comp.devices):
        pci = sorted(d for d in S.DEVICES if "pci" in S.DEVICES[d])
        c.err_key(path + ("dma",), "dma given but component '%s' is granted no PCI device "
                  "(DMA is for a device: add one to devices, e.g. \"%s\")" % (comp.name, pci[0]))
        return
    comp.dma = size


def _check_config(c, t, path, comp):
    cfg = c.table(t, "config", path, "[component.config] key = value pairs")
    for key, v in (cfg or {}).items():
        p = path + ("config", key)
        if not _NAME.match(key):
            c.err_key(p, "invalid config key '%s': expected a lower-case identifier" % key)
        elif isinstance(v, bool):
            comp.config.append((key, "bool", int(v)))
        elif isinstance(v, int):
            if not -(1 << 63) <= v < (1 << 64):
                c.err_value(p, "config value %d does not fit in 64 bits" % v)
            comp.config.append((key, "int", v))
        elif isinstance(v, str):
            if "\0" in v:
                c.err_value(p, "config string may not contain NUL")
            comp.config.append((key, "string", v))
        else:
            c.err_value(p, "config value '%s' must be an integer, string or boolean, not %s"
                        % (key, _type_name(v)))


def _check_named_caps(c, t, path, comp):
    for j, ct in enumerate(c.array_of_tables(t, "cap", path, "component.cap")):
        p = path + ("cap", j)
        c.keys(ct, S.CAP_KEYS, p, "[[component.cap]]")
        name = c.name(ct, "name", p, "[[component.cap]]")
        kind = c.string(ct, "kind", p, "[[component.cap]]")
        if kind is not None and kind not in S.NAMED_CAP_KINDS:
            c.err_value(p + ("kind",), "unknown cap kind '%s' (expected one of: %s)"
                        % (kind, ", ".join(S.NAMED_CAP_KINDS)))
            kind = None
        size = 0
        if kind == "untyped":
            if c.require(ct, "size", p, "an untyped cap"):
                size = c.size(ct, "size", p, 0, power_of_two=True)
        elif "size" in ct and kind is not None:
            c.err_key(p + ("size",), "'size' only applies to kind = \"untyped\"")
        if name and kind and size is not None:
            comp.caps.append((Cap(name, kind, arg0=size, comment="named %s cap" % kind),
                              p + ("name",)))


def _check_files(c, t, path, comp, base_dir, check_binaries):
    """[[component.file]]: name, path (relative to the toml), optional vaddr
    and max_size. The file itself is only needed when binaries are."""
    seen = {}
    total = 0
    for j, ft in enumerate(c.array_of_tables(t, "file", path, "component.file")):
        p = path + ("file", j)
        c.keys(ft, S.FILE_KEYS, p, "[[component.file]]")
        name = c.name(ft, "name", p, "[[component.file]]")
        rel = c.string(ft, "path", p, "[[component.file]]")
        window = c.size(ft, "max_size", p, S.DEFAULT_FILE_WINDOW)
        vaddr = c.vaddr(ft, p)
        if name is not None:
            if name in seen:
                c.err_value(p + ("name",), "duplicate file name '%s' in component '%s' (first "
                            "at %s)" % (name, comp.name, c.where(seen[name])))
                continue
            seen[name] = p + ("name",)
        if j == S.MAX_FILES:
            c.err_key(p, "component '%s' has more than %d files" % (comp.name, S.MAX_FILES))
        if window is not None:
            total += window
            if total > S.MAX_FILE_WINDOWS:
                c.err_value(p + ("max_size",) if "max_size" in ft else p + ("name",),
                            "the files of component '%s' need %d KiB of windows; at most %d "
                            "KiB (lower max_size)" % (comp.name, total >> 10,
                                                      S.MAX_FILE_WINDOWS >> 10))
        if name is None or rel is None or window is None:
            continue
        full = os.path.normpath(os.path.join(base_dir, rel))
        f = BootFile(name, full, p, window, explicit_vaddr=vaddr)
        if check_binaries:
            if not os.path.isfile(full):
                c.err_value(p + ("path",), "file '%s' of component '%s' not found (looked for "
                            "%s; build it first)" % (rel, comp.name, full))
                continue
            f.size = os.path.getsize(full)
            if f.size == 0:
                c.err_value(p + ("path",), "file '%s' is empty (a boot file needs at least one "
                            "byte)" % rel)
                continue
            if f.size > window:
                c.err_value(p + ("path",), "file '%s' has %d bytes, more than its max_size %d "
                            "(raise max_size)" % (rel, f.size, window))
                continue
        comp.files.append(f)


def _check_channel(c, t, path, index, by_name):
    what = "[[channel]] #%d" % (index + 1)
    kind = c.string(t, "kind", path, what)
    if kind is None:
        return None
    if kind not in S.CHANNEL_KIND:
        c.err_value(path + ("kind",), "unknown channel kind '%s' (expected \"rpc\" or \"ring\")"
                    % kind)
        return None
    article = "an" if kind == "rpc" else "a"
    c.keys(t, S.CHANNEL_KEYS[kind], path, "%s %s [[channel]]" % (article, kind))
    name = c.name(t, "name", path, what, required=False)
    ch = Channel(index, name or "", kind, path, explicit=frozenset(t))
    ends = []
    for side in S.CHANNEL_SIDES[kind]:
        if not c.require(t, side, path, "%s %s channel" % (article, kind)):
            continue
        et = t[side]
        ep = path + (side,)
        if not isinstance(et, dict):
            c.err_value(ep, "'%s' must be a table like { component = \"name\", end = \"name\" }"
                        ", not %s" % (side, _type_name(et)))
            continue
        c.keys(et, S.END_KEYS[kind], ep, "the %s end" % side)
        comp_name = c.string(et, "component", ep, "the %s end" % side)
        end_name = c.name(et, "end", ep, "the %s end" % side)
        vaddr = c.vaddr(et, ep)
        if comp_name is None or end_name is None:
            continue
        comp = by_name.get(comp_name)
        if comp is None:
            c.err_value(ep + ("component",), "unknown component '%s' in channel%s (components: "
                        "%s)" % (comp_name, _close(comp_name, by_name),
                                 ", ".join(sorted(by_name)) or "none"))
            continue
        ends.append(End(comp, end_name, ep, vaddr))
    if kind == "rpc":
        ch.badge = c.integer(t, "badge", path, 1, (1 << 63) - 1, 0)
        ch.badge_path = path + ("badge",)
        ch.grant = c.boolean(t, "grant", path, None)
    else:
        ch.queue_depth = c.integer(t, "queue_depth", path, 2, 65536, S.DEFAULT_QUEUE_DEPTH)
        if ch.queue_depth and ch.queue_depth & (ch.queue_depth - 1):
            c.err_value(path + ("queue_depth",), "queue_depth %d must be a power of two"
                        % ch.queue_depth)
        ch.data_size = c.size(t, "data_size", path, S.DEFAULT_DATA_SIZE)
    if len(ends) != 2:
        return None
    if ends[0].component is ends[1].component:
        c.err_value(ends[1].path + ("component",), "channel connects component '%s' to itself "
                    "(both ends are in the same component; expected two different components)"
                    % ends[0].component.name)
        return None
    ch.ends = tuple(ends)
    if not ch.name:
        ch.name = "%s.%s-%s.%s" % (ends[0].component.name, ends[0].name,
                                   ends[1].component.name, ends[1].name)
    return ch


# ---------------------------------------------------------------------------
def _pass_names(c, system):
    """Each component has one namespace for channel ends, device caps and
    named caps; the compiler adds `events` (its notification) when needed."""
    chan_names = {}
    for ch in system.channels:
        p = ch.path + ("name",)
        if ch.name in chan_names:
            c.err_value(p, "duplicate channel name '%s' (first at %s)"
                        % (ch.name, c.where(chan_names[ch.name])))
        chan_names.setdefault(ch.name, p)
    # Claims are made in source order, so a clash is reported at the later
    # of the two names. RPC clients of one server end share its endpoint, so
    # repeating a server end name in rpc channels is not a clash.
    claims = []   # (component, name, path, what, shared)
    for ch in system.channels:
        for side, end in zip(S.CHANNEL_SIDES[ch.kind], ch.ends):
            if end.component.ctype is not None:
                continue   # a declared end: checked by component.check_wiring
            shared = ch.kind == "rpc" and side == "server"
            claims.append((end.component, end.name, end.path + ("end",),
                           "the %s end of channel '%s'" % (side, ch.name), shared))
    for comp in system.components:
        if comp.ctype is not None:
            continue       # one namespace, checked in its component.toml
        for d, p in comp.devices:
            for res in ("ioport", "irq"):
                if res in S.DEVICES[d]:
                    claims.append((comp, "%s.%s" % (d, res), p, "device '%s'" % d, False))
            if "pci" in S.DEVICES[d]:
                for res in ["bar%d" % b for b in sorted(S.DEVICES[d]["bars"])] + ["irq"]:
                    claims.append((comp, "%s.%s" % (d, res), p, "device '%s'" % d, False))
        if comp.dma:
            claims.append((comp, "dma", comp.path + ("dma",), "the DMA region", False))
        for cap, p in comp.caps:
            claims.append((comp, cap.name, p, "cap '%s'" % cap.name, False))
    claims.sort(key=lambda cl: c.locs.value(cl[2]) or (0, 0))
    # A device has one owner: init's broker refuses a second PCI claim, and
    # the kernel a second issue of the same I/O ports or IRQ, at boot.
    owner = {}
    for comp in system.components:
        for d, p in comp.devices:
            notes = []
            if comp.ctype is not None:
                notes = [comp.ctype.note(p, "component type '%s' declares device '%s' here"
                                         % (comp.ctype.name, d))]
                p = comp.path + ("type",)
            if d not in owner:
                owner[d] = (comp.name, p)
                continue
            first, first_path = owner[d]
            if "pci" in S.DEVICES[d]:
                c.err_value(p, "PCI device '%s' is already granted to component '%s' (at %s); "
                            "a device has one driver" % (d, first, c.where(first_path)), notes)
            else:
                c.err_value(p, "device '%s' is already granted to component '%s' (at %s); its "
                            "I/O ports and IRQ can have one owner (init would not start the "
                            "second)" % (d, first, c.where(first_path)), notes)
    rpc_servers = set()
    for comp, name, path, what, shared in claims:
        if shared and (comp.name, name) in rpc_servers:
            continue
        if c.claim(comp, name, path, what) and shared:
            rpc_servers.add((comp.name, name))
    for comp in system.components:
        if any(ch.kind == "ring" and comp in (e.component for e in ch.ends)
               for ch in system.channels) and "events" in comp.names:
            path, what = comp.names["events"]
            c.err_value(path, "name 'events' is reserved in component '%s' (it has ring "
                        "channels, whose notification is called 'events'); rename %s"
                        % (comp.name, what))
    # Badges: unique per server endpoint; missing ones are numbered from 1.
    used = {}
    for ch in system.channels:
        if ch.kind == "rpc" and ch.badge:
            key = (ch.ends[0].component.name, ch.ends[0].name)
            if ch.badge in used.setdefault(key, {}):
                c.err_value(ch.badge_path, "badge %d is already used on endpoint '%s' of "
                            "component '%s' (by channel '%s'); badges must differ per client"
                            % (ch.badge, key[1], key[0], used[key][ch.badge]))
            used[key][ch.badge] = ch.name
    for ch in system.channels:
        if ch.kind == "rpc" and not ch.badge:
            key = (ch.ends[0].component.name, ch.ends[0].name)
            taken = used.setdefault(key, {})
            ch.badge = next(b for b in range(1, len(taken) + 2) if b not in taken)
            taken[ch.badge] = ch.name
    # A server end that binds a notification (component.toml
    # `bound_notification`): its clients' badges carry RPC_BADGE_CLIENT.
    for ch in system.channels:
        decl = _server_end_decl(ch)
        if decl is None or not (decl.bound_notification or decl.signals):
            continue
        if ch.badge & S.RPC_BADGE_CLIENT:
            c.err_value(ch.badge_path, "badge %d of channel '%s' has bit 62 set; the server end "
                        "'%s' of component '%s' binds a notification, so its clients' badges "
                        "must be below 2^62 (the compiler adds bit 62)"
                        % (ch.badge, ch.name, ch.ends[0].name, ch.ends[0].component.name))
            continue
        ch.badge |= S.RPC_BADGE_CLIENT


def _server_end_decl(ch):
    """The component.toml declaration of an rpc channel's server end, or None."""
    if ch.kind != "rpc" or not ch.ends:
        return None
    server = ch.ends[0]
    if server.component.ctype is None:
        return None
    return server.component.ctype.ends.get(server.name)


def channel_grants(ch):
    """Whether an rpc channel's client cap has the Grant right: the channel's
    `grant`, else the server end's component.toml `grant`, else no."""
    if ch.grant is not None:
        return ch.grant
    decl = _server_end_decl(ch)
    return bool(decl is not None and decl.grant)


# ---------------------------------------------------------------------------
def _pass_layout(c, system):
    objects = system.objects

    def new_object(kind, name, size=0):
        objects.append((kind, name, size))
        return len(objects) - 1

    # Boot modules: one per distinct file (binaries in component order,
    # then the boot files), with the size and CRC-32 init checks.
    mods = {}

    def module_for(path):
        key = os.path.realpath(path)
        if key not in mods:
            size, crc = 0, 0
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
                size, crc = len(data), zlib.crc32(data)
            mods[key] = len(system.modules)
            system.modules.append(Module(os.path.basename(path), path, size, crc))
        return mods[key]

    for comp in system.components:
        comp.module = module_for(comp.binary)
    for comp in system.components:
        for f in comp.files:
            f.module = module_for(f.path)

    granted = {comp.name: [] for comp in system.components}   # caps in slot order
    # A component with ring ends gets one notification; each ring end owns a bit.
    events = {}
    for ch in system.channels:
        if ch.kind != "ring":
            continue
        for end in ch.ends:
            comp = end.component
            if comp.name not in events:
                events[comp.name] = new_object("notification", "%s.events" % comp.name)
                granted[comp.name].append(Cap("events", "notification",
                                              object=events[comp.name],
                                              rights=S.RIGHT_READ | S.RIGHT_WRITE,
                                              comment="wait here for ring signals"))
    endpoints = {}
    for ch in system.channels:
        a, b = ch.ends
        if ch.kind == "rpc":
            key = (a.component.name, a.name)
            if key not in endpoints:
                endpoints[key] = new_object("endpoint", "%s.%s" % key)
                granted[a.component.name].append(
                    Cap(a.name, "endpoint", object=endpoints[key], rights=S.RIGHTS_ALL,
                        comment="rpc server endpoint: seL4_Recv / seL4_ReplyRecv here"))
            granted[b.component.name].append(
                Cap(b.name, "endpoint", object=endpoints[key], arg0=ch.badge,
                    rights=S.RIGHT_WRITE | S.RIGHT_GRANT_REPLY
                    | (S.RIGHT_GRANT if channel_grants(ch) else 0),
                    comment="rpc client of %s.%s: seL4_Call here (badge %d)"
                    % (a.component.name, a.name, ch.badge)))
            a.component.badges.append((a.name, b.component.name, b.name, ch.badge))
        else:
            one = S.QUEUE_HEADER_BYTES + ch.queue_depth * S.QUEUE_ENTRY_BYTES
            one = (one + S.QUEUE_ALIGN_BYTES - 1) // S.QUEUE_ALIGN_BYTES * S.QUEUE_ALIGN_BYTES
            qsize = _page_round(2 * one)
            qobj = new_object("memory", "%s.queues" % ch.name, qsize)
            # A device reaches the buffers if either end says `dma = true`.
            dma_ends = {e.name for e in (a, b) if e.component.ctype is not None and
                        e.component.ctype.ring(e.name).dma}
            if dma_ends and ch.data_size > S.MAX_DMA:
                c.err_value(ch.path, "ring '%s' has a DMA data region of %d bytes (end 'dma = "
                            "true'); the limit is %d MiB of physically contiguous RAM"
                            % (ch.name, ch.data_size, S.MAX_DMA >> 20))
            dobj = new_object("dma-memory" if dma_ends else "memory", "%s.data" % ch.name,
                              ch.data_size)
            for end, peer in ((a, b), (b, a)):
                comp = end.component
                bit = len(comp.rings)
                dma = False
                if comp.ctype is not None:
                    # Bit and addresses as the component was built (component.toml).
                    decl = comp.ctype.ring(end.name)
                    bit, end.vaddr, dma = decl.bit, decl.queue_vaddr, decl.dma
                if bit >= S.MAX_RING_ENDS:
                    c.err_value(end.path, "component '%s' has more than %d ring ends (one "
                                "notification bit each)" % (comp.name, S.MAX_RING_ENDS))
                    continue
                ring = RingEnd(end.name, end is a, queue_size=qsize, data_size=ch.data_size,
                               depth=ch.queue_depth, bit=bit, explicit_vaddr=end.vaddr,
                               vaddr_path=end.path + ("vaddr",))
                ring.objects = (qobj, dobj)
                ring.dma = dma
                comp.rings.append(ring)
            # Signal caps are added once both ends know their bits.
            for end, peer in ((a, b), (b, a)):
                peer_ring = next((r for r in peer.component.rings if r.name == peer.name), None)
                if peer_ring is None:
                    continue
                granted[end.component.name].append(
                    Cap(end.name, "notification", object=events[peer.component.name],
                        arg0=1 << peer_ring.bit, rights=S.RIGHT_WRITE,
                        comment="seL4_Signal here to wake %s (ring %s)"
                        % (peer.component.name, ch.name)))

    for comp in system.components:
        if comp.ctype is not None:
            granted[comp.name] += comp.ctype.device_caps()
        else:
            granted[comp.name] += device_caps(comp)
        for cap, _p in comp.caps:
            okind = cap.kind
            cap.object = new_object(okind, "%s.%s" % (comp.name, cap.name), cap.arg0)
            granted[comp.name].append(cap)
        comp.caps = granted[comp.name]
        if comp.ctype is not None:
            comp.ctype.place(comp)
            continue
        for slot, cap in enumerate(comp.caps, S.FIRST_GRANTED_SLOT):
            cap.slot = slot
        need = S.FIRST_GRANTED_SLOT + len(comp.caps) + S.SPARE_SLOTS
        comp.cnode_bits = max(S.MIN_CNODE_BITS, (need - 1).bit_length())
        _layout_vspace(c, comp)


def device_caps(comp):
    """The caps of comp's devices and DMA region, in grant order; memory
    BARs and the DMA region also go on comp.windows (placed by the layout)."""
    caps = []
    for d, _p in comp.devices:
        dev = S.DEVICES[d]
        if "ioport" in dev:
            caps.append(Cap(d + ".ioport", "ioport", arg0=dev["ioport"][0],
                                          arg1=dev["ioport"][1], comment="I/O ports of %s"
                                          % d))
        if "irq" in dev:
            caps.append(Cap(d + ".irq", "irq", arg0=dev["irq"],
                                          comment="IRQ handler of %s" % d))
        if "pci" in dev:
            vendor, device = dev["pci"]
            pci_id = (vendor << 16) | device
            for bar, (kind, size) in sorted(dev["bars"].items()):
                name = "%s.bar%d" % (d, bar)
                if kind == "mmio":
                    cap = Cap(name, "pci_mmio", arg0=pci_id | bar << 32 |
                              (size.bit_length() - 1) << 40,
                              comment="first frame of %s BAR%d (memory, mapped uncached)"
                              % (d, bar))
                    comp.windows.append((cap, size, "%s BAR%d" % (d, bar)))
                else:
                    cap = Cap(name, "pci_ioport", arg0=pci_id | bar << 32, arg1=size,
                              comment="I/O ports of %s BAR%d (first port: start record)"
                              % (d, bar))
                caps.append(cap)
            caps.append(Cap(d + ".irq", "pci_irq", arg0=pci_id,
                                          comment="IRQ handler of %s (INTx via the IOAPIC)"
                                          % d))
    if comp.dma:
        cap = Cap("dma", "dma", arg0=comp.dma,
                  comment="first frame of the DMA region (paddr: start record)")
        comp.windows.append((cap, comp.dma, "the DMA region"))
        caps.append(cap)
    return caps


def _layout_vspace(c, comp):
    """Places heap, stack, IPC buffer and ring regions; explicit vaddrs are
    checked against everything else, the rest go first-fit from the window."""
    used = []   # (start, end, what)

    def overlap(start, end):
        for s, e, what in used:
            if start < e and s < end:
                return what
        return None

    # The program image is checked last and never moves other regions, so
    # everything in the generated header is a function of the toml alone
    # (headers are generated before the binaries are linked).
    image = [(s, s + size, "the program image (ELF segment 0x%x)" % s)
             for s, size in comp.segments]
    fixed = [(comp.heap_vaddr, comp.heap_vaddr + comp.heap_size, "the heap", ("heap_size",)),
             (comp.stack_top - comp.stack_size - S.PAGE_SIZE, comp.stack_top,
              "the stack and its guard page", ("stack_size",)),
             (comp.ipc_buffer, comp.ipc_buffer + S.PAGE_SIZE, "the IPC buffer", ("name",))]
    for start, end, what, key in fixed:
        other = overlap(start, end)
        if other:
            c.err_value(comp.path + key, "%s of component '%s' (0x%x..0x%x) overlaps %s"
                        % (what, comp.name, start, end, other))
        used.append((start, end, what))
    for ring in comp.rings:
        if ring.explicit_vaddr is None:
            continue
        start = ring.explicit_vaddr
        end = start + ring.queue_size + ring.data_size
        other = overlap(start, end)
        if end > S.USER_TOP:
            c.err_value(ring.vaddr_path, "ring '%s' at 0x%x..0x%x reaches past the user "
                        "address space (0x%x)" % (ring.name, start, end, S.USER_TOP))
        elif other:
            c.err_value(ring.vaddr_path, "overlapping addresses: ring '%s' of component '%s' "
                        "at 0x%x..0x%x overlaps %s" % (ring.name, comp.name, start, end, other))
        used.append((start, end, "ring '%s' (0x%x..0x%x)" % (ring.name, start, end)))
        ring.queue_vaddr = start
    for f in comp.files:
        if f.explicit_vaddr is None:
            continue
        start, end = f.explicit_vaddr, f.explicit_vaddr + f.window
        other = overlap(start, end)
        vpath = f.toml_path + ("vaddr",)
        if end > S.USER_TOP:
            c.err_value(vpath, "file '%s' at 0x%x..0x%x reaches past the user address space "
                        "(0x%x)" % (f.name, start, end, S.USER_TOP))
        elif other:
            c.err_value(vpath, "overlapping addresses: file '%s' of component '%s' at "
                        "0x%x..0x%x overlaps %s" % (f.name, comp.name, start, end, other))
        used.append((start, end, "file '%s' (0x%x..0x%x)" % (f.name, start, end)))
        f.vaddr = start
    cursor = S.REGION_WINDOW
    for ring in comp.rings:
        if ring.explicit_vaddr is not None:
            continue
        size = ring.queue_size + ring.data_size
        while overlap(cursor, cursor + size + S.PAGE_SIZE):
            cursor = max(e for s, e, _w in used if cursor < e and s < cursor + size +
                         S.PAGE_SIZE) + S.PAGE_SIZE
        ring.queue_vaddr = cursor
        used.append((cursor, cursor + size, "ring '%s'" % ring.name))
        cursor += size + S.PAGE_SIZE   # unmapped guard page between regions
    for f in comp.files:
        if f.explicit_vaddr is not None:
            continue
        while overlap(cursor, cursor + f.window + S.PAGE_SIZE):
            cursor = max(e for s, e, _w in used if cursor < e and s < cursor + f.window +
                         S.PAGE_SIZE) + S.PAGE_SIZE
        f.vaddr = cursor
        used.append((cursor, cursor + f.window, "file '%s'" % f.name))
        cursor += f.window + S.PAGE_SIZE
    for cap, size, what in comp.windows:
        while overlap(cursor, cursor + size + S.PAGE_SIZE):
            cursor = max(e for s, e, _w in used if cursor < e and s < cursor + size +
                         S.PAGE_SIZE) + S.PAGE_SIZE
        cap.arg1 = cursor
        used.append((cursor, cursor + size, what))
        for s, e, iwhat in image:
            if cursor < e and s < cursor + size:
                c.err_value(comp.path + ("binary",), "overlapping addresses: %s of component "
                            "'%s' at 0x%x..0x%x overlaps %s" % (what, comp.name, cursor,
                                                               cursor + size, iwhat))
        cursor += size + S.PAGE_SIZE
    for f in comp.files:
        for s, e, what in image:
            if f.vaddr < e and s < f.vaddr + f.window:
                key = "vaddr" if f.explicit_vaddr is not None else "name"
                c.err_value(f.toml_path + (key,),
                            "overlapping addresses: file '%s' of component '%s' at 0x%x..0x%x "
                            "overlaps %s" % (f.name, comp.name, f.vaddr, f.vaddr + f.window,
                                             what))
    for ring in comp.rings:
        for s, e, what in image:
            end = ring.queue_vaddr + ring.queue_size + ring.data_size
            if ring.queue_vaddr < e and s < end:
                c.err_value(ring.vaddr_path if ring.explicit_vaddr is not None else comp.path +
                            ("binary",), "overlapping addresses: ring '%s' of component '%s' "
                            "at 0x%x..0x%x overlaps %s%s" % (
                                ring.name, comp.name, ring.queue_vaddr, end, what,
                                "" if ring.explicit_vaddr is not None else
                                " (give the ring end an explicit vaddr)"))
    for s, e, what in image:
        for start, end, other in used[:3]:
            if start < e and s < end:
                c.err_value(comp.path + ("binary",), "overlapping addresses: %s of component "
                            "'%s' overlaps %s (0x%x..0x%x)" % (what, comp.name, other,
                                                              start, end))
    for ring in comp.rings:
        ring.data_vaddr = ring.queue_vaddr + ring.queue_size
        comp.regions.append(Region(ring.name + ".queues", ring.objects[0], ring.queue_vaddr,
                                   ring.queue_size))
        comp.regions.append(Region(ring.name + ".data", ring.objects[1], ring.data_vaddr,
                                   ring.data_size, flags=S.REGION_DMA if ring.dma else 0))
