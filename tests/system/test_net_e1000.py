# SPDX-License-Identifier: BSD-2-Clause
"""Linux's e1000 driver on DDE-Linux (drivers/dde-linux/e1000) end to end, in
one boot of system/net-e1000.toml on QEMU's e1000 (-device e1000 via -nic
model=e1000): the driver's own probe and link messages (its watchdog runs
on the shim's delayed work and timers), the link reaching the net server,
DHCP on QEMU user networking (10.0.2.15), then from the host through
hostfwd (127.0.0.1 only): echo, 64 MiB each way checksummed while both
directions run, 1000 connections in a row; the cable pulled and put back
(QMP set_link): Linux's "Link is Down"/"Up" reach the net server and echo
works again; and the driver component
killed by the shell while a transfer runs and started again: the transfer
ends with an error or its bytes intact, never with wrong bytes; the next
transfer works; init's free untyped memory is the same as before."""
import hashlib
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
sys.path.insert(0, os.path.dirname(__file__))
from qemu_harness import system_guest  # noqa: E402
from test_net import echo_once, free_port  # noqa: E402


def echo_stream(port, n_bytes, seed=1):
    """Sends n_bytes of a pattern while reading the echo on a second thread;
    (bytes sent, bytes received, equal checksums). Socket errors propagate."""
    chunk = bytes((i * 7 + seed) & 255 for i in range(65536))
    sent, got = hashlib.sha256(), hashlib.sha256()
    n_got = [0]
    err = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        def rx():
            try:
                while True:
                    b = s.recv(262144)
                    if not b:
                        return
                    got.update(b)
                    n_got[0] += len(b)
            except OSError as e:
                err.append(e)
        t = threading.Thread(target=rx)
        t.start()
        left = n_bytes
        try:
            while left:
                c = chunk[:min(left, len(chunk))]
                s.sendall(c)
                sent.update(c)
                left -= len(c)
            s.shutdown(socket.SHUT_WR)
        finally:
            t.join(90)
    if err:
        raise err[0]
    return n_bytes - left, n_got[0], sent.digest() == got.digest()


class Qmp:
    """QEMU's machine protocol on a unix socket: set_link pulls the cable."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.f = self.sock.makefile("rw")
        self.f.readline()  # the greeting
        self.call("qmp_capabilities")

    def call(self, command, **args):
        msg = {"execute": command}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "error" in r:
                raise AssertionError("QMP %s: %s" % (command, r["error"]))
            if "return" in r:
                return r["return"]

    def close(self):
        self.f.close()
        self.sock.close()


def untyped_free(g):
    g.send("mem\r")
    return int(g.expect(r"untyped: (\d+) KiB free of \d+ KiB\n").group(1))


def test_linux_e1000_serves_dhcp_echo_link_changes_and_a_restart(build):
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="kaal-e1000-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    nic = ["-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:%d-:7777" % port,
           "-device", "e1000,netdev=net0,id=nic0", "-qmp", "unix:%s,server=on,wait=off" % qmp_path]
    try:
        run_checks(port, qmp_path, system_guest(build, "net-e1000", nic, machine=False))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_checks(port, qmp_path, guest):
    with guest as g:
        # Linux's own probe path: its messages, in its words.
        g.expect(r"\[e1000\] e1000: Intel\(R\) PRO/1000 Network Driver\n", timeout=120)
        g.expect(r"\[e1000\] eth0: \(PCI:33MHz:32-bit\) 52:54:00:12:34:56\n", timeout=60)
        g.expect(r"\[e1000\] e1000: eth0 up \(Linux e1000 on DDE-Linux\)", timeout=60)
        # The watchdog (delayed work on the shim's timers) finds the link;
        # the carrier change reaches the net server; DHCP binds.
        g.expect(r"\[e1000\] e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex", timeout=60)
        g.expect(r"\[net\] net: eth0: link up\n", timeout=30)
        g.expect(r"\[Network\] Interface eth0 up \(10\.0\.2\.15\)\n", timeout=120)
        if "echo: listening on port 7777" not in g.output:  # it may come before DHCP
            g.expect(r"echo: listening on port 7777", timeout=60)

        assert echo_once(port, b"hello\n") == b"hello\n"
        for i in range(3):
            assert echo_once(port, b"line %d\n" % i) == b"line %d\n" % i
        assert echo_stream(port, 64 << 20) == (64 << 20, 64 << 20, True)
        for i in range(1000):
            data = b"connection %d\n" % i
            assert echo_once(port, data) == data, "connection %d" % i

        # The cable: Linux's LSC interrupt and watchdog, the bridge's link
        # buffer, the net server's ctl call; then traffic again.
        qmp = Qmp(qmp_path)
        try:
            qmp.call("set_link", name="nic0", up=False)
            g.expect(r"\[e1000\] e1000: eth0 NIC Link is Down\n", timeout=30)
            g.expect(r"\[net\] net: eth0: link down\n", timeout=30)
            qmp.call("set_link", name="nic0", up=True)
            g.expect(r"\[e1000\] e1000: eth0 NIC Link is Up", timeout=30)
            g.expect(r"\[net\] net: eth0: link up\n", timeout=30)
        finally:
            qmp.close()
        assert echo_once(port, b"cable back\n") == b"cable back\n"

        g.pos = len(g.output)
        before = untyped_free(g)
        g.expect(r"kaal> ")
        result = []

        def transfer():
            try:
                result.append(echo_stream(port, 64 << 20, seed=3))
            except OSError as e:
                result.append(e)
        t = threading.Thread(target=transfer)
        t.start()
        g.send("kill e1000\r")
        g.expect(r"init: e1000 killed", timeout=30)
        g.expect(r"kaal> ")
        g.send("start e1000\r")
        g.expect(r"\[e1000\] e1000: eth0 up \(Linux e1000 on DDE-Linux\)", timeout=60)
        g.expect(r"\[net\] net: eth0: link up\n", timeout=60)
        # TCP may carry the transfer over the gap or give up: either way
        # no wrong byte arrives.
        t.join(150)
        assert result, "the transfer neither ended nor failed"
        r = result[0]
        if not isinstance(r, OSError):
            sent, received, same = r
            assert received < sent or same, "bytes changed across the restart: %r" % (r,)
        assert echo_once(port, b"after the restart\n") == b"after the restart\n"
        assert echo_stream(port, 4 << 20, seed=5) == (4 << 20, 4 << 20, True)
        g.pos = len(g.output)
        after = untyped_free(g)
        assert after == before, "untyped free %d KiB before the kill, %d after" % (before, after)
        assert not re.search(r"\[e1000\] (err: |BUG)", g.output), g.tail()


def test_arp_and_ping_of_the_gateway_through_linux_e1000(build):
    """apps/netprobe on the driver's rings, no net server: the probe's first
    frame (its ARP request) waits in the tx ring while the link is down and
    goes out when Linux's watchdog finds the carrier."""
    with system_guest(build, "netprobe-e1000") as g:
        g.expect(r"netprobe: MAC 52:54:00:12:34:56, link (up|down), MTU 1500\n", timeout=120)
        g.expect(r"netprobe: ARP reply: 10.0.2.2 is at 52:55:0a:00:02:02\n", timeout=60)
        g.expect(r"netprobe: ICMP echo reply from 10.0.2.2: id 0x4b41 seq 1, TTL \d+, "
                 r"payload intact\n", timeout=60)
        g.expect(r"component netprobe exited with status 0", timeout=30)
        assert "faulted" not in g.output and "err: " not in g.output, g.tail()
