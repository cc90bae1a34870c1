# SPDX-License-Identifier: BSD-2-Clause
"""SDK build speed (docs/sdk.md): the SDK installed from this build into a
temporary prefix (tools/sdk/install.py, what `make install` runs), then a
new project of the default template (`full`) made with its sel4-compose:
a clean `make -j2` of it, and a rebuild after editing its component's .c.
Medians of 3; the goals are 30 s and 3 s on 2 cores."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = 3


def timed_make(proj, env):
    start = time.monotonic()
    subprocess.run(["make", "-j2"], cwd=proj, env=env, check=True, capture_output=True)
    return time.monotonic() - start


def run(build):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "BUILD", "KAAL_SDK", "KAAL_ROOT")}
    tmp = tempfile.mkdtemp(prefix="kaal-bench-sdk-")
    try:
        prefix = os.path.join(tmp, "sdk")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "sdk", "install.py"),
                        "--build", build, "--prefix", prefix, "--version", "bench"],
                       check=True, capture_output=True, env=env)
        compose = os.path.join(prefix, "bin", "sel4-compose")
        subprocess.run([sys.executable, compose, "new", "bench-os"], cwd=tmp, check=True,
                       capture_output=True, env=env)
        proj = os.path.join(tmp, "bench-os")
        src = os.path.join(proj, "components", "greeter", "main.c")
        clean, rebuild = [], []
        for i in range(RUNS):
            shutil.rmtree(os.path.join(proj, "build"), ignore_errors=True)
            clean.append(timed_make(proj, env))
            with open(src, "a") as f:
                f.write("/* edit %d */\n" % i)
            rebuild.append(timed_make(proj, env))
        yield "sdk_clean_build_s", statistics.median(clean), "s"
        yield "sdk_rebuild_s", statistics.median(rebuild), "s"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
