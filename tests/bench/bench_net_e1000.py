# SPDX-License-Identifier: BSD-2-Clause
"""TCP through Linux's e1000 on DDE-Linux (`make bench`), next to virtio-net
in the same run: each of system/net-e1000.toml (QEMU's e1000) and
system/net.toml (virtio-net) is booted once, and the host talks to the
guest's echo service through hostfwd on 127.0.0.1: 64 MiB sent while the
echo is read back (both directions at once, checksummed; the figure is the
payload rate of one direction), then the round trip of a 64-byte message
on one connection (the mean of 500, after 50 to warm up). Host wall-clock
time: QEMU's user network is part of both paths alike. The Linux guest
with the same e1000 is not measured here (see docs/dde-linux.md)."""
import hashlib
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))
from qemu_harness import system_guest  # noqa: E402
from test_net import free_port  # noqa: E402

BULK = 64 << 20
ROUND_TRIPS = 500


def bulk_mib_s(port):
    chunk = bytes((i * 13 + 1) & 255 for i in range(65536))
    sent, got = hashlib.sha256(), hashlib.sha256()
    n_got = [0]
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        def rx():
            while True:
                b = s.recv(262144)
                if not b:
                    return
                got.update(b)
                n_got[0] += len(b)
        t = threading.Thread(target=rx)
        t0 = time.monotonic()
        t.start()
        for _ in range(BULK // len(chunk)):
            s.sendall(chunk)
            sent.update(chunk)
        s.shutdown(socket.SHUT_WR)
        t.join(300)
        dt = time.monotonic() - t0
    if n_got[0] != BULK or sent.digest() != got.digest():
        raise RuntimeError("echo came back wrong (%d of %d bytes)" % (n_got[0], BULK))
    return BULK / dt / (1 << 20)


def round_trip_us(port):
    msg = b"x" * 64
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        total = 0.0
        for i in range(50 + ROUND_TRIPS):
            t0 = time.monotonic()
            s.sendall(msg)
            n = 0
            while n < len(msg):
                b = s.recv(len(msg) - n)
                if not b:
                    raise RuntimeError("the echo closed the connection")
                n += len(b)
            if i >= 50:
                total += time.monotonic() - t0
    return total / ROUND_TRIPS * 1e6


def measure(build, system, model):
    port = free_port()
    nic = ["-nic", "user,model=%s,hostfwd=tcp:127.0.0.1:%d-:7777" % (model, port)]
    with system_guest(build, system, nic, machine=False) as g:
        for _ in range(2):  # either may come first
            g.expect(r"Interface eth0 up \(10\.0\.2\.15\)|echo: listening on port 7777",
                     timeout=180)
        return bulk_mib_s(port), round_trip_us(port)


def run(build):
    e_bulk, e_rt = measure(build, "net-e1000", "e1000")
    v_bulk, v_rt = measure(build, "net", "virtio-net-pci")
    yield ("net_e1000_dde_tcp_echo", e_bulk, "MiB/s")
    yield ("net_virtio_tcp_echo", v_bulk, "MiB/s")
    yield ("net_e1000_dde_vs_virtio_tcp_echo", e_bulk / v_bulk, "x")
    yield ("net_e1000_dde_echo_rt", e_rt, "us")
    yield ("net_virtio_echo_rt", v_rt, "us")
    yield ("net_e1000_dde_vs_virtio_echo_rt", e_rt / v_rt, "x")
