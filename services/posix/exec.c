// SPDX-License-Identifier: BSD-2-Clause
/*
 * The loader: execve of a static Linux x86_64 ELF (ET_EXEC, or ET_DYN
 * without PT_INTERP: static PIE, loaded at Linux's base 0x555555554000),
 * or of a "#!" script, whose interpreter is loaded instead with the argv
 * Linux's binfmt_script makes (load_following_scripts).
 *
 * The file is opened through the VFS server and stays open while a process
 * runs it: its headers are checked (runtime/elf, kaal_elf_check_file: the
 * headers in the first page read, every segment inside the file) and each
 * PT_LOAD segment becomes a VMA whose pages are read on their first fault
 * (vm.c). The new address space is built completely before the old one is
 * dropped, so a failed execve returns its error to the old program.
 *
 * The initial stack is Linux's (System V x86_64 ABI 3.4.1): from the top
 * the strings of argv, envp and AT_EXECFN, "x86_64" (AT_PLATFORM), 16
 * random bytes (AT_RANDOM, RDRAND when CPUID says the CPU has it, else
 * TSC readings, said so once), then at a 16-byte aligned rsp: argc, argv[],
 * NULL, envp[], NULL, the auxv pairs ending with AT_NULL.
 */
#include "posix.h"

#include <kaal/heap.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/timing.h>
#include <kaal/vfs_client.h>

#include "posix_caps.h"

#define STACK_TOP 0x00007ffffffff000ul
#define STACK_BYTES (8ul << 20)
#define MMAP_TOP 0x00007f0000000000ul
#define PIE_BASE 0x0000555555554000ul
#define ARG_MAX_BYTES (128u << 10)
#define MAX_ARGS 1024

enum {
    AT_NULL = 0,
    AT_PHDR = 3,
    AT_PHENT = 4,
    AT_PHNUM = 5,
    AT_PAGESZ = 6,
    AT_BASE = 7,
    AT_FLAGS = 8,
    AT_ENTRY = 9,
    AT_UID = 11,
    AT_EUID = 12,
    AT_GID = 13,
    AT_EGID = 14,
    AT_PLATFORM = 15,
    AT_HWCAP = 16,
    AT_CLKTCK = 17,
    AT_SECURE = 23,
    AT_RANDOM = 25,
    AT_HWCAP2 = 26,
    AT_EXECFN = 31,
};

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* 16 random bytes: RDRAND (CPUID.1:ECX bit 30) or, without it, TSC jitter
 * (not cryptographic; reported once). */
void posix_random(uint8_t out[16])
{
    static int have = -1;
    uint32_t a, b, c, d;
    if (have < 0) {
        cpuid(1, &a, &b, &c, &d);
        have = (c >> 30) & 1;
        if (!have)
            printf("posix: no RDRAND: AT_RANDOM from the TSC (not cryptographic)\n");
    }
    for (int i = 0; i < 2; i++) {
        uint64_t v = 0;
        if (have) {
            unsigned char ok = 0;
            for (int tries = 0; tries < 10 && !ok; tries++)
                __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        }
        if (!v)
            v = kaal_rdtsc() * 0x9e3779b97f4a7c15ull ^ (kaal_rdtsc() << 17);
        memcpy(out + 8 * i, &v, 8);
    }
}

struct args {
    char *buf; /* the strings, NUL-separated */
    size_t used;
    unsigned argc, envc;
    uint32_t off[MAX_ARGS]; /* argv then envp string offsets */
};

static int add_arg(struct args *a, const char *s, size_t len)
{
    if (a->argc + a->envc >= MAX_ARGS || a->used + len + 1 > ARG_MAX_BYTES)
        return -LINUX_E2BIG;
    a->off[a->argc + a->envc] = (uint32_t)a->used;
    memcpy(a->buf + a->used, s, len);
    a->buf[a->used + len] = 0;
    a->used += len + 1;
    return 0;
}

/* argv or envp (a NULL-terminated user array) into a. */
static int collect_user(struct proc *p, struct args *a, uint64_t vec, bool env)
{
    static char tmp[4096];
    for (unsigned i = 0; vec; i++) {
        uint64_t sp;
        if (copy_from_user(&p->vm, &sp, vec + 8 * i, 8) < 0)
            return -LINUX_EFAULT;
        if (!sp)
            break;
        int64_t n = strncpy_from_user(&p->vm, tmp, sp, sizeof(tmp));
        if (n < 0)
            return n == -LINUX_ENAMETOOLONG ? -LINUX_E2BIG : (int)n;
        int r = add_arg(a, tmp, (size_t)n);
        if (r < 0)
            return r;
        if (env)
            a->envc++;
        else
            a->argc++;
    }
    return 0;
}

static int push(struct vmspace *vm, uint64_t *sp, const void *data, size_t n)
{
    *sp -= n;
    return copy_to_user(vm, *sp, data, n);
}

/* The initial stack in vm; returns rsp (or 0). */
static uint64_t build_stack(struct vmspace *vm, const struct args *a, const char *execfn,
                            const kaal_elf_info_t *elf, uint64_t bias, uint64_t phdr)
{
    uint64_t sp = STACK_TOP;
    uint64_t ptrs[MAX_ARGS];
    unsigned n = a->argc + a->envc;
    uint64_t fn;
    if (push(vm, &sp, execfn, strlen(execfn) + 1) < 0)
        return 0;
    fn = sp;
    for (unsigned i = n; i-- > 0;) {
        const char *s = a->buf + a->off[i];
        if (push(vm, &sp, s, strlen(s) + 1) < 0)
            return 0;
        ptrs[i] = sp;
    }
    if (push(vm, &sp, "x86_64", 7) < 0)
        return 0;
    uint64_t platform = sp;
    uint8_t rnd[16];
    posix_random(rnd);
    sp &= ~15ul;
    if (push(vm, &sp, rnd, 16) < 0)
        return 0;
    uint64_t random = sp;
    uint32_t eax, ebx, ecx, edx;
    cpuid(1, &eax, &ebx, &ecx, &edx);
    uint64_t aux[][2] = {
        {AT_PHDR, phdr},
        {AT_PHENT, KAAL_ELF_PHENT},
        {AT_PHNUM, elf->phnum},
        {AT_PAGESZ, PAGE_SIZE},
        {AT_BASE, 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, bias + elf->entry},
        {AT_UID, 0},
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_PLATFORM, platform},
        {AT_HWCAP, edx},
        {AT_CLKTCK, 100},
        {AT_SECURE, 0},
        {AT_RANDOM, random},
        {AT_HWCAP2, 0},
        {AT_EXECFN, fn},
        {AT_NULL, 0},
    };
    size_t words = 1 + a->argc + 1 + a->envc + 1 + 2 * (sizeof(aux) / sizeof(aux[0]));
    sp &= ~15ul;
    if (words & 1)
        sp -= 8;
    if (push(vm, &sp, aux, sizeof(aux)) < 0)
        return 0;
    uint64_t zero = 0;
    if (push(vm, &sp, &zero, 8) < 0 || push(vm, &sp, ptrs + a->argc, 8 * a->envc) < 0 ||
        push(vm, &sp, &zero, 8) < 0 || push(vm, &sp, ptrs, 8 * a->argc) < 0)
        return 0;
    uint64_t argc = a->argc;
    if (push(vm, &sp, &argc, 8) < 0)
        return 0;
    return sp;
}

/* Linux's limits (fs/exec.c, binfmt_script.c): the first line of a script
 * is read from its first BINPRM_BUF_SIZE bytes; interpreters that are
 * scripts themselves nest 5 deep, then ELOOP. */
#define SCRIPT_LINE_BYTES 256
#define MAX_SCRIPT_NESTING 5
#define LOAD_SCRIPT 1

struct loaded {
    struct vmspace vm;
    uint64_t entry, sp;
    char script[SCRIPT_LINE_BYTES]; /* LOAD_SCRIPT: the file's first bytes */
    size_t script_bytes;
};

/* Builds the address space for path with args a into out; LOAD_SCRIPT
 * (nothing built) when the file starts with "#!". */
static int load(struct proc *p, const char *path, const struct args *a, struct loaded *out)
{
    struct vfs_stat st;
    int fd = kaal_vfs_open(KAAL_CAP_VFS, path, VFS_O_RDONLY, 0);
    if (fd < 0)
        return fd;
    int r = kaal_vfs_fstat(KAAL_CAP_VFS, fd, &st);
    if (r == 0 && !VFS_S_ISREG(st.mode))
        r = -LINUX_EACCES;
    if (r == 0 && !(st.mode & 0111))
        r = -LINUX_EACCES;
    static uint8_t head[PAGE_SIZE];
    int64_t got = r == 0 ? kaal_vfs_pread(KAAL_CAP_VFS, fd, head, sizeof(head), 0) : r;
    static kaal_elf_info_t elf;
    if (got >= 2 && head[0] == '#' && head[1] == '!') {
        size_t n = (size_t)got < SCRIPT_LINE_BYTES ? (size_t)got : SCRIPT_LINE_BYTES;
        memcpy(out->script, head, n);
        out->script_bytes = n;
        kaal_vfs_close(KAAL_CAP_VFS, fd);
        return LOAD_SCRIPT;
    }
    if (got < 0)
        r = (int)got;
    else if (kaal_elf_check_file(head, (size_t)got, (uint64_t)st.size, 1, &elf) != KAAL_ELF_OK ||
             elf.has_interp)
        r = -LINUX_ENOEXEC;
    struct image *img = r == 0 ? calloc(1, sizeof(*img)) : NULL;
    if (r == 0 && !img)
        r = -LINUX_ENOMEM;
    if (r < 0) {
        kaal_vfs_close(KAAL_CAP_VFS, fd);
        return r;
    }
    uint64_t bias = elf.type == KAAL_ET_DYN ? PIE_BASE : 0;
    img->refs = 1;
    img->vfs_fd = fd;
    img->n_segments = elf.n_segments;
    uint64_t phdr = 0;
    for (unsigned i = 0; i < elf.n_segments; i++) {
        img->segments[i] = elf.segments[i];
        img->segments[i].vaddr += bias;
        const kaal_elf_segment_t *s = &elf.segments[i];
        if (elf.phoff >= s->offset && elf.phoff < s->offset + s->filesz)
            phdr = bias + s->vaddr + (elf.phoff - s->offset);
    }
    if ((r = vm_create(&out->vm, p->vm.mm ? p->vm.mm->max_pages : DEFAULT_MAX_PAGES)) < 0) {
        kaal_vfs_close(KAAL_CAP_VFS, fd);
        free(img);
        return r;
    }
    out->vm.mm->image = img;
    uint64_t prev_end = 0, top = 0;
    for (unsigned i = 0; i < img->n_segments && r == 0; i++) {
        const kaal_elf_segment_t *s = &img->segments[i];
        uint64_t start = PAGE_DOWN(s->vaddr), end = PAGE_UP(s->vaddr + s->memsz);
        uint8_t prot = (s->flags & KAAL_PF_R ? PROT_READ : 0) |
                       (s->flags & KAAL_PF_W ? PROT_WRITE : 0) |
                       (s->flags & KAAL_PF_X ? PROT_EXEC : 0);
        if (start < prev_end) {
            /* A page shared with the segment before: it gets both rights. */
            struct vma *v = vm_find(&out->vm, start);
            if (v)
                v->prot |= prot;
            start = prev_end;
        }
        if (start < end)
            r = vm_add_vma(&out->vm, start, end, prot, VMA_IMAGE);
        prev_end = end > prev_end ? end : prev_end;
        top = end;
    }
    if (r == 0)
        r = vm_add_vma(&out->vm, STACK_TOP - STACK_BYTES, STACK_TOP, PROT_READ | PROT_WRITE,
                       VMA_ANON);
    out->vm.mm->brk_start = out->vm.mm->brk = top;
    out->vm.mm->mmap_top = MMAP_TOP;
    out->entry = bias + elf.entry;
    out->sp = r == 0 ? build_stack(&out->vm, a, path, &elf, bias, phdr) : 0;
    if (r == 0 && out->sp == 0)
        r = -LINUX_E2BIG;
    if (r < 0)
        vm_destroy(&out->vm);
    return r;
}

static bool spacetab(char c)
{
    return c == ' ' || c == '\t';
}

/* The interpreter and optional argument of a "#!" line, as Linux's
 * binfmt_script parses it: the line ends at the first newline within the
 * buffer (without one, the interpreter must end before the buffer does);
 * spaces and tabs around the interpreter are dropped; the rest of the line,
 * trailing spaces and tabs trimmed, is one argument. NUL-terminates both
 * in line; 0 or -ENOEXEC. */
static int parse_script_line(char *line, size_t n, char **interp, char **arg)
{
    char *end = NULL;
    for (size_t i = 0; i < n && !end; i++)
        if (line[i] == '\n')
            end = line + i;
    char *last = line + (n < SCRIPT_LINE_BYTES ? n : SCRIPT_LINE_BYTES - 1);
    char *c = line + 2;
    if (!end) {
        while (c < last && spacetab(*c))
            c++;
        if (c == last)
            return -LINUX_ENOEXEC; /* only spaces and tabs */
        char *t = c;
        while (t < last && !spacetab(*t) && *t)
            t++;
        if (t == last && n >= SCRIPT_LINE_BYTES)
            return -LINUX_ENOEXEC; /* the interpreter's name is cut off */
        end = last;
    }
    while (end > line + 2 && spacetab(end[-1]))
        end--;
    *end = 0;
    c = line + 2;
    while (c < end && spacetab(*c))
        c++;
    if (c == end || !*c)
        return -LINUX_ENOEXEC;
    *interp = c;
    while (c < end && *c && !spacetab(*c))
        c++;
    *arg = NULL;
    if (c < end && *c) {
        *c++ = 0;
        while (c < end && spacetab(*c))
            c++;
        if (c < end)
            *arg = c;
    }
    return 0;
}

/* argv[0] replaced by the n strings of front (a script's interpreter, its
 * argument and the script's name). */
static int args_replace_argv0(struct args *a, const char *const *front, unsigned n)
{
    unsigned drop = a->argc > 0 ? 1 : 0;
    unsigned total = a->argc + a->envc;
    if (total - drop + n > MAX_ARGS)
        return -LINUX_E2BIG;
    uint32_t offs[4];
    for (unsigned i = 0; i < n; i++) {
        size_t len = strlen(front[i]);
        if (a->used + len + 1 > ARG_MAX_BYTES)
            return -LINUX_E2BIG;
        offs[i] = (uint32_t)a->used;
        memcpy(a->buf + a->used, front[i], len + 1);
        a->used += len + 1;
    }
    memmove(&a->off[n], &a->off[drop], (total - drop) * sizeof(a->off[0]));
    memcpy(a->off, offs, n * sizeof(offs[0]));
    a->argc = a->argc - drop + n;
    return 0;
}

/* load(), following "#!" lines: name is the path execve was given (the
 * script's argument to its interpreter), path its absolute form; on return
 * path holds the program actually loaded. */
static int load_following_scripts(struct proc *p, const char *name, char *path,
                                  struct args *a, struct loaded *out)
{
    static char script_name[PATH_MAX_BYTES];
    snprintf(script_name, sizeof(script_name), "%s", name);
    for (int depth = 0;; depth++) {
        int r = load(p, path, a, out);
        if (r != LOAD_SCRIPT)
            return r;
        if (depth == MAX_SCRIPT_NESTING)
            return -LINUX_ELOOP;
        char *interp, *arg;
        if ((r = parse_script_line(out->script, out->script_bytes, &interp, &arg)) < 0)
            return r;
        const char *front[3];
        unsigned n = 0;
        front[n++] = interp;
        if (arg)
            front[n++] = arg;
        front[n++] = script_name;
        if ((r = args_replace_argv0(a, front, n)) < 0)
            return r;
        snprintf(script_name, sizeof(script_name), "%s", interp);
        if ((r = path_resolve(p, VFS_AT_FDCWD, interp, path, PATH_MAX_BYTES)) < 0)
            return r;
    }
}

static void set_comm(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            base = s + 1;
    snprintf(p->comm, sizeof(p->comm), "%s", base);
}

static struct args *new_args(void)
{
    struct args *a = calloc(1, sizeof(*a));
    if (a && !(a->buf = malloc(ARG_MAX_BYTES))) {
        free(a);
        a = NULL;
    }
    return a;
}

static void free_args(struct args *a)
{
    if (a) {
        free(a->buf);
        free(a);
    }
}

int exec_initial(struct proc *p, const char *path, const char *const *argv, const char *const *envp)
{
    struct args *a = new_args();
    if (!a)
        return -LINUX_ENOMEM;
    int r = 0;
    for (; *argv && r == 0; argv++, a->argc++)
        r = add_arg(a, *argv, strlen(*argv));
    for (; *envp && r == 0; envp++, a->envc++)
        r = add_arg(a, *envp, strlen(*envp));
    static struct loaded l;
    static char loaded_path[PATH_MAX_BYTES];
    snprintf(loaded_path, sizeof(loaded_path), "%s", path);
    if (r == 0)
        r = load_following_scripts(p, path, loaded_path, a, &l);
    free_args(a);
    if (r < 0)
        return r;
    vm_destroy(&p->vm);
    p->vm = l.vm;
    set_comm(p, path);
    snprintf(p->exe, sizeof(p->exe), "%s", loaded_path);
    return proc_start_thread(p, l.entry, l.sp);
}

int64_t sys_execve(struct proc *p, uint64_t upath, uint64_t argv, uint64_t envp)
{
    char raw[PATH_MAX_BYTES], path[PATH_MAX_BYTES];
    int64_t n = strncpy_from_user(&p->vm, raw, upath, sizeof(raw));
    if (n < 0)
        return n;
    if (n == 0)
        return -LINUX_ENOENT;
    int r = path_resolve(p, VFS_AT_FDCWD, raw, path, sizeof(path));
    if (r < 0)
        return r;
    if (strcmp(path, "/proc/self/exe") == 0) /* busybox sh runs scripts so */
        snprintf(path, sizeof(path), "%s", p->exe);
    struct args *a = new_args();
    if (!a)
        return -LINUX_ENOMEM;
    if ((r = collect_user(p, a, argv, false)) == 0 && (r = collect_user(p, a, envp, true)) == 0) {
        /* argv first, then envp: collect_user appended them in that order. */
    }
    static struct loaded l; /* (one thread serves every process) */
    if (r == 0)
        r = load_following_scripts(p, raw, path, a, &l);
    free_args(a);
    if (r < 0)
        return r;
    if (seL4_TCB_SetSpace(mem_cap(p->tcb), 1, mem_cap(p->cnode),
                          seL4_CNode_CapData_new(0, seL4_WordBits - 4).words[0], mem_cap(l.vm.mm->pml4),
                          0) != seL4_NoError) {
        vm_destroy(&l.vm);
        return -LINUX_ENOMEM;
    }
    /* The other threads end; the caller becomes the process's only one. */
    proc_kill_other_threads(p);
    p->tid = p->pid;
    vm_destroy(&p->vm);
    p->vm = l.vm;
    set_comm(p, raw); /* a script's own name, as Linux's comm */
    snprintf(p->exe, sizeof(p->exe), "%s", path);
    fd_close_on_exec(p);
    for (int s = 1; s <= NSIG; s++)
        if (p->act[s].handler > 1)
            p->act[s] = (struct k_sigaction){0};
    /* The reply starts the new program: all registers fresh. */
    memset(p->regs, 0, sizeof(p->regs));
    p->regs[seL4_UnknownSyscall_FaultIP] = l.entry - 2; /* the reply adds 2 */
    p->regs[seL4_UnknownSyscall_SP] = l.sp;
    p->regs[seL4_UnknownSyscall_FLAGS] = 0x202;
    return 0;
}
