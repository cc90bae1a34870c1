/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * More threads in the calling program's CSpace and VSpace, each with its
 * own stack, TLS block (<kaal/tls.h>) and IPC buffer, so every thread uses
 * the normal seL4_* calls: seL4_GetIPCBuffer() and `__thread` variables
 * are per thread. The caller owns every piece of memory and every cap the
 * thread uses; nothing is allocated here.
 */
#pragma once

#include <stddef.h>

#include <sel4/sel4.h>
#include <kaal/error.h>

typedef struct {
    seL4_CPtr tcb;        /* a fresh or suspended TCB, in this program's CSpace */
    seL4_CPtr authority;  /* a TCB whose MCP allows `priority` (often our own) */
    seL4_Word priority;
    seL4_CPtr fault_ep;   /* 0: none */
    seL4_CPtr cspace;     /* this program's root CNode */
    seL4_CPtr vspace;     /* this program's VSpace */
    seL4_IPCBuffer *ipc_buffer;  /* 1 KiB-aligned, in ipc_buffer_frame */
    seL4_CPtr ipc_buffer_frame;
    void *stack_top;      /* 16-byte aligned; the thread starts as if called */
    void *tls_region;     /* kaal_thread_tls_bytes() at least, any alignment */
    size_t tls_region_bytes;
    void (*entry)(seL4_Word arg); /* when it returns the thread suspends itself */
    seL4_Word arg;
} kaal_thread_config_t;

/* Bytes of tls_region a thread of this program needs. */
size_t kaal_thread_tls_bytes(void);

/* Configures cfg->tcb (Configure, SetPriority, WriteRegisters with fs_base
 * at its new TLS block, whose __sel4_ipc_buffer is cfg->ipc_buffer) and
 * resumes it. KAAL_EINVAL: the TLS region is too small or the stack is
 * misaligned; KAAL_ESEL4: an invocation failed (the thread does not run). */
kaal_error_t kaal_thread_start(const kaal_thread_config_t *cfg);

/* The same, but the thread stays suspended until seL4_TCB_Resume. */
kaal_error_t kaal_thread_configure(const kaal_thread_config_t *cfg);

/* The start code's part: a TLS block for the main thread, in a static
 * region, with __sel4_ipc_buffer = ipc_buffer. Stops the program (ud2) if
 * its TLS does not fit there: it could not make a system call that uses
 * its IPC buffer. */
void kaal_thread_setup_main(seL4_IPCBuffer *ipc_buffer);
