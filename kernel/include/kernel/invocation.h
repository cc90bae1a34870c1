/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One object invocation as the decoders see it: the invoked cap and slot,
 * the label, the message words (MR0-3 from registers, the rest from the
 * caller's IPC buffer), the extra caps looked up in the caller's CSpace, and
 * room for the reply words. Decoders (decode_*_invocation) check everything
 * and return a seL4_Error without side effects; the invoke_* functions they
 * end with cannot fail.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <kernel/cspace.h>
#include <sel4/types.h>
#include <sel4/invocation.h>

struct tcb;

#define INVOCATION_MAX_REPLY 20 /* TCB_ReadRegisters: a whole seL4_UserContext */

struct invocation {
    struct tcb *thread;
    uint64_t label;
    uint64_t length;                        /* message words sent */
    uint64_t mr[seL4_MsgMaxLength];
    cte_t *extra[seL4_MsgMaxExtraCaps];     /* NULL when not sent */
    cte_t *slot;                            /* the invoked cap's slot */
    cap_t cap;
    bool call;
    uint64_t reply_length;                  /* words of a successful reply */
    uint64_t reply_mr[INVOCATION_MAX_REPLY];
};

static inline uint64_t inv_arg(const struct invocation *inv, unsigned i)
{
    return i < inv->length ? inv->mr[i] : 0;
}

/* Generic decoders (kernel/object/). */
seL4_Error decode_invocation(struct invocation *inv);
seL4_Error decode_untyped_invocation(struct invocation *inv);
seL4_Error decode_cnode_invocation(struct invocation *inv);
seL4_Error decode_tcb_invocation(struct invocation *inv);
seL4_Error decode_irq_control_invocation(struct invocation *inv);
seL4_Error decode_irq_handler_invocation(struct invocation *inv);

/* Object creation and capability transformations (kernel/object/objecttype.c).
 * object_create: the memory is already zero (cleared by the retype). */
unsigned object_size_bits(uint64_t type, uint64_t user_size_bits);
cap_t object_create(uint64_t type, void *ptr, uint64_t user_size_bits, bool device);
/* Memory [base, end) (kernel addresses) becomes an object: interrupted
 * clearings it overlaps start again (kernel/object/untyped.c). */
void untyped_forget_clearings(uint64_t base, uint64_t end);
typedef struct derive_ret {
    seL4_Error status;
    cap_t cap;
} derive_ret_t;
derive_ret_t cap_derive(cte_t *slot, cap_t cap);
cap_t cap_update_data(bool preserve, uint64_t data, cap_t cap);
cap_t cap_mask_rights(uint64_t rights_word, cap_t cap);

/* The arch's share (kernel/arch/<arch>/object/). */
bool arch_is_frame_type(uint64_t type);
bool arch_is_object_type(uint64_t type);
unsigned arch_object_size_bits(uint64_t type);
cap_t arch_object_create(uint64_t type, void *ptr, bool device);
seL4_Error arch_decode_invocation(struct invocation *inv);
derive_ret_t arch_derive_cap(cte_t *slot, cap_t cap);
cap_t arch_mask_cap_rights(uint64_t rights_word, cap_t cap);
void arch_finalise_cap(cap_t cap, bool final);

/* Endpoint and notification invocations are IPC: the threads/IPC issue
 * implements them behind this hook (kernel/object/endpoint.c). */
void ipc_invoke(struct tcb *t, cap_t cap, uint64_t msginfo, bool is_call, bool is_blocking);

/* The invocation path (kernel/object/invoke.c), called by handle_syscall. */
void handle_invocation(struct tcb *t, bool is_call, bool is_blocking);
/* The caller's IPC buffer in the kernel window, or NULL if it has none
 * mapped writable (then message words past MR3 read as absent). */
seL4_IPCBuffer *arch_ipc_buffer(struct tcb *t);
void arch_set_reply(struct tcb *t, uint64_t msginfo, const uint64_t mr[4]);
