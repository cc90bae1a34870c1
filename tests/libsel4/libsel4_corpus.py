# SPDX-License-Identifier: BSD-2-Clause
"""The libsel4 source-compatibility corpus (tests/libsel4/*.c): compile each
program, x86_64 freestanding with -Wall -Wextra -Werror, against KaaL's
include/sel4 and, as a development check, against real libsel4 built from
an seL4 source tree.

    make check-libsel4 SEL4_SRC=/path/to/seL4      (or run this file)

Real libsel4 is partly generated at build time (syscall.h, invocation.h,
shared_types_gen.h, types_gen.h, sel4_client.h). This script runs seL4's own
generators from SEL4_SRC/tools and SEL4_SRC/libsel4/tools for the
configuration KaaL matches (docs/sel4-deviations.md: x86_64 pc99, no MCS,
debug build, one node, huge pages, XSAVE < 832 bytes). Those tools need
Debian's python3-jinja2, python3-ply, python3-lxml and
python3-typing-extensions; SEL4_PYTHON names the interpreter that has them
(default /usr/bin/python3). Nothing of seL4 is kept in this repository and
`make test` never needs it: there the corpus is compiled against KaaL only
(tests/unit/test_libsel4_corpus.py).

GAPS lists libsel4 API that compiles against real libsel4 and is missing
from KaaL on purpose; the check asserts both halves, so the list in
docs/sel4-deviations.md cannot go stale silently.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

WARN = ["-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wstrict-prototypes",
        "-Wmissing-prototypes"]


def corpus():
    """Every corpus program, by path."""
    return sorted(glob.glob(os.path.join(HERE, "*.c")))


def base_cflags(cc):
    # gnu11, not c11: real libsel4's system-call stubs use the `asm` keyword,
    # as every seL4 project builds with gnu11.
    gcc_include = subprocess.run([cc, "-print-file-name=include"], check=True,
                                 capture_output=True, text=True).stdout.strip()
    return ["-std=gnu11", *WARN, "-O2", "-ffreestanding", "-fno-pic", "-fno-pie",
            "-fno-stack-protector", "-mno-red-zone", "-nostdinc", "-isystem", gcc_include]


def kaal_includes():
    return ["-I" + os.path.join(ROOT, "include")]


def compile_c(cc, flags, source, text=None):
    """Compiles (does not link) `source`, or `text` named as it; returns
    (ok, diagnostics)."""
    with tempfile.TemporaryDirectory() as tmp:
        if text is not None:
            source = os.path.join(tmp, source)
            with open(source, "w") as f:
                f.write(text)
        p = subprocess.run([cc, *flags, "-c", source, "-o", os.path.join(tmp, "out.o")],
                           capture_output=True, text=True)
    return p.returncode == 0, p.stderr


# The configuration of real libsel4 that KaaL's headers follow. Only what
# libsel4's headers and XML test is set; LibSel4FunctionAttributes=inline so
# generated stubs are static inline (KaaL's are too).
AUTOCONF = """\
#pragma once
#define CONFIG_ARCH_X86 1
#define CONFIG_ARCH_X86_64 1
#define CONFIG_PLAT_PC99 1
#define CONFIG_WORD_SIZE 64
#define CONFIG_SYSCALL 1
#define CONFIG_HAVE_FPU 1
#define CONFIG_HUGE_PAGE 1
#define CONFIG_XSAVE_SIZE 576
#define CONFIG_NUM_PRIORITIES 256
#define CONFIG_MAX_NUM_NODES 1
#define CONFIG_RETYPE_FAN_OUT_LIMIT 256
#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS 230
#define CONFIG_DEBUG_BUILD 1
#define CONFIG_PRINTING 1
#define CONFIG_LIB_SEL4_INLINE_INVOCATIONS 1
#define CONFIG_LIB_SEL4_USE_THREAD_LOCALS 1
#define CONFIG_LIB_SEL4_PRINT_INVOCATION_ERRORS 0
"""


def generate_real_libsel4(sel4_src, out, python, cc="gcc"):
    """Generates real libsel4's build-time headers into `out`; returns the
    include flags of the whole real header set."""
    lib = os.path.join(sel4_src, "libsel4")
    tools = os.path.join(sel4_src, "tools")
    src_dirs = [os.path.join(lib, d) for d in
                ("include", "arch_include/x86", "sel4_arch_include/x86_64",
                 "sel4_plat_include/pc99", "mode_include/64")]
    gen_dirs = [os.path.join(out, d) for d in
                ("include", "arch_include/x86", "sel4_arch_include/x86_64")]
    autoconf_dir = os.path.join(out, "autoconf")
    for d in [autoconf_dir, os.path.join(out, "include/sel4"),
              os.path.join(out, "include/interfaces"),
              os.path.join(out, "arch_include/x86/sel4/arch"),
              os.path.join(out, "sel4_arch_include/x86_64/sel4/sel4_arch")]:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(autoconf_dir, "autoconf.h"), "w") as f:
        f.write(AUTOCONF)
    includes = ["-I" + autoconf_dir] + ["-I" + d for d in src_dirs + gen_dirs]

    def run(*args):
        subprocess.run(list(args), check=True)

    run(python, os.path.join(tools, "syscall_header_gen.py"),
        "--xml", os.path.join(lib, "include/api/syscall.xml"),
        "--libsel4_header", os.path.join(out, "include/sel4/syscall.h"))
    xml_api = os.path.join(lib, "include/interfaces/object-api.xml")
    xml_sel4_arch = os.path.join(lib, "sel4_arch_include/x86_64/interfaces/object-api-sel4-arch.xml")
    xml_arch = os.path.join(lib, "arch_include/x86/interfaces/object-api-arch.xml")
    gen = os.path.join(tools, "invocation_header_gen.py")
    run(python, gen, "--xml", xml_api, "--libsel4",
        "--dest", os.path.join(out, "include/sel4/invocation.h"))
    run(python, gen, "--xml", xml_sel4_arch, "--libsel4", "--sel4_arch",
        "--dest", os.path.join(out, "sel4_arch_include/x86_64/sel4/sel4_arch/invocation.h"))
    run(python, gen, "--xml", xml_arch, "--libsel4", "--arch",
        "--dest", os.path.join(out, "arch_include/x86/sel4/arch/invocation.h"))
    for bf, header in [("mode_include/64/sel4/shared_types.bf", "include/sel4/shared_types_gen.h"),
                       ("sel4_arch_include/x86_64/sel4/sel4_arch/types.bf",
                        "sel4_arch_include/x86_64/sel4/sel4_arch/types_gen.h")]:
        pbf = os.path.join(out, os.path.basename(bf) + ".pbf")
        with open(pbf, "w") as f:
            subprocess.run([cc, "-E", "-P", "-x", "c", *includes, os.path.join(lib, bf)],
                           check=True, stdout=f)
        run(python, os.path.join(tools, "bitfield_gen.py"), "--environment", "libsel4",
            "--from_file", os.path.join(lib, bf), pbf, os.path.join(out, header))
    run(python, os.path.join(lib, "tools/syscall_stub_gen.py"), "-a", "x86_64",
        "-o", os.path.join(out, "include/interfaces/sel4_client.h"),
        xml_sel4_arch, xml_arch, xml_api)
    return includes


# libsel4 API (in the configuration above) that KaaL does not provide, each
# as a snippet that compiles against real libsel4, and why it is missing.
# docs/sel4-deviations.md lists the same groups.
GAPS = [
    ("config_header", "#include <sel4/config.h>\n#if CONFIG_WORD_SIZE != 64\n#error\n#endif\n",
     "no <autoconf.h>/<sel4/config.h>: KaaL has one fixed configuration"),
    ("debug_cap_identify", "seL4_Uint32 f(void);\nseL4_Uint32 f(void) { seL4_DebugSnapshot();"
     " return seL4_DebugCapIdentify(seL4_CapInitThreadTCB); }\n",
     "seL4_DebugCapIdentify/seL4_DebugSnapshot: the kernel does not implement them"),
    ("get_fault", "seL4_Word f(seL4_MessageInfo_t t);\nseL4_Word f(seL4_MessageInfo_t t) {"
     " seL4_Fault_t x = seL4_getFault(t); return seL4_Fault_VMFault_get_Addr(x); }\n",
     "seL4_Fault_t, seL4_getFault() and the generated fault accessors"),
    ("cap_data_accessors", "seL4_Word f(seL4_CapRights_t r);\nseL4_Word f(seL4_CapRights_t r) {"
     " r = seL4_CapRights_set_capAllowRead(r, 0);"
     " return seL4_CNode_CapData_get_guard(seL4_CNode_CapData_new(1, 2)); }\n",
     "set/ptr accessors of seL4_CapRights_t and seL4_CNode_CapData_t"),
    ("domain_set", "seL4_Error f(void);\nseL4_Error f(void) {"
     " return seL4_DomainSet_Set(seL4_CapDomain, 0, seL4_CapInitThreadTCB); }\n",
     "seL4_DomainSet_*: domain invocations are not implemented"),
    ("tcb_flags", "seL4_Word f(void);\nseL4_Word f(void) {"
     " return seL4_TCB_SetFlags(seL4_CapInitThreadTCB, 0, seL4_TCBFlag_fpuDisabled).flags; }\n",
     "seL4_TCBFlag names: fpuDisabled is not supported"),
    ("vcpu_ept_iommu", "seL4_X86_VCPU v; seL4_X86_EPTPML4 e; seL4_X86_IOSpace s;\n",
     "VCPU, EPT and IOMMU object types (not built in this configuration's kernel)"),
]


def gap_source(snippet):
    return "#include <sel4/sel4.h>\n" + snippet


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sel4-src", required=True, help="an seL4 source tree (github:seL4/seL4)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "libsel4-real"))
    ap.add_argument("--python", default=os.environ.get("SEL4_PYTHON", "/usr/bin/python3"))
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    args = ap.parse_args(argv)

    real = generate_real_libsel4(args.sel4_src, args.out, args.python, args.cc)
    base = base_cflags(args.cc)
    failed = 0
    for path in corpus():
        name = os.path.basename(path)
        for side, inc in (("kaal", kaal_includes()), ("libsel4", real)):
            ok, diag = compile_c(args.cc, base + inc, path)
            print("%-8s %-18s %s" % (side, name, "ok" if ok else "FAILED"))
            if not ok:
                failed += 1
                print(diag)
    for name, snippet, why in GAPS:
        ok_real, diag_real = compile_c(args.cc, base + real, name + ".c", gap_source(snippet))
        ok_kaal, _ = compile_c(args.cc, base + kaal_includes(), name + ".c", gap_source(snippet))
        verdict = "gap" if ok_real and not ok_kaal else "WRONG"
        print("%-8s %-18s %s: %s" % ("gap", name, verdict, why))
        if verdict != "gap":
            failed += 1
            print("  real libsel4: %s; KaaL: %s" % ("compiles" if ok_real else "fails",
                                                   "compiles" if ok_kaal else "fails"))
            if not ok_real:
                print(diag_real)
    print("libsel4 check: %s" % ("%d failed" % failed if failed else "all passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
