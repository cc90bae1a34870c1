# SPDX-License-Identifier: BSD-2-Clause
"""The virtio-blk driver (drivers/virtio-blk) on a raw disk image attached
with -drive (apps/blkprobe/system.toml's [[machine.drive]]): apps/blkprobe
reads sector 0 (written here), writes sector 1, flushes, reads it back and
is refused a sector past the end, then writes and reads back 16 MiB through
the request ring (several requests in flight) and prints the throughput;
the image then holds what was written. A read-only drive in PCI slot 4 of
-M pc: reads work, writes are refused."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import system_args, system_guest  # noqa: E402

SECTOR0 = b"KAAL virtio-blk test image 0001\n"
IMAGE_BYTES = 17 << 20  # 1 MiB left alone, 16 MiB of throughput test


def make_image(build, name="blkprobe.img"):
    """The image; blkprobe.img is the one the system's [machine] names, a
    test that gives its own -drive uses its own file (tests run at once)."""
    path = os.path.join(build, name)
    with open(path, "wb") as f:
        f.write(SECTOR0)
        f.truncate(IMAGE_BYTES)
    return path


def test_read_write_flush_and_read_back_a_raw_image(build):
    path = make_image(build)
    assert "virtio-blk-pci,drive=drive0" in system_args(build, "blkprobe")
    with system_guest(build, "blkprobe") as g:
        g.expect(r"virtio-blk: 34816 sectors of 512 bytes, block 512 bytes, read-write, "
                 r"flush yes, discard yes, write-zeroes yes")
        g.expect(r"blkprobe: disk of 34816 sectors, block 512 bytes\n")
        g.expect(r'blkprobe: read sector 0: success: "KAAL virtio-blk test image 0001\."\n')
        g.expect(r"blkprobe: write sector 1: success\n")
        g.expect(r"blkprobe: flush: success\n")
        g.expect(r"blkprobe: read back sector 1: success, matches\n")
        g.expect(r"blkprobe: read past the end: I/O error\n")
        g.expect(r"blkprobe: 16 MiB written and read back in 512 KiB calls", timeout=300)
        w = g.expect(r"blkprobe: bench: seq_write (\d+) MiB/s")
        r = g.expect(r"blkprobe: bench: seq_read (\d+) MiB/s")
        g.expect(r"component blkprobe exited with status 0")
        print("virtio-blk through the ring: write %s MiB/s, read %s MiB/s"
              % (w.group(1), r.group(1)))
    with open(path, "rb") as f:
        image = f.read()
    assert image[512:531] == b"written by blkprobe", image[512:540]
    assert image[512 + 19] == (19 * 7 + 1) & 0xFF
    assert image[:len(SECTOR0)] == SECTOR0
    for i in (0, 31):  # the throughput test's first and last 512 KiB call
        at = (1 << 20) + i * (512 << 10)
        assert image[at] == i + 1 and image[at + (512 << 10) - 1] == i + 1, i


def test_without_the_disk_the_driver_is_not_started_and_the_rest_boots(build):
    with system_guest(build, "blkprobe", machine=False) as g:
        g.expect(r"init: component virtio_blk not started: its PCI device is not in this "
                 r"machine")
        g.expect(r"blkprobe: INFO failed")
        g.expect(r"no runnable threads: idle")


def test_a_read_only_drive_is_read_and_refuses_writes(build):
    path = make_image(build, "blkprobe-ro.img")
    # With QEMU's default NIC (an e1000 in slot 3) the disk sits in slot 4,
    # whose INTx qboot's line register gets wrong: init routes it by the
    # PIIX3's PIRQ registers (kaal_pci_route_qemu_pc), or nothing arrives.
    drive = ["-drive", "file=%s,if=none,id=drive0,format=raw,readonly=on" % path,
             "-device", "virtio-blk-pci,drive=drive0"]
    with system_guest(build, "blkprobe", extra=drive, machine=False) as g:
        g.expect(r"virtio-blk: 34816 sectors of 512 bytes, block 512 bytes, read-only")
        g.expect(r"blkprobe: disk of 34816 sectors, block 512 bytes, read-only\n")
        g.expect(r'blkprobe: read sector 0: success: "KAAL virtio-blk test image 0001\."\n')
        g.expect(r"blkprobe: write sector 1: read-only\n")
        g.expect(r"component blkprobe exited with status 0")
    with open(path, "rb") as f:
        assert f.read(1024)[512:531] == bytes(19)
