// SPDX-License-Identifier: BSD-2-Clause
/*
 * Threads of one program (<kaal/thread.h>) and the TLS every thread of it
 * has (<kaal/tls.h>, runtime/README.md "Threads and TLS").
 *
 * The program's TLS image comes from its own program headers, reached
 * through __ehdr_start: both loaders (the kernel for the root task, init
 * for components) map every PT_LOAD segment, and the linker puts the ELF
 * and program headers at the start of the first one. The main thread's
 * block lives in a static region here and fs_base is set with
 * seL4_SetTLSBase (registers only: there is no IPC buffer pointer yet).
 * A new thread's block is built in the caller's memory, its
 * __sel4_ipc_buffer written there before it runs, and its fs_base passed
 * with the rest of its registers in seL4_TCB_WriteRegisters.
 */
#include <kaal/string.h>
#include <kaal/thread.h>
#include <kaal/tls.h>

/* The main thread's TLS region: enough for the runtime's variables and a
 * few KiB of a program's own; kaal_thread_setup_main stops if it is not. */
#define MAIN_TLS_REGION_BYTES 4096

__thread seL4_IPCBuffer *__sel4_ipc_buffer __attribute__((tls_model("local-exec")));

extern const kaal_elf64_ehdr_t __ehdr_start;

static uint8_t main_tls_region[MAIN_TLS_REGION_BYTES] __attribute__((aligned(64)));
static kaal_tls_image_t program_image;
static int program_image_read;

const kaal_tls_image_t *kaal_tls_program_image(void)
{
    if (!program_image_read) {
        const kaal_elf64_phdr_t *ph =
            (const void *)((const uint8_t *)&__ehdr_start + __ehdr_start.e_phoff);
        kaal_tls_image_ret_t r = kaal_tls_image_from_phdrs(ph, __ehdr_start.e_phnum);
        /* The linker wrote these headers; a bad one cannot be worked around. */
        if (r.err)
            __builtin_trap();
        program_image = r.image;
        program_image_read = 1;
    }
    return &program_image;
}

size_t kaal_thread_tls_bytes(void)
{
    return kaal_tls_region_bytes(kaal_tls_program_image());
}

void kaal_thread_setup_main(seL4_IPCBuffer *ipc_buffer)
{
    uintptr_t tp = kaal_tls_init(kaal_tls_program_image(), main_tls_region,
                                 sizeof(main_tls_region));
    if (!tp) {
        static const char msg[] = "kaal: the program's TLS does not fit the main thread's region\n";
        for (const char *c = msg; *c; c++)
            seL4_DebugPutChar(*c);
        __builtin_trap();
    }
    seL4_SetTLSBase(tp);
    __sel4_ipc_buffer = ipc_buffer;
}

/* Where every thread of kaal_thread_start begins: rdi, rsi, rdx from its
 * registers. The TCB cap comes in a register, not TLS, so a thread that
 * moved its own fs_base still stops cleanly. */
static _Noreturn void thread_main(void (*entry)(seL4_Word), seL4_Word arg, seL4_CPtr tcb)
{
    entry(arg);
    seL4_TCB_Suspend(tcb);
    for (;;)
        seL4_Yield();
}

kaal_error_t kaal_thread_configure(const kaal_thread_config_t *cfg)
{
    if ((uintptr_t)cfg->stack_top % 16 != 0 || !cfg->entry)
        return KAAL_EINVAL;
    uintptr_t tp = kaal_tls_init(kaal_tls_program_image(), cfg->tls_region,
                                 cfg->tls_region_bytes);
    if (!tp)
        return KAAL_EINVAL;
    *(seL4_IPCBuffer **)kaal_tls_locate(tp, &__sel4_ipc_buffer) = cfg->ipc_buffer;

    if (seL4_TCB_Configure(cfg->tcb, cfg->fault_ep, cfg->cspace, 0, cfg->vspace, 0,
                           (seL4_Word)cfg->ipc_buffer, cfg->ipc_buffer_frame) != seL4_NoError ||
        seL4_TCB_SetPriority(cfg->tcb, cfg->authority, cfg->priority) != seL4_NoError)
        return KAAL_ESEL4;
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.rip = (seL4_Word)thread_main;
    regs.rsp = (seL4_Word)cfg->stack_top - 8; /* as after a call: rsp + 8 is 16-aligned */
    regs.rflags = 0x202;
    regs.rdi = (seL4_Word)cfg->entry;
    regs.rsi = cfg->arg;
    regs.rdx = cfg->tcb;
    regs.fs_base = tp;
    if (seL4_TCB_WriteRegisters(cfg->tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs) !=
        seL4_NoError)
        return KAAL_ESEL4;
    return KAAL_OK;
}

kaal_error_t kaal_thread_start(const kaal_thread_config_t *cfg)
{
    kaal_error_t e = kaal_thread_configure(cfg);
    if (e == KAAL_OK && seL4_TCB_Resume(cfg->tcb) != seL4_NoError)
        e = KAAL_ESEL4;
    return e;
}
