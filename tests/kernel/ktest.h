/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-guest kernel test harness: test cases are functions returning
 * nothing; CHECK_* macros record the first failure with what was expected
 * and what came back. Each test runs in a clean environment: the runner
 * revokes the test untyped and deletes every slot the test allocated.
 */
#pragma once

#include <stdbool.h>
#include <sel4/sel4.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

struct ktest {
    const char *name;
    void (*fn)(void);
};

#define KTEST_LIST(name) const struct ktest name[]
#define KTEST(fn) { #fn, fn }

/* Set by the first failing check of a test. */
extern char ktest_failure[160];

#define CHECK_EQ(expr, expected)                                                            \
    do {                                                                                    \
        seL4_Word got__ = (seL4_Word)(expr), want__ = (seL4_Word)(expected);                \
        if (got__ != want__ && !ktest_failure[0]) {                                         \
            snprintf(ktest_failure, sizeof(ktest_failure), "%s:%d: %s: expected %#lx, got %#lx", \
                     __FILE__, __LINE__, #expr, (unsigned long)want__, (unsigned long)got__); \
        }                                                                                   \
    } while (0)

#define CHECK_ERR(expr, expected)                                                           \
    do {                                                                                    \
        seL4_Error got__ = (seL4_Error)(expr), want__ = (expected);                         \
        if (got__ != want__ && !ktest_failure[0]) {                                         \
            snprintf(ktest_failure, sizeof(ktest_failure), "%s:%d: expected %s, got %s",     \
                     __FILE__, __LINE__, ktest_error_name(want__), ktest_error_name(got__)); \
        }                                                                                   \
    } while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, seL4_NoError)
#define CHECK_TRUE(cond) CHECK_EQ(!!(cond), 1)

const char *ktest_error_name(seL4_Error e);

/* ---- environment (main.c) ---- */
extern const seL4_BootInfo *env_bi;
extern seL4_CPtr env_untyped;          /* the test untyped (RAM) */
extern unsigned env_untyped_bits;
extern seL4_Word env_untyped_paddr;
/* A fresh empty slot in the root CNode (freed after the test). */
seL4_CPtr env_slot(void);
/* Retypes one object from the test untyped into a fresh slot; 0 on error. */
seL4_CPtr env_object(seL4_Word type, seL4_Word size_bits);
/* A device untyped from bootinfo (slot), or 0. */
seL4_CPtr env_device_untyped(unsigned *size_bits);
/* Free virtual address range for mapping tests (1 GiB, nothing there). */
#define ENV_VADDR 0x8000000000ul   /* PML4 slot 1: no paging structures yet */
/* Makes the paging structures for a 4 KiB page at vaddr in the root VSpace. */
void env_map_tables(seL4_Word vaddr);
/* Creates a frame of 4 KiB mapped at vaddr (tables made as needed). */
seL4_CPtr env_mapped_frame(seL4_Word vaddr);

/* The kernel's no-aliasing invariant (kaal_DebugCheckObjects) over
 * everything made from the test untyped, or over the whole kernel; on a
 * violation records a failure naming `what` and `step`. */
bool env_check_no_aliasing(const char *what, long step, bool whole_kernel);

#define ROOT seL4_CapInitThreadCNode
#define DEPTH seL4_WordBits

extern const struct ktest cnode_tests[], retype_tests[], vspace_tests[], hostile_tests[];
extern const unsigned n_cnode_tests, n_retype_tests, n_vspace_tests, n_hostile_tests;
extern const struct ktest fastpath_tests[]; extern const unsigned n_fastpath_tests;
extern const struct ktest hostile_ipc_tests[]; extern const unsigned n_hostile_ipc_tests;
extern const struct ktest debug_syscall_tests[]; extern const unsigned n_debug_syscall_tests;
extern const struct ktest preempt_tests[]; extern const unsigned n_preempt_tests;
extern const struct ktest bootinfo_tests[]; extern const unsigned n_bootinfo_tests;
extern const struct ktest tcb_regs_tests[], irq_tests[]; extern const unsigned n_tcb_regs_tests, n_irq_tests;
