# SPDX-License-Identifier: BSD-2-Clause
"""The VFS server component (services/vfs-server) serving a client over
endpoint RPC (tests/system/systems/vfs.toml): the client (apps/vfsdemo/
client_test.c) creates, writes, reads back (a 10000-byte file in several
calls too), lists, stats, renames and removes files and directories, checks
the errno of bad operations and malformed requests, and prints one line per
check; then the same data checks through the memory region the two share
(a ring channel's data region). The server must keep serving without a
fault. A second client (apps/vfsdemo/client_peer.c) holds open files
meanwhile: fd tables are per client."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402


def boot_system(build, name):
    with open(os.path.join(build, "systems", name + ".initrd")) as f:
        modules = f.read().strip().split(",")
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules)


def test_vfs_server_serves_files_to_a_client_with_linux_errnos(build):
    with boot_system(build, "vfs") as g:
        g.expect(r"init: starting system 'vfs' \(3 components\)")
        # The banner users look for, raw: no "[vfs] " before it (the seed's line).
        g.expect(r"(?m)^\[VFS\] Mounted ramfs at /\n")
        g.expect(r"vfs: serving \(ramfs at /, devfs at /dev, heap \d+ KiB, 1 shared regions\)\n")
        g.expect(r"vfs-peer: holding fds 0 and 1, wrote 13 bytes, ready 0\n")
        m = g.expect(r"vfs-client: (\d+) passed, (\d+) failed\n", timeout=60)
        g.expect(r"component vfs_client exited with status 0")
        failures = re.findall(r"vfs-client: FAIL - .*", g.output)
        assert m.group(2) == "0" and not failures, "\n".join(failures) + "\n" + g.tail()
        oks = len(re.findall(r"vfs-client: ok - ", g.output))
        assert oks == int(m.group(1)) and oks >= 110, \
            "expected at least 110 checks, saw %d ok lines for %s passed" % (oks, m.group(1))
        for line in ("write 10000 bytes in several calls", "the 10000 bytes read match",
                     "getdents64 over several calls lists 42 entries",
                     "open a missing file: ENOENT", "mkdir an existing name: EEXIST",
                     "a file used as a directory: ENOTDIR",
                     "open a directory for writing: EISDIR",
                     "path longer than the message: EINVAL",
                     "write 100 KiB through the shared region (2 calls)",
                     "the 100 KiB read match", "the hole reads as zeros",
                     "shared read past the region: EINVAL",
                     "first open gets fd 0 while the peer holds its fds 0 and 1"):
            assert "vfs-client: ok - " + line in g.output, "missing check: " + line
        assert "faulted" not in g.output and "not started" not in g.output, g.tail()
        assert "component vfs " not in g.output, "the server stopped:\n" + g.tail()
