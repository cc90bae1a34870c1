# SPDX-License-Identifier: BSD-2-Clause
"""Pass 1, declarations: every table's keys and value types; components,
channels, devices, named caps and boot files collected. The one pass that
reads files (component binaries' ELF headers, boot files' sizes)."""
import os

from . import schema as S
from .elfinfo import ElfError, load_segments
from .model import NAME_RE, BootFile, Cap, Channel, Component, End, System, closest, type_name


def pass_declarations(c, doc, base_dir, check_binaries):
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
            check_devices(c, t, path, comp)
            check_dma(c, t, path, comp)
            _check_config(c, t, path, comp)
            check_named_caps(c, t, path, comp)
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
                    % (name, closest(name, by_name), ", ".join(sorted(by_name)) or "none"))
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


def check_devices(c, t, path, comp):
    devs = t.get("devices", [])
    if not isinstance(devs, list):
        c.err_value(path + ("devices",), "'devices' must be an array of device names, not %s"
                    % type_name(devs))
        return
    seen = {}
    for j, d in enumerate(devs):
        p = path + ("devices", j)
        if not isinstance(d, str):
            c.err_value(p, "device names are strings, not %s" % type_name(d))
        elif d not in S.DEVICES:
            c.err_value(p, "unknown device '%s'%s (known devices: %s)"
                        % (d, closest(d, S.DEVICES), ", ".join(sorted(S.DEVICES))))
        elif d in seen:
            c.err_value(p, "device '%s' granted twice (first at column %d)"
                        % (d, c.locs.value(seen[d])[1]))
        else:
            seen[d] = p
            comp.devices.append((d, p))


def check_dma(c, t, path, comp):
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
        if not NAME_RE.match(key):
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
                        % (key, type_name(v)))


def check_named_caps(c, t, path, comp):
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
        f = BootFile(name, os.path.normpath(os.path.join(base_dir, rel)), p, window,
                     explicit_vaddr=vaddr)
        if not check_binaries or sized_boot_file(c, p, comp, rel, f, "its max_size %d (raise "
                                                 "max_size)" % window):
            comp.files.append(f)


def sized_boot_file(c, path, comp, rel, f, limit, notes=()):
    """Sets f.size from its file; False, with the error at path's `path`
    value, for a file that is missing, empty or larger than f.window (limit
    says whose bound that is, notes point at it)."""
    if not os.path.isfile(f.path):
        c.err_value(path + ("path",), "file '%s' of component '%s' not found (looked for "
                    "%s; build it first)" % (rel, comp.name, f.path))
        return False
    f.size = os.path.getsize(f.path)
    if f.size == 0:
        c.err_value(path + ("path",), "file '%s' is empty (a boot file needs at least one "
                    "byte)" % rel)
        return False
    if f.size > f.window:
        c.err_value(path + ("path",), "file '%s' has %d bytes, more than %s"
                    % (rel, f.size, limit), list(notes))
        return False
    return True


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
                        ", not %s" % (side, type_name(et)))
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
                        "%s)" % (comp_name, closest(comp_name, by_name),
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
