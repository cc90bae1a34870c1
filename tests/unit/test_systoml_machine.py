# SPDX-License-Identifier: BSD-2-Clause
"""tools/systoml [machine]: the QEMU machine a system expects (a NIC on user
networking with host forwards bound to 127.0.0.1, drives) becomes QEMU
arguments that `make run` and the test harness add; nothing of it goes into
the KSYS blob; every mistake is an error at file:line:col."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(HERE, "systoml"))
from fake_elf import write_fake_elf  # noqa: E402
from systoml import CompileError, binfmt, compile_file  # noqa: E402
import qemu_harness  # noqa: E402

BASE = """\
[system]
name = "t"

[[component]]
name = "a"
binary = "x.elf"
"""


class MachineCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="systoml-machine-")
        write_fake_elf(os.path.join(self.dir, "x.elf"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def path(self, text):
        p = os.path.join(self.dir, "system.toml")
        with open(p, "w") as f:
            f.write(BASE + textwrap.dedent(text))
        return p

    def args(self, text):
        return compile_file(self.path(text), display="system.toml").qemu_args

    def errors(self, text):
        with self.assertRaises(CompileError) as cm:
            compile_file(self.path(text), display="system.toml")
        return [str(d) for d in cm.exception.diagnostics]


class TestMachineArgs(MachineCase):
    def test_no_machine_table_adds_nothing(self):
        self.assertEqual(self.args(""), [])

    def test_a_virtio_nic_with_forwards_binds_them_to_loopback(self):
        self.assertEqual(self.args('[machine]\nnic = "virtio-net"\n'
                                   'hostfwd = ["tcp:7777", "tcp:8080-80", "udp:5353"]\n'),
                         ["-nic", "user,model=virtio-net-pci,"
                          "hostfwd=tcp:127.0.0.1:7777-:7777,hostfwd=tcp:127.0.0.1:8080-:80,"
                          "hostfwd=udp:127.0.0.1:5353-:5353"])

    def test_nic_none_and_e1000(self):
        self.assertEqual(self.args('[machine]\nnic = "none"\n'), ["-nic", "none"])
        self.assertEqual(self.args('[machine]\nnic = "e1000"\n'), ["-nic", "user,model=e1000"])

    def test_a_drive_becomes_a_drive_and_its_device(self):
        args = self.args('[[machine.drive]]\nfile = "disk.img"\ninterface = "virtio-blk"\n'
                         'read_only = true\n')
        self.assertEqual(args, ["-drive", "file=%s,if=none,id=drive0,format=raw,readonly=on"
                                % os.path.join(self.dir, "disk.img"),
                                "-device", "virtio-blk-pci,drive=drive0"])

    def test_the_blob_is_the_same_with_or_without_a_machine(self):
        plain = binfmt.encode(compile_file(self.path(""), display="system.toml"))
        nic = binfmt.encode(compile_file(self.path('[machine]\nnic = "virtio-net"\n'),
                                         display="system.toml"))
        self.assertEqual(plain, nic)

    def test_the_cli_writes_one_argument_per_line_for_the_harness(self):
        p = self.path('[machine]\nnic = "virtio-net"\nhostfwd = ["tcp:7777"]\n')
        sysdir = os.path.join(self.dir, "systems")
        os.makedirs(sysdir)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "systoml-compile"), p,
                        "-o", os.path.join(sysdir, "t.ksys"),
                        "--qemu-args", os.path.join(sysdir, "t.qemu")], check=True)
        self.assertEqual(qemu_harness.system_args(self.dir, "t"),
                         ["-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:7777-:7777"])
        self.assertEqual(qemu_harness.system_args(self.dir, "absent"), [])


class TestMachineErrors(MachineCase):
    # BASE has 6 lines; [machine] is line 7.
    def test_bad_entries_are_errors_at_their_place(self):
        table = [
            ('[machine]\nnic = "rtl8139"\n',
             "system.toml:8:7: error: unknown NIC 'rtl8139' (expected one of: virtio-net, "
             "e1000, none)"),
            ('[machine]\nnic = "virtio-net"\nhostfwd = ["tcp:0"]\n',
             "system.toml:9:12: error: '0' is not a port (expected 1..65535)"),
            ('[machine]\nnic = "virtio-net"\nhostfwd = ["sctp:80"]\n',
             "system.toml:9:12: error: host forward protocol 'sctp' (expected tcp or udp)"),
            ('[machine]\nnic = "virtio-net"\nhostfwd = ["7777"]\n',
             "system.toml:9:12: error: a host forward is written \"tcp:PORT\" or "
             "\"tcp:HOSTPORT-GUESTPORT\" (got '7777')"),
            ('[machine]\nnic = "virtio-net"\nhostfwd = ["tcp:70000-1"]\n',
             "system.toml:9:12: error: '70000' is not a port (expected 1..65535)"),
            ('[machine]\nhostfwd = ["tcp:80"]\n',
             "system.toml:8:1: error: host forwards need a NIC: add nic = \"virtio-net\" "
             "(or \"e1000\")"),
            ('[machine]\nnic = "none"\nhostfwd = ["tcp:80"]\n',
             "system.toml:9:11: error: host forwards need a NIC (nic is \"none\")"),
            ('[machine]\nnics = "none"\n',
             "system.toml:8:1: error: unknown key 'nics' in [machine]; did you mean 'nic'? "
             "(expected one of: drive, hostfwd, nic)"),
            ('[[machine.drive]]\nfile = "d.img"\ninterface = "ide"\n',
             "system.toml:9:13: error: unknown drive interface 'ide' (expected one of: "
             "virtio-blk)"),
            ('[[machine.drive]]\nfile = "d,img"\ninterface = "virtio-blk"\n',
             "system.toml:8:8: error: a drive file name may not contain ','"),
            ('[[machine.drive]]\nfile = "d.img"\ninterface = "virtio-blk"\nformat = "vmdk"\n',
             "system.toml:10:10: error: unknown drive format 'vmdk' (expected one of: raw, "
             "qcow2)"),
        ]
        for text, want in table:
            with self.subTest(text=text):
                self.assertEqual(self.errors(text), [want])


if __name__ == "__main__":
    unittest.main()
