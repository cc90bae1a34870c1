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
#define KAAL_COMPONENT_CONFIG_MAX 8

/* An int or bool `[component.config]` entry, for code built once and run
 * in several systems (strings stay in the generated header). */
typedef struct kaal_component_config {
    char key[KAAL_COMPONENT_NAME_MAX];
    int64_t value;
} kaal_component_config_t;

typedef struct kaal_component_start {
    seL4_Word magic;            /* KAAL_COMPONENT_START_MAGIC */
    seL4_IPCBuffer *ipc_buffer;
    seL4_Word heap_vaddr;
    seL4_Word heap_size_bytes;
    char name[KAAL_COMPONENT_NAME_MAX];
    /* The client end of the console channel (cap "console", <kaal/console.h>);
     * 0: none, printf goes through seL4_DebugPutChar. */
    seL4_CPtr console_ep;
    seL4_Word n_config;
    kaal_component_config_t config[KAAL_COMPONENT_CONFIG_MAX]; /* the first n_config */
} kaal_component_start_t;

/* Messages a component sends init on its endpoint (slot
 * KAAL_SYSDESC_SLOT_INIT_EP); labels above any seL4 fault label. */
#define KAAL_INIT_LABEL_EXIT 0x4b4100 /* MR0 = exit status; no reply */

/* Supervisor requests (seL4_Call on the same endpoint), answered only for
 * components whose system.toml config says `supervisor = true` (the shell);
 * the reply's label is a kaal_error_t (KAAL_EBUSY: not a supervisor). */
/* MR0 = component index. Reply: MR0 = number of components, MR1 = 1 if
 * running, MR2 = priority, MR3 = restarts, MR4 = granted caps, MR5..MR8 =
 * name (KAAL_COMPONENT_NAME_MAX bytes, NUL padded). KAAL_ENOENT past the end. */
#define KAAL_INIT_LABEL_PS 0x4b4101
/* Reply: MR0 = RAM untyped bytes when the system started, MR1 = free now. */
#define KAAL_INIT_LABEL_MEM 0x4b4102
/* MR0 = operation (KAAL_INIT_OP_*), MR1..MR4 = name as for PS.
 * KAAL_ENOENT: no such component; KAAL_EEXIST: start of a running one. */
#define KAAL_INIT_LABEL_LIFECYCLE 0x4b4103
#define KAAL_INIT_OP_START 1
#define KAAL_INIT_OP_STOP 2
#define KAAL_INIT_OP_RESTART 3
#define KAAL_INIT_OP_KILL 4
#define KAAL_INIT_OP_CRASH 5 /* resume the component at rip 0: a VMFault on purpose */
#define KAAL_INIT_NAME_WORDS (KAAL_COMPONENT_NAME_MAX / 8)
/* ACPI S5: init writes SLP_TYP | SLP_EN into PM1a/b_CNT (from the FADT and
 * the DSDT's \_S5). Returns (KAAL_ENOSYS) only if the machine stays on. */
#define KAAL_INIT_LABEL_POWEROFF 0x4b4104

/* The record init passed (NULL in the root task). */
const kaal_component_start_t *kaal_component(void);

/* The int/bool config value `key` init passed, or dflt. */
int64_t kaal_component_config_int(const char *key, int64_t dflt);
