// SPDX-License-Identifier: BSD-2-Clause
/*
 * TCB invocations, seL4's classic (non-MCS) set with its argument orders
 * and checks: Configure, SetSpace, SetIPCBuffer, SetPriority,
 * SetMCPriority, SetSchedParams (priorities bounded by the authority TCB's
 * maximum controlled priority), Read/Write/CopyRegisters (seL4_UserContext
 * order), Suspend, Resume, Bind/UnbindNotification, SetTLSBase, and
 * SetFlags carrying KaaL's foreign-ABI and no-debug-syscalls flags
 * (docs/sel4-deviations.md).
 *
 * Each decode_* checks every argument and cap without side effects and
 * ends with an invoke_tcb_* step that cannot fail.
 *
 * Thread life cycle: Suspend cancels whatever IPC the thread is in and
 * makes it Inactive; Resume of a stopped thread (Inactive or waiting for a
 * reply) makes it Restart: it resumes at its saved rip, re-executing an
 * interrupted system call. Caps installed in the TCB's slots are CDT
 * copies of the caller's, so deleting the originals' object empties them.
 */
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <kernel/fault.h>
#include <arch/fpu.h>

#define KAAL_TCB_FLAG_FOREIGN_ABI (1ull << 32)         /* <sel4/tcb_client.h> */
#define KAAL_TCB_FLAG_NO_DEBUG_SYSCALLS (1ull << 33) /* <sel4/tcb_client.h> */

static uint64_t tcb_flags(const struct tcb *t)
{
    return (t->foreign_abi ? KAAL_TCB_FLAG_FOREIGN_ABI : 0) |
           (t->no_debug_syscalls ? KAAL_TCB_FLAG_NO_DEBUG_SYSCALLS : 0);
}

void tcb_suspend(struct tcb *t)
{
    /* Restart too: KaaL keeps that state until the thread next blocks. */
    if (thread_is_runnable(t))
        arch_update_restart_pc(t);
    ipc_cancel(t);
    t->state = ThreadState_Inactive;
    sched_remove(t);
}

void tcb_restart(struct tcb *t)
{
    if (t->state != ThreadState_Inactive && t->state != ThreadState_BlockedOnReply)
        return;
    ipc_cancel(t);
    t->state = ThreadState_Restart;
    sched_make_runnable(t);
}

/* Deleting the last cap to a TCB stops it for good. */
void tcb_finalise(struct tcb *t)
{
    tcb_suspend(t);
    ntfn_unbind(t);
    fpu_release(t);
}

/* Replaces TCB slot idx with new_cap (a copy of src's cap), as seL4's
 * checkCapAt: the old cap is deleted first, which may delete src's object,
 * so the new cap goes in only if src still holds it. */
static void install(struct tcb *t, unsigned idx, cap_t new_cap, cte_t *src)
{
    cte_t *slot = &t->slots[idx];
    if (cap_type(slot->cap) != cap_null_cap)
        cdt_delete(slot);
    if (src && cap_type(new_cap) != cap_null_cap && cap_type(slot->cap) == cap_null_cap &&
        cap_same_object_as(src->cap, new_cap))
        cdt_insert(new_cap, src, slot);
}

/* ---- invoke steps: cannot fail ---- */

/* A decoded Configure / SetSpace: the new roots (and buffer) and their sources. */
struct tcb_space {
    uint64_t fault_ep;
    cap_t ccap, vcap, bcap;
    cte_t *csrc, *vsrc, *bsrc;
    bool has_buffer;
    uint64_t buffer;
};

static void invoke_tcb_set_space(struct tcb *t, const struct tcb_space *sp)
{
    t->fault_handler = sp->fault_ep;
    install(t, TCB_CTABLE, sp->ccap, sp->csrc);
    install(t, TCB_VTABLE, sp->vcap, sp->vsrc);
    t->vspace_root = arch_tcb_vspace_root(t);
    if (sp->has_buffer) {
        install(t, TCB_BUFFER, sp->bcap, sp->bsrc);
        t->ipc_buffer_vaddr = sp->buffer;
    }
}

static void invoke_tcb_set_ipc_buffer(struct tcb *t, uint64_t buffer, cap_t bcap, cte_t *bsrc)
{
    install(t, TCB_BUFFER, bcap, bsrc);
    t->ipc_buffer_vaddr = buffer;
}

static void invoke_tcb_read_registers(struct invocation *inv, struct tcb *t, bool suspend,
                                      unsigned n)
{
    if (suspend)
        tcb_suspend(t);
    for (unsigned i = 0; i < n; i++)
        inv->reply_mr[i] = arch_get_user_reg(t, i);
    inv->reply_length = n;
}

static void invoke_tcb_write_registers(struct tcb *t, bool resume, unsigned n,
                                       const uint64_t *values)
{
    for (unsigned i = 0; i < n; i++)
        arch_set_user_reg(t, i, values[i]);
    if (resume)
        tcb_restart(t);
}

static void invoke_tcb_copy_registers(struct tcb *t, struct tcb *src, uint64_t flags)
{
    if (flags & 1)
        tcb_suspend(src);
    if (flags & 2)
        tcb_restart(t);
    if (flags & 4)
        for (unsigned i = 0; i < KAAL_N_FRAME_REGS; i++)
            arch_set_user_reg(t, i, arch_get_user_reg(src, i));
    if (flags & 8)
        for (unsigned i = KAAL_N_FRAME_REGS; i < KAAL_N_USER_REGS; i++)
            arch_set_user_reg(t, i, arch_get_user_reg(src, i));
}

static void invoke_tcb_set_sched_params(struct tcb *t, bool set_mcp, uint8_t mcp, bool set_prio,
                                        uint8_t prio)
{
    if (set_mcp)
        t->mcp = mcp;
    if (set_prio)
        sched_set_priority(t, prio);
}

static void invoke_tcb_set_flags(struct invocation *inv, struct tcb *t, uint64_t clear,
                                 uint64_t set)
{
    uint64_t flags = (tcb_flags(t) & ~clear) | set;
    t->foreign_abi = flags & KAAL_TCB_FLAG_FOREIGN_ABI;
    /* One way: a component holds its own TCB cap, and must not give
     * itself back the debug calls its system withheld. */
    if (flags & KAAL_TCB_FLAG_NO_DEBUG_SYSCALLS)
        t->no_debug_syscalls = true;
    inv->reply_mr[0] = tcb_flags(t);
    inv->reply_length = 1;
}

/* ---- decoding: checks only ---- */

static derive_ret_t derive_root(cte_t *src, uint64_t data, cap_type_t want)
{
    cap_t c = src->cap;
    if (data != 0 && want == cap_cnode_cap)
        c = cap_update_data(false, data, c);
    derive_ret_t d = cap_derive(src, c);
    if (d.status != seL4_NoError)
        return d;
    if (cap_type(d.cap) != want)
        return (derive_ret_t){ syscall_error(seL4_IllegalOperation), cap_null() };
    if (want == cap_pml4_cap && d.cap.data == 0) /* no ASID: not a valid root */
        return (derive_ret_t){ syscall_error(seL4_IllegalOperation), cap_null() };
    return d;
}

/* seL4's order: derive, then the cap must be a RAM frame, then the
 * address aligned (so a wrong cap at a bad address is IllegalOperation). */
static derive_ret_t check_buffer(uint64_t vaddr, cte_t *src)
{
    derive_ret_t d = cap_derive(src, src->cap);
    if (d.status != seL4_NoError)
        return d;
    if (cap_type(d.cap) != cap_frame_cap || d.cap.flag)
        return (derive_ret_t){ syscall_error(seL4_IllegalOperation), cap_null() };
    if (vaddr & ((1u << seL4_IPCBufferSizeBits) - 1))
        return (derive_ret_t){ syscall_error(seL4_AlignmentError), cap_null() };
    return d;
}

static seL4_Error decode_set_space(struct invocation *inv, struct tcb *t, uint64_t fault_ep,
                                   uint64_t cdata, uint64_t vdata, bool has_buffer,
                                   uint64_t buffer)
{
    struct tcb_space sp = {
        .fault_ep = fault_ep, .bcap = cap_null(),
        .csrc = inv->extra[0], .vsrc = inv->extra[1],
        .bsrc = has_buffer ? inv->extra[2] : NULL,
        .has_buffer = has_buffer, .buffer = buffer,
    };
    /* seL4's decodeTCBConfigure checks the buffer before the roots. */
    if (has_buffer && buffer) {
        derive_ret_t b = check_buffer(buffer, sp.bsrc);
        if (b.status != seL4_NoError)
            return b.status;
        sp.bcap = b.cap;
    }
    derive_ret_t c = derive_root(sp.csrc, cdata, cap_cnode_cap);
    if (c.status != seL4_NoError)
        return c.status;
    derive_ret_t v = derive_root(sp.vsrc, vdata, cap_pml4_cap);
    if (v.status != seL4_NoError)
        return v.status;
    sp.ccap = c.cap;
    sp.vcap = v.cap;
    invoke_tcb_set_space(t, &sp);
    return seL4_NoError;
}

static seL4_Error decode_set_ipc_buffer(struct invocation *inv, struct tcb *t)
{
    /* As seL4: the frame cap is required even to clear the buffer. */
    if (inv->length < 1 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t buffer = inv->mr[0];
    cap_t bcap = cap_null();
    if (buffer) {
        derive_ret_t b = check_buffer(buffer, inv->extra[0]);
        if (b.status != seL4_NoError)
            return b.status;
        bcap = b.cap;
    }
    invoke_tcb_set_ipc_buffer(t, buffer, bcap, buffer ? inv->extra[0] : NULL);
    return seL4_NoError;
}

typedef struct tcb_ret {
    seL4_Error status;
    struct tcb *tcb;
} tcb_ret_t;

/* The authority TCB of the priority invocations (first extra cap). */
static tcb_ret_t authority(const struct invocation *inv)
{
    if (!inv->extra[0])
        return (tcb_ret_t){ syscall_error(seL4_TruncatedMessage), NULL };
    if (cap_type(inv->extra[0]->cap) != cap_thread_cap)
        return (tcb_ret_t){ error_invalid_cap(1), NULL };
    return (tcb_ret_t){ seL4_NoError, cap_ptr(inv->extra[0]->cap) };
}

static seL4_Error check_prio(uint64_t prio, const struct tcb *auth)
{
    if (prio > auth->mcp)
        return error_range(seL4_MinPrio, auth->mcp);
    return seL4_NoError;
}

/* SetPriority, SetMCPriority, SetSchedParams. */
static seL4_Error decode_sched(struct invocation *inv, struct tcb *t)
{
    unsigned n_args = inv->label == TCBSetSchedParams ? 2 : 1;
    if (inv->length < n_args)
        return syscall_error(seL4_TruncatedMessage);
    tcb_ret_t auth = authority(inv);
    if (auth.status != seL4_NoError)
        return auth.status;
    for (unsigned i = 0; i < n_args; i++) {
        seL4_Error e = check_prio(inv->mr[i], auth.tcb);
        if (e != seL4_NoError)
            return e;
    }
    switch (inv->label) {
    case TCBSetPriority:
        invoke_tcb_set_sched_params(t, false, 0, true, (uint8_t)inv->mr[0]);
        break;
    case TCBSetMCPriority:
        invoke_tcb_set_sched_params(t, true, (uint8_t)inv->mr[0], false, 0);
        break;
    default: /* TCBSetSchedParams(mcp, priority) */
        invoke_tcb_set_sched_params(t, true, (uint8_t)inv->mr[0], true, (uint8_t)inv->mr[1]);
        break;
    }
    return seL4_NoError;
}

static seL4_Error decode_read_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2)
        return syscall_error(seL4_TruncatedMessage);
    uint64_t flags = inv->mr[0], n = inv->mr[1];
    if (n < 1 || n > KAAL_N_USER_REGS)
        return error_range(1, KAAL_N_USER_REGS);
    if (t == inv->thread)
        return syscall_error(seL4_IllegalOperation);
    invoke_tcb_read_registers(inv, t, flags & 1, (unsigned)n);
    return seL4_NoError;
}

static seL4_Error decode_write_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2)
        return syscall_error(seL4_TruncatedMessage);
    uint64_t flags = inv->mr[0], n = inv->mr[1];
    if (inv->length - 2 < n)
        return syscall_error(seL4_TruncatedMessage);
    if (t == inv->thread)
        return syscall_error(seL4_IllegalOperation);
    if (n > KAAL_N_USER_REGS)
        n = KAAL_N_USER_REGS;
    invoke_tcb_write_registers(t, flags & 1, (unsigned)n, &inv->mr[2]);
    return seL4_NoError;
}

static seL4_Error decode_copy_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 1 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    if (cap_type(inv->extra[0]->cap) != cap_thread_cap)
        return error_invalid_cap(1);
    invoke_tcb_copy_registers(t, cap_ptr(inv->extra[0]->cap), inv->mr[0]);
    return seL4_NoError;
}

static seL4_Error decode_bind_notification(struct invocation *inv, struct tcb *t)
{
    if (!inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    /* seL4's order and codes: a bound TCB first, and a cap that is not a
     * notification is IllegalOperation, not InvalidCapability. */
    if (t->bound_ntfn)
        return syscall_error(seL4_IllegalOperation);
    cap_t n = inv->extra[0]->cap;
    if (cap_type(n) != cap_notification_cap)
        return syscall_error(seL4_IllegalOperation);
    if (!(n.rights & CAP_RIGHT_READ) || ntfn_is_bound(cap_ptr(n)) || ntfn_has_waiters(cap_ptr(n)))
        return syscall_error(seL4_IllegalOperation);
    ntfn_bind(cap_ptr(n), t); /* invoke */
    return seL4_NoError;
}

seL4_Error decode_tcb_invocation(struct invocation *inv)
{
    struct tcb *t = cap_ptr(inv->cap);
    switch (inv->label) {
    case TCBReadRegisters:
        return decode_read_registers(inv, t);
    case TCBWriteRegisters:
        return decode_write_registers(inv, t);
    case TCBCopyRegisters:
        return decode_copy_registers(inv, t);
    case TCBConfigure:
        if (inv->length < 4 || !inv->extra[0] || !inv->extra[1] || !inv->extra[2])
            return syscall_error(seL4_TruncatedMessage);
        return decode_set_space(inv, t, inv->mr[0], inv->mr[1], inv->mr[2], true, inv->mr[3]);
    case TCBSetSpace:
        if (inv->length < 3 || !inv->extra[0] || !inv->extra[1])
            return syscall_error(seL4_TruncatedMessage);
        return decode_set_space(inv, t, inv->mr[0], inv->mr[1], inv->mr[2], false, 0);
    case TCBSetIPCBuffer:
        return decode_set_ipc_buffer(inv, t);
    case TCBSetPriority:
    case TCBSetMCPriority:
    case TCBSetSchedParams:
        return decode_sched(inv, t);
    case TCBSuspend:
        tcb_suspend(t); /* invoke */
        return seL4_NoError;
    case TCBResume:
        tcb_restart(t); /* invoke */
        return seL4_NoError;
    case TCBBindNotification:
        return decode_bind_notification(inv, t);
    case TCBUnbindNotification:
        if (!t->bound_ntfn)
            return syscall_error(seL4_IllegalOperation);
        ntfn_unbind(t); /* invoke */
        return seL4_NoError;
    case TCBSetTLSBase:
        if (inv->length < 1)
            return syscall_error(seL4_TruncatedMessage);
        arch_set_user_reg(t, KAAL_REG_FS_BASE, inv->mr[0]); /* invoke */
        return seL4_NoError;
    case TCBSetFlags:
        if (inv->length < 2)
            return syscall_error(seL4_TruncatedMessage);
        invoke_tcb_set_flags(inv, t, inv->mr[0], inv->mr[1]);
        return seL4_NoError;
    default:
        return syscall_error(seL4_IllegalOperation);
    }
}
