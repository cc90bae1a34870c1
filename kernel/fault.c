// SPDX-License-Identifier: BSD-2-Clause
/*
 * User faults, seL4's classic model. The fault is recorded in the TCB and
 * the thread Calls its fault handler: the endpoint cap that its
 * fault_handler CPtr names in its own CSpace, which must carry Write and
 * Grant or GrantReply. The handler receives a fault message (label = fault
 * type, words as libsel4's x86_64 fault headers lay them out) and a reply
 * cap; its reply resumes the thread, for UnknownSyscall and UserException
 * with the registers it wrote. Without a usable handler the kernel prints
 * what the thread did and makes it inactive: the rest keeps running.
 *
 * Faults taken inside a system call (CapFault, UnknownSyscall) rewind the
 * thread to the `syscall` instruction (seL4's FaultIP), so resuming
 * re-executes it unless the handler moved the instruction pointer on.
 */
#include <kernel/fault.h>
#include <kernel/ipc.h>
#include <kernel/cspace.h>
#include <kernel/kprintf.h>

static const char *exception_name(uint64_t vector)
{
    static const char *const names[] = {
        "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
        "invalid opcode", "device not available", "double fault", "coprocessor overrun",
        "invalid TSS", "segment not present", "stack fault", "general protection",
        "page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
        "SIMD floating point", "virtualization", "control protection",
    };
    return vector < sizeof(names) / sizeof(names[0]) ? names[vector] : "exception";
}

static void report(struct tcb *t, const struct fault *f)
{
    uint64_t ip = arch_fault_ip(t);
    switch (f->type) {
    case seL4_Fault_VMFault:
        kprintf("[KaaL] fault: thread '%s': VMFault at address %p (rip %p, %s %s)\n", t->name,
                (void *)f->addr, (void *)ip,
                f->is_instruction_fault ? "instruction fetch" : (f->fsr & 2) ? "write" : "read",
                (f->fsr & 1) ? "protection violation" : "not mapped");
        break;
    case seL4_Fault_UserException:
        kprintf("[KaaL] fault: thread '%s': UserException %s (vector %lu, code %#lx) at rip %p\n",
                t->name, exception_name(f->number), (unsigned long)f->number,
                (unsigned long)f->code, (void *)ip);
        break;
    case seL4_Fault_UnknownSyscall:
        kprintf("[KaaL] fault: thread '%s': UnknownSyscall %ld at rip %p\n", t->name,
                (long)f->addr, (void *)ip);
        break;
    case seL4_Fault_CapFault:
        kprintf("[KaaL] fault: thread '%s': CapFault on cap %#lx at rip %p\n", t->name,
                (unsigned long)f->addr, (void *)ip);
        break;
    default:
        kprintf("[KaaL] fault: thread '%s': fault type %d at rip %p\n", t->name, f->type,
                (void *)ip);
        break;
    }
}

static void record(struct tcb *t, const struct fault *f)
{
    struct fault_record *r = &t->fault;
    r->type = f->type;
    switch (f->type) {
    case seL4_Fault_VMFault:
        r->w[0] = f->addr;
        r->w[1] = f->is_instruction_fault;
        r->w[2] = f->fsr;
        break;
    case seL4_Fault_UserException:
        r->w[0] = f->number;
        r->w[1] = f->code;
        break;
    case seL4_Fault_UnknownSyscall:
        r->w[0] = f->addr;
        break;
    case seL4_Fault_CapFault:
        r->w[0] = f->addr;
        r->w[1] = f->number;
        r->w[2] = klookup_fault.type;
        r->w[3] = klookup_fault.bits_left;
        r->w[4] = klookup_fault.bits_found;
        r->w[5] = klookup_fault.guard_found;
        break;
    default:
        break;
    }
}

void handle_fault(struct tcb *t, const struct fault *f)
{
    if (f->type == seL4_Fault_UnknownSyscall || f->type == seL4_Fault_CapFault)
        arch_rewind_syscall(t);
    record(t, f);
    cte_t *slot = cspace_find_slot(t->slots[TCB_CTABLE].cap, t->fault_handler);
    cap_t h = slot ? slot->cap : cap_null();
    if (cap_type(h) == cap_endpoint_cap && (h.rights & CAP_RIGHT_WRITE) &&
        (h.rights & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY))) {
        ipc_send(t, true, true, h.data, h.rights & CAP_RIGHT_GRANT,
                 h.rights & CAP_RIGHT_GRANT_REPLY, cap_ptr(h));
        return;
    }
    report(t, f);
    kprintf("[KaaL] thread '%s' has no fault handler: stopped\n", t->name);
    t->fault.type = seL4_Fault_NullFault;
    t->state = ThreadState_Inactive;
    sched_remove(t);
}

void fault_cap(struct tcb *t, uint64_t cptr, bool in_receive_phase)
{
    struct fault f = { .type = seL4_Fault_CapFault, .addr = cptr, .number = in_receive_phase };
    handle_fault(t, &f);
}

/* seL4_CapFault_LookupFailureType onwards, as setMRs_lookup_failure. */
static unsigned lookup_failure_words(const struct fault_record *r, uint64_t *mr, unsigned i)
{
    mr[i++] = r->w[2];
    switch (r->w[2]) {
    case seL4_MissingCapability:
        mr[i++] = r->w[3];
        break;
    case seL4_DepthMismatch:
        mr[i++] = r->w[3];
        mr[i++] = r->w[4];
        break;
    case seL4_GuardMismatch:
        mr[i++] = r->w[3];
        mr[i++] = r->w[5];
        mr[i++] = r->w[4];
        break;
    default:
        break;
    }
    return i;
}

unsigned fault_message(struct tcb *t, uint64_t *mr)
{
    const struct fault_record *r = &t->fault;
    unsigned n;
    switch (r->type) {
    case seL4_Fault_CapFault:
        mr[0] = arch_fault_ip(t);       /* seL4_CapFault_IP */
        mr[1] = r->w[0];                /* seL4_CapFault_Addr */
        mr[2] = r->w[1];                /* seL4_CapFault_InRecvPhase */
        return lookup_failure_words(r, mr, 3);
    case seL4_Fault_UnknownSyscall:
        n = arch_syscall_fault_regs(t, mr); /* RAX .. FLAGS */
        mr[n++] = r->w[0];                  /* seL4_UnknownSyscall_Syscall */
        return n;
    case seL4_Fault_UserException:
        n = arch_exception_fault_regs(t, mr); /* FaultIP, SP, FLAGS */
        mr[n++] = r->w[0];                    /* Number */
        mr[n++] = r->w[1];                    /* Code */
        return n;
    case seL4_Fault_VMFault:
        mr[0] = arch_fault_ip(t); /* seL4_VMFault_IP */
        mr[1] = r->w[0];          /* Addr */
        mr[2] = r->w[1];          /* PrefetchFault */
        mr[3] = r->w[2];          /* FSR */
        return 4;
    default:
        return 0;
    }
}

bool fault_reply(struct tcb *t, uint64_t label, const uint64_t *mr, unsigned n)
{
    switch (t->fault.type) {
    case seL4_Fault_UnknownSyscall:
        arch_set_syscall_fault_regs(t, mr, n);
        return label == 0;
    case seL4_Fault_UserException:
        arch_set_exception_fault_regs(t, mr, n);
        return label == 0;
    default:
        return true; /* CapFault, VMFault: retry the instruction */
    }
}
