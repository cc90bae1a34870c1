// SPDX-License-Identifier: BSD-2-Clause
/*
 * User faults. Without a fault handler (all threads, until fault endpoints
 * exist) the kernel prints what the thread did and makes it inactive: the
 * rest of the system keeps running.
 */
#include <kernel/fault.h>
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

void handle_fault(struct tcb *t, const struct fault *f)
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
    case seL4_Fault_CapFault:
        kprintf("[KaaL] fault: thread '%s': CapFault: cap pointer %#lx does not resolve (rip %p)\n",
                t->name, (unsigned long)f->addr, (void *)ip);
        break;
    case seL4_Fault_UnknownSyscall:
        kprintf("[KaaL] fault: thread '%s': UnknownSyscall %ld at rip %p\n", t->name,
                (long)f->addr, (void *)ip);
        break;
    default:
        kprintf("[KaaL] fault: thread '%s': fault type %d at rip %p\n", t->name, f->type,
                (void *)ip);
        break;
    }
    kprintf("[KaaL] thread '%s' has no fault handler: stopped\n", t->name);
    t->state = ThreadState_Inactive;
}
