# SPDX-License-Identifier: BSD-2-Clause
"""The KSYS binary system description: encoder and (for tools and tests) a
decoder. The layout is specified in docs/system-toml.md and mirrored by
include/kaal/sysdesc.h; every record is fixed-size and little-endian.

    header (96 bytes) | table 0 | table 1 | ... | string table
Each table starts 8-byte aligned; the header's directory gives offset and
record count of each. The CRC-32 (IEEE, zlib's) covers the whole blob with
the checksum field read as zero.
"""
import struct
import zlib

from . import schema as S

HEADER = struct.Struct("<4sHHIIIIII" + "II" * S.N_TABLES)
COMPONENT = struct.Struct("<IIBBHBB2xIIIIIIIIQQQQQQ")
CHANNEL = struct.Struct("<IHHIIIIIIQQ")
OBJECT = struct.Struct("<IIQ")
CAP = struct.Struct("<IHHIIQQ")
REGION = struct.Struct("<IIQQII")
CONFIG = struct.Struct("<IIQ")
MODULE = struct.Struct("<IIII")
FILE = struct.Struct("<IIQQQ")
for _t, _s in ((S.TABLE_COMPONENTS, COMPONENT), (S.TABLE_CHANNELS, CHANNEL),
               (S.TABLE_OBJECTS, OBJECT), (S.TABLE_CAPS, CAP), (S.TABLE_REGIONS, REGION),
               (S.TABLE_CONFIG, CONFIG), (S.TABLE_MODULES, MODULE),
               (S.TABLE_FILES, FILE)):
    assert _s.size == S.RECORD_SIZES[_t], (_t, _s.size)
assert HEADER.size == S.HEADER_SIZE


class Strings:
    def __init__(self):
        self.data = bytearray(b"\0")
        self.index = {"": 0}

    def add(self, s):
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data += s.encode("utf-8") + b"\0"
        return self.index[s]


def encode(system):
    strs = Strings()
    comps, chans, objs, caps, regions, config, mods, files = ([] for _ in range(8))
    comp_index = {c.name: c.index for c in system.components}
    for kind, name, size in system.objects:
        objs.append(OBJECT.pack(S.OBJECT_KIND[kind], strs.add(name), size))
    for comp in system.components:
        first_cap, first_region, first_config = len(caps), len(regions), len(config)
        first_file = len(files)
        for f in comp.files:
            files.append(FILE.pack(strs.add(f.name), f.module, f.vaddr, f.size, f.window))
        for cap in comp.caps:
            caps.append(CAP.pack(strs.add(cap.name), S.CAP_KIND[cap.kind], cap.rights, cap.slot,
                                 cap.object, cap.arg0, cap.arg1))
        for r in comp.regions:
            regions.append(REGION.pack(strs.add(r.name), r.object, r.vaddr, r.size, r.rights,
                                       r.flags))
        for key, typ, value in comp.config:
            if typ == "string":
                value = strs.add(value)
            config.append(CONFIG.pack(strs.add(key), S.CONFIG_TYPE[typ],
                                      value & 0xFFFFFFFFFFFFFFFF))
        comps.append(COMPONENT.pack(
            strs.add(comp.name), comp.module, comp.priority, S.RESTART[comp.restart],
            comp.max_restarts, comp.cnode_bits,
            0 if comp.debug_syscalls else S.COMPONENT_FLAG_NO_DEBUG_SYSCALLS,
            first_cap, len(comp.caps), first_region, len(comp.regions),
            first_config, len(comp.config), first_file if comp.files else 0, len(comp.files),
            comp.heap_vaddr, comp.heap_size, comp.stack_top, comp.stack_size,
            comp.ipc_buffer, 0))
    for ch in system.channels:
        a, b = ch.ends
        chans.append(CHANNEL.pack(strs.add(ch.name), S.CHANNEL_KIND[ch.kind], 0,
                                  comp_index[a.component.name], comp_index[b.component.name],
                                  strs.add(a.name), strs.add(b.name), ch.queue_depth, 0,
                                  ch.badge, ch.data_size))
    for m in system.modules:
        mods.append(MODULE.pack(strs.add(m.name), m.size, m.crc32, 0))
    tables = [comps, chans, objs, caps, regions, config, mods, files]
    name_off = strs.add(system.name)

    body = bytearray()
    directory = []
    offset = S.HEADER_SIZE
    for records in tables:
        directory += [offset if records else 0, len(records)]
        blob = b"".join(records)
        body += blob
        offset += len(blob)
        pad = -offset % 8
        body += b"\0" * pad
        offset += pad
    strtab_off = offset
    body += strs.data
    total = S.HEADER_SIZE + len(body)
    body += b"\0" * (-total % 8)
    total = S.HEADER_SIZE + len(body)
    header = HEADER.pack(S.MAGIC, S.VERSION_MAJOR, S.VERSION_MINOR, total, 0, name_off, 0,
                         strtab_off, len(strs.data), *directory)
    blob = bytearray(header + body)
    struct.pack_into("<I", blob, 12, zlib.crc32(blob))
    return bytes(blob)


class FormatError(Exception):
    pass


def decode(blob):
    """Parses a KSYS blob into plain dicts (for tools and tests; the guest
    uses runtime/sysdesc/sysdesc.c). Raises FormatError on a bad blob."""
    if len(blob) < S.HEADER_SIZE:
        raise FormatError("truncated: %d bytes, header needs %d" % (len(blob), S.HEADER_SIZE))
    h = HEADER.unpack_from(blob)
    magic, major, minor, total, crc, name, _flags, strtab_off, strtab_size = h[:9]
    directory = h[9:]
    if magic != S.MAGIC:
        raise FormatError("bad magic %r" % magic)
    if major != S.VERSION_MAJOR:
        raise FormatError("unsupported version %d.%d" % (major, minor))
    if total > len(blob):
        raise FormatError("truncated: header says %d bytes, have %d" % (total, len(blob)))
    check = bytearray(blob[:total])
    struct.pack_into("<I", check, 12, 0)
    if zlib.crc32(check) != crc:
        raise FormatError("checksum mismatch")
    strtab = blob[strtab_off:strtab_off + strtab_size]

    def string(off):
        if off >= len(strtab):
            raise FormatError("string offset %d outside the string table" % off)
        return strtab[off:strtab.index(b"\0", off)].decode("utf-8")

    def table(t, st):
        off, n = directory[2 * t], directory[2 * t + 1]
        if off + n * st.size > total:
            raise FormatError("table %d outside the blob" % t)
        return [st.unpack_from(blob, off + i * st.size) for i in range(n)]

    out = {"name": string(name), "version": (major, minor), "size": total,
           "components": [], "channels": [], "objects": [], "modules": []}
    kinds = {v: k for k, v in S.CAP_KIND.items()}
    okinds = {v: k for k, v in S.OBJECT_KIND.items()}
    restarts = {v: k for k, v in S.RESTART.items()}
    ctypes = {v: k for k, v in S.CONFIG_TYPE.items()}
    caps = table(S.TABLE_CAPS, CAP)
    regions = table(S.TABLE_REGIONS, REGION)
    config = table(S.TABLE_CONFIG, CONFIG)
    files = table(S.TABLE_FILES, FILE)
    for r in table(S.TABLE_OBJECTS, OBJECT):
        out["objects"].append({"kind": okinds.get(r[0], r[0]), "name": string(r[1]),
                               "size": r[2]})
    for r in table(S.TABLE_MODULES, MODULE):
        out["modules"].append({"name": string(r[0]), "size": r[1], "crc32": r[2]})
    for r in table(S.TABLE_COMPONENTS, COMPONENT):
        (cname, module, prio, restart, max_restarts, bits, flags, fc, nc, fr, nr, fcfg, ncfg, ff, nf,
         heap_vaddr, heap_size, stack_top, stack_size, ipc_buffer, _res2) = r
        comp = {"name": string(cname), "module": module, "priority": prio,
                "restart": restarts.get(restart, restart), "max_restarts": max_restarts,
                "cnode_bits": bits,
                "debug_syscalls": not flags & S.COMPONENT_FLAG_NO_DEBUG_SYSCALLS,
                "heap_vaddr": heap_vaddr, "heap_size": heap_size,
                "stack_top": stack_top, "stack_size": stack_size, "ipc_buffer": ipc_buffer,
                "caps": [], "regions": [], "config": {}, "files": []}
        for f in files[ff:ff + nf]:
            comp["files"].append({"name": string(f[0]), "module": f[1], "vaddr": f[2],
                                  "size": f[3], "max_size": f[4]})
        for c in caps[fc:fc + nc]:
            comp["caps"].append({"name": string(c[0]), "kind": kinds.get(c[1], c[1]),
                                 "rights": c[2], "slot": c[3], "object": c[4],
                                 "arg0": c[5], "arg1": c[6]})
        for g in regions[fr:fr + nr]:
            comp["regions"].append({"name": string(g[0]), "object": g[1], "vaddr": g[2],
                                    "size": g[3], "rights": g[4], "flags": g[5]})
        for k in config[fcfg:fcfg + ncfg]:
            typ = ctypes.get(k[1], k[1])
            v = k[2]
            if typ == "string":
                v = string(v)
            elif typ == "bool":
                v = bool(v)
            elif v >= 1 << 63:
                v -= 1 << 64
            comp["config"][string(k[0])] = v
        out["components"].append(comp)
    ckinds = {v: k for k, v in S.CHANNEL_KIND.items()}
    for r in table(S.TABLE_CHANNELS, CHANNEL):
        out["channels"].append({"name": string(r[0]), "kind": ckinds.get(r[1], r[1]),
                                "components": (r[3], r[4]), "ends": (string(r[5]), string(r[6])),
                                "queue_depth": r[7], "badge": r[9], "data_size": r[10]})
    return out
