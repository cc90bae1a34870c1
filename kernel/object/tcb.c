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

static seL4_Error derive_root(cte_t *src, uint64_t data, cap_type_t want, cap_t *out)
{
    cap_t c = src->cap;
    if (data != 0 && want == cap_cnode_cap)
        c = cap_update_data(false, data, c);
    derive_ret_t d = cap_derive(src, c);
    if (d.status != seL4_NoError)
        return d.status;
    if (cap_type(d.cap) != want)
        return syscall_error(seL4_IllegalOperation);
    if (want == cap_pml4_cap && d.cap.data == 0)
        return syscall_error(seL4_IllegalOperation); /* no ASID: not a valid root */
    *out = d.cap;
    return seL4_NoError;
}

/* seL4's order: derive, then the cap must be a RAM frame, then the
 * address aligned (so a wrong cap at a bad address is IllegalOperation). */
static seL4_Error check_buffer(uint64_t vaddr, cte_t *src, cap_t *out)
{
    derive_ret_t d = cap_derive(src, src->cap);
    if (d.status != seL4_NoError)
        return d.status;
    if (cap_type(d.cap) != cap_frame_cap || d.cap.flag)
        return syscall_error(seL4_IllegalOperation);
    if (vaddr & ((1u << seL4_IPCBufferSizeBits) - 1))
        return syscall_error(seL4_AlignmentError);
    *out = d.cap;
    return seL4_NoError;
}

static seL4_Error decode_set_space(struct invocation *inv, struct tcb *t, unsigned first_cap,
                                   uint64_t fault_ep, uint64_t cdata, uint64_t vdata,
                                   bool has_buffer, uint64_t buffer)
{
    cte_t *csrc = inv->extra[first_cap], *vsrc = inv->extra[first_cap + 1];
    cte_t *bsrc = has_buffer ? inv->extra[first_cap + 2] : NULL;
    cap_t ccap, vcap, bcap = cap_null();
    seL4_Error e;
    /* seL4's decodeTCBConfigure checks the buffer before the roots. */
    if (has_buffer && buffer) {
        e = check_buffer(buffer, bsrc, &bcap);
        if (e != seL4_NoError)
            return e;
    }
    e = derive_root(csrc, cdata, cap_cnode_cap, &ccap);
    if (e != seL4_NoError)
        return e;
    e = derive_root(vsrc, vdata, cap_pml4_cap, &vcap);
    if (e != seL4_NoError)
        return e;
    t->fault_handler = fault_ep;
    install(t, TCB_CTABLE, ccap, csrc);
    install(t, TCB_VTABLE, vcap, vsrc);
    t->vspace_root = arch_tcb_vspace_root(t);
    if (has_buffer) {
        install(t, TCB_BUFFER, bcap, bsrc);
        t->ipc_buffer_vaddr = buffer;
    }
    return seL4_NoError;
}

static struct tcb *authority(struct invocation *inv, seL4_Error *e)
{
    if (!inv->extra[0]) {
        *e = syscall_error(seL4_TruncatedMessage);
        return NULL;
    }
    if (cap_type(inv->extra[0]->cap) != cap_thread_cap) {
        *e = error_invalid_cap(1);
        return NULL;
    }
    return cap_ptr(inv->extra[0]->cap);
}

static seL4_Error check_prio(uint64_t prio, const struct tcb *auth)
{
    if (prio > auth->mcp)
        return error_range(seL4_MinPrio, auth->mcp);
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
    if (flags & 1)
        tcb_suspend(t);
    for (unsigned i = 0; i < n; i++)
        inv->reply_mr[i] = arch_get_user_reg(t, i);
    inv->reply_length = n;
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
    for (unsigned i = 0; i < n; i++)
        arch_set_user_reg(t, i, inv->mr[2 + i]);
    if (flags & 1)
        tcb_restart(t);
    return seL4_NoError;
}

static seL4_Error decode_copy_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 1 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    if (cap_type(inv->extra[0]->cap) != cap_thread_cap)
        return error_invalid_cap(1);
    struct tcb *src = cap_ptr(inv->extra[0]->cap);
    uint64_t flags = inv->mr[0];
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
    return seL4_NoError;
}

seL4_Error decode_tcb_invocation(struct invocation *inv)
{
    struct tcb *t = cap_ptr(inv->cap);
    seL4_Error e = seL4_NoError;
    struct tcb *auth;
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
        return decode_set_space(inv, t, 0, inv->mr[0], inv->mr[1], inv->mr[2], true,
                                inv->mr[3]);
    case TCBSetSpace:
        if (inv->length < 3 || !inv->extra[0] || !inv->extra[1])
            return syscall_error(seL4_TruncatedMessage);
        return decode_set_space(inv, t, 0, inv->mr[0], inv->mr[1], inv->mr[2], false, 0);
    case TCBSetIPCBuffer: {
        /* As seL4: the frame cap is required even to clear the buffer. */
        if (inv->length < 1 || !inv->extra[0])
            return syscall_error(seL4_TruncatedMessage);
        uint64_t buffer = inv->mr[0];
        cap_t bcap = cap_null();
        if (buffer) {
            e = check_buffer(buffer, inv->extra[0], &bcap);
            if (e != seL4_NoError)
                return e;
        }
        install(t, TCB_BUFFER, bcap, buffer ? inv->extra[0] : NULL);
        t->ipc_buffer_vaddr = buffer;
        return seL4_NoError;
    }
    case TCBSetPriority:
    case TCBSetMCPriority:
        if (inv->length < 1)
            return syscall_error(seL4_TruncatedMessage);
        if (!(auth = authority(inv, &e)))
            return e;
        e = check_prio(inv->mr[0], auth);
        if (e != seL4_NoError)
            return e;
        if (inv->label == TCBSetPriority)
            sched_set_priority(t, (uint8_t)inv->mr[0]);
        else
            t->mcp = (uint8_t)inv->mr[0];
        return seL4_NoError;
    case TCBSetSchedParams:
        if (inv->length < 2)
            return syscall_error(seL4_TruncatedMessage);
        if (!(auth = authority(inv, &e)))
            return e;
        if ((e = check_prio(inv->mr[0], auth)) != seL4_NoError ||
            (e = check_prio(inv->mr[1], auth)) != seL4_NoError)
            return e;
        t->mcp = (uint8_t)inv->mr[0];
        sched_set_priority(t, (uint8_t)inv->mr[1]);
        return seL4_NoError;
    case TCBSuspend:
        tcb_suspend(t);
        return seL4_NoError;
    case TCBResume:
        tcb_restart(t);
        return seL4_NoError;
    case TCBBindNotification: {
        if (!inv->extra[0])
            return syscall_error(seL4_TruncatedMessage);
        /* seL4's order and codes: a bound TCB first, and a cap that is
         * not a notification is IllegalOperation, not InvalidCapability. */
        if (t->bound_ntfn)
            return syscall_error(seL4_IllegalOperation);
        cap_t n = inv->extra[0]->cap;
        if (cap_type(n) != cap_notification_cap)
            return syscall_error(seL4_IllegalOperation);
        if (!(n.rights & CAP_RIGHT_READ) || ntfn_is_bound(cap_ptr(n)) ||
            ntfn_has_waiters(cap_ptr(n)))
            return syscall_error(seL4_IllegalOperation);
        ntfn_bind(cap_ptr(n), t);
        return seL4_NoError;
    }
    case TCBUnbindNotification:
        if (!t->bound_ntfn)
            return syscall_error(seL4_IllegalOperation);
        ntfn_unbind(t);
        return seL4_NoError;
    case TCBSetTLSBase:
        if (inv->length < 1)
            return syscall_error(seL4_TruncatedMessage);
        arch_set_user_reg(t, KAAL_REG_FS_BASE, inv->mr[0]);
        return seL4_NoError;
    case TCBSetFlags: {
        if (inv->length < 2)
            return syscall_error(seL4_TruncatedMessage);
        uint64_t flags = (tcb_flags(t) & ~inv->mr[0]) | inv->mr[1];
        t->foreign_abi = flags & KAAL_TCB_FLAG_FOREIGN_ABI;
        /* One way: a component holds its own TCB cap, and must not give
         * itself back the debug calls its system withheld. */
        if (flags & KAAL_TCB_FLAG_NO_DEBUG_SYSCALLS)
            t->no_debug_syscalls = true;
        inv->reply_mr[0] = tcb_flags(t);
        inv->reply_length = 1;
        return seL4_NoError;
    }
    default:
        return syscall_error(seL4_IllegalOperation);
    }
}
