# SPDX-License-Identifier: BSD-2-Clause
"""The console server (services/console): every component's printf reaches
the UART through it, a whole line at a time, prefixed with the component's
name when the console's `prefix` config is on; the shell's keystrokes and
output pass through it. tests/system/systems/console.toml runs two
chatters (apps/chatter) of the same priority that send each line in three
pieces with a yield between, so the console receives their pieces
interleaved and must still print every line whole."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

LINES = 40
PAYLOAD = 60


def boot(build, system):
    with open(os.path.join(build, "systems", system + ".initrd")) as f:
        modules = f.read().strip().split(",")
    return Guest(os.path.join(build, "kernel", "kaal.elf32"), modules)


def wait_chatters(g):
    # Each chatter's exit is reported by init after its last line is out.
    for name in ("chat_a", "chat_b"):
        g.expect(r"component %s exited with status 0" % name, timeout=60)
        g.pos = 0


def check_whole_lines(output, prefix):
    for name in ("chat_a", "chat_b"):
        letter = name[-1]
        want = r"%s%s line (\d+): (%s{%d}) end" % (re.escape("[%s] " % name) if prefix else "",
                                                    name, letter, PAYLOAD)
        numbers = []
        for line in output.split("\n"):
            if "%s line" % name in line:
                m = re.fullmatch(want, line)
                assert m, "broken or mixed line of %s: %r" % (name, line)
                numbers.append(int(m.group(1)))
        assert numbers == list(range(LINES)), "%s's lines out of order or lost: %s" % (
            name, numbers)
        done = "%s%s done after %d lines" % ("[%s] " % name if prefix else "", name, LINES)
        assert "\n" + done + "\n" in output, output[-2000:]


def test_lines_of_two_components_never_interleave_mid_line(build):
    with boot(build, "console") as g:
        g.expect(r"init: starting system 'console' \(5 components\)")
        wait_chatters(g)
        check_whole_lines(g.output, prefix=True)
        assert "\n[hello] hello from component hello (heap 64 KiB)\n" in g.output, g.tail()
        assert "faulted" not in g.output, g.tail()


def test_prefix_off_gives_bare_lines(build):
    with boot(build, "console-plain") as g:
        g.expect(r"init: starting system 'console_plain' \(5 components\)")
        wait_chatters(g)
        check_whole_lines(g.output, prefix=False)
        assert "\nhello from component hello (heap 64 KiB)\n" in g.output, g.tail()
        assert "[chat_" not in g.output and "[hello]" not in g.output, g.tail()


def test_default_system_prefixes_hello_and_runs_the_shell_through_the_console(build):
    with boot(build, "default") as g:
        g.expect(r"\n\[hello\] hello from component hello \(heap 64 KiB\)\n")
        g.expect(r"\[demo\] demo: up, waiting\n")
        g.pos = 0
        g.expect(r"kaal> ")
        g.pos = len(g.output)
        # Typed bytes come back through uart -> console -> shell -> console.
        g.send("echo through the console\r")
        m = g.expect(r"(?s)echo through the console\r?\n(.*?)\r?\nkaal> ")
        assert m.group(1) == "through the console", repr(m.group(1))
        # A component's line during the shell's open prompt starts a line of
        # its own, prefixed; the shell's own output carries no prefix.
        g.send("start hello\r")
        g.expect(r"\n\[hello\] hello from component hello \(heap 64 KiB\)\n")
        g.expect(r"hello started")
        assert "[shell]" not in g.output, g.tail()
