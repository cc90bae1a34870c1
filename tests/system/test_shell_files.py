# SPDX-License-Identifier: BSD-2-Clause
"""The shell's file commands on the running default system: typed on COM1,
served by the VFS server component (ramfs at /, devfs at /dev) over its
RPC endpoint and the shared data region (services/shell/README.md)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_shell import boot_default as boot_shell, run  # noqa: E402


def boot_default(build):
    """Boots the default system; test_shell's boot_default waits for the
    prompt and for the demo component's line, so that it cannot land inside
    a command's output."""
    return boot_shell(build)


def lines(out):
    """The command's output lines (the echoed command line dropped)."""
    return out.split("\n")[1:]


def test_files_are_created_listed_read_stated_and_removed_through_the_shell(build):
    with boot_default(build) as g:
        assert lines(run(g, "mkdir /docs")) == [], g.tail()
        assert lines(run(g, "write /docs/hello.txt hello from 'the shell'")) == [], g.tail()
        assert lines(run(g, "echo second line >> /docs/hello.txt")) == [], g.tail()
        assert lines(run(g, "mkdir /docs/sub")) == [], g.tail()

        assert sorted(lines(run(g, "ls /docs"))) == ["hello.txt", "sub/"], g.tail()
        assert "docs/" in lines(run(g, "ls /")), g.tail()
        assert "console" in lines(run(g, "ls /dev")), g.tail()

        assert lines(run(g, "cat /docs/hello.txt")) == ["hello from the shell",
                                                        "second line"], g.tail()

        st = "\n".join(lines(run(g, "stat /docs/hello.txt /docs")))
        assert "File: /docs/hello.txt" in st, st
        assert re.search(r"Size: 33 .*Type: regular file", st), st   # 21 + 12 bytes
        assert re.search(r"Mode: 0644 .*Links: 1", st), st
        assert re.search(r"Type: directory\n  Mode: 0755", st), st

        # cd and relative paths, pwd
        assert lines(run(g, "cd /docs")) == [], g.tail()
        assert lines(run(g, "pwd")) == ["/docs"], g.tail()
        assert lines(run(g, "cat hello.txt"))[0] == "hello from the shell", g.tail()
        run(g, "cd /")

        # Removing: rm for files, rmdir for empty directories.
        assert lines(run(g, "rmdir /docs")) == [
            "kaal: rmdir: /docs: Directory not empty"], g.tail()
        assert lines(run(g, "rm /docs/hello.txt")) == [], g.tail()
        assert lines(run(g, "rmdir /docs/sub /docs")) == [], g.tail()
        assert lines(run(g, "ls /docs")) == [
            "kaal: ls: /docs: No such file or directory"], g.tail()
        assert "docs/" not in lines(run(g, "ls /")), g.tail()
        assert "faulted" not in g.output, g.tail()


def test_missing_paths_and_wrong_types_report_the_errno(build):
    with boot_default(build) as g:
        assert lines(run(g, "ls /nope")) == [
            "kaal: ls: /nope: No such file or directory"], g.tail()
        assert lines(run(g, "cat /nope")) == [
            "kaal: cat: /nope: No such file or directory"], g.tail()
        assert lines(run(g, "rm /dev")) == ["kaal: rm: /dev: Is a directory"], g.tail()
        run(g, "mkdir /d")
        assert lines(run(g, "mkdir /d")) == ["kaal: mkdir: /d: File exists"], g.tail()
        # The shell goes on after errors.
        assert lines(run(g, "echo still here")) == ["still here"], g.tail()


def test_df_prints_the_ramfs_size_and_use(build):
    with boot_default(build) as g:
        out = lines(run(g, "df"))
        assert out[0].split() == ["Mounted", "on", "1K-blocks", "Used", "Available", "Inodes",
                                  "IFree"], out
        total, used, avail = (int(x) for x in out[1].split()[1:4])
        assert out[1].split()[0] == "/", out
        # 3/4 of the server's 512 KiB heap (system/default.toml).
        assert total == 384 and used + avail == total, out
        run(g, "write /f x")     # one 4 KiB page
        total2, used2, avail2 = (int(x) for x in lines(run(g, "df /"))[1].split()[1:4])
        assert total2 == total and used2 == used + 4 and avail2 == avail - 4, (out, used2)


def test_a_file_larger_than_one_message_reads_back_whole(build):
    with boot_default(build) as g:
        # 15 words of 7 bytes: the line holds at most 127 characters, so
        # append repeatedly; the file outgrows one RPC (936 bytes) and the
        # shell's 1 KiB buffer, and travels through the shared region.
        words = " ".join("w%02d-abc" % i for i in range(12))
        for _ in range(20):
            run(g, "echo %s >> /big" % words)
        st = "\n".join(lines(run(g, "stat /big")))
        assert "Size: %d " % (20 * (len(words) + 1)) in st, st
        out = lines(run(g, "cat /big"))
        assert out == [words] * 20, out
