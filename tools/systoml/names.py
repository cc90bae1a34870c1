# SPDX-License-Identifier: BSD-2-Clause
"""Pass 2, names: channel ends resolved to components, name clashes,
badges, and what each channel grants."""
from . import schema as S


def pass_names(c, system):
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
        decl = server_end_decl(ch)
        if decl is None or not decl.bound_notification:
            continue
        if ch.badge & S.RPC_BADGE_CLIENT:
            c.err_value(ch.badge_path, "badge %d of channel '%s' has bit 62 set; the server end "
                        "'%s' of component '%s' binds a notification, so its clients' badges "
                        "must be below 2^62 (the compiler adds bit 62)"
                        % (ch.badge, ch.name, ch.ends[0].name, ch.ends[0].component.name))
            continue
        ch.badge |= S.RPC_BADGE_CLIENT


def server_end_decl(ch):
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
    decl = server_end_decl(ch)
    return bool(decl is not None and decl.grant)
