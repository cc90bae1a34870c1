# SPDX-License-Identifier: BSD-2-Clause
"""[machine]: the QEMU machine a system expects (host side only).

A system.toml may say which devices the machine it runs on should have:
a NIC on QEMU user networking with host forwards, disks. Nothing of it goes
into the KSYS blob (a real board has what it has); `systoml-compile
--qemu-args FILE` writes the QEMU arguments one per line, which `make run`
and the test harness (tools/qemu_harness.py, system_args) add to QEMU's
command line, so every way of booting a system boots the same machine.

    [machine]
    nic = "virtio-net"                  # or "e1000", "none"; absent: QEMU's default
    hostfwd = ["tcp:7777", "tcp:8080-80"]   # host port[-guest port], on 127.0.0.1 only
    [[machine.drive]]
    file = "disk.img"                   # relative to the system.toml's directory
    interface = "virtio-blk"            # a -device for it
    format = "raw"                      # default raw
    read_only = false

Host forwards always bind 127.0.0.1: the guest is never reachable from
another machine. Errors are file:line:col like every other key.
"""
import os

NICS = {"virtio-net": "virtio-net-pci", "e1000": "e1000", "none": None}
DRIVE_INTERFACES = {"virtio-blk": "virtio-blk-pci"}
DRIVE_FORMATS = ("raw", "qcow2")
MACHINE_KEYS = {"nic", "hostfwd", "drive"}
DRIVE_KEYS = {"file", "interface", "format", "read_only"}
PROTOCOLS = ("tcp", "udp")


def _port(c, path, text):
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        c.err_value(path, "'%s' is not a port (expected 1..65535)" % text)
        return None
    return int(text)


def _hostfwd(c, path, entry):
    """"tcp:7777" or "tcp:8080-80" -> "tcp:127.0.0.1:8080-:80"."""
    if not isinstance(entry, str) or ":" not in entry:
        c.err_value(path, "a host forward is written \"tcp:PORT\" or \"tcp:HOSTPORT-GUESTPORT\" "
                    "(got %r)" % (entry,))
        return None
    proto, ports = entry.split(":", 1)
    if proto not in PROTOCOLS:
        c.err_value(path, "host forward protocol '%s' (expected tcp or udp)" % proto)
        return None
    host, _, guest = ports.partition("-")
    hp = _port(c, path, host)
    gp = _port(c, path, guest) if guest else hp
    if hp is None or gp is None:
        return None
    return "%s:127.0.0.1:%d-:%d" % (proto, hp, gp)


def qemu_args(c, doc, base_dir):
    """The checked [machine] table of doc as QEMU arguments ([] if none)."""
    m = c.table(doc, "machine", (), "[machine]")
    if m is None:
        return []
    path = ("machine",)
    c.keys(m, MACHINE_KEYS, path, "[machine]")
    args = []
    nic = c.string(m, "nic", path, "[machine]", required=False)
    fwds = m.get("hostfwd", [])
    if not isinstance(fwds, list):
        c.err_value(path + ("hostfwd",), "'hostfwd' must be an array of strings")
        fwds = []
    rules = [_hostfwd(c, path + ("hostfwd", i), e) for i, e in enumerate(fwds)]
    if nic is not None and nic not in NICS:
        c.err_value(path + ("nic",), "unknown NIC '%s' (expected one of: %s)"
                    % (nic, ", ".join(NICS)))
    elif nic is not None:
        if NICS[nic] is None:
            if fwds:
                c.err_value(path + ("hostfwd",), "host forwards need a NIC (nic is \"none\")")
            args += ["-nic", "none"]
        else:
            opt = "user,model=%s" % NICS[nic]
            opt += "".join(",hostfwd=%s" % r for r in rules if r)
            args += ["-nic", opt]
    elif fwds:
        c.err_key(path + ("hostfwd",), "host forwards need a NIC: add nic = \"virtio-net\" "
                  "(or \"e1000\")")
    for i, d in enumerate(c.array_of_tables(m, "drive", path, "machine.drive")):
        dp = path + ("drive", i)
        c.keys(d, DRIVE_KEYS, dp, "[[machine.drive]]")
        f = c.string(d, "file", dp, "[[machine.drive]]")
        iface = c.string(d, "interface", dp, "[[machine.drive]]")
        fmt = c.string(d, "format", dp, "[[machine.drive]]", required=False) or "raw"
        ro = c.boolean(d, "read_only", dp, False)
        if iface is not None and iface not in DRIVE_INTERFACES:
            c.err_value(dp + ("interface",), "unknown drive interface '%s' (expected one "
                        "of: %s)" % (iface, ", ".join(DRIVE_INTERFACES)))
            continue
        if fmt not in DRIVE_FORMATS:
            c.err_value(dp + ("format",), "unknown drive format '%s' (expected one of: %s)"
                        % (fmt, ", ".join(DRIVE_FORMATS)))
            continue
        if f is None or iface is None:
            continue
        if "," in f:
            c.err_value(dp + ("file",), "a drive file name may not contain ','")
            continue
        full = f if os.path.isabs(f) else os.path.join(base_dir, f)
        drive = "file=%s,if=none,id=drive%d,format=%s" % (full, i, fmt)
        if ro:
            drive += ",readonly=on"
        args += ["-drive", drive, "-device", "%s,drive=drive%d" % (DRIVE_INTERFACES[iface], i)]
    return args
