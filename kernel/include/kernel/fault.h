/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Faults of user threads, in seL4's terms. A fault is recorded in the TCB
 * and sent as a seL4 fault message (a Call) to the endpoint named by the
 * thread's fault handler CPtr; the handler's reply resumes the thread. A
 * thread without a usable fault handler is reported on the console and
 * made inactive, as seL4 does (a "double fault").
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <kernel/thread.h>

typedef enum {
    seL4_Fault_NullFault = 0,
    seL4_Fault_CapFault,
    seL4_Fault_UnknownSyscall,
    seL4_Fault_UserException,
    seL4_Fault_VMFault = 5,
} fault_type_t;

struct fault {
    fault_type_t type;
    uint64_t addr;       /* VMFault: faulting address; UnknownSyscall: number;
                            CapFault: the CPtr */
    uint64_t fsr;        /* VMFault: x86 page-fault error code */
    uint64_t is_instruction_fault;
    uint64_t number;     /* UserException: vector; CapFault: in receive phase */
    uint64_t code;       /* UserException: CPU error code */
};

void handle_fault(struct tcb *t, const struct fault *f);
/* A CapFault for cptr with the lookup failure in klookup_fault. */
void fault_cap(struct tcb *t, uint64_t cptr, bool in_receive_phase);
/* The fault message of t's recorded fault (seL4 layout); returns length. */
unsigned fault_message(struct tcb *t, uint64_t *mr);
/* Applies a fault handler's reply; true if the thread is to resume. */
bool fault_reply(struct tcb *t, uint64_t label, const uint64_t *mr, unsigned n);

/* arch: the register parts of fault messages and replies (seL4 x86_64). */
unsigned arch_syscall_fault_regs(const struct tcb *t, uint64_t *mr);   /* 18 words */
unsigned arch_exception_fault_regs(const struct tcb *t, uint64_t *mr); /* 3 words */
void arch_set_syscall_fault_regs(struct tcb *t, const uint64_t *mr, unsigned n);
void arch_set_exception_fault_regs(struct tcb *t, const uint64_t *mr, unsigned n);
