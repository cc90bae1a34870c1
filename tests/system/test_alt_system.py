# SPDX-License-Identifier: BSD-2-Clause
"""A second system from the default system's component ELFs (system/alt.toml):
the console, UART driver, shell and VFS server wired differently (other
names and order, the shell at the VFS server's badge 2 and ring end shm2, an
extra VFS client at badge 1) boot and work from the very same binaries."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
sys.path.insert(0, os.path.dirname(__file__))
from qemu_harness import Guest  # noqa: E402
from test_shell import IDLE, PROMPT  # noqa: E402

REUSED = ("console.elf", "uart16550.elf", "shell.elf", "vfs-server.elf", "timer.elf")


def modules(build, system):
    with open(os.path.join(build, "systems", system + ".initrd")) as f:
        return f.read().strip().split(",")


def run(g, line):
    """Types line and Enter; the command's output lines (echo dropped)."""
    g.send(line + "\r")
    m = g.expect(r"(?s)(.*?)\n" + PROMPT)
    return m.group(1).replace(IDLE, "").split("\n")[1:]


def test_alt_system_uses_the_default_systems_component_binaries(build):
    default, alt = modules(build, "default"), modules(build, "alt")
    for elf in REUSED:
        in_default = [m for m in default if os.path.basename(m) == elf]
        in_alt = [m for m in alt if os.path.basename(m) == elf]
        assert in_default and in_default == in_alt, (elf, default, alt)   # the same file
    with open(os.path.join(build, "systems", "default.ksys"), "rb") as a, \
         open(os.path.join(build, "systems", "alt.ksys"), "rb") as b:
        assert a.read() != b.read()   # ... under another description


def test_alt_system_boots_and_its_shell_uses_the_vfs_server_through_shm2(build):
    mods = modules(build, "alt")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), mods) as g:
        g.expect(r"init: starting system 'alt' \(7 components\)")
        # The server found one wired shared region (shm2, the shell's).
        g.expect(r"vfs: serving \(ramfs at /, devfs at /dev, heap 1024 KiB, 1 shared regions\)")
        g.expect(PROMPT)
        g.expect(r"vfs-peer: holding fds 0 and 1, wrote 13 bytes, ready 0\n")
        g.send("\r")
        g.expect(PROMPT)
        assert run(g, "cat /etc/motd") == [
            "Welcome to KaaL: a capability microkernel OS kit.",
            "This file came from system/rootfs/ via the rootfs cpio boot file."], g.tail()
        # The extra client's file, seen by the shell: fd tables per badge,
        # one file system.
        assert {"peer", "peer-ready/"} <= set(run(g, "ls /")), g.tail()
        assert re.search(r"Size: 13 .*Type: regular file", "\n".join(run(g, "stat /peer"))), \
            g.tail()
        # More than one message: through the region the server maps as shm2.
        words = " ".join("w%02d-abc" % i for i in range(12))
        for _ in range(20):
            run(g, "echo %s >> /big" % words)
        assert run(g, "cat /big") == [words] * 20, g.tail()
        ps = "\n".join(run(g, "ps"))
        for name in ("files", "sh", "peer", "serial", "con"):
            assert re.search(r"\b%s\b" % name, ps), ps
        assert "faulted" not in g.output and "not started" not in g.output, g.tail()
