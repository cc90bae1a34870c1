// SPDX-License-Identifier: BSD-2-Clause
/*
 * kernel-tests: the root task that tests the kernel's seL4 object model
 * from user space (CNode operations, Untyped_Retype, the x86_64 VSpace, and
 * a hostile random-invocation run). Prints one TAP line per test, then
 * `N passed, N failed`, then stops the machine (seL4_DebugHalt).
 *
 * Isolation: every object a test makes comes from one RAM untyped (the
 * largest), and every slot from a bump allocator over the empty region;
 * after each test the runner revokes that untyped and deletes the slots, so
 * tests cannot see each other's objects and memory is reused.
 */
#include "ktest.h"
#include "thread_env.h"
#include <kaal/runtime.h>
#include <kaal/kdebug.h>

char ktest_failure[160];
const seL4_BootInfo *env_bi;
seL4_CPtr env_untyped;
unsigned env_untyped_bits;
seL4_Word env_untyped_paddr;
static seL4_CPtr first_free, next_free;

const char *ktest_error_name(seL4_Error e)
{
    static const char *const names[] = {
        "seL4_NoError",       "seL4_InvalidArgument", "seL4_InvalidCapability",
        "seL4_IllegalOperation", "seL4_RangeError",   "seL4_AlignmentError",
        "seL4_FailedLookup",  "seL4_TruncatedMessage", "seL4_DeleteFirst",
        "seL4_RevokeFirst",   "seL4_NotEnoughMemory",
    };
    return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "(not an seL4_Error)";
}

seL4_CPtr env_slot(void)
{
    return next_free++;
}

seL4_CPtr env_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr s = env_slot();
    seL4_Error e = seL4_Untyped_Retype(env_untyped, type, size_bits, ROOT, 0, 0, s, 1);
    if (e != seL4_NoError) {
        if (!ktest_failure[0])
            snprintf(ktest_failure, sizeof(ktest_failure), "env_object(type %lu): %s",
                     (unsigned long)type, ktest_error_name(e));
        return 0;
    }
    return s;
}

seL4_CPtr env_device_untyped(unsigned *size_bits)
{
    for (seL4_Word i = 0; i < env_bi->untyped.end - env_bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &env_bi->untypedList[i];
        if (d->isDevice && d->sizeBits >= 12 && d->paddr >= 0x100000) {
            *size_bits = d->sizeBits;
            return env_bi->untyped.start + i;
        }
    }
    return 0;
}

bool env_check_no_aliasing(const char *what, long step, bool whole_kernel)
{
    kaal_ObjectCheck c = kaal_DebugCheckObjects(whole_kernel ? seL4_CapNull : env_untyped);
    if (c.error == seL4_NoError && c.conflicts == 0)
        return true;
    if (!ktest_failure[0])
        snprintf(ktest_failure, sizeof(ktest_failure),
                 "%s, step %ld: %s; %lu pairs of live objects overlap, first at %#lx and %#lx",
                 what, step, ktest_error_name(c.error), (unsigned long)c.conflicts,
                 (unsigned long)c.paddr_first, (unsigned long)c.paddr_second);
    return false;
}

void env_map_tables(seL4_Word vaddr)
{
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = env_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, seL4_CapInitThreadVSpace, vaddr, seL4_X86_Default_VMAttributes));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, seL4_CapInitThreadVSpace, vaddr,
                                        seL4_X86_Default_VMAttributes));
    CHECK_OK(seL4_X86_PageTable_Map(pt, seL4_CapInitThreadVSpace, vaddr,
                                    seL4_X86_Default_VMAttributes));
}

seL4_CPtr env_mapped_frame(seL4_Word vaddr)
{
    env_map_tables(vaddr);
    seL4_CPtr f = env_object(seL4_X86_4K, 0);
    CHECK_OK(seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                               seL4_X86_Default_VMAttributes));
    return f;
}

static void env_reset(void)
{
    seL4_Error e = seL4_CNode_Revoke(ROOT, env_untyped, DEPTH);
    if (e != seL4_NoError && !ktest_failure[0])
        snprintf(ktest_failure, sizeof(ktest_failure), "cleanup: revoke: %s", ktest_error_name(e));
    for (seL4_CPtr s = first_free; s < next_free; s++)
        seL4_CNode_Delete(ROOT, s, DEPTH);
    next_free = first_free;
}

static void find_test_untyped(void)
{
    unsigned best = 0;
    for (seL4_Word i = 0; i < env_bi->untyped.end - env_bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &env_bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > best) {
            best = d->sizeBits;
            env_untyped = env_bi->untyped.start + i;
            env_untyped_paddr = d->paddr;
        }
    }
    env_untyped_bits = best;
}

int main(void)
{
    env_bi = kaal_bootinfo();
    find_test_untyped();
    first_free = next_free = env_bi->empty.start;
    printf("kernel-tests: test untyped %lu (2^%u bytes at %#lx), empty slots from %lu\n",
           (unsigned long)env_untyped, env_untyped_bits, (unsigned long)env_untyped_paddr,
           (unsigned long)first_free);

    const struct { const struct ktest *tests; unsigned n; } suites[] = {
        { cnode_tests, n_cnode_tests },
        { retype_tests, n_retype_tests },
        { vspace_tests, n_vspace_tests },
        { ipc_tests, n_ipc_tests },
        { debug_syscall_tests, n_debug_syscall_tests },
        { fastpath_tests, n_fastpath_tests },
        { withmrs_tests, n_withmrs_tests },
        { preempt_tests, n_preempt_tests },
        { tcb_regs_tests, n_tcb_regs_tests },
        { irq_tests, n_irq_tests },
        { bootinfo_tests, n_bootinfo_tests },
        { hostile_tests, n_hostile_tests },
        { hostile_ipc_tests, n_hostile_ipc_tests },
    };
    unsigned n = 0, passed = 0, failed = 0;
    for (unsigned s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
        for (unsigned i = 0; i < suites[s].n; i++) {
            const struct ktest *t = &suites[s].tests[i];
            ktest_failure[0] = 0;
            t->fn();
            env_reset();
            n++;
            if (ktest_failure[0]) {
                printf("not ok %u - %s # %s\n", n, t->name, ktest_failure);
                failed++;
            } else {
                printf("ok %u - %s\n", n, t->name);
                passed++;
            }
        }
    }
    printf("%u passed, %u failed\n", passed, failed);
    seL4_DebugHalt();
    return 0;
}
