# SPDX-License-Identifier: BSD-2-Clause
"""Linux reference figures for KaaL's benchmarks, measured in the same run.

Boots Debian's Linux kernel (the newest /boot/vmlinuz-*-amd64, from the
linux-image-amd64 package in mk/debian-packages) under the same QEMU command
KaaL uses (tools/qemu_harness.py) with the initramfs built by
tests/bench/linux/module.mk, whose /init (linuxbench) prints one line
`linux: <name> <value> <unit>` per figure and stops the machine.

    import linux_reference                    # tests/bench on sys.path
    figures = linux_reference.measure(build)  # one Linux boot per process
    figures["pipe_rt"]          -> Figure(value=69.0, unit="us")
    linux_reference.ns(figures, "pipe_rt") -> 69000.0

measure() is cached per build directory for the life of the process, so
several bench_*.py modules of one `make bench` share a single boot. Import it
by that name (with tests/bench on sys.path) so all callers share the cache.
Names: see tests/bench/linux/README.md; every latency has a `<name>_cycles`
twin, and `boot_to_init` (seconds from QEMU start to /init's first line) is
measured on the host side.
"""
import collections
import glob
import os
import re
import time

from qemu_harness import Guest

Figure = collections.namedtuple("Figure", "value unit")

# Debian's kernel has no initrd of ours to mount a root from: rdinit=/init
# runs our program from the initramfs; panic=-1 turns a crash of /init into
# a reboot, which -no-reboot turns into a QEMU exit instead of a hang.
KERNEL_APPEND = "console=ttyS0 quiet panic=-1 rdinit=/init"
BOOT_TIMEOUT_S = 60
RUN_TIMEOUT_S = 110

_LINE = re.compile(r"^linux: (\S+) (\S+) (\S+)\r?$", re.M)
# What a complete run reports (the tmpfs pair may be the _128m variant).
EXPECTED = ("kernel_boot_to_init", "getppid", "pipe_rt", "futex_rt", "page_fault",
            "page_fault_mean", "fork_exec_wait", "pipe_bulk", "memcpy", "memcpy_32m")
_NS_PER = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
_cache = {}


class LinuxBenchError(RuntimeError):
    pass


def _version_key(path):
    """Sorts vmlinuz-6.1.0-9-amd64 before vmlinuz-6.1.0-10-amd64."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", os.path.basename(path))]


def find_kernel():
    """$KAAL_LINUX_KERNEL if set, else the newest /boot/vmlinuz-*-amd64."""
    env = os.environ.get("KAAL_LINUX_KERNEL")
    if env:
        return env
    kernels = sorted(glob.glob("/boot/vmlinuz-*-amd64"), key=_version_key)
    if not kernels:
        raise LinuxBenchError("no /boot/vmlinuz-*-amd64: install linux-image-amd64 "
                              "(make deps; it is in mk/debian-packages)")
    return kernels[-1]


def initramfs_path(build):
    return os.path.join(build, "bench", "linux", "initramfs.cpio")


def parse(text):
    """The figures in linuxbench's output: {name: Figure}."""
    return {m.group(1): Figure(float(m.group(2)), m.group(3)) for m in _LINE.finditer(text)}


def boot(build):
    """Boots Linux once and returns (figures, serial output). Raises
    LinuxBenchError when the guest reports a failure or does not finish."""
    initramfs = initramfs_path(build)
    if not os.path.exists(initramfs):
        raise LinuxBenchError("missing %s (run make BUILD=%s bench)" % (initramfs, build))
    kernel = find_kernel()
    with Guest(kernel, [initramfs], extra=["-append", KERNEL_APPEND]) as g:
        # \r?: the harness turns \r\n into \n only within one read, and a
        # read may end between the two.
        g.expect(r"linuxbench: start\r?\n", timeout=BOOT_TIMEOUT_S)
        boot_s = time.monotonic() - g.start_time
        g.expect(r"linuxbench: done, \d+ failed\r?\n", timeout=RUN_TIMEOUT_S)
        status = g.wait_exit(timeout=30)
        output = g.output
    failures = re.findall(r"^linuxbench: FAILED [^\r\n]*", output, re.M)
    if status != 0 or failures:
        raise LinuxBenchError("Linux benchmark guest ended with status %s:\n%s\n"
                              "--- last 40 lines of serial output ---\n%s"
                              % (status, "\n".join(failures), g.tail()))
    figures = parse(output)
    missing = [n for n in EXPECTED if n not in figures]
    if not any(n.startswith("tmpfs_write_") for n in figures):
        missing.append("tmpfs_write_*")
    if missing:
        raise LinuxBenchError("Linux benchmark guest did not report %s\n"
                              "--- serial output ---\n%s" % (", ".join(missing), output))
    figures["boot_to_init"] = Figure(boot_s, "s")
    return figures, output


def measure(build):
    """{name: Figure} for this build directory; boots Linux at most once per
    process (a failure is cached too, so callers do not retry a broken boot)."""
    key = os.path.abspath(build)
    if key not in _cache:
        try:
            _cache[key] = boot(key)[0]
        except Exception as e:  # remembered and raised again for every caller
            _cache[key] = e
    result = _cache[key]
    if isinstance(result, Exception):
        raise result
    return result


def ns(figures, name):
    """A time figure converted to nanoseconds (for ratios against KaaL)."""
    fig = figures[name]
    if fig.unit not in _NS_PER:
        raise ValueError("%s is in %s, not a time" % (name, fig.unit))
    return fig.value * _NS_PER[fig.unit]
