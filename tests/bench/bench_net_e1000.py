# SPDX-License-Identifier: BSD-2-Clause
"""TCP through Linux's e1000 on DDE-Linux (`make bench`), next to virtio-net
in the same run: each of system/net-e1000.toml (QEMU's e1000) and
system/net.toml (virtio-net) is booted once, and the host talks to the
guest's echo service through hostfwd on 127.0.0.1: 64 MiB sent while the
echo is read back (both directions at once, checksummed; the figure is the
payload rate of one direction), then the round trip of a 64-byte message
on one connection (the mean of 500, after 50 to warm up). The same two
measurements against Linux itself driving the same e1000 in the same QEMU:
Debian's kernel (linux_reference.find_kernel) with an initramfs made here
of tests/bench/linux/linuxecho (a TCP echo server on 10.0.2.15:7777) and
that kernel's own e1000.ko. Host wall-clock time: QEMU's user network is
part of every path alike."""
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))
import linux_reference  # noqa: E402
from qemu_harness import Guest, system_guest  # noqa: E402
from test_net import free_port  # noqa: E402
from test_net_e1000 import echo_stream  # noqa: E402

BULK = 64 << 20
ROUND_TRIPS = 500


def bulk_mib_s(port):
    """MiB/s of one direction while 64 MiB go out and come back checksummed
    (test_net_e1000.echo_stream, the system test's own stream)."""
    t0 = time.monotonic()
    sent, got, same = echo_stream(port, BULK)
    dt = time.monotonic() - t0
    if sent != BULK or got != BULK or not same:
        raise RuntimeError("echo came back wrong (%d of %d bytes)" % (got, BULK))
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


def linux_initramfs(build, kernel):
    """linuxecho as /init with the e1000.ko of the kernel that boots."""
    version = re.sub(r"^vmlinuz-", "", os.path.basename(kernel))
    ko = "/lib/modules/%s/kernel/drivers/net/ethernet/intel/e1000/e1000.ko" % version
    if not os.path.isfile(ko):
        raise RuntimeError("no %s (an uncompressed e1000 module of the booted kernel)" % ko)
    out = os.path.join(build, "bench", "linux", "echo-initramfs.cpio")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                                                 "mkcpio.py"), "-o", out,
                    "--dir", "/dev", "--dir", "/sys", "--char", "/dev/console=5:1",
                    "--file", "/init=%s:0755" % os.path.join(build, "bench", "linux", "linuxecho"),
                    "--file", "/e1000.ko=%s:0644" % ko], check=True)
    return out


def measure_linux(build):
    kernel = linux_reference.find_kernel()
    port = free_port()
    nic = ["-nic", "user,model=e1000,hostfwd=tcp:127.0.0.1:%d-:7777" % port,
           "-append", linux_reference.KERNEL_APPEND]
    with Guest(kernel, [linux_initramfs(build, kernel)], extra=nic) as g:
        g.expect(r"linuxecho: listening on port 7777", timeout=120)
        return bulk_mib_s(port), round_trip_us(port)


def run(build):
    e_bulk, e_rt = measure(build, "net-e1000", "e1000")
    v_bulk, v_rt = measure(build, "net", "virtio-net-pci")
    l_bulk, l_rt = measure_linux(build)
    yield ("net_e1000_dde_tcp_echo", e_bulk, "MiB/s")
    yield ("net_virtio_tcp_echo", v_bulk, "MiB/s")
    yield ("net_e1000_dde_vs_virtio_tcp_echo", e_bulk / v_bulk, "x")
    yield ("net_e1000_dde_echo_rt", e_rt, "us")
    yield ("net_virtio_echo_rt", v_rt, "us")
    yield ("net_e1000_dde_vs_virtio_echo_rt", e_rt / v_rt, "x")
    yield ("linux_e1000_tcp_echo", l_bulk, "MiB/s")
    yield ("linux_e1000_echo_rt", l_rt, "us")
    yield ("net_e1000_dde_vs_linux_tcp_echo", e_bulk / l_bulk, "x")
    yield ("net_e1000_dde_vs_linux_echo_rt", e_rt / l_rt, "x")
