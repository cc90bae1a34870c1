// SPDX-License-Identifier: BSD-2-Clause
/*
 * IPC benchmark client. Each figure is the median of SAMPLES single
 * operations timed with rdtsc (guest TSC cycles):
 *   call_rt        seL4_Call to the server in another address space and its
 *                  seL4_ReplyRecv answer (two switches, two CR3 writes)
 *   yield          seL4_Yield with no other runnable thread (null syscall)
 *   signal_wait    seL4_Signal then seL4_Wait on our own notification
 *   call_rt_same_as seL4_Call to a second thread of this component (made
 *                  from the `spare` untyped) and its seL4_ReplyRecv answer:
 *                  two switches, no CR3 write. The client drops to priority
 *                  0 first: its own MCP is 0, so its thread can run at 0
 *                  only, and the fastpath wants the callee at the caller's
 *                  priority or above.
 * Prints `ipcbench: <name> <cycles>` lines, then exits.
 */
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/timing.h>
#include <kaal/sysdesc.h>
#include <kaal/thread.h>

#include "ipcbench_client_caps.h"

#define SAMPLES 10000

static uint64_t samples[SAMPLES];

static uint64_t median(void)
{
    return kaal_median_u64(samples, SAMPLES);
}

static uint64_t local_stack[512] __attribute__((aligned(16)));
static uint8_t local_tls[256];

/* The same-address-space server: a thread with its own TLS and an IPC
 * buffer in the second KiB of this component's IPC-buffer frame. */
static void local_server(seL4_Word unused)
{
    (void)unused;
    seL4_Word badge;
    seL4_Recv(KAAL_CAP_LOCAL, &badge);
    for (;;)
        seL4_ReplyRecv(KAAL_CAP_LOCAL, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
}

static int start_local_server(void)
{
    seL4_CPtr tcb = KAAL_COMPONENT_FIRST_FREE_SLOT;
    if (seL4_Untyped_Retype(KAAL_CAP_SPARE, seL4_TCBObject, 0, KAAL_SYSDESC_SLOT_CNODE, 0, 0, tcb,
                            1) != seL4_NoError ||
        seL4_TCB_SetPriority(KAAL_SYSDESC_SLOT_TCB, KAAL_SYSDESC_SLOT_TCB, 0) != seL4_NoError)
        return -1;
    kaal_thread_config_t cfg = {
        .tcb = tcb,
        .authority = KAAL_SYSDESC_SLOT_TCB,
        .priority = 0,
        .cspace = KAAL_SYSDESC_SLOT_CNODE,
        .vspace = KAAL_SYSDESC_SLOT_VSPACE,
        .ipc_buffer = (seL4_IPCBuffer *)(KAAL_IPC_BUFFER_VADDR + 1024),
        .ipc_buffer_frame = KAAL_SYSDESC_SLOT_IPC_BUFFER,
        .stack_top = &local_stack[512],
        .tls_region = local_tls,
        .tls_region_bytes = sizeof(local_tls),
        .entry = local_server,
    };
    return kaal_thread_start(&cfg) == KAAL_OK ? 0 : -1;
}

int main(void)
{
    for (int i = 0; i < SAMPLES; i++) {
        seL4_SetMR(0, (seL4_Word)i);
        uint64_t t0 = kaal_rdtsc();
        seL4_Call(KAAL_CAP_SERVER, seL4_MessageInfo_new(0, 0, 0, 1));
        samples[i] = kaal_rdtsc() - t0;
    }
    printf("ipcbench: call_rt %lu\n", (unsigned long)median());

    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = kaal_rdtsc();
        seL4_Yield();
        samples[i] = kaal_rdtsc() - t0;
    }
    printf("ipcbench: yield %lu\n", (unsigned long)median());

    for (int i = 0; i < SAMPLES; i++) {
        seL4_Word badge;
        uint64_t t0 = kaal_rdtsc();
        seL4_Signal(KAAL_CAP_NOTE);
        seL4_Wait(KAAL_CAP_NOTE, &badge);
        samples[i] = kaal_rdtsc() - t0;
    }
    printf("ipcbench: signal_wait %lu\n", (unsigned long)median());

    if (start_local_server() != 0) {
        printf("ipcbench: cannot start the same-address-space server\n");
        return 1;
    }
    for (int i = 0; i < SAMPLES; i++) {
        seL4_SetMR(0, (seL4_Word)i);
        uint64_t t0 = kaal_rdtsc();
        seL4_Call(KAAL_CAP_LOCAL, seL4_MessageInfo_new(0, 0, 0, 1));
        samples[i] = kaal_rdtsc() - t0;
    }
    printf("ipcbench: call_rt_same_as %lu\n", (unsigned long)median());
    return 0;
}
