# SPDX-License-Identifier: BSD-2-Clause
"""TCP figures (`make bench`) through QEMU user networking, host side on
127.0.0.1 only:

* tcp_echo_rt_us: 1-byte round trips (TCP_NODELAY) with the native echo
  service of system/net.toml (apps/echo over the net server), median;
* tcp_host_to_guest_mbit: 64 MiB from the host into `posix-sockets sink`
  (a static musl program reading 64 KiB a call) in system/posix-net.toml
  (the POSIX server's sockets over the net server), from connect to the
  guest's close;
* tcp_guest_to_host_mbit: 64 MiB from `posix-sockets source` (64 KiB
  writes) to a listener on the host, from accept to EOF;
* tcp_host_to_guest_nc_mbit, tcp_guest_to_host_nc_mbit: the same through
  busybox nc (`nc -l -p 7777 >/dev/null`, `dd ... | nc 10.0.2.2 PORT`),
  which moves 1 KiB per read and polls before each.

The guest runs under TCG, so the figures say how the stack compares with
itself over time (and with the Linux guest's, measured the same way),
not what hardware would do."""
import os
import socket
import statistics
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
from qemu_harness import system_guest  # noqa: E402

BULK_BYTES = 64 << 20
SH_PROMPT = r"~ # (?:\x1b\[6n)?"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_when_listening(port, tries=120):
    """A connection the guest accepted (before it listens, QEMU accepts
    and closes at once, which a 1-byte probe cannot tell apart: so the
    caller's first exchange is its check)."""
    for _ in range(tries):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=60)
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("nobody listens behind hostfwd port %d" % port)


def echo_rt(build):
    port = free_port()
    nic = ["-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:%d-:7777" % port]
    with system_guest(build, "net", nic, machine=False) as g:
        g.expect(r"echo: listening on port 7777", timeout=180)
        s = connect_when_listening(port)
        with s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            times = []
            for i in range(1100):
                t0 = time.perf_counter()
                s.sendall(b"x")
                if s.recv(1) != b"x":
                    raise RuntimeError("the echo answered something else")
                if i >= 100:  # the first ones warm up ARP, windows, caches
                    times.append(time.perf_counter() - t0)
        return statistics.median(times) * 1e6


def sh(g, line):
    g.send(line + "\r")
    g.expect(r"(?s).*?" + SH_PROMPT, timeout=120)


def host_to_guest(g, fwd, guest_cmd, ready):
    """64 MiB from the host into guest_cmd (listening on 7777), from
    connect to the guest's close; Mbit/s."""
    g.send(guest_cmd + " &\r")
    if ready:
        g.expect(ready, timeout=120)
    chunk = bytes(range(256)) * 256
    for _ in range(120):
        s = connect_when_listening(fwd)
        t0 = time.perf_counter()
        try:
            sent = 0
            while sent < BULK_BYTES:
                s.sendall(chunk)
                sent += len(chunk)
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
            s.close()
            return BULK_BYTES * 8 / (time.perf_counter() - t0) / 1e6
        except OSError:  # QEMU's stand-in closed: the guest did not listen yet
            s.close()
            time.sleep(0.5)
    raise RuntimeError("the guest never took the connection")


def guest_to_host(g, guest_cmd):
    """64 MiB from guest_cmd % port to a host listener, accept to EOF; Mbit/s."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(300)
    result = {}

    def sink():
        c, _ = lsock.accept()
        t = time.perf_counter()
        n = 0
        with c:
            while True:
                d = c.recv(1 << 20)
                if not d:
                    break
                n += len(d)
        result["mbit"] = n * 8 / (time.perf_counter() - t) / 1e6
        result["bytes"] = n

    th = threading.Thread(target=sink, daemon=True)
    th.start()
    sh(g, guest_cmd % lsock.getsockname()[1])
    th.join(300)
    lsock.close()
    if result.get("bytes") != BULK_BYTES:
        raise RuntimeError("guest -> host: %s of %d bytes" % (result.get("bytes"), BULK_BYTES))
    return result["mbit"]


def bulk(build):
    fwd = free_port()
    nic = ["-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:%d-:7777" % fwd]
    with system_guest(build, "posix-net", nic, machine=False) as g:
        g.expect(r"\[Network\] Interface eth0 up", timeout=180)
        g.expect(SH_PROMPT, timeout=120)
        yield "tcp_host_to_guest_mbit", host_to_guest(
            g, fwd, "posix-sockets sink 7777", r"sink: listening"), "Mbit/s"
        g.expect(r"sink: %d bytes" % BULK_BYTES, timeout=120)
        yield "tcp_guest_to_host_mbit", guest_to_host(
            g, "posix-sockets source 10.0.2.2 %%d %d" % BULK_BYTES), "Mbit/s"
        # the same through busybox nc, which moves 1 KiB per read
        yield "tcp_host_to_guest_nc_mbit", host_to_guest(
            g, fwd, "nc -l -p 7777 >/dev/null", None), "Mbit/s"
        yield "tcp_guest_to_host_nc_mbit", guest_to_host(
            g, "dd if=/dev/zero bs=65536 count=%d 2>/dev/null | nc 10.0.2.2 %%d"
            % (BULK_BYTES // 65536)), "Mbit/s"


def run(build):
    yield "tcp_echo_rt_us", echo_rt(build), "us"
    yield from bulk(build)
