# SPDX-License-Identifier: BSD-2-Clause
"""The VFS server's root ramfs pre-filled from the `rootfs` boot file (a
newc cpio archive, [[component.file]] in system.toml): in the default system
the shell sees the files of system/rootfs/; a damaged archive is reported
and the server keeps serving (services/vfs-server/README.md)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_shell import boot_default, run  # noqa: E402
from test_vfs_server import boot_system  # noqa: E402

ROOTFS = os.path.join(os.path.dirname(__file__), "..", "..", "system", "rootfs")


def lines(out):
    """The command's output lines (the echoed command line dropped)."""
    return out.split("\n")[1:]


def source_lines(rel):
    with open(os.path.join(ROOTFS, rel)) as f:
        return f.read().rstrip("\n").split("\n")


def test_default_system_root_holds_the_files_of_system_rootfs(build):
    with boot_default(build) as g:
        m = re.search(r"vfs: rootfs: unpacked (\d+) entries \(0 device nodes skipped\) from "
                      r"\d+ bytes", g.output)
        assert m, "no unpack report from the VFS server:\n" + g.tail()
        n_source = sum(len(d) + len(f) for _, d, f in os.walk(ROOTFS))
        assert int(m.group(1)) == n_source, g.tail()
        assert lines(run(g, "cat /etc/motd")) == source_lines("etc/motd"), g.tail()
        assert lines(run(g, "cat /etc/hostname")) == source_lines("etc/hostname"), g.tail()
        assert sorted(lines(run(g, "ls /etc"))) == ["hostname", "motd"], g.tail()
        root = lines(run(g, "ls /"))
        assert "README" in root and "etc/" in root and "dev/" in root, g.tail()
        assert "console" in lines(run(g, "ls /dev")), g.tail()   # devfs mounted over it
        st = "\n".join(lines(run(g, "stat /etc/motd")))
        assert re.search(r"Size: %d .*Type: regular file" %
                         os.path.getsize(os.path.join(ROOTFS, "etc", "motd")), st), st
        # The pre-filled files are ordinary ramfs files.
        assert lines(run(g, "echo more >> /etc/motd")) == [], g.tail()
        assert lines(run(g, "cat /etc/motd"))[-1] == "more", g.tail()
        assert lines(run(g, "rm /etc/hostname")) == [], g.tail()
        assert lines(run(g, "ls /etc")) == ["motd"], g.tail()
        assert "faulted" not in g.output, g.tail()


def test_damaged_archive_is_reported_and_the_server_keeps_serving(build):
    with boot_system(build, "rootfs_bad") as g:
        g.expect(r"init: starting system 'rootfs_bad' \(3 components\)")
        g.expect(r"vfs: rootfs: damaged archive at byte \d+: bad magic \(not a newc cpio "
                 r"archive, 070701\); / keeps the 2 entries before it\n")
        g.expect(r"vfs: serving \(ramfs at /")
        m = g.expect(r"vfs-client: (\d+) passed, (\d+) failed\n", timeout=60)
        failures = re.findall(r"vfs-client: FAIL - .*", g.output)
        assert m.group(2) == "0" and not failures, "\n".join(failures) + "\n" + g.tail()
        g.expect(r"component vfs_client exited with status 0")
        assert "faulted" not in g.output, g.tail()
        assert "component vfs " not in g.output, "the server stopped:\n" + g.tail()
