# SPDX-License-Identifier: BSD-2-Clause
"""Pass 3, layout: the kernel objects of the system, and for each component
the caps it is granted in slot order (ring notifications and signals, RPC
endpoints with badges, devices, named caps) and its address space (heap,
stack, IPC buffer, ring regions, device windows, boot files; explicit
`vaddr`s honoured and checked for overlap). Works on the System alone:
it reads no file (what it needs of the binaries, their PT_LOAD ranges,
pass 1 put on each Component)."""
from . import schema as S
from .model import Cap, Region, RingEnd, page_round
from .names import channel_grants


def pass_layout(c, system):
    objects = system.objects

    def new_object(kind, name, size=0):
        objects.append((kind, name, size))
        return len(objects) - 1

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
            qsize = page_round(2 * one)
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
        layout_vspace(c, comp)


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


def layout_vspace(c, comp):
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
