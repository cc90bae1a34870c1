// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread helper for the kernel tests: TCB from the test untyped, started by
 * kaal_thread_configure (<kaal/thread.h>) in the root CNode and VSpace with
 * a fresh IPC buffer frame mapped in the thread window, a static stack and
 * TLS region; a returning fn suspends its thread, so it never runs off its
 * stack.
 */
#include "thread_env.h"

#include <kaal/thread.h>

#define N_STACKS 8
#define STACK_BYTES 8192
#define TLS_BYTES 512

static uint8_t stacks[N_STACKS][STACK_BYTES] __attribute__((aligned(16)));
static uint8_t tls_regions[N_STACKS][TLS_BYTES];
static struct {
    void (*fn)(seL4_Word, seL4_IPCBuffer *);
    seL4_Word arg;
} starts[N_STACKS];

static void kthread_main(seL4_Word index)
{
    starts[index].fn(starts[index].arg, seL4_GetIPCBuffer());
}

struct kthread kthread_create(unsigned index, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                              seL4_Word arg, seL4_Word prio, seL4_CPtr fault_ep)
{
    struct kthread k = { 0, 0 };
    seL4_Word va = (8ul + index) << 39; /* a PML4 slot of its own */
    seL4_CPtr frame = env_mapped_frame(va);
    k.tcb = env_object(seL4_TCBObject, 0);
    k.ipc = (seL4_IPCBuffer *)va;
    unsigned slot = index % N_STACKS;
    starts[slot].fn = fn;
    starts[slot].arg = arg;
    kaal_thread_config_t cfg = {
        .tcb = k.tcb,
        .authority = seL4_CapInitThreadTCB,
        .priority = prio,
        .fault_ep = fault_ep,
        .cspace = ROOT,
        .vspace = seL4_CapInitThreadVSpace,
        .ipc_buffer = k.ipc,
        .ipc_buffer_frame = frame,
        .stack_top = &stacks[slot][STACK_BYTES],
        .tls_region = tls_regions[slot],
        .tls_region_bytes = sizeof(tls_regions[slot]),
        .entry = kthread_main,
        .arg = slot,
    };
    CHECK_EQ(kaal_thread_configure(&cfg), KAAL_OK);
    return k;
}

struct kthread kthread_start(unsigned index, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                             seL4_Word arg, seL4_Word prio, seL4_CPtr fault_ep)
{
    struct kthread k = kthread_create(index, fn, arg, prio, fault_ep);
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    return k;
}
