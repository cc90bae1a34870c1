# SPDX-License-Identifier: BSD-2-Clause
"""VFS server throughput in the guest (`make bench`), from the vfsbench
system (tests/system/systems/vfsbench.toml, client apps/vfsdemo/
client_bench.c): a client component writes and then reads 8 MiB
sequentially through the VFS server in 64 KiB calls of the client library,
once with data in message registers (936 bytes per RPC) and once through a
64 KiB region shared with the server (one RPC per call, `_shm`), as passes
over one 512 KiB file; then the issue's workload, a new 256 MiB file
written once and read once through the shared region (`_shm_256m`; the
server's heap is 352 MiB so its ramfs, 3/4 of the heap, holds it), and
once more with the client's block inside the shared region (`_in_place`:
one copy, by the server, like Linux's read/write). The guest counts TSC cycles;
cycles become seconds with the cycles-per-ns of the Linux guest of the same
run (as bench_ipc.py does), whose tmpfs figures give the comparison."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_reference  # noqa: E402
from qemu_harness import Guest  # noqa: E402

MIB = 1024 * 1024


def measure_kaal(build):
    with open(os.path.join(build, "systems", "vfsbench.initrd")) as f:
        modules = f.read().strip().split(",")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), modules) as g:
        g.expect(r"component vfs_bench exited with status 0", timeout=300)
    return {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"vfsbench: (\w+) (\d+) cycles (\d+) \w+\n", g.output)}


def linux_tmpfs(linux, what):
    for size in ("256m", "128m"):
        fig = linux.get("tmpfs_%s_%s" % (what, size))
        if fig:
            return fig.value if fig.unit == "MiB/s" else None
    return None


def run(build):
    kaal = measure_kaal(build)
    keys = ("seq_write", "seq_read", "seq_write_shm", "seq_read_shm", "seq_write_shm_256m",
            "seq_read_shm_256m", "seq_write_shm_256m_in_place", "seq_read_shm_256m_in_place")
    for key in keys:
        cycles, n_bytes = kaal[key]
        yield "vfs_guest_%s_cycles_per_byte" % key, cycles / n_bytes, "cycles"
    yield "vfs_guest_rpc_cycles", kaal["lseek_call"][0], "cycles"
    linux = linux_reference.measure(build)
    cycles_per_ns = linux["pipe_rt_cycles"].value / linux_reference.ns(linux, "pipe_rt")
    for key in ("seq_write_shm", "seq_read_shm"):
        yield "vfs_guest_%s_vs_registers" % key, kaal[key[:-4]][0] / kaal[key][0], "x"
    for what in ("write", "read"):
        ref = linux_tmpfs(linux, what)
        if ref:
            yield "vfs_guest_linux_tmpfs_%s" % what, ref, "MiB/s"
    for key in keys:
        what = "write" if "write" in key else "read"
        cycles, n_bytes = kaal[key]
        mib_s = (n_bytes / MIB) / (cycles / cycles_per_ns / 1e9)
        yield "vfs_guest_%s" % key, mib_s, "MiB/s"
        ref = linux_tmpfs(linux, what)
        if ref:
            yield "vfs_guest_%s_vs_linux_tmpfs" % key, mib_s / ref, "x"
