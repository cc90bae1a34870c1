# SPDX-License-Identifier: BSD-2-Clause
"""The default system (system/default.toml, what `make run` boots): the
uart16550 driver component owns COM1 and the shell reads its keystrokes
from the driver's byte stream. Keystrokes go in through QEMU's stdin
(COM1's receiver); everything the shell prints comes back through the
driver's interrupt-driven transmit path."""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

PROMPT = r"kaal> "
IDLE = "[KaaL] no runnable threads: idle\n"


def boot_default(build, extra=()):
    with open(os.path.join(build, "systems", "default.initrd")) as f:
        modules = f.read().strip().split(",")
    g = Guest(os.path.join(build, "kernel", "kaal.elf32"), modules, extra=extra)
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
    # The shell asks the rtc driver component (it has no access to the
    # CMOS ports itself: services/shell/component.toml). QEMU's RTC starts at a date the test chooses and then advances with
    # the guest's clock (clock=vm), so `date` must print that date plus at
    # most the time the guest has run. The date is picked to expose the
    # usual decoding slips: day 28 cannot pass for a month, 19 h is past 12
    # and 0x19/0x28/0x46/0x39 are no binary values a BCD slip would give
    # back, and year 99 is 1999 unless the century register is read.
    base = datetime.datetime(2099, 11, 28, 19, 46, 39)
    start = time.monotonic()
    with boot_default(build, extra=("-rtc", "base=%s,clock=vm" % base.isoformat())) as g:
        out = run(g, "date")
        ran = time.monotonic() - start
        line = out.split("\n")[-1]
        m = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", line)
        assert m, "date printed %r, expected YYYY-MM-DD hh:mm:ss" % line
        got = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
        # +1 s: the RTC counts whole seconds from base.
        latest = base + datetime.timedelta(seconds=ran + 1)
        assert base <= got <= latest, ("date printed %s; QEMU's RTC started at %s and the "
                                       "guest ran %.1f s" % (got, base, ran))


def test_ps_lists_the_components_from_init(build):
    with boot_default(build) as g:
        out = run(g, "ps")
        rows = {line.split()[0]: line.split()[1:] for line in out.split("\n")[2:]}
        assert rows.get("uart") == ["running", "200", "0"], out
        assert rows.get("shell") == ["running", "100", "0"], out
        assert rows.get("hello") == ["stopped", "150", "0"], out   # it said hello and exited
        assert rows.get("demo") == ["running", "50", "0"], out
        assert rows.get("vfs") == ["running", "150", "0"], out
        assert rows.get("rtc") == ["running", "150", "0"], out     # date's clock (drivers/rtc)


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


def ps_rows(g):
    return {line.split()[0]: line.split()[1:] for line in run(g, "ps").split("\n")[2:]}


def test_stop_kill_and_start_change_what_ps_shows(build):
    with boot_default(build) as g:
        assert run(g, "stop demo").endswith("demo stopped"), g.tail()
        assert ps_rows(g)["demo"][0] == "stopped", g.tail()
        assert run(g, "start demo").endswith("demo started"), g.tail()
        g.expect(r"demo: up, waiting")
        assert ps_rows(g)["demo"][0] == "running", g.tail()
        assert run(g, "kill demo").endswith("demo killed"), g.tail()
        assert ps_rows(g)["demo"][0] == "stopped", g.tail()
        assert "start: demo: " not in run(g, "start demo"), g.tail()
        assert "start: " in run(g, "start demo"), g.tail()          # already running
        assert run(g, "restart demo").endswith("demo restarted"), g.tail()
        rows = ps_rows(g)
        assert rows["demo"] == ["running", "50", "0"], rows   # restarts counts faults only
        assert "faulted" not in g.output, g.tail()


def test_caps_counts_the_caps_each_component_was_granted(build):
    with boot_default(build) as g:
        out = run(g, "caps").split("\n")
        assert out[1].split() == ["NAME", "CAPS"], out
        caps = {line.split()[0]: int(line.split()[1]) for line in out[2:]}
        assert set(caps) == set(ps_rows(g)), (caps, g.tail())
        # demo is granted what hello is (the console channel) plus its
        # "idle" notification (system/default.toml).
        assert caps["demo"] == caps["hello"] + 1, caps
        assert all(n > 0 for n in caps.values()), caps


def test_uptime_counts_up(build):
    def seconds(out):
        m = re.search(r"up (\d+):(\d\d):(\d\d\.\d\d\d)$", out)
        assert m, repr(out)
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))

    with boot_default(build) as g:
        first = seconds(run(g, "uptime"))
        run(g, "date")    # at least one RTC second edge later
        second = seconds(run(g, "uptime"))
        assert 0 < first < second, (first, second)


def test_sleep_waits_at_least_its_time_on_the_guests_clock(build):
    def seconds(out):
        m = re.search(r"up (\d+):(\d\d):(\d\d\.\d\d\d)$", out)
        assert m, repr(out)
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))

    with boot_default(build) as g:
        for ms in (300, 1, 120):
            before = seconds(run(g, "uptime"))
            out = run(g, "sleep %d" % ms)
            after = seconds(run(g, "uptime"))
            assert out == "sleep %d" % ms, repr(out)   # the echo, nothing else
            # uptime shows whole milliseconds: allow the 1 ms it cuts off.
            assert after - before >= ms / 1000 - 0.001, (ms, before, after)
        out = run(g, "sleep soon")
        assert out.endswith("sleep: 'soon' is not a number of milliseconds (1..86400000)"), out
        assert "driver stopped" not in g.output and "faulted" not in g.output, g.tail()


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


# ---- the line editor's keys, typed through the serial console ----

UP, DOWN = "\x1b[A", "\x1b[B"


def screen_line(echo):
    """What a terminal shows for one echoed line: \\b moves the cursor back,
    printable characters overwrite, BEL is not shown."""
    cols, cur = [], 0
    for ch in echo:
        if ch == "\b":
            cur = max(0, cur - 1)
        elif ch == "\a":
            continue
        elif cur < len(cols):
            cols[cur] = ch
            cur += 1
        else:
            cols.append(ch)
            cur += 1
    return "".join(cols).rstrip(" ")


def run_keys(g, keys):
    """Types keys (Enter included by the caller); returns (what the echoed
    line shows on a terminal, the command's output lines)."""
    g.send(keys)
    m = g.expect(r"(?s)(.*?)\n" + PROMPT)
    lines = m.group(1).replace(IDLE, "").split("\n")
    return screen_line(lines[0]), lines[1:], lines[0]


def test_ctrl_u_erases_the_typed_line_and_what_follows_runs(build):
    with boot_default(build) as g:
        shown, out, raw = run_keys(g, "echo wrong\x15echo right\r")
        assert out == ["right"], (raw, out)
        assert shown == "echo right", repr(raw)
        assert "\b \b" * len("echo wrong") in raw, repr(raw)  # erased on the screen too


def test_ctrl_c_abandons_the_line_without_running_it(build):
    with boot_default(build) as g:
        g.send("echo abandoned\x03")
        m = g.expect(r"(?s)(.*?)\n" + PROMPT)
        # The line, ^C, and straight a new prompt: nothing ran.
        assert m.group(1).replace(IDLE, "") == "echo abandoned^C", repr(m.group(1))
        assert run(g, "echo next").split("\n") == ["echo next", "next"], g.tail()
        assert "abandoned" not in g.output.split("^C", 1)[1], g.tail()
        # An abandoned line is not history: up brings back "echo next".
        shown, out, raw = run_keys(g, UP + "\r")
        assert (shown, out) == ("echo next", ["next"]), repr(raw)


def test_up_arrow_recalls_the_previous_command_and_enter_runs_it(build):
    with boot_default(build) as g:
        run(g, "echo first")
        run(g, "echo second")
        shown, out, raw = run_keys(g, UP + "\r")
        assert (shown, out) == ("echo second", ["second"]), repr(raw)
        # The escape sequence split across two writes still means "up".
        g.send("\x1b")
        shown, out, raw = run_keys(g, "[A\r")
        assert (shown, out) == ("echo second", ["second"]), repr(raw)


def test_up_up_up_then_down_walks_the_history_both_ways(build):
    with boot_default(build) as g:
        for word in ("one", "two", "three"):
            run(g, "echo " + word)
        # up: three, up: two, up: one, down: two.
        shown, out, raw = run_keys(g, UP + UP + UP + DOWN + "\r")
        assert (shown, out) == ("echo two", ["two"]), repr(raw)
        # Down past the newest entry brings back what was being typed.
        shown, out, raw = run_keys(g, "echo dra" + UP + UP + DOWN + DOWN + "ft\r")
        assert (shown, out) == ("echo draft", ["draft"]), repr(raw)


def test_arrows_on_empty_history_only_ring_the_bell(build):
    with boot_default(build) as g:
        shown, out, raw = run_keys(g, UP + DOWN + UP + "echo ok\r")
        assert raw == "\a\a\aecho ok", repr(raw)
        assert out == ["ok"], (raw, out)
        # The line typed after them is now the history's only entry.
        shown, out, raw = run_keys(g, UP + "\r")
        assert (shown, out) == ("echo ok", ["ok"]), repr(raw)
        shown, out, raw = run_keys(g, UP + UP + "\r")
        assert raw.startswith("echo ok\a"), repr(raw)  # nothing older: a bell
        assert out == ["ok"], (raw, out)
