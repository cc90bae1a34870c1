// SPDX-License-Identifier: BSD-2-Clause
/*
 * The generic boot sequence: print the memory map, set up the boot memory
 * allocator (RAM minus the kernel image and the boot modules), build the
 * root task, and leave the kernel for the first time.
 */
#include <kernel/boot.h>
#include <kernel/interrupt.h>
#include <kernel/kprintf.h>
#include <kernel/thread.h>
#include <kaal/string.h>

#define LOW_MEMORY_END 0x100000 /* below 1 MiB: firmware areas, device untyped */

static const char *region_type_name(uint32_t type)
{
    switch (type) {
    case BOOT_MEM_RAM: return "RAM";
    case BOOT_MEM_ACPI: return "ACPI";
    case BOOT_MEM_NVS: return "ACPI NVS";
    case BOOT_MEM_BAD: return "bad";
    default: return "reserved";
    }
}

static void print_memory_map(const struct boot_params *bp)
{
    uint64_t ram = 0;
    kprintf("[KaaL] memory map (%u regions):\n", bp->n_regions);
    for (unsigned i = 0; i < bp->n_regions; i++) {
        const struct boot_mem_region *r = &bp->regions[i];
        kprintf("  [0x%012lx - 0x%012lx) %-8s %lu KiB\n", (unsigned long)r->base,
                (unsigned long)(r->base + r->size_bytes), region_type_name(r->type),
                (unsigned long)(r->size_bytes >> 10));
        if (r->type == BOOT_MEM_RAM)
            ram += r->size_bytes;
    }
    if (bp->n_regions_dropped)
        kprintf("  (%u more regions ignored)\n", bp->n_regions_dropped);
    kprintf("[KaaL] RAM: %lu MiB, %u boot module(s)\n", (unsigned long)(ram >> 20),
            bp->n_modules);
}

/* Debug aid for the test suite: a deliberate kernel fault proves that kernel
 * faults are reported with registers and a backtrace. */
static void maybe_test_kernel_fault(const struct boot_params *bp)
{
    const char *opt = "kaal.test=kernel-fault";
    for (const char *p = bp->cmdline; *p; p++) {
        if (strncmp(p, opt, strlen(opt)) == 0) {
            kprintf("[KaaL] kaal.test=kernel-fault: faulting on purpose\n");
            volatile uint64_t *unmapped;
            __asm__ volatile("" : "=r"(unmapped) : "0"(0x10ul)); /* hide it from -Warray-bounds */
            *unmapped = 1;
        }
    }
}

void kernel_main(struct boot_params *bp)
{
    static struct boot_mem bm;
    kprintf("[KaaL] Booting...\n");
    if (bp->cmdline[0])
        kprintf("[KaaL] command line: %s\n", bp->cmdline);
    print_memory_map(bp);

    boot_mem_init(&bm, bp, LOW_MEMORY_END, PPTR_MAP_BYTES);
    if (bm.ignored_bytes)
        kprintf("[KaaL] warning: %lu MiB of RAM above the kernel window is not used\n",
                (unsigned long)(bm.ignored_bytes >> 20));
    uint64_t kbase, kend;
    arch_reserve_kernel_devices(&bm);
    arch_kernel_image_range(&kbase, &kend);
    boot_mem_reserve(&bm, kbase, kend);
    for (unsigned i = 0; i < bp->n_modules; i++)
        boot_mem_reserve(&bm, bp->modules[i].paddr,
                         bp->modules[i].paddr + bp->modules[i].size_bytes);

    maybe_test_kernel_fault(bp);

    struct tcb *root = create_root_task(bp, &bm);
    kprintf("[KaaL] %lu KiB free for user space; starting the root task\n",
            (unsigned long)(boot_mem_free_bytes(&bm) >> 10));
    arch_timer_init();
    sched_make_runnable(root);
    kernel_exit();
}
