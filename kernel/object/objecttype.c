// SPDX-License-Identifier: BSD-2-Clause
/*
 * What each capability type means to the generic kernel: object sizes and
 * creation (for Untyped_Retype), derivation (Copy/Mint), badge and guard
 * updates (Mint/Mutate/Rotate), rights masking, what a last cap releases,
 * and the dispatch of an invocation to its decoder. Architecture caps are
 * handed to arch_* (kernel/arch/<arch>/object/).
 */
#include <kernel/invocation.h>
#include <kernel/thread.h>
#include <kernel/ipc.h>
#include <kaal/string.h>
#include <kaal/format.h>

static bool cap_is_arch(cap_t c)
{
    return cap_type(c) >= cap_frame_cap;
}

unsigned object_size_bits(uint64_t type, uint64_t user_size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return (unsigned)user_size_bits;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return (unsigned)(user_size_bits + seL4_SlotBits);
    default:
        return arch_object_size_bits(type);
    }
}

/* The retype has zeroed the memory (untyped.c); only non-zero fields are set. */
cap_t object_create(uint64_t type, void *ptr, uint64_t user_size_bits, bool device)
{
    cap_t c;
    switch (type) {
    case seL4_UntypedObject:
        /* Untyped memory is zeroed when objects are made from it. */
        c = cap_make(cap_untyped_cap, ptr, (unsigned)user_size_bits, 0);
        c.flag = device;
        return c;
    case seL4_TCBObject: {
        struct tcb *t = ptr;
        /* User segments, flags and FPU state valid from the start: a thread
         * resumed before WriteRegisters must not take the kernel down. */
        arch_thread_init_context(t, 0, 0);
        t->state = ThreadState_Inactive;
        kaal_snprintf(t->name, sizeof(t->name), "tcb@%p", ptr);
        return cap_make(cap_thread_cap, ptr, 0, 0);
    }
    case seL4_EndpointObject:
        c = cap_make(cap_endpoint_cap, ptr, 0, 0);
        c.rights = CAP_RIGHTS_ALL;
        return c;
    case seL4_NotificationObject:
        c = cap_make(cap_notification_cap, ptr, 0, 0);
        c.rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE;
        return c;
    case seL4_CapTableObject:
        return cap_make(cap_cnode_cap, ptr, (unsigned)user_size_bits, 0);
    default:
        return arch_object_create(type, ptr, device);
    }
}

derive_ret_t cap_derive(cte_t *slot, cap_t cap)
{
    derive_ret_t ret = { seL4_NoError, cap };
    if (cap_is_arch(cap))
        return arch_derive_cap(slot, cap);
    switch (cap_type(cap)) {
    case cap_zombie_cap:
    case cap_irq_control_cap:
    case cap_reply_cap:
        ret.cap = cap_null();
        break;
    case cap_untyped_cap:
        ret.status = cdt_ensure_no_children(slot);
        if (ret.status != seL4_NoError)
            ret.cap = cap_null();
        break;
    default:
        break;
    }
    return ret;
}

cap_t cap_update_data(bool preserve, uint64_t data, cap_t cap)
{
    switch (cap_type(cap)) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        if (!preserve && cap.data == 0) {
            cap.data = data;
            return cap;
        }
        return cap_null();
    case cap_cnode_cap: {
        uint64_t guard_size = data & 63;
        if (guard_size + cap.size_bits > 64)
            return cap_null();
        uint64_t guard = (data >> 6) & (guard_size >= 58 ? ~0ull : (1ull << guard_size) - 1);
        cap.data = (guard << 6) | guard_size;
        return cap;
    }
    default:
        return cap;
    }
}

cap_t cap_mask_rights(uint64_t rights_word, cap_t cap)
{
    if (cap_is_arch(cap))
        return arch_mask_cap_rights(rights_word, cap);
    switch (cap_type(cap)) {
    case cap_endpoint_cap:
        cap.rights &= rights_word & CAP_RIGHTS_ALL;
        return cap;
    case cap_notification_cap:
        cap.rights &= rights_word & (CAP_RIGHT_READ | CAP_RIGHT_WRITE);
        return cap;
    case cap_reply_cap:
        cap.rights &= rights_word & CAP_RIGHT_GRANT;
        return cap;
    default:
        return cap;
    }
}

cte_t *cap_owned_slots(cap_t cap, uint64_t *n_slots)
{
    switch (cap_type(cap)) {
    case cap_cnode_cap:
        *n_slots = 1ull << cap.size_bits;
        return cap_cnode_slots(cap);
    case cap_thread_cap:
        *n_slots = TCB_SLOT_COUNT;
        return ((struct tcb *)cap_ptr(cap))->slots;
    case cap_zombie_cap:
        if (cap.flag) {
            *n_slots = TCB_SLOT_COUNT;
            return ((struct tcb *)cap_ptr(cap))->slots;
        }
        *n_slots = 1ull << cap.size_bits;
        return cap_cnode_slots(cap);
    default:
        *n_slots = 0;
        return 0;
    }
}

void cap_finalise(cap_t cap, bool final)
{
    if (cap_is_arch(cap)) {
        arch_finalise_cap(cap, final);
        return;
    }
    if (!final)
        return;
    switch (cap_type(cap)) {
    case cap_thread_cap:
        /* The thread stops; its slots are emptied by the caller (zombie). */
        tcb_finalise(cap_ptr(cap));
        break;
    case cap_endpoint_cap:
        ipc_cancel_all(cap_ptr(cap));
        break;
    case cap_notification_cap:
        ntfn_unbind_all(cap_ptr(cap));
        ntfn_cancel_all(cap_ptr(cap));
        irq_forget_notification(cap_ptr(cap));
        break;
    case cap_irq_handler_cap:
        irq_handler_finalise(cap);
        break;
    default:
        break;
    }
}

seL4_Error decode_invocation(struct invocation *inv)
{
    switch (cap_type(inv->cap)) {
    case cap_null_cap:
    case cap_zombie_cap:
        return error_invalid_cap(0);
    case cap_untyped_cap:
        return decode_untyped_invocation(inv);
    case cap_cnode_cap:
        return decode_cnode_invocation(inv);
    case cap_thread_cap:
        return decode_tcb_invocation(inv);
    case cap_irq_control_cap:
        return decode_irq_control_invocation(inv);
    case cap_irq_handler_cap:
        return decode_irq_handler_invocation(inv);
    case cap_domain_cap:
    case cap_reply_cap:
        /* Domains are not implemented; reply caps are IPC (invoke.c). */
        return syscall_error(seL4_IllegalOperation);
    case cap_endpoint_cap:
    case cap_notification_cap:
        return syscall_error(seL4_IllegalOperation); /* IPC: see ipc_invoke() */
    default:
        return arch_decode_invocation(inv);
    }
}
