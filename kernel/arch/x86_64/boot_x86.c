// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64 boot, C side: called from boot.S on the kernel stack in the higher
 * half. Brings up the console and CPU tables, copies what the multiboot
 * loader said into boot_params (the loader's memory is not protected after
 * this), drops the identity map and enters the generic kernel_main().
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/ioapic.h>
#include <arch/io.h>
#include <arch/multiboot.h>
#include <kernel/boot.h>
#include <kernel/kprintf.h>
#include <kernel/vspace.h>
#include <sel4/arch/bootinfo_types.h>
#include <kaal/string.h>

extern char __kernel_end[];

#define PHYS_ADDR_TOP (1ull << 40) /* device untypeds cover up to 1 TiB */

_Noreturn void kernel_boot(uint32_t magic, uint32_t info_paddr);

static struct boot_params boot_params;

static const void *direct_map_reader(void *ctx, uint64_t paddr, uint64_t len)
{
    (void)ctx;
    if (paddr >= PPTR_MAP_BYTES || len > PPTR_MAP_BYTES - paddr)
        return 0;
    return paddr_to_pptr(paddr);
}

void arch_kernel_image_range(uint64_t *base, uint64_t *end)
{
    *base = KERNEL_PHYS_LOAD;
    *end = kernel_vaddr_to_paddr(__kernel_end);
}

void arch_reserve_kernel_devices(struct boot_mem *bm)
{
    uint64_t lapic = rdmsr(0x1B /* IA32_APIC_BASE */) & 0xfffff000ull;
    boot_mem_reserve_device(bm, lapic, lapic + PAGE_SIZE);
    boot_mem_reserve_device(bm, IOAPIC_DEFAULT_PADDR, IOAPIC_DEFAULT_PADDR + PAGE_SIZE);
}

uint64_t arch_phys_addr_top(void)
{
    return PHYS_ADDR_TOP;
}

uint64_t arch_extra_bootinfo(const struct boot_params *bp, void *dst, uint64_t max)
{
    seL4_X86_BootInfo_mmap_t *mm = dst;
    if (max < sizeof(*mm))
        return 0;
    memset(mm, 0, sizeof(*mm));
    unsigned n = bp->n_regions < SEL4_MULTIBOOT_MAX_MMAP_ENTRIES ? bp->n_regions
                                                                 : SEL4_MULTIBOOT_MAX_MMAP_ENTRIES;
    for (unsigned i = 0; i < n; i++) {
        mm->mmap[i] = (seL4_X86_mb_mmap_t){
            .size = sizeof(seL4_X86_mb_mmap_t) - sizeof(seL4_Uint32),
            .base_addr = bp->regions[i].base,
            .length = bp->regions[i].size_bytes,
            .type = bp->regions[i].type,
        };
    }
    mm->mmap_length = n * sizeof(seL4_X86_mb_mmap_t);
    /* Chunks are word aligned so the next header can be read in place. */
    uint64_t len = (sizeof(*mm) + 7) & ~7ull;
    mm->header = (seL4_BootInfoHeader){ SEL4_BOOTINFO_HEADER_X86_MBMMAP, len };
    return len;
}

/* seL4's x86 TSC chunk, byte for byte (src/arch/x86/kernel/boot.c): the
 * header with len = sizeof(header) + 4, then the frequency in MHz as a
 * uint32_t. */
uint64_t arch_extra_bootinfo_tail(void *dst, uint64_t max)
{
    const uint64_t len = sizeof(seL4_BootInfoHeader) + sizeof(uint32_t);
    if (max < len)
        return 0;
    seL4_BootInfoHeader h = { SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, len };
    uint32_t mhz = x86_tsc_mhz();
    memcpy(dst, &h, sizeof(h));
    memcpy((uint8_t *)dst + sizeof(h), &mhz, sizeof(mhz));
    return len;
}

extern paddr_t boot_pml4_paddr; /* boot.S */

/* The boot direct map is write-back everywhere; device memory (the local
 * APIC, IOAPIC, PCI BARs) must be uncached (Intel SDM Vol. 3A §11.3): every
 * 2 MiB direct-map page that holds no RAM gets PCD|PWT. */
static void uncache_device_memory(const struct boot_params *bp)
{
    const uint64_t pte_pwt = 1 << 3, pte_pcd = 1 << 4, addr = 0x000ffffffffff000ull;
    const uint64_t large = 1ull << 21;
    uint64_t *pml4 = paddr_to_pptr(boot_pml4_paddr);
    uint64_t *pdpt = paddr_to_pptr(pml4[PPTR_BASE >> 39 & 511] & addr);
    for (uint64_t gib = 0; gib < PPTR_MAP_BYTES >> 30; gib++) {
        uint64_t *pd = paddr_to_pptr(pdpt[gib] & addr);
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t base = (gib << 30) + i * large;
            int ram = 0;
            for (unsigned r = 0; r < bp->n_regions; r++) {
                const struct boot_mem_region *m = &bp->regions[r];
                if (m->type == BOOT_MEM_RAM && m->base < base + large &&
                    m->base + m->size_bytes > base)
                    ram = 1;
            }
            if (!ram)
                pd[i] |= pte_pcd | pte_pwt;
        }
    }
    write_cr3(read_cr3());
}

void kernel_boot(uint32_t magic, uint32_t info_paddr)
{
    x86_serial_init();
    x86_cpu_init();
    const char *err = multiboot_parse(magic, info_paddr, direct_map_reader, 0, &boot_params);
    if (err)
        kpanic("boot loader information: %s", err);
    arch_boot_drop_identity_map();
    uncache_device_memory(&boot_params);
    apic_init();
    ioapic_init();
    fpu_init();
    kernel_main(&boot_params);
}
