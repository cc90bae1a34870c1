# SPDX-License-Identifier: BSD-2-Clause
"""A server that dies while it serves a call (tests/system/rpcabort/): init
lets the dying component answer that call with KAAL_RPC_LABEL_SERVER_GONE
before it destroys it (<kaal/component.h>), so the client sees an error
instead of waiting for ever, and the restarted server answers the calls
that follow. Both ways to die: a fault, and a supervisor's restart."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402


def test_client_of_a_server_that_dies_in_its_call_gets_an_error_then_service(build):
    with open(os.path.join(build, "systems", "rpcabort.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"caller: 41 -> 42\n")
        g.expect(r"component flaky faulted: VMFault at 0x0")
        g.expect(r"caller: server faulted during the call: server gone\n")
        g.expect(r"caller: 5 -> 6\n")
        g.expect(r"caller: server restarted during the call: server gone\n")
        g.expect(r"caller: 7 -> 8\n")
        g.expect(r"component caller exited with status 0\n")
        assert "killer: restart flaky: success" in g.output, g.tail()
        assert "WRONG" not in g.output and "KERNEL FAULT" not in g.output, g.tail()


def test_shell_goes_on_with_a_fresh_vfs_server_after_restart_vfs(build):
    sys.path.insert(0, os.path.dirname(__file__))
    from test_shell import boot_default, run
    with boot_default(build) as g:
        run(g, "write /before x")
        assert "before" in run(g, "ls /"), g.tail()
        assert "vfs stopped" in run(g, "restart vfs"), g.tail()
        # A new ramfs: the file is gone, the shell's requests are answered.
        assert run(g, "cat /before").endswith(
            "kaal: cat: /before: No such file or directory"), g.tail()
        run(g, "write /after y")
        assert run(g, "cat /after").endswith("\ny"), g.tail()
        assert "faulted" not in g.output, g.tail()


def test_calls_to_a_stopped_server_are_answered_with_an_error_until_it_starts(build):
    sys.path.insert(0, os.path.dirname(__file__))
    from test_shell import boot_default, run
    with boot_default(build) as g:
        free = re.compile(r"untyped: (\d+) KiB free")
        before = free.search(run(g, "mem")).group(1)
        for _ in range(3):
            assert run(g, "stop vfs").endswith("vfs stopped"), g.tail()
            # init's tombstone thread answers on the stopped server's endpoint.
            for cmd in ("ls /", "cat /x"):
                assert run(g, cmd).endswith(": Transport endpoint is not connected"), g.tail()
            assert run(g, "start vfs").endswith("vfs started"), g.tail()
            assert run(g, "ls /").endswith("\ndev/"), g.tail()
            # The tombstone's memory is back once the server runs again.
            assert free.search(run(g, "mem")).group(1) == before, g.tail()
        assert "faulted" not in g.output, g.tail()
