# SPDX-License-Identifier: BSD-2-Clause
"""Sockets for POSIX programs (services/posix/socket.c, poll.c over the net
server): system/posix-net.toml boots busybox sh with the virtio-net driver
and lwIP; one boot checks, as a user at the busybox prompt would:

* eth0 gets its address (the `[Network] Interface eth0 up` line);
* busybox `nc 10.0.2.2 PORT` reaches a listener on the host's 127.0.0.1
  (QEMU maps the guest's 10.0.2.2 to the host's loopback): what nc reads
  from a pipe arrives at the host, what the host sends comes out of nc.
  nc polls its stdin pipe and the socket in one poll set, so both kinds of
  readiness are exercised, and the pipe's EOF turns into shutdown(SHUT_WR);
* busybox `nc -l -p 7777 -e cat` in the background serves the host through
  hostfwd (127.0.0.1 only): the host's bytes come back (accept, fork, the
  socket as cat's stdin and stdout);
* milestone 5 inside the guest: `nc -ll -p 7778 -e cat &`, then
  `echo hello | nc 127.0.0.1 7778` prints hello (and over 10.0.2.15);
* a connection to a closed port is refused, and the processes' sockets are
  all closed again afterwards (a second listener binds the same port);
* /bin/posix-sockets (tests/net/posix_sockets.c) checks the syscalls one by
  one: bad arguments with Linux's errnos, families, socketpair, TCP and UDP over 127.0.0.1, non-blocking
  connect, MSG_PEEK/DONTWAIT/NOSIGNAL, SIGPIPE, FIONREAD/FIONBIO,
  sendmsg/recvmsg, blocking calls woken by another process, select,
  pselect, poll and epoll over pipes and sockets, 300 connections with no
  socket left behind.

Host ports are free ones picked here, not 7777, so parallel runs do not
collide."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_harness import system_guest  # noqa: E402
from test_net import echo_once, free_port  # noqa: E402
from test_posix import SH_PROMPT, sh  # noqa: E402


class HostListener:
    """A TCP listener on the host's 127.0.0.1 that records what one client
    sends and answers `reply`, then closes."""

    def __init__(self, reply):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(180)
        self.port = self.sock.getsockname()[1]
        self.reply, self.got, self.error = reply, b"", None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            c, _ = self.sock.accept()
            with c:
                c.settimeout(180)
                c.sendall(self.reply)
                while True:
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    self.got += chunk
        except OSError as e:
            self.error = e
        finally:
            self.sock.close()

    def wait(self):
        self.thread.join(200)
        assert not self.thread.is_alive(), "the host listener never finished"
        assert self.error is None, self.error
        return self.got


def echo_when_listening(g, port, data):
    """echo_once once the guest listens: before that, QEMU accepts on
    the host side and closes at once (the guest answers with a reset)."""
    for attempt in range(90):
        try:
            got = echo_once(port, data)
            if got:
                return got
        except OSError:  # reset, or closed before our shutdown
            pass
        time.sleep(1)  # a retry pace, not a verdict: the test fails on content
    raise AssertionError("nothing came back from the guest's listener\n" + g.tail())


def test_busybox_nc_both_ways_through_qemu_user_networking(build):
    fwd = free_port()
    nic = ["-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:%d-:7777" % fwd]
    with system_guest(build, "posix-net", nic, machine=False) as g:
        g.expect(r"\[Network\] Interface eth0 up \(10\.0\.2\.15\)", timeout=180)
        g.expect(r"built-in shell \(ash\)", timeout=120)
        g.expect(SH_PROMPT, timeout=60)

        # guest -> host: stdin is a pipe, so nc polls a pipe and a socket
        host = HostListener(b"from the host\n")
        out = sh(g, "echo to the host | nc 10.0.2.2 %d; echo nc=$?" % host.port)
        assert host.wait() == b"to the host\n", g.tail()
        assert out.split("\n") == ["from the host", "nc=0"], out

        # host -> guest: a listener in the guest behind hostfwd
        sh(g, "nc -l -p 7777 -e cat &")
        assert echo_when_listening(g, fwd, b"hello\n") == b"hello\n", g.tail()
        sh(g, "nc -l -p 7777 -e cat &")  # the port is free again: nothing leaked
        big = bytes((i * 7 + i // 251) & 255 for i in range(200000))
        got = echo_when_listening(g, fwd, big)
        assert got == big, "%d of %d bytes back" % (len(got), len(big))

        # milestone 5 inside the guest: a persistent echo server, a client over 127.0.0.1
        sh(g, "nc -ll -p 7778 -e cat &")
        for attempt in range(30):
            out = sh(g, "echo hello | nc 127.0.0.1 7778")
            if "hello" in out.split("\n"):
                break
        assert "hello" in out.split("\n"), out
        assert "again" in sh(g, "echo again | nc 10.0.2.15 7778").split("\n")

        # a closed port: refused, and nc says so
        out = sh(g, "nc 127.0.0.1 9 </dev/null; echo nc=$?")
        assert "Connection refused" in out and "nc=1" in out.split("\n"), out

        # every syscall's details (tests/net/posix_sockets.c; passes on Linux too)
        out = sh(g, "posix-sockets")
        fails = [ln for ln in out.split("\n") if ln.startswith("FAIL")]
        assert not fails, "\n".join(fails)
        assert "ok inet6_eafnosupport" in out and "ok unix_socket_eafnosupport" in out, out
        assert "sockets: 93 passed, 0 failed" in out.split("\n"), out
