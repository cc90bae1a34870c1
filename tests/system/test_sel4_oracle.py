# SPDX-License-Identifier: BSD-2-Clause
"""KaaL against real seL4: the oracle probe (tools/sel4-oracle/probe/), built
against KaaL's include/sel4, boots as KaaL's root task; every tagged line it
prints is compared with what real seL4 printed for the same call
(tools/sel4-oracle/results/sel4-debug.log, FINDINGS.md).

Before comparing, both outputs are normalised by the rule FINDINGS.md gives:
only what differs between seL4's own debug and release runs is taken out
(addresses of code, the untyped chosen and its address, slot numbers, the
message registers an error without data leaves as the caller set them, and
the stale rcx/SP in UnknownSyscall messages); test_normalisation_... checks
that the rule makes those two seL4 runs agree. What still differs must be
listed in EXPECTED_DIFFERENCES (with KaaL's line, the reason and the
docs/sel4-deviations.md entry, or "KNOWN BUG: ...") or in SKIPPED; anything
else fails with the tag, seL4's line and KaaL's line. An expected difference
that has gone away fails too, so the list stays true.
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from qemu_harness import Guest  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RESULTS = os.path.join(ROOT, "tools", "sel4-oracle", "results")
DEV = "docs/sel4-deviations.md"

# Lines the probe prints on KaaL that carry no comparable answer, by tag.
SKIPPED = {
    "S0": "seL4_DebugCapIdentify from the root thread: KaaL does not implement it "
          "(an UnknownSyscall fault, and the root has no fault handler), so the probe "
          "build's shim (tools/sel4-oracle/kaal/autoconf.h) makes no call; the number "
          "-12 is still compared from a thread with a fault handler (S1/S2)",
    "S3": "seL4_DebugDumpScheduler from the root thread: as S0 (not implemented, would "
          "stop the probe); -10 is compared in S1/S2",
    "H1": "seL4_DebugSnapshot (-DPROBE_SNAPSHOT): a capDL dump of >200,000 lines; "
          "not built for KaaL, which does not implement it",
    "H2": "seL4_DebugHalt at the end (-DPROBE_HALT, results/sel4-debug-halt.log): "
          "stops the machine; not built for the comparison",
    "H3": "only printed if DebugHalt returned (-DPROBE_HALT variant, not built)",
}
# Only in the release run (the probe's #ifndef CONFIG_DEBUG_BUILD cases: -10,
# -11, -13, -14 as raw syscalls, which on a debug kernel would halt or dump):
# the KaaL build is compared with the debug run, so they are not built.

# Accepted differences: key -> (KaaL's normalised line (a string, or a
# regular expression it must match whole), None if KaaL has no such line;
# why; where it is documented). Keys are "<tag>" for the first
# line with that tag, "<tag>#n" for the n-th (from 0), "S1 <syscall>#n" and
# "S2 <syscall> rdi_in=<x>".
DEBUG_CALLS = ("KaaL implements DebugPutChar, DebugHalt and DebugNameThread only: -10 "
               "DumpScheduler and -12 CapIdentify are UnknownSyscall faults")
SYSCALL_SP = ("KaaL saves the whole user context at syscall entry, seL4 not rsp: seL4's "
              "ReadRegisters gives a syscall-blocked thread's stale rsp, KaaL its real one")
EXPECTED_DIFFERENCES = {
    "L1": (
        "L1 first .data word (initialised 0x5a5a5a5a5a5a5a5a) reads 0x5a5a5a5a5a5a5a5a; "
        "PT_TLS vaddr=0x408000 memsz=8",
        "seL4's x86_64 ELF loader also copies/zeroes non-PT_LOAD headers, so PT_TLS "
        "clobbers .data; KaaL loads PT_LOAD only", DEV + " (Compared with real seL4: ELF loading)"),
    "G5#1": (
        "G5   rip=<after syscall> rsp=0x41d000 rflags=0x202 rdi=slot+2 fs_base=0x42b800 "
        "gs_base=0x41a000", SYSCALL_SP, DEV + " (Compared with real seL4: saved rsp)"),
    "G7#1": (
        "G7   rip=<at syscall> rsp=0x41f000 rflags=0x202 rdi=slot+2 fs_base=0x0 gs_base=0x0",
        SYSCALL_SP, DEV + " (Compared with real seL4: saved rsp)"),
    "G13#2": (  # the root's real rsp: somewhere in its .bss stack
        re.compile(r"G13   rip=<at syscall> rsp=0x4[0-9a-f]{5} rflags=0x246 rdi=slot\+2 "
                   r"fs_base=0x42b400 gs_base=0x0"),
        SYSCALL_SP, DEV + " (Compared with real seL4: saved rsp)"),
}
for _rdi in ("0x1", "0x2", "0x4", "0x0", "0xfffff"):
    EXPECTED_DIFFERENCES["S2 -12 rdi_in=%s" % _rdi] = (
        "S2 syscall -12 rdi_in=%s -> returned=1 rdi=0xdead rsi=0x5151" % _rdi,
        DEBUG_CALLS + " (the handler's reply sets rdi = 0xdead)", DEV + " (Debug system calls)")
for _n in range(5):
    EXPECTED_DIFFERENCES["S1 -12#%d" % _n] = (
        "S1 fault label=2 length=19 (UnknownSyscall) syscall=-12 faultIP=<at syscall> "
        "rdi=%s rsi=0x5151 rdx=0xfffffffffffffff4 flags=0x206"
        % ("0x1", "0x2", "0x4", "0x0", "0xfffff")[_n],
        DEBUG_CALLS, DEV + " (Debug system calls)")
EXPECTED_DIFFERENCES["S1 -10#0"] = (
    "S1 fault label=2 length=19 (UnknownSyscall) syscall=-10 faultIP=<at syscall> "
    "rdi=0x0 rsi=0x5151 rdx=0xfffffffffffffff6 flags=0x206", DEBUG_CALLS, DEV + " (Debug system calls)")
EXPECTED_DIFFERENCES["S2 -10 rdi_in=0x0"] = (
    "S2 syscall -10 rdi_in=0x0 -> returned=1 rdi=0xdead rsi=0x5151",
    DEBUG_CALLS + " (the handler's reply sets rdi = 0xdead)", DEV + " (Debug system calls)")

# What the code addresses in seL4's logs are, from the probe ELFs of those
# runs (/work/oracle/probe-{debug,release}.elf, read with describe_code()):
# the binaries differ, the places must not.
SEL4_CODE = {
    "sel4-debug.log": {0x401250: "<entry of t_gs>", 0x40128d: "<after syscall>",
                       0x4012c0: "<at syscall>", 0x401021: "<at syscall>",
                       0x40130e: "<at syscall>"},
    "sel4-release.log": {0x401200: "<entry of t_gs>", 0x40123d: "<after syscall>",
                         0x401270: "<at syscall>", 0x401021: "<at syscall>",
                         0x4012be: "<at syscall>"},
}

ERROR_DATA_WORDS = {  # message registers that carry an error's data (FINDINGS.md)
    1: 1,   # InvalidArgument: argument number
    2: 1,   # InvalidCapability: cap number
    4: 2,   # RangeError: min, max
    6: 2,   # FailedLookup: source, lookup failure type (+ its data, below)
    10: 1,  # NotEnoughMemory: bytes left
}
LOOKUP_FAILURE_DATA_WORDS = {1: 0, 2: 1, 3: 2, 4: 3}  # InvalidRoot, Missing, Depth, Guard


def describe_code(elf_path, addresses):
    """Place of each code address in an x86_64 ELF: a function entry, a
    `syscall` instruction, just after one, or elsewhere."""
    with open(elf_path, "rb") as f:
        data = f.read()
    phoff, shoff = struct.unpack_from("<QQ", data, 32)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 54)
    segments = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            segments.append((p_vaddr, p_offset, p_filesz))
    entries = {}
    for i in range(shnum):
        sh = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        if sh[1] != 2:      # SHT_SYMTAB
            continue
        strtab = struct.unpack_from("<IIQQQQIIQQ", data, shoff + sh[6] * shentsize)
        for j in range(sh[5] // sh[9]):
            name, info, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, sh[4] + j * sh[9])
            if info & 0xf == 2:     # STT_FUNC
                s = strtab[4] + name
                entries[value] = data[s:data.index(b"\0", s)].decode()

    def code(addr, n):
        for vaddr, off, size in segments:
            if vaddr <= addr and addr + n <= vaddr + size:
                return data[off + addr - vaddr:off + addr - vaddr + n]
        return b""

    out = {}
    for a in addresses:
        if a in entries:
            out[a] = "<entry of %s>" % entries[a]
        elif code(a, 2) == b"\x0f\x05":
            out[a] = "<at syscall>"
        elif code(a - 2, 2) == b"\x0f\x05":
            out[a] = "<after syscall>"
        else:
            out[a] = "<code 0x%x>" % a
    return out


def strip_foreign_output(text):
    """The kernels' own messages, which may cut into a probe line."""
    text = text.replace("\r", "")
    text = re.sub(r"<<seL4\(CPU \d+\)[^\n]*>>\n", "", text)
    text = re.sub(r"Undelivered IRQ: \d+\n", "", text)
    text = re.sub(r"\[KaaL\][^\n]*\n", "", text)
    return text


TAGGED = re.compile(r"^(PROBE START|PROBE END|[A-Z][0-9]+[a-z]?) ")


def normalise(text, code_names):
    """Tagged probe lines of a run's console output -> {key: normalised line}."""
    text = strip_foreign_output(text)
    # -9 DebugPutChar('Z') prints one 'Z' right after the S0 line.
    putchar = re.search(r"^S0 [^\n]*\nZ", text, re.M) is not None
    lines, seen = {}, {}
    start = re.search(r"^PROBE START .* empty=\[(\d+),\d+\) .*image=\[0x[0-9a-f]+,(0x[0-9a-f]+)\)",
                      text, re.M)
    if not start:
        raise AssertionError("no PROBE START line in the output")
    empty_start = int(start.group(1))
    image_end = (int(start.group(2), 16) + 0xfff) & ~0xfff
    base = 0

    def code(m):
        a = int(m.group(2), 16)
        return "%s=%s" % (m.group(1), code_names.get(a, "<code 0x%x>" % a))

    for raw in text.splitlines():
        raw = re.sub(r"^Z(?=S1 )", "", raw)
        m = TAGGED.match(raw)
        if not m:
            continue
        tag, line = m.group(1), raw.rstrip()
        if tag == "PROBE START":
            line = re.sub(r"(bootinfo|ipcbuf)=(0x[0-9a-f]+)",
                          lambda v: "%s=end+0x%x" % (v.group(1), int(v.group(2), 16) - image_end), line)
            line = re.sub(r" empty=\S+ untyped=\S+", "", line)     # boot layout, CNode size
        # The untyped chosen (size, address): frames are compared by offset.
        um = re.match(r"[A-F]0 U\d paddr=(0x[0-9a-f]+) sizeBits=\d+", line)
        if um:
            base = int(um.group(1), 16)
            line = re.sub(r"paddr=\S+ sizeBits=\d+", "paddr=<base> sizeBits=<n>", line)
        if "GetAddress:" in line:
            line = re.sub(r"paddr=(0x[0-9a-f]+)",
                          lambda v: "paddr=base+0x%x" % (int(v.group(1), 16) - base), line)
        # Errors: only the words that carry the error's data.
        em = re.search(r"err=(\d+) \S+( mr0=(0x[0-9a-f]+) mr1=(0x[0-9a-f]+) mr2=(0x[0-9a-f]+))$", line)
        if em:
            err, mrs = int(em.group(1)), [em.group(3), em.group(4), em.group(5)]
            keep = ERROR_DATA_WORDS.get(err, 0)
            if err == 6:
                keep += LOOKUP_FAILURE_DATA_WORDS.get(int(mrs[1], 16), 0)
            kept = "".join(" mr%d=%s" % (i, mrs[i]) for i in range(min(keep, 3)))
            line = line[:em.start(2)] + kept
        # Register dumps: code addresses by place, the thread argument as a slot.
        line = re.sub(r"\b(rip|faultIP)=(0x[0-9a-f]+)", code, line)
        if re.match(r"G\d+ +rip=", line):
            line = re.sub(r"rdi=(0x[0-9a-f]+)",
                          lambda v: "rdi=slot+%d" % (int(v.group(1), 16) - empty_start), line)
        if tag == "S1":
            line = re.sub(r" (rcx|sp)=0x[0-9a-f]+", "", line)   # stale at syscall entry
        if tag == "S1":
            sm = re.search(r"syscall=(-?\d+)", line)
            kbase = "S1 %s" % (sm.group(1) if sm else "?")
        elif tag == "S2":
            sm = re.match(r"S2 syscall (-?\d+) (rdi_in=\S+)", line)
            kbase = "S2 %s %s" % sm.groups() if sm else "S2 ?"
        else:
            kbase = tag
        n = seen.get(kbase, 0)
        seen[kbase] = n + 1
        if tag in ("S1",) or n:
            key = "%s#%d" % (kbase, n)
        else:
            key = kbase
        lines[key] = line
    if putchar:
        lines["S1 DebugPutChar"] = "S1 DebugPutChar('Z') printed Z"
    return lines


def read_result(name):
    with open(os.path.join(RESULTS, name), errors="replace") as f:
        return normalise(f.read(), SEL4_CODE[name])


def compare(sel4, kaal):
    """Human-readable problems; empty if KaaL gives seL4's answers."""
    problems = []
    for key in list(sel4) + [k for k in kaal if k not in sel4]:
        tag = key.split()[0].split("#")[0]
        if tag in SKIPPED:
            continue
        want, got = sel4.get(key), kaal.get(key)
        if key in EXPECTED_DIFFERENCES:
            expected_kaal, why, doc = EXPECTED_DIFFERENCES[key]
            if got == want:
                problems.append("%s: listed as an expected difference (%s) but KaaL now "
                                "gives seL4's line; remove the entry\n  both: %s" % (key, why, want))
            elif not (got == expected_kaal or (isinstance(expected_kaal, re.Pattern)
                                               and got and expected_kaal.fullmatch(got))):
                problems.append("%s: differs from seL4 otherwise than listed\n  seL4:     %s\n"
                                "  KaaL:     %s\n  expected: %s" % (key, want, got, getattr(
                                    expected_kaal, "pattern", expected_kaal)))
            continue
        if got != want:
            problems.append("%s: KaaL's answer differs from seL4's\n  seL4: %s\n  KaaL: %s"
                            % (key, want or "(no such line)", got or "(no such line)"))
    return problems


def test_normalisation_makes_seL4_debug_and_release_runs_agree(build):
    """Probes A, B, C and E gave the same answers on seL4's debug and release
    kernels (FINDINGS.md): the normalisation must only remove what differs
    between those runs, and here it must remove all of it."""
    debug, release = read_result("sel4-debug.log"), read_result("sel4-release.log")
    probes = re.compile(r"^(L1|[A-FGIMW]\d+[a-z]?)(#\d+)?$")
    keys = [k for k in debug if probes.match(k)]
    assert len(keys) > 130, "parsed only %d lines of the debug run" % len(keys)
    bad = ["%s\n  debug:   %s\n  release: %s" % (k, debug[k], release.get(k))
           for k in keys if debug[k] != release.get(k)]
    assert not bad, "seL4's two runs differ after normalisation:\n" + "\n".join(bad)


def test_probe_on_kaal_answers_as_seL4_debug_run(build):
    probe = os.path.join(build, "guest", "bin", "sel4-oracle-probe.elf")
    with Guest(os.path.join(build, "kernel", "kaal.elf32"), [probe]) as g:
        g.expect(r"PROBE START ")
        g.expect(r"\nPROBE END\n", timeout=120)
        status = g.wait_exit()
        output = g.output
    assert status == 0, "probe exit code %s, want 0\n%s" % (status, g.tail())
    with open(os.path.join(build, "sel4-oracle-kaal.log"), "w") as f:
        f.write(output)
    kaal_code = describe_code(probe, [int(a, 16) for a in
                                      re.findall(r"\b(?:rip|faultIP)=(0x[0-9a-f]+)", output)])
    kaal = normalise(output, kaal_code)
    sel4 = read_result("sel4-debug.log")
    problems = compare(sel4, kaal)
    assert not problems, ("%d difference(s) between KaaL and seL4 (full KaaL output in "
                          "%s/sel4-oracle-kaal.log):\n" % (len(problems), build)
                          + "\n".join(problems))
