// SPDX-License-Identifier: BSD-2-Clause
/*
 * The object invocation path: seL4_Call, seL4_Send and seL4_NBSend on a
 * capability. The invoked cap and the extra caps are looked up in the
 * caller's CSpace (depth = word size, as seL4 does); a cap pointer that does
 * not resolve is a CapFault for blocking calls and is ignored for NBSend.
 * Endpoint and notification caps go to IPC (ipc_invoke); everything else is
 * decoded and performed here, and for seL4_Call the reply is written back
 * into the caller's registers and IPC buffer: label 0 and the result words
 * on success, label = seL4_Error and seL4's error details otherwise. An
 * invocation stopped at a preemption point gets no reply: the caller is
 * rewound to its `syscall` instruction and makes the call again.
 */
#include <kernel/invocation.h>
#include <kernel/fault.h>
#include <kernel/thread.h>
#include <kernel/ipc.h>
#include <kernel/vspace.h>
#include <kernel/preemption.h>

/* Puts message register i of the reply (registers 0-3, then the buffer). */
static unsigned set_mr(uint64_t regs[4], seL4_IPCBuffer *buf, unsigned i, uint64_t v)
{
    if (i < seL4_FastMessageRegisters)
        regs[i] = v;
    else if (buf && i < seL4_MsgMaxLength)
        buf->msg[i] = v;
    else
        return i;
    return i + 1;
}

static unsigned set_lookup_fault_mrs(uint64_t regs[4], seL4_IPCBuffer *buf, unsigned i)
{
    const lookup_fault_t *f = &klookup_fault;
    i = set_mr(regs, buf, i, f->type);
    switch (f->type) {
    case seL4_MissingCapability:
        return set_mr(regs, buf, i, f->bits_left);
    case seL4_DepthMismatch:
        i = set_mr(regs, buf, i, f->bits_left);
        return set_mr(regs, buf, i, f->bits_found);
    case seL4_GuardMismatch:
        i = set_mr(regs, buf, i, f->bits_left);
        i = set_mr(regs, buf, i, f->guard_found);
        return set_mr(regs, buf, i, f->bits_found);
    default:
        return i;
    }
}

static void reply_error(struct tcb *t, seL4_Error err, seL4_IPCBuffer *buf)
{
    uint64_t regs[4] = { 0, 0, 0, 0 };
    unsigned n = 0;
    const syscall_error_t *e = &ksyscall_error;
    switch (err) {
    case seL4_InvalidArgument:
        n = set_mr(regs, buf, 0, e->invalid_argument_number);
        break;
    case seL4_InvalidCapability:
        n = set_mr(regs, buf, 0, e->invalid_cap_number);
        break;
    case seL4_RangeError:
        n = set_mr(regs, buf, 0, e->range_min);
        n = set_mr(regs, buf, n, e->range_max);
        break;
    case seL4_FailedLookup:
        n = set_mr(regs, buf, 0, e->failed_lookup_was_source ? 1 : 0);
        n = set_lookup_fault_mrs(regs, buf, n);
        break;
    case seL4_NotEnoughMemory:
        n = set_mr(regs, buf, 0, e->memory_left);
        break;
    default:
        break;
    }
    seL4_MessageInfo_t info = seL4_MessageInfo_new(err, 0, 0, n);
    arch_set_reply(t, info.words[0], regs);
}

static void reply_success(struct tcb *t, const struct invocation *inv, seL4_IPCBuffer *buf)
{
    uint64_t regs[4] = { 0, 0, 0, 0 };
    unsigned n = 0;
    for (unsigned i = 0; i < inv->reply_length; i++)
        n = set_mr(regs, buf, n, inv->reply_mr[i]);
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, n);
    arch_set_reply(t, info.words[0], regs);
}

static void cap_fault(struct tcb *t, uint64_t cptr, bool in_receive_phase)
{
    struct fault f = { .type = seL4_Fault_CapFault, .addr = cptr,
                       .number = in_receive_phase };
    handle_fault(t, &f);
}

void handle_invocation(struct tcb *t, bool is_call, bool is_blocking)
{
    static struct invocation inv; /* one kernel entry at a time */
    uint64_t cptr = arch_syscall_arg(t, 0);
    seL4_MessageInfo_t info = { { arch_syscall_arg(t, 1) } };
    cap_t root = t->slots[TCB_CTABLE].cap;

    lookup_slot_ret_t lu = cspace_lookup_slot(root, cptr);
    if (lu.status != seL4_NoError) {
        if (is_blocking)
            cap_fault(t, cptr, false);
        return;
    }
    cte_t *slot = lu.slot;
    seL4_IPCBuffer *buf = arch_ipc_buffer(t);
    inv.thread = t;
    inv.slot = slot;
    inv.cap = slot->cap;
    inv.call = is_call;
    inv.label = seL4_MessageInfo_get_label(info);
    inv.length = seL4_MessageInfo_get_length(info);
    if (inv.length > seL4_MsgMaxLength)
        inv.length = seL4_MsgMaxLength;
    if (!buf && inv.length > seL4_FastMessageRegisters)
        inv.length = seL4_FastMessageRegisters;
    for (unsigned i = 0; i < inv.length; i++)
        inv.mr[i] = i < seL4_FastMessageRegisters ? arch_syscall_arg(t, 2 + i) : buf->msg[i];
    for (unsigned i = 0; i < seL4_MsgMaxExtraCaps; i++)
        inv.extra[i] = 0;
    if (buf) {
        uint64_t n_extra = seL4_MessageInfo_get_extraCaps(info);
        for (unsigned i = 0; i < n_extra; i++) {
            uint64_t extra_cptr = buf->caps_or_badges[i];
            lu = cspace_lookup_slot(root, extra_cptr);
            if (lu.status != seL4_NoError) {
                if (is_blocking)
                    cap_fault(t, extra_cptr, false);
                return;
            }
            inv.extra[i] = lu.slot;
        }
    }
    inv.reply_length = 0;

    if (cap_type(inv.cap) == cap_reply_cap) {
        ipc_reply_cap(t, slot); /* seL4's performInvocation_Reply */
        return;
    }
    if (cap_type(inv.cap) == cap_endpoint_cap || cap_type(inv.cap) == cap_notification_cap) {
        ipc_invoke(t, inv.cap, info.words[0], is_call, is_blocking);
        return;
    }
    ksyscall_error = (syscall_error_t){ 0 };
    seL4_Error err = decode_invocation(&inv);
    if (err == KERNEL_PREEMPTED) {
        /* seL4's Restart state: the system call runs again after the
         * pending interrupt, which is taken on the way out. */
        arch_rewind_syscall(t);
        return;
    }
    if (!is_call)
        return;
    /* The invocation may have unmapped the caller's IPC buffer. */
    buf = arch_ipc_buffer(t);
    if (err != seL4_NoError)
        reply_error(t, err, buf);
    else
        reply_success(t, &inv, buf);
}
