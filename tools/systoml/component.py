# SPDX-License-Identifier: BSD-2-Clause
"""component.toml: what one component needs, independent of any system.

A component.toml sits next to a component's code and declares its binary
and its ends (rpc server/client, ring producer/consumer, with sizes), the
devices, DMA region, named caps and boot-file windows it needs. Its slot
numbers and addresses are a function of this file alone (slots in
declaration order, rings placed first-fit), so the one ELF built against
the generated <NAME_caps.h> serves every system that uses it. A system.toml
instance (`[[component]] type = "NAME"`) then only wires named ends; this
module checks the wiring against the declaration, with errors at the
system.toml position and notes at the component.toml one.

Slot order (from 16): `events` (if the component declares a ring end),
every [[end]] in order, device caps in `devices` order, `dma`, every
[[cap]] in order, then `console` (the client end of the console channel,
for every component; empty when the system has no console).
"""
import dataclasses
import difflib
import os
import re
import tomllib

from . import schema as S
from .checker import Checker
from .declarations import check_devices, check_dma, check_named_caps, sized_boot_file
from .layout import device_caps, layout_vspace
from .model import BootFile, Cap, Component, Diagnostic, Region, RingEnd, Search, page_round
from .elfinfo import ElfError, load_segments


@dataclasses.dataclass
class EndDecl:
    name: str
    type: str               # key of S.END_TYPES
    path: tuple             # ("end", j) in the component.toml
    optional: bool = False
    queue_depth: int = 0    # rings
    data_size: int = 0
    vaddr: int = None       # rings: explicit, else placed first-fit
    grant: bool = False     # rpc_server: clients' caps get Grant (cap transfer)
    bound_notification: bool = False  # rpc_server: client badges carry RPC_BADGE_CLIENT
    dma: bool = False       # rings: a device reaches the data region (contiguous RAM)
    pairs_with: tuple = None  # rings: (rpc_server end, badge) whose client is the peer

    @property
    def kind(self):
        return S.END_TYPES[self.type][0]

    @property
    def side(self):
        return S.END_TYPES[self.type][1]

    def describe(self):
        return "%s %s end" % (self.kind, self.side)


CONSOLE_END = EndDecl(S.CONSOLE_CLIENT_END, "rpc_client", ("component",), optional=True)


class ComponentType:
    """A checked, laid-out component.toml."""

    def __init__(self, path, display, checker):
        self.path = path
        self.display = display
        self.checker = checker            # positions in the component.toml
        self.name = ""
        self.binary = ""
        self.defaults = (S.DEFAULT_PRIORITY, S.DEFAULT_HEAP, S.DEFAULT_STACK)
        self.ends = {}                    # name -> EndDecl, in declaration order
        self.layout = None                # a model.Component holding every declared cap
        self.slots = {}                   # cap name -> slot
        self.files = {}                   # name -> model.BootFile (window, vaddr)
        self.name_pos = (0, 0)
        self.named = []                   # (Cap, path): [[cap]] entries

    def note(self, path, msg):
        return self.checker.note_value(path, msg)

    def ring(self, name):
        return next(r for r in self.layout.rings if r.name == name)

    def device_caps(self):
        return [dataclasses.replace(cap) for cap in self.layout.caps
                if cap.kind in ("ioport", "irq", "pci_mmio", "pci_ioport", "pci_irq", "dma")]

    def ranges(self):
        """Address ranges fixed by the declaration: rings, file windows, BARs, DMA."""
        out = [(r.queue_vaddr, r.queue_vaddr + r.queue_size + r.data_size, "ring '%s'" % r.name)
               for r in self.layout.rings]
        out += [(f.vaddr, f.vaddr + f.window, "file '%s'" % f.name) for f in self.files.values()]
        out += [(cap.arg1, cap.arg1 + size, what) for cap, size, what in self.layout.windows]
        return out

    def place(self, comp):
        """Puts an instance's granted caps in the declared slots and maps its
        wired rings at the declared addresses."""
        for cap in comp.caps:
            cap.slot = self.slots[cap.name]
        comp.caps.sort(key=lambda cap: cap.slot)
        comp.cnode_bits = self.layout.cnode_bits
        for ring in comp.rings:
            ring.queue_vaddr = ring.explicit_vaddr
            ring.data_vaddr = ring.queue_vaddr + ring.queue_size
            comp.regions.append(Region(ring.name + ".queues", ring.objects[0],
                                         ring.queue_vaddr, ring.queue_size))
            comp.regions.append(Region(ring.name + ".data", ring.objects[1], ring.data_vaddr,
                                         ring.data_size,
                                         flags=S.REGION_DMA if ring.dma else 0))


class TypeIndex:
    """The component.toml files a system may name, found under the search
    directories; each is loaded (checked and laid out) once, when used."""

    def __init__(self, search, base_dir, check_binaries):
        self.search = search
        self.base_dir = base_dir
        self.check_binaries = check_binaries
        self.diags = []           # errors inside component.toml files
        self.wanted = False       # the system names a type: search the default dir too
        self._index = None        # type name -> [(path, binary)]
        self._loaded = {}

    def _dirs(self):
        return [os.path.abspath(d) for d in self.search.component_dirs] or [self.base_dir]

    def _scan(self):
        if self._index is not None:
            return self._index
        self._index = {}
        for top in self._dirs():
            for d, subdirs, files in os.walk(top):
                subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
                for fname in sorted(files):
                    if fname == "component.toml" or fname.endswith(".component.toml"):
                        self._add(os.path.join(d, fname))
        return self._index

    def _add(self, path):
        try:
            with open(path, "rb") as f:
                table = tomllib.load(f).get("component", {})
        except (OSError, tomllib.TOMLDecodeError):
            table = {}
        name, binary = table.get("name"), table.get("binary")
        if isinstance(name, str):
            full = _binary_path(self.search, path, binary) if isinstance(binary, str) else None
            self._index.setdefault(name, []).append((path, full))

    def owner_of_binary(self, full):
        """The type whose binary is `full`, when the system uses component types
        or a search path was given; else None."""
        if not (self.search.component_dirs or self.wanted):
            return None
        real = os.path.realpath(full)
        for name, entries in sorted(self._scan().items()):
            for path, binary in entries:
                if binary and os.path.realpath(binary) == real:
                    ctype = self.load(path)
                    return ctype
        return None

    def lookup(self, c, t, path):
        name = c.name(t, "type", path, "[[component]]")
        if name is None:
            return None
        entries = self._scan().get(name, [])
        if not entries:
            known = sorted(self._scan())
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            c.err_value(path + ("type",), "unknown component type '%s'%s (no component.toml "
                        "under %s declares it; known types: %s)"
                        % (name, "; did you mean '%s'?" % close[0] if close else "",
                           ", ".join(_display(d) for d in self._dirs()),
                           ", ".join(known) or "none"))
            return None
        if len(entries) > 1:
            c.err_value(path + ("type",), "component type '%s' is declared by more than one "
                        "component.toml: %s" % (name, ", ".join(_display(p) for p, _b in entries)))
            return None
        ctype = self.load(entries[0][0])
        if ctype is None:
            c.err_value(path + ("type",), "component type '%s' cannot be used: its "
                        "component.toml has errors (below)" % name)
        return ctype

    def load(self, path):
        if path not in self._loaded:
            ctype, diags = load_component_toml(path, self.search, _display(path))
            self._loaded[path] = ctype
            self.diags += diags
        return self._loaded[path]


def _display(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _binary_path(search, toml_path, binary):
    """bin_dir is one directory or a search list (a project's own binaries,
    then an SDK's): the first that holds the binary, else the first."""
    dirs = search.bin_dir
    if not dirs:
        dirs = [os.path.dirname(os.path.abspath(toml_path))]
    elif isinstance(dirs, str):
        dirs = [dirs]
    paths = [os.path.normpath(os.path.join(d, binary)) for d in dirs]
    return next((p for p in paths if os.path.exists(p)), paths[0])


def load_component_toml(path, search=None, display=None):
    """Returns (ComponentType or None, diagnostics) for one component.toml."""
    search = search or Search()
    display = display or path
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return None, [Diagnostic(display, 0, 0, "cannot read component.toml: %s" % e)]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)$", msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        msg = msg[:m.start()].rstrip() if m else msg
        return None, [Diagnostic(display, line, col, "TOML syntax: %s" % msg)]
    ck = Checker(display, text)
    ctype = ComponentType(os.path.abspath(path), display, ck)
    _declare(ck, doc, ctype, search)
    if ck.diags:
        ck.diags.sort(key=lambda d: (d.line, d.col))
        return None, ck.diags
    return ctype, []


def _declare(ck, doc, ctype, search):
    ck.keys(doc, S.CTYPE_TOP_KEYS, (), "the top level of a component.toml")
    top = ck.table(doc, "component", (), "[component]")
    if top is None:
        ck.at((1, 1), "no [component] table (expected [component] with name = \"...\" and "
              "binary = \"....elf\")")
        return
    p = ("component",)
    ck.keys(top, S.CTYPE_KEYS, p, "[component]")
    ctype.name = ck.name(top, "name", p, "[component]") or ""
    ctype.name_pos = ck.locs.value(p + ("name",)) or (0, 0)
    binary = ck.string(top, "binary", p, "[component]")
    ck.string(top, "description", p, "[component]", required=False)
    if binary is not None:
        ctype.binary = _binary_path(search, ctype.path, binary)
    priority = ck.integer(top, "priority", p, 0, 255, S.DEFAULT_PRIORITY)
    heap = ck.size(top, "heap_size", p, S.DEFAULT_HEAP)
    stack = ck.size(top, "stack_size", p, S.DEFAULT_STACK)
    ctype.defaults = (priority, heap, stack)
    cnode_bits = ck.integer(top, "cnode_size_bits", p, S.MIN_CNODE_BITS, S.MAX_CNODE_BITS, None)

    tpl = Component(0, ctype.name, p)
    tpl.heap_size, tpl.stack_size = heap or S.DEFAULT_HEAP, stack or S.DEFAULT_STACK
    ctype.layout = tpl
    check_devices(ck, top, p, tpl)
    check_dma(ck, top, p, tpl)
    check_named_caps(ck, doc, (), tpl)

    ends = []
    for j, et in enumerate(ck.array_of_tables(doc, "end", (), "end")):
        ep = ("end", j)
        etype = ck.string(et, "type", ep, "[[end]]")
        if etype is not None and etype not in S.END_TYPES:
            ck.err_value(ep + ("type",), "unknown end type '%s' (expected one of: %s)"
                         % (etype, ", ".join(S.END_TYPES)))
            etype = None
        ck.keys(et, S.END_TYPE_KEYS[etype] if etype else
                set().union(*S.END_TYPE_KEYS.values()), ep, "an [[end]]")
        name = ck.name(et, "name", ep, "[[end]]")
        optional = ck.boolean(et, "optional", ep, False)
        if name is None or etype is None:
            continue
        end = EndDecl(name, etype, ep, optional=bool(optional))
        if etype == "rpc_server":
            end.grant = bool(ck.boolean(et, "grant", ep, False))
            end.bound_notification = bool(ck.boolean(et, "bound_notification", ep, False))
        if end.kind == "ring":
            end.queue_depth = ck.integer(et, "queue_depth", ep, 2, 65536, S.DEFAULT_QUEUE_DEPTH)
            if end.queue_depth and end.queue_depth & (end.queue_depth - 1):
                ck.err_value(ep + ("queue_depth",), "queue_depth %d must be a power of two"
                             % end.queue_depth)
            end.data_size = ck.size(et, "data_size", ep, S.DEFAULT_DATA_SIZE)
            end.vaddr = ck.vaddr(et, ep)
            end.dma = bool(ck.boolean(et, "dma", ep, False))
            pw = ck.table(et, "pairs_with", ep, "pairs_with = { end = ..., badge = ... }")
            if pw is not None:
                pp = ep + ("pairs_with",)
                ck.keys(pw, S.PAIRS_WITH_KEYS, pp, "pairs_with")
                server_end = ck.name(pw, "end", pp, "pairs_with")
                badge = ck.integer(pw, "badge", pp, 1, S.RPC_BADGE_CLIENT - 1, None)
                if badge is None:
                    ck.require(pw, "badge", pp, "pairs_with")
                elif server_end is not None:
                    end.pairs_with = (server_end, badge)
            if end.dma and end.data_size and end.data_size > S.MAX_DMA:
                ck.err_value(ep + ("data_size",), "data_size %d of a dma ring end is too large "
                             "(limit %d MiB: physically contiguous RAM)"
                             % (end.data_size, S.MAX_DMA >> 20))
        if name == S.CONSOLE_CLIENT_END and etype != "rpc_client":
            ck.err_value(ep + ("name",), "end 'console' must be of type \"rpc_client\": it is "
                         "the client end of the system's console channel")
            continue
        ends.append(end)

    files = []
    for j, ft in enumerate(ck.array_of_tables(doc, "file", (), "file")):
        fp = ("file", j)
        ck.keys(ft, S.CTYPE_FILE_KEYS, fp, "a [[file]]")
        name = ck.name(ft, "name", fp, "[[file]]")
        window = ck.size(ft, "max_size", fp, S.DEFAULT_FILE_WINDOW)
        vaddr = ck.vaddr(ft, fp)
        if name is None or window is None:
            continue
        if name in ctype.files:
            ck.err_value(fp + ("name",), "duplicate file name '%s' (first at %s)"
                         % (name, ck.where(ctype.files[name].toml_path + ("name",))))
            continue
        if len(files) == S.MAX_FILES:
            ck.err_key(fp, "component '%s' has more than %d files" % (ctype.name, S.MAX_FILES))
        f = BootFile(name, "", fp, window, explicit_vaddr=vaddr)
        ctype.files[name] = f
        files.append(f)
    if sum(f.window for f in files) > S.MAX_FILE_WINDOWS:
        ck.err_value(files[-1].toml_path + ("max_size",), "the files of component '%s' need "
                     "more than %d KiB of windows (lower max_size)"
                     % (ctype.name, S.MAX_FILE_WINDOWS >> 10))
    if ck.diags:
        return

    # One namespace: ends, device caps, DMA, named caps (and the implicit ones).
    rings = [e for e in ends if e.kind == "ring"]
    if len(rings) > S.MAX_RING_ENDS:
        ck.err_value(rings[S.MAX_RING_ENDS].path + ("name",), "more than %d ring ends (one "
                     "notification bit each)" % S.MAX_RING_ENDS)
    if rings:
        tpl.names["events"] = (("component",), "the ring notification 'events'")
    for end in ends:
        if end.name == "events" and rings:
            ck.err_value(end.path + ("name",), "name 'events' is reserved (the notification "
                         "of a component with ring ends)")
            continue
        ck.claim(tpl, end.name, end.path + ("name",), "end '%s'" % end.name)
    for d, dp in tpl.devices:
        dev = S.DEVICES[d]
        res = [r for r in ("ioport", "irq") if r in dev]
        if "pci" in dev:
            res = ["bar%d" % b for b in sorted(dev["bars"])] + ["irq"]
        for r in res:
            ck.claim(tpl, "%s.%s" % (d, r), dp, "device '%s'" % d)
    if tpl.dma:
        ck.claim(tpl, "dma", p + ("dma",), "the DMA region")
    for cap, cp in tpl.caps:
        ck.claim(tpl, cap.name, cp, "cap '%s'" % cap.name)
    if S.CONSOLE_CLIENT_END not in {e.name for e in ends}:
        if S.CONSOLE_CLIENT_END in tpl.names:
            cpath, what = tpl.names[S.CONSOLE_CLIENT_END]
            ck.err_value(cpath, "name 'console' is reserved for the console channel's client "
                         "end; rename %s" % what)
        ends.append(CONSOLE_END)
    if ck.diags:
        return
    ctype.ends = {e.name: e for e in ends}

    # Slots, in the documented order, with the kind of cap each will hold.
    caps = []
    if rings:
        caps.append(Cap("events", "notification", comment="wait here for ring signals"))
    for end in ends:
        if end.type == "rpc_server":
            caps.append(Cap(end.name, "endpoint", comment="rpc server endpoint: seL4_Recv / "
                              "seL4_ReplyRecv here"))
        elif end.type == "rpc_client":
            caps.append(Cap(end.name, "endpoint", comment="rpc client end: seL4_Call here%s"
                              % (" (optional: empty if not wired)" if end.optional else "")))
        else:
            caps.append(Cap(end.name, "notification", comment="seL4_Signal here to wake the "
                              "peer of ring %s" % end.name))
    caps += device_caps(tpl)
    ctype.named = list(tpl.caps)
    caps += [cap for cap, _cp in tpl.caps]
    # The console end goes last (after the named caps), as in the list above.
    if ends[-1] is CONSOLE_END:
        console = next(cap for cap in caps if cap.name == S.CONSOLE_CLIENT_END)
        caps.remove(console)
        caps.append(console)
    for slot, cap in enumerate(caps, S.FIRST_GRANTED_SLOT):
        cap.slot = slot
        ctype.slots[cap.name] = slot
    tpl.caps = caps
    need = S.FIRST_GRANTED_SLOT + len(caps) + S.SPARE_SLOTS
    tpl.cnode_bits = max(S.MIN_CNODE_BITS, (need - 1).bit_length())
    if cnode_bits is not None:
        if cnode_bits < tpl.cnode_bits:
            ck.err_value(p + ("cnode_size_bits",), "cnode_size_bits %d gives %d slots; the "
                         "granted caps and spare slots need %d (at least %d bits)"
                         % (cnode_bits, 1 << cnode_bits, need, tpl.cnode_bits))
        tpl.cnode_bits = max(tpl.cnode_bits, cnode_bits)

    # Address space: every declared ring and file window, and the BARs/DMA.
    for bit, end in enumerate(rings):
        one = S.QUEUE_HEADER_BYTES + end.queue_depth * S.QUEUE_ENTRY_BYTES
        one = (one + S.QUEUE_ALIGN_BYTES - 1) // S.QUEUE_ALIGN_BYTES * S.QUEUE_ALIGN_BYTES
        ring = RingEnd(end.name, end.side == "producer", queue_size=page_round(2 * one),
                         data_size=end.data_size, depth=end.queue_depth, bit=bit,
                         explicit_vaddr=end.vaddr, vaddr_path=end.path + ("vaddr",),
                         objects=(0, 0), dma=end.dma)
        tpl.rings.append(ring)
    tpl.files = files
    layout_vspace(ck, tpl)
    tpl.regions = []
    for ring in tpl.rings:
        ring.explicit_vaddr = ring.queue_vaddr


# ---------------------------------------------------------------------------
def instantiate(c, t, path, comp, base_dir, check_binaries):
    """A system.toml [[component]] with `type`: binary, devices, caps and
    windows from the component.toml; boot files and settings from t."""
    ctype = comp.ctype
    comp.binary = ctype.binary
    comp.devices = list(ctype.layout.devices)
    comp.dma = ctype.layout.dma
    comp.caps = [(dataclasses.replace(cap), cp) for cap, cp in ctype.named]
    tpath = path + ("type",)
    bnote = [ctype.note(("component", "binary"), "the binary of component type '%s'"
                        % ctype.name)]
    if check_binaries:
        if not os.path.isfile(comp.binary):
            c.err_value(tpath, "binary of component type '%s' not found (looked for %s; build "
                        "it first)" % (ctype.name, comp.binary), bnote)
        else:
            with open(comp.binary, "rb") as f:
                data = f.read()
            try:
                comp.segments = load_segments(data)
            except ElfError as e:
                c.err_value(tpath, "binary %s of component type '%s' is not a usable "
                            "component: %s" % (comp.binary, ctype.name, e), bnote)
    # What the instance may change must stay clear of the declared layout.
    fixed = ctype.ranges()
    mine = [(S.HEAP_VADDR, S.HEAP_VADDR + (comp.heap_size or 0), "the heap", ("heap_size",)),
            (S.STACK_TOP - (comp.stack_size or 0) - S.PAGE_SIZE, S.STACK_TOP,
             "the stack and its guard page", ("stack_size",))]
    mine += [(s, s + size, "the program image (ELF segment 0x%x)" % s, ("type",))
             for s, size in comp.segments]
    for start, end, what, key in mine:
        for s, e, other in fixed:
            if start < e and s < end:
                c.err_value(path + key, "%s of component '%s' (0x%x..0x%x) overlaps %s at "
                            "0x%x..0x%x, placed by its component.toml" % (
                                what, comp.name, start, end, other, s, e),
                            [ctype.note(("component", "name"), "component type '%s' is "
                                        "declared here" % ctype.name)])
                break
    seen = {}
    for j, ft in enumerate(c.array_of_tables(t, "file", path, "component.file")):
        fp = path + ("file", j)
        c.keys(ft, S.INSTANCE_FILE_KEYS, fp, "[[component.file]] of a typed component "
               "(max_size and vaddr are in its component.toml)")
        name = c.name(ft, "name", fp, "[[component.file]]")
        rel = c.string(ft, "path", fp, "[[component.file]]")
        if name is None or rel is None:
            continue
        decl = ctype.files.get(name)
        if decl is None:
            c.err_value(fp + ("name",), "component type '%s' declares no file '%s' (its "
                        "files: %s)" % (ctype.name, name, ", ".join(ctype.files) or "none"))
            continue
        if name in seen:
            c.err_value(fp + ("name",), "file '%s' given twice (first at %s)"
                        % (name, c.where(seen[name])))
            continue
        seen[name] = fp + ("name",)
        f = BootFile(name, os.path.normpath(os.path.join(base_dir, rel)), fp, decl.window,
                     explicit_vaddr=decl.vaddr, vaddr=decl.vaddr)
        if not check_binaries or sized_boot_file(
                c, fp, comp, rel, f, "the max_size %d its component.toml gives" % decl.window,
                [ctype.note(decl.toml_path + ("name",), "file '%s' is declared here" % name)]):
            comp.files.append(f)


def check_wiring(c, system):
    """Each end a channel names on a typed component must be declared there
    with the matching type (and, for rings, sizes); a client, producer or
    consumer end is wired once; a required end is wired."""
    for ch in system.channels:
        sides = S.CHANNEL_SIDES[ch.kind]
        typed = []
        for side, end in zip(sides, ch.ends):
            comp = end.component
            ctype = comp.ctype
            if ctype is None:
                continue
            epath = end.path + ("end",)
            decl = ctype.ends.get(end.name)
            if decl is None:
                names = [e for e in ctype.ends if e != S.CONSOLE_CLIENT_END]
                close = difflib.get_close_matches(end.name, names, n=1, cutoff=0.6)
                c.err_value(epath, "component '%s' (type '%s') has no end '%s'%s (its ends: "
                            "%s)" % (comp.name, ctype.name, end.name,
                                     "; did you mean '%s'?" % close[0] if close else "",
                                     ", ".join(names) or "none"),
                            [ctype.note(("component", "name"), "component type '%s' is "
                                        "declared here" % ctype.name)])
                continue
            if decl.kind != ch.kind or decl.side != side:
                c.err_value(epath, "end '%s' of component '%s' is declared as %s, but this "
                            "%s channel uses it as its %s end" % (
                                end.name, comp.name, _article(decl.describe()), ch.kind, side),
                            [ctype.note(decl.path + ("type",), "end '%s' is declared here"
                                        % end.name)])
                continue
            if end.vaddr is not None:
                c.err_value(end.path + ("vaddr",), "the address of ring end '%s' is fixed by "
                            "the component.toml of '%s' (its ELF is built for it); remove "
                            "vaddr here" % (end.name, ctype.name),
                            [ctype.note(decl.path + ("name",), "end '%s' is declared here"
                                        % end.name)])
            if decl.type != "rpc_server":
                if end.name in comp.wired:
                    c.err_value(epath, "end '%s' of component '%s' is already wired (at %s); a "
                                "%s end takes one channel" % (end.name, comp.name,
                                                             c.where(comp.wired[end.name]), side))
                    continue
            comp.wired.setdefault(end.name, epath)
            typed.append((end, decl))
        if ch.kind == "ring" and typed:
            for key in ("queue_depth", "data_size"):
                values = {getattr(d, key) for _e, d in typed}
                if key in ch.explicit:
                    for end, decl in typed:
                        if getattr(decl, key) != getattr(ch, key):
                            c.err_value(ch.path + (key,), "%s %d does not match the %d that "
                                        "end '%s' of component '%s' is built for" % (
                                            key, getattr(ch, key), getattr(decl, key),
                                            end.name, end.component.name),
                                        [end.component.ctype.note(decl.path + ("name",),
                                                                  "end '%s' is declared here"
                                                                  % end.name)])
                            break
                elif len(values) > 1:
                    c.err_value(ch.path + ("kind",), "ring ends disagree on %s: %s" % (
                        key, ", ".join("'%s.%s' is built for %d" % (e.component.name, e.name,
                                                                     getattr(d, key))
                                       for e, d in typed)),
                                [e.component.ctype.note(d.path + ("name",), "end '%s' is "
                                                        "declared here" % e.name)
                                 for e, d in typed])
                else:
                    setattr(ch, key, values.pop())
    if c.diags:
        return      # an end that failed above would also look unwired
    for comp in system.components:
        ctype = comp.ctype
        if ctype is None:
            continue
        for decl in ctype.ends.values():
            if decl.optional or decl.name in comp.wired:
                continue
            c.err_value(comp.path + ("type",), "end '%s' (%s) of component '%s' is not wired: "
                        "add a [[channel]] with { component = \"%s\", end = \"%s\" } (or make "
                        "the end optional in its component.toml)" % (
                            decl.name, _article(decl.describe()), comp.name, comp.name,
                            decl.name),
                        [ctype.note(decl.path + ("name",), "end '%s' is declared here"
                                    % decl.name)])


def check_pairs(c, system):
    """A ring end declared `pairs_with = { end = E, badge = N }` is wired to
    the component that calls end E at badge N (run once badges are known)."""
    clients = {}    # (server component, end, badge) -> client component
    for ch in system.channels:
        if ch.kind == "rpc":
            server, client = ch.ends
            clients[(server.component.name, server.name, ch.badge)] = client.component
    for ch in system.channels:
        if ch.kind != "ring":
            continue
        for end, peer in (ch.ends, ch.ends[::-1]):
            ctype = end.component.ctype
            decl = ctype.ends.get(end.name) if ctype is not None else None
            if decl is None or decl.pairs_with is None:
                continue
            server_end, badge = decl.pairs_with
            want = clients.get((end.component.name, server_end, badge))
            if want is peer.component:
                continue
            c.err_value(end.path + ("component",), "ring end '%s' of component '%s' belongs "
                        "to the client at badge %d of its end '%s', which is %s; this "
                        "channel gives it to '%s'" % (
                            end.name, end.component.name, badge, server_end,
                            "'%s'" % want.name if want else "nobody", peer.component.name),
                        [ctype.note(decl.path + ("pairs_with",), "end '%s' is declared "
                                    "here" % end.name)])


def _article(what):
    return ("an " if what[0] in "aeiou" or what.startswith("rpc") else "a ") + what
