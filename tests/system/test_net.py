# SPDX-License-Identifier: BSD-2-Clause
"""The net server (services/net) end to end: system/net.toml boots the
virtio-net driver, lwIP and the native echo service. DHCP binds eth0 to
QEMU user networking's 10.0.2.15 (the console line users look for), the
echo service's self-test moves 256 KiB each way over 127.0.0.1 inside the
guest (lwIP's loopback path), and a TCP connection from the host through
hostfwd (127.0.0.1 only) gets its bytes back. The host port is a free one
picked here, not 7777, so parallel runs do not collide."""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import system_guest  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def echo_once(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return got
            got += chunk


def test_dhcp_loopback_and_echo_from_the_host(build):
    port = free_port()
    nic = ["-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:%d-:7777" % port]
    with system_guest(build, "net", nic, machine=False) as g:
        g.expect(r"\[Network\] Interface eth0 up \(10\.0\.2\.15\)\n", timeout=120)
        g.expect(r"echo: self-test over 127\.0\.0\.1:7777 passed \(262149 bytes each way, "
                 r"checksum equal\)", timeout=120)
        g.expect(r"echo: listening on port 7777")
        assert echo_once(port, b"hello\n") == b"hello\n"
        # several in a row, and more than one segment and one window's worth
        for i in range(3):
            assert echo_once(port, b"line %d\n" % i) == b"line %d\n" % i
        big = bytes((i * 7 + i // 251) & 255 for i in range(1 << 20))
        assert echo_once(port, big) == big
