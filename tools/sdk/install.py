#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Installs the KaaL SDK from a built tree (`make install PREFIX=DIR`,
`make dist`; docs/sdk.md has the layout).

    tools/sdk/install.py --build build --prefix /opt/kaal --version 0.6

PREFIX becomes the SDK: boot/ (kernel, init), lib/ (libkaal, crt0),
include/, components/ (every library component.toml of apps/, drivers/,
services/ with its README, their ELFs in components/bin/), tools/
(sel4-compose, the system.toml compiler, mkimage, mkcpio, the QEMU
harness, templates), mk/ (config.mk, project.mk), docs/ (with the API
reference make api-docs wrote to BUILD/docs/api), examples/, rootfs/
(python3 and its stdlib zip, when the tree built them),
bin/sel4-compose and VERSION. Everything is checked before anything is
written: a missing binary is named. PREFIX must be new, empty or a
previous SDK (its .kaal-sdk file); then the paths an install writes are
replaced and nothing else in PREFIX is touched."""
import argparse
import os
import shutil
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY_DIRS = ("apps", "drivers", "services")
TOOLS = ("sel4-compose", "systoml-compile", "mkimage", "mkcpio.py", "qemu_harness.py")
OWNED = ("boot", "lib", "include", "components", "tools", "mk", "docs", "examples", "rootfs",
         "bin/sel4-compose", "VERSION")


class InstallError(Exception):
    pass


def library_components():
    """(toml path relative to ROOT, binary name) of every library component."""
    found = []
    for top in LIBRARY_DIRS:
        for d, subdirs, files in os.walk(os.path.join(ROOT, top)):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for f in sorted(files):
                if f == "component.toml" or f.endswith(".component.toml"):
                    path = os.path.join(d, f)
                    with open(path, "rb") as fh:
                        binary = tomllib.load(fh).get("component", {}).get("binary")
                    if not isinstance(binary, str):
                        raise InstallError("%s: no binary in [component]"
                                           % os.path.relpath(path, ROOT))
                    found.append((os.path.relpath(path, ROOT), binary))
    return found


def plan(build):
    """[(source, destination relative to PREFIX)] or InstallError."""
    files = [(os.path.join(build, "kernel", "kaal.elf32"), "boot/kaal.elf32"),
             (os.path.join(build, "guest", "bin", "init.elf"), "boot/init.elf"),
             (os.path.join(build, "guest", "libkaal.a"), "lib/libkaal.a"),
             (os.path.join(build, "guest", "runtime", "crt", "crt0.o"), "lib/crt0.o"),
             (os.path.join(ROOT, "mk", "config.mk"), "mk/config.mk"),
             (os.path.join(ROOT, "mk", "project.mk"), "mk/project.mk")]
    for rel, binary in library_components():
        files.append((os.path.join(ROOT, rel), os.path.join("components", rel)))
        readme = os.path.join(os.path.dirname(rel), "README.md")
        if os.path.exists(os.path.join(ROOT, readme)):
            files.append((os.path.join(ROOT, readme), os.path.join("components", readme)))
        files.append((os.path.join(build, "guest", "bin", binary),
                      os.path.join("components", "bin", binary)))
    for name in TOOLS:
        files.append((os.path.join(ROOT, "tools", name), os.path.join("tools", name)))
    trees = [("include", "include", (".h", ".md")),
             ("tools/systoml", "tools/systoml", (".py", ".md")),
             ("tools/templates", "tools/templates", None),
             ("docs", "docs", None),
             ("examples", "examples", None)]
    for src, dst, suffixes in trees:
        top = os.path.join(ROOT, src)
        for d, subdirs, fs in os.walk(top):
            subdirs[:] = sorted(s for s in subdirs if s not in ("__pycache__", "build")
                                and not s.startswith("."))
            for f in sorted(fs):
                if suffixes is None or f.endswith(suffixes):
                    p = os.path.join(d, f)
                    files.append((p, os.path.join(dst, os.path.relpath(p, top))))
    # The POSIX rootfs's static python3 and stdlib zip, where the tree
    # builds them (mk/project.mk's ROOTFS_PYTHON takes them from rootfs/).
    for name in ("python3", "python311.zip"):
        p = os.path.join(build, "posix", name)
        if os.path.isfile(p):
            files.append((p, os.path.join("rootfs", name)))
    api = os.path.join(build, "docs", "api")
    for f in sorted(os.listdir(api)) if os.path.isdir(api) else []:
        files.append((os.path.join(api, f), os.path.join("docs", "api", f)))
    missing = [s for s, _ in files if not os.path.isfile(s)]
    if missing:
        raise InstallError("not built yet (run make in %s first):\n  %s"
                           % (ROOT, "\n  ".join(os.path.relpath(m) for m in missing)))
    return files


MARKER = ".kaal-sdk"


def install(build, prefix, version):
    files = plan(build)
    # Only a previous SDK's own paths are ever removed: PREFIX must be empty,
    # new, or an SDK (its marker file), never e.g. /usr/local with its lib/.
    if os.path.isdir(prefix) and os.listdir(prefix) and \
            not os.path.isfile(os.path.join(prefix, MARKER)):
        raise InstallError("%s is not empty and holds no KaaL SDK (no %s): install into a new "
                           "or empty directory, e.g. PREFIX=/opt/kaal" % (prefix, MARKER))
    for part in OWNED:
        p = os.path.join(prefix, part)
        if os.path.islink(p) or os.path.isfile(p):
            os.unlink(p)
        elif os.path.isdir(p):
            shutil.rmtree(p)
    for src, dst in files:
        out = os.path.join(prefix, dst)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copy2(src, out)
    os.makedirs(os.path.join(prefix, "bin"), exist_ok=True)
    os.symlink("../tools/sel4-compose", os.path.join(prefix, "bin", "sel4-compose"))
    with open(os.path.join(prefix, "VERSION"), "w") as f:
        f.write(version + "\n")
    with open(os.path.join(prefix, MARKER), "w") as f:
        f.write("KaaL SDK %s: sel4-compose and mk/project.mk work from here; a new install "
                "replaces only the paths tools/sdk/install.py writes\n" % version)
    return len(files)


def main():
    ap = argparse.ArgumentParser(prog="install.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True, help="the tree's build directory")
    ap.add_argument("--prefix", required=True, help="where the SDK goes")
    ap.add_argument("--version", required=True)
    args = ap.parse_args()
    prefix = os.path.abspath(args.prefix)
    try:
        n = install(os.path.abspath(args.build), prefix, args.version)
    except InstallError as e:
        print("install: error: %s" % e, file=sys.stderr)
        return 1
    except OSError as e:
        print("install: error: %s: %s" % (e.filename or prefix, e.strerror), file=sys.stderr)
        return 1
    print("installed KaaL SDK %s in %s (%d files); next: %s/bin/sel4-compose new my-os"
          % (args.version, prefix, n, prefix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
