/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Faults of user threads, in seL4's terms. The foundation reports them and
 * stops the thread (a thread without a fault handler is suspended in seL4
 * too); the IPC issue delivers them to fault endpoints as fault messages.
 */
#pragma once

#include <stdint.h>
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
    uint64_t addr;       /* VMFault: faulting address; UnknownSyscall: number */
    uint64_t fsr;        /* VMFault: x86 page-fault error code */
    uint64_t is_instruction_fault;
    uint64_t number;     /* UserException: vector */
    uint64_t code;       /* UserException: CPU error code */
};

void handle_fault(struct tcb *t, const struct fault *f);
