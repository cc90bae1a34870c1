/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads for the IPC/fault/scheduling tests: a TCB in the root task's
 * CSpace and VSpace with its own stack, TLS block and IPC buffer, started
 * at fn(arg, ipc). seL4_GetIPCBuffer() in the child is `ipc`, so children
 * use the normal seL4_* calls.
 */
#pragma once

#include "ktest.h"

struct kthread {
    seL4_CPtr tcb;
    seL4_IPCBuffer *ipc;
};

/* Starts fn(arg, ipc) at priority prio with fault endpoint fault_ep
 * (a CPtr in the root CNode, 0 for none). Slot index picks the stack. */
struct kthread kthread_start(unsigned index, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                             seL4_Word arg, seL4_Word prio, seL4_CPtr fault_ep);
/* A TCB configured like kthread_start but not resumed. */
struct kthread kthread_create(unsigned index, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                              seL4_Word arg, seL4_Word prio, seL4_CPtr fault_ep);

extern const struct ktest ipc_tests[];
extern const unsigned n_ipc_tests;
extern const struct ktest withmrs_tests[];
extern const unsigned n_withmrs_tests;
