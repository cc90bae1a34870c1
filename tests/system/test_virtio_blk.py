# SPDX-License-Identifier: BSD-2-Clause
"""The virtio-blk driver (drivers/virtio-blk) on a raw disk image attached
with -drive (apps/blkprobe/system.toml's [[machine.drive]]): apps/blkprobe
reads sector 0 (written here), writes sector 1, flushes, reads it back and
is refused a sector past the end; the image then holds what was written."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import system_args, system_guest  # noqa: E402

SECTOR0 = b"KAAL virtio-blk test image 0001\n"


def make_image(build):
    path = os.path.join(build, "blkprobe.img")
    data = bytearray(64 * 1024)
    data[:len(SECTOR0)] = SECTOR0
    with open(path, "wb") as f:
        f.write(data)
    return path


def test_read_write_flush_and_read_back_a_raw_image(build):
    path = make_image(build)
    assert "virtio-blk-pci,drive=drive0" in system_args(build, "blkprobe")
    with system_guest(build, "blkprobe") as g:
        g.expect(r"virtio-blk: 128 sectors of 512 bytes, flush supported\n")
        g.expect(r"blkprobe: disk of 128 sectors\n")
        g.expect(r'blkprobe: read sector 0: success: "KAAL virtio-blk test image 0001\."\n')
        g.expect(r"blkprobe: write sector 1: success\n")
        g.expect(r"blkprobe: flush: success\n")
        g.expect(r"blkprobe: read back sector 1: success, matches\n")
        g.expect(r"blkprobe: read past the end: out of range\n")
        g.expect(r"component blkprobe exited with status 0")
    with open(path, "rb") as f:
        image = f.read()
    assert image[512:531] == b"written by blkprobe", image[512:540]
    assert image[512 + 19] == (19 * 7 + 1) & 0xFF
    assert image[:len(SECTOR0)] == SECTOR0


def test_without_the_disk_the_driver_is_not_started_and_the_rest_boots(build):
    with system_guest(build, "blkprobe", machine=False) as g:
        g.expect(r"init: component virtio_blk not started: its PCI device is not in this "
                 r"machine")
        g.expect(r"blkprobe: INFO failed")
        g.expect(r"no runnable threads: idle")
