# SPDX-License-Identifier: BSD-2-Clause
"""Builds /usr/lib/python311.zip of the POSIX root: the stdlib modules the
KaaL python3 needs, found by running what it is for and looking at what got
imported, never from a hand-kept list.

Run by the static python3 itself (python.mk), on the build machine, with
PYTHONHOME=/usr (Debian's /usr/lib/python3.11, the sources that match
libpython3.11.a):

    stdlib_zip.py OUT.zip [LIST]

The workload is what the POSIX system runs with python: `-c` programs,
threading, time, os and file I/O, and `python3 -m http.server` serving a
directory listing, a file and a 404 to a few clients at once (one thread per
request). Every module imported by then whose source is in the stdlib
directory (not built in, not frozen into the binary) goes into the zip as
bytecode compiled by this interpreter; LIST, if given, gets their names.
"""
import sys

FROZEN_OR_BUILTIN = ("built-in", "frozen")
NOT_STDLIB = ("sitecustomize", "usercustomize")  # the machine's local config


def workload(root):
    """Does what python does on KaaL, so that its imports happen; root is
    an empty scratch directory."""
    import codecs
    import runpy

    runpy._get_module_details("http.server")  # python3 -m http.server
    import argparse
    import contextlib
    import functools
    import http.server
    import io
    import os
    import shutil
    import socket
    import threading
    import time

    for name in ("utf-8", "latin-1", "ascii", "idna"):
        codecs.lookup(name)
    parser = argparse.ArgumentParser()  # http.server's own command line
    parser.add_argument("--cgi", action="store_true")
    parser.add_argument("--bind", "-b", metavar="ADDRESS")
    parser.add_argument("port", action="store", default=8000, type=int, nargs="?")
    parser.format_help()
    parser.parse_args(["8000"])
    with contextlib.suppress(ValueError):
        int("x")

    try:
        os.mkdir(os.path.join(root, "sub"))
        with open(os.path.join(root, "file.txt"), "w") as f:
            f.write("hello\n")
        with open(os.path.join(root, "file.txt")) as f:
            f.read()
        os.listdir(root)
        time.monotonic()
        time.sleep(0)

        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
        saved, sys.stderr = sys.stderr, io.StringIO()  # the request log
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            t = threading.Thread(target=server.serve_forever, daemon=True)
            t.start()

            def get(path):
                with socket.create_connection(server.server_address) as s:
                    s.sendall(("GET %s HTTP/1.0\r\n\r\n" % path).encode())
                    while s.recv(65536):
                        pass

            clients = [threading.Thread(target=get, args=(p,))
                       for p in ("/", "/sub/", "/file.txt", "/missing")]
            for c in clients:
                c.start()
            for c in clients:
                c.join()
            server.shutdown()
            server.server_close()
            t.join()
        finally:
            sys.stderr = saved
    finally:
        shutil.rmtree(root)


def stdlib_sources(stdlib):
    """(archive name, source path) of every imported module read from stdlib."""
    out = {}
    for name, mod in list(sys.modules.items()):
        spec = getattr(mod, "__spec__", None)
        origin = getattr(spec, "origin", None)
        if (not origin or origin in FROZEN_OR_BUILTIN or not origin.endswith(".py")
                or name in NOT_STDLIB):
            continue
        if not origin.startswith(stdlib + "/") or "-packages/" in origin:
            continue
        out[origin[len(stdlib) + 1:]] = origin
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: stdlib_zip.py OUT.zip [LIST]")
    stdlib = sys._stdlib_dir
    if not stdlib:
        sys.exit("stdlib_zip.py: this python has no stdlib directory (PYTHONHOME?)")
    import os

    scratch = sys.argv[1] + ".d"
    if os.path.exists(scratch):
        import shutil

        shutil.rmtree(scratch)
    os.mkdir(scratch)
    workload(scratch)
    sources = stdlib_sources(stdlib)

    import importlib._bootstrap_external as external
    import zipfile

    with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
        for rel in sorted(sources):
            with open(sources[rel], "rb") as f:
                code = compile(f.read(), "/usr/lib/python311.zip/" + rel, "exec",
                               dont_inherit=True)
            # A timestamp pyc with no source next to it: zipimport takes it as is.
            data = external._code_to_timestamp_pyc(code, 0, 0)
            info = zipfile.ZipInfo(rel[:-3] + ".pyc", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, bytes(data))
    if len(sys.argv) == 3:
        with open(sys.argv[2], "w") as f:
            f.write("".join(rel[:-3].replace("/", ".") + "\n" for rel in sorted(sources)))
    print("stdlib_zip.py: %d modules in %s" % (len(sources), sys.argv[1]))


if __name__ == "__main__":
    main()
