/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How init starts a component (the KaaL start protocol). The component's
 * thread begins at its ELF entry with rsp just below a kaal_component_start
 * record at the top of its stack and rdi pointing at that record. The
 * runtime (runtime/crt) reads it before main(): IPC buffer, heap region,
 * name. The root task instead gets rdi = seL4_BootInfo and rsp = 0, as in
 * seL4; the magic number tells the two apart.
 *
 * Capabilities are at the slots <kaal/sysdesc.h> fixes (KAAL_SYSDESC_SLOT_*)
 * and the generated <NAME_caps.h> names.
 */
#pragma once

#include <sel4/sel4.h>

#define KAAL_COMPONENT_START_MAGIC 0x504d4f434c41414bull /* "KAALCOMP" */
#define KAAL_COMPONENT_NAME_MAX 32

typedef struct kaal_component_start {
    seL4_Word magic;            /* KAAL_COMPONENT_START_MAGIC */
    seL4_IPCBuffer *ipc_buffer;
    seL4_Word heap_vaddr;
    seL4_Word heap_size_bytes;
    char name[KAAL_COMPONENT_NAME_MAX];
} kaal_component_start_t;

/* Messages a component sends init on its endpoint (slot
 * KAAL_SYSDESC_SLOT_INIT_EP); labels above any seL4 fault label. */
#define KAAL_INIT_LABEL_EXIT 0x4b4100 /* MR0 = exit status; no reply */

/* The record init passed (NULL in the root task). */
const kaal_component_start_t *kaal_component(void);
