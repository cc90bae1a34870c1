#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`make bench`: runs every benchmark and prints its figures.

Host benchmarks are binaries given on the command line (built with the
host_bench macro); guest and boot benchmarks are tests/bench/bench_*.py
modules whose run(build) yields (name, value, unit) tuples. Every figure is
printed as `bench: <name> <value> <unit>`; comparisons measured in the same
run are printed the same way with unit `x`.
"""
import argparse
import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))


def fmt(value):
    if isinstance(value, float):
        return "%.3g" % value if value < 100 else "%.0f" % value
    return str(value)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="run only benchmarks whose file name contains this")
    ap.add_argument("host_benches", nargs="*")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    failed = 0

    for binary in args.host_benches:
        if args.only and args.only not in os.path.basename(binary):
            continue
        p = subprocess.run([binary], capture_output=True, text=True)
        for line in p.stdout.splitlines():
            if line.startswith("bench:"):
                print(line, flush=True)
        if p.returncode != 0:
            failed += 1
            print("bench: %s FAILED (exit %d)\n%s" % (binary, p.returncode, p.stderr[-2000:]))

    bdir = os.path.join(ROOT, "tests", "bench")
    for fname in sorted(os.listdir(bdir)):
        if not (fname.startswith("bench_") and fname.endswith(".py")):
            continue
        if args.only and args.only not in fname:
            continue
        spec = importlib.util.spec_from_file_location(fname[:-3], os.path.join(bdir, fname))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        try:
            for name, value, unit in mod.run(build):
                print("bench: %s %s %s" % (name, fmt(value), unit), flush=True)
        except Exception as e:  # report and go on with the other benchmarks
            failed += 1
            print("bench: %s FAILED: %s" % (fname, e), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
