# SPDX-License-Identifier: BSD-2-Clause
"""The default system (system/default.toml, what `make run` boots): the
uart16550 driver component owns COM1 and the shell reads its keystrokes
from the driver's byte stream. Keystrokes go in through QEMU's stdin
(COM1's receiver); everything the shell prints comes back through the
driver's interrupt-driven transmit path."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

PROMPT = r"kaal> "
IDLE = "[KaaL] no runnable threads: idle\n"


def boot_default(build):
    with open(os.path.join(build, "systems", "default.initrd")) as f:
        modules = f.read().strip().split(",")
    g = Guest(os.path.join(build, "kernel", "kaal.elf32"), modules)
    g.expect(r"init: starting system 'default' \(\d+ components\)")
    # The demo component (lowest priority) prints its line through the
    # kernel console when the rest is idle, before or after the first
    # prompt: wait for both, so that it cannot land inside a command's output.
    start, end = g.pos, 0
    for pattern in (PROMPT, r"demo: up, waiting\n"):
        g.pos = start
        end = max(end, g.expect(pattern).end())
    g.pos = end
    return g


def run(g, line):
    """Types line and Enter; returns what the shell printed up to the next
    prompt (the echo of line included)."""
    g.send(line + "\r")
    m = g.expect(r"(?s)(.*?)\n" + PROMPT)
    # The kernel says when it goes idle, wherever the shell's output is.
    return m.group(1).replace(IDLE, "")


def test_shell_echoes_keystrokes_and_runs_echo(build):
    with boot_default(build) as g:
        out = run(g, "echo hello world")
        lines = out.split("\n")
        assert lines[0] == "echo hello world", out       # the typed line, echoed
        assert lines[1] == "hello world", out            # the command's output
        assert "faulted" not in g.output, g.tail()


def test_help_lists_the_commands(build):
    with boot_default(build) as g:
        out = run(g, "help")
        assert "commands:" in out, out
        for cmd in ("help", "echo", "uptime", "date", "poweroff"):
            assert "\n  %s " % cmd in out, "help does not list %s:\n%s" % (cmd, out)


def test_unknown_command_says_so_and_the_shell_goes_on(build):
    with boot_default(build) as g:
        out = run(g, "frobnicate now")
        assert "kaal: unknown command 'frobnicate' (try 'help')" in out, out
        assert run(g, "echo still here").endswith("still here"), g.tail()


def test_backspace_erases_before_the_line_runs(build):
    with boot_default(build) as g:
        # "echo helXX" with two DELs and one backspace (^H), then "p".
        out = run(g, "echo helXX\x7f\x7f\x08p")
        assert out.split("\n")[-1] == "hep", repr(out)
        # The screen saw the erasing: backspace, space, backspace per character.
        assert "\b \b" in out, repr(out)


def test_input_typed_faster_than_the_shell_reads_is_kept_in_order(build):
    with boot_default(build) as g:
        # 15 words: the shell takes at most 16 (the command included).
        words = " ".join("word%02d" % i for i in range(15))
        out = run(g, "echo " + words)
        assert out.split("\n")[-1] == words, repr(out)


def test_date_reads_the_rtc(build):
    with boot_default(build) as g:
        out = run(g, "date")
        assert "\n" in out, repr(out)
        line = out.split("\n")[-1]
        assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d.*", line), repr(line)


def test_ps_lists_the_components_from_init(build):
    with boot_default(build) as g:
        out = run(g, "ps")
        rows = {line.split()[0]: line.split()[1:] for line in out.split("\n")[2:]}
        assert rows.get("uart") == ["running", "200", "0"], out
        assert rows.get("shell") == ["running", "100", "0"], out
        assert rows.get("hello") == ["stopped", "150", "0"], out   # it said hello and exited
        assert rows.get("demo") == ["running", "50", "0"], out
        assert rows.get("vfs") == ["running", "150", "0"], out


def test_start_runs_a_stopped_component_again_and_mem_shows_it_reclaimed(build):
    with boot_default(build) as g:
        before = re.search(r"untyped: (\d+) KiB free of (\d+) KiB", run(g, "mem"))
        assert before, g.tail()
        for _ in range(3):
            # hello (priority 150) runs to its end before the shell (100)
            # prints the reply, so its lines land inside the command's output.
            out = run(g, "start hello")
            assert "hello started" in out, out
            assert "component hello exited with status 0" in out, out
        after = re.search(r"untyped: (\d+) KiB free of (\d+) KiB", run(g, "mem"))
        assert after and after.groups() == before.groups(), (before.group(0), after.group(0))
        assert g.output.count("hello from component hello") == 4, g.tail()


def test_lifecycle_commands_refuse_unknown_names_and_the_shell_itself(build):
    with boot_default(build) as g:
        assert "kill: no component 'nosuch'" in run(g, "kill nosuch")
        assert "stop: " in run(g, "stop shell")
        assert run(g, "echo alive").endswith("alive"), g.tail()


def test_crash_faults_the_demo_which_restarts_and_memory_comes_back_every_time(build):
    with boot_default(build) as g:  # boot_default waited for the demo's first line
        before = re.search(r"untyped: (\d+) KiB free", run(g, "mem")).group(1)
        for n in range(1, 101):
            run(g, "crash")
            g.expect(r"component demo faulted: VMFault at 0x0 \(rip 0x0\)")
            g.expect(r"init: restarting demo \(%d of 1000\)" % n)
            g.expect(r"demo: up, waiting")
        rows = {line.split()[0]: line.split()[1:] for line in run(g, "ps").split("\n")[2:]}
        assert rows.get("demo") == ["running", "50", "100"], rows
        after = re.search(r"untyped: (\d+) KiB free", run(g, "mem")).group(1)
        assert after == before, "free untyped %s KiB before 100 crashes, %s after" % (before,
                                                                                   after)
        assert "crash: no component 'nosuch'" in run(g, "crash nosuch")
        assert "KERNEL FAULT" not in g.output, g.tail()


def test_poweroff_switches_the_machine_off_through_acpi(build):
    with boot_default(build) as g:
        g.send("poweroff\r")
        g.expect(r"powering off")
        g.expect(r"init: powering off \(ACPI S5\)")
        g.wait_exit()
        # ACPI S5 makes QEMU exit with 0; the debug-exit fallback would give
        # an odd status (2 * code + 1).
        assert g.status == 0, "QEMU status %s\n%s" % (g.status, g.tail())
