# SPDX-License-Identifier: BSD-2-Clause
"""The storage system (system/storage.toml, docs/storage.md): the disk image
the build made with Debian's mke2fs from system/storage-disk/ is mounted as
ext2 at /mnt through drivers/virtio-blk, its request ring and the VFS
server's block cache. The shell lists, reads and writes files there; after
the guest powers off, e2fsck -fn finds the image clean (the server synced
and marked it clean when idle) and debugfs reads what the guest wrote. The
same image, then marked not clean on the host, is mounted read-only with
the reason, and writes are refused (EROFS).

Each boot uses a private copy of build/storage.img, so `make run
SYSTEM=storage` and this test do not disturb each other."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import system_args, system_guest  # noqa: E402
from test_shell import PROMPT, run  # noqa: E402

DISK_TREE = os.path.join(os.path.dirname(__file__), "..", "..", "system", "storage-disk")
MOUNTED = r"(?m)^\[VFS\] Mounted ext2 /dev/vda at /mnt\n"  # raw: no "[vfs] " before it


def boot(build, image):
    drive = ["-drive", "file=%s,if=none,id=drive0,format=raw" % image,
             "-device", "virtio-blk-pci,drive=drive0", "-nic", "none"]
    g = system_guest(build, "storage", extra=drive, machine=False)
    g.expect(r"init: starting system 'storage' \(\d+ components\)")
    # Wait for the prompt, the demo's line and the mount (any order), so
    # that none lands inside a command's output.
    start, end = g.pos, 0
    for pattern in (PROMPT, r"demo: up, waiting\n", r"vfs: /dev/vda: 16 MiB, read-\w+"):
        g.pos = start
        end = max(end, g.expect(pattern, timeout=60).end())
    g.pos = end
    return g


def out(g, line):
    return [s for s in run(g, line).split("\n")[1:] if s]


def poweroff(g):
    g.send("poweroff\r")
    g.expect(r"init: powering off \(ACPI S5\)")
    g.wait_exit(timeout=60)


def fsck(image):
    r = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def debugfs(image, request):
    return subprocess.run(["debugfs", "-R", request, image], capture_output=True,
                          text=True).stdout


def test_the_disk_is_mounted_read_written_and_left_clean_for_e2fsck(build):
    assert "virtio-blk-pci,drive=drive0" in system_args(build, "storage")
    image = os.path.join(build, "storage-test.img")
    shutil.copy(os.path.join(build, "storage.img"), image)
    with boot(build, image) as g:
        assert re.search(MOUNTED, g.output), g.tail()
        assert "vfs: /dev/vda: 16 MiB, read-write, 128-page cache" in g.output, g.tail()
        assert sorted(out(g, "ls /mnt")) == ["docs/", "hello.txt", "lost+found/"], g.tail()
        with open(os.path.join(DISK_TREE, "hello.txt")) as f:
            assert out(g, "cat /mnt/hello.txt") == f.read().splitlines(), g.tail()
        assert out(g, "mkdir /mnt/made") == [], g.tail()
        assert out(g, "write /mnt/made/note.txt written by the guest") == [], g.tail()
        assert out(g, "echo second line >> /mnt/made/note.txt") == [], g.tail()
        assert out(g, "cat /mnt/made/note.txt") == ["written by the guest", "second line"]
        assert out(g, "rm /mnt/docs/README") == [], g.tail()
        df = out(g, "df /mnt")
        assert df[1].split()[0] == "/mnt" and int(df[1].split()[1]) > 15000, df
        poweroff(g)
    status, report = fsck(image)
    assert status == 0, report
    assert debugfs(image, "cat /made/note.txt") == "written by the guest\nsecond line\n"
    assert "README" not in debugfs(image, "ls /docs")
    assert "Filesystem state:         clean" in debugfs(image, "stats")

    # Marked not clean (as a crash would leave it): read-only, with the reason.
    subprocess.run(["debugfs", "-w", "-R", "ssv state 0", image], check=True,
                   capture_output=True)
    with boot(build, image) as g:
        assert re.search(r"vfs: /dev/vda mounted read-only: the file system was not cleanly "
                         r"unmounted: run e2fsck", g.output), g.tail()
        assert re.search(MOUNTED, g.output), g.tail()
        assert out(g, "cat /mnt/made/note.txt") == ["written by the guest", "second line"]
        assert out(g, "write /mnt/made/other.txt x") == [
            "kaal: write: /mnt/made/other.txt: Read-only file system"], g.tail()
        poweroff(g)
    assert "other.txt" not in debugfs(image, "ls /made")
    os.unlink(image)
