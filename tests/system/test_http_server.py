# SPDX-License-Identifier: BSD-2-Clause
"""Milestone 6's demo in system/posix-net.toml (one boot): the banners of
the parts that did the work ([VFS] Mounted ramfs at /, [Network]
Interface eth0 up (10.0.2.15), [POSIX] Ready), then at busybox sh
`python3 -m http.server` (Debian's libpython3.11 linked static, its stdlib
from a zip; a thread per request over the POSIX socket layer and the net
server) answers the host through hostfwd bound to 127.0.0.1: the listing
of /, a subdirectory, a file byte for byte, a 404, and eight requests at
once; ^C stops it cleanly and the prompt comes back. The host port is a
free one, not 8000, so parallel runs do not collide."""
import concurrent.futures
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
sys.path.insert(0, os.path.dirname(__file__))
from qemu_harness import system_guest  # noqa: E402
from test_net import free_port  # noqa: E402
from test_posix import SH_PROMPT, sh  # noqa: E402

MOTD = os.path.join(os.path.dirname(__file__), "..", "..", "system", "posix-rootfs", "etc",
                    "motd")


def get(port, path):
    """(status, body) of GET path; 0 and the error for a connection that failed."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get_when_serving(g, port, path):
    """The first GET once the server listens: before that QEMU accepts on
    the host side and the guest resets the connection."""
    for _ in range(60):
        try:
            return get(port, path)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(1)  # a retry pace, not a verdict: the test judges the answers
    raise AssertionError("http.server never answered through hostfwd\n" + g.tail())


def test_python_http_server_answers_the_host_and_stops_on_ctrl_c(build):
    port = free_port()
    nic = ["-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:%d-:8000" % port]
    with system_guest(build, "posix-net", nic, machine=False) as g:
        g.expect(r"(?m)^\[VFS\] Mounted ramfs at /\n")
        g.expect(r"(?m)^\[POSIX\] Ready\n")
        g.expect(r"built-in shell \(ash\)")
        g.expect(SH_PROMPT)
        # DHCP ends before or after the prompt: the line anywhere.
        network = "\n[Network] Interface eth0 up (10.0.2.15)\n"
        deadline = time.monotonic() + 120
        while network not in g.output and time.monotonic() < deadline and g.status is None:
            g._pump(0.5)
        assert network in g.output, g.tail()
        assert sh(g, "mkdir -p /srv/sub && echo inside > /srv/sub/f.txt && echo ok") == "ok"
        # In a subshell, so that sh's prompt (its cwd, ~) is the same after it.
        g.send("cp /etc/motd /srv && (cd /srv && exec python3 -m http.server)\r")
        g.expect(r"Serving HTTP on 0\.0\.0\.0 port 8000 \(http://0\.0\.0\.0:8000/\) \.\.\.",
                 timeout=120)

        status, body = get_when_serving(g, port, "/")
        assert status == 200, (status, body)
        listing = body.decode()
        assert "Directory listing for /" in listing, listing
        assert 'href="motd"' in listing and 'href="sub/"' in listing, listing

        status, body = get(port, "/sub/")
        assert status == 200 and 'href="f.txt"' in body.decode(), (status, body)
        with open(MOTD, "rb") as f:
            assert get(port, "/motd") == (200, f.read())
        assert get(port, "/sub/f.txt") == (200, b"inside\n")
        status, body = get(port, "/nope")
        assert status == 404 and b"File not found" in body, (status, body)

        # ThreadingHTTPServer: a thread per request, all answered.
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: get(port, "/sub/f.txt"), range(8)))
        assert answers == [(200, b"inside\n")] * 8, answers
        g.expect(r'"GET /nope HTTP/1\.1" 404 -')

        g.send("\x03")
        g.expect(r"Keyboard interrupt received, exiting\.")
        g.expect(SH_PROMPT)
        assert sh(g, "echo back") == "back"
        assert "faulted" not in g.output and "Traceback" not in g.output, g.tail()
