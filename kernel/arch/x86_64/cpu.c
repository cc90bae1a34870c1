// SPDX-License-Identifier: BSD-2-Clause
/*
 * Descriptor tables and system-call MSRs for the boot CPU.
 *
 * GDT order is dictated by syscall/sysret (Intel SDM Vol. 2B, SYSRET):
 * kernel CS, kernel DS at STAR[47:32] (+0, +8); user DS, user CS at
 * STAR[63:48] + 8 / + 16. All 256 IDT entries are interrupt gates (IF
 * cleared: the kernel runs with interrupts off) into the stubs of traps.S;
 * the double fault runs on its own IST stack so a kernel stack overflow
 * still gets reported.
 *
 * The PAT MSR keeps its power-on entries (WB, WT, UC-, UC, twice) except
 * entry 4, which becomes write-combining, as seL4's init_pat_msr: that is
 * what seL4_X86_WriteCombining (PTE PAT bit alone) selects.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <kernel/machine.h>
#include <kernel/percpu.h>
#include <kernel/vspace.h>
#include <arch/pte.h>
#include <stddef.h>

/* The TSS is in the per-CPU state (kcpu.arch.tss, the hot data page):
 * every switch writes rsp0. traps.S reaches these fields by offset. */
_Static_assert(offsetof(struct percpu, arch.tss.rsp0) == PERCPU_TSS_RSP0, "traps.S offset");
_Static_assert(offsetof(struct percpu, arch.syscall_user_rsp) == PERCPU_SYSCALL_USER_RSP,
               "traps.S offset");
_Static_assert(offsetof(struct percpu, arch.fast_stack) == PERCPU_FAST_STACK, "traps.S offset");

static uint64_t gdt[7] __attribute__((aligned(16))) = {
    0,
    0x00af9a000000ffff, /* 0x08 kernel code, 64-bit */
    0x00cf92000000ffff, /* 0x10 kernel data */
    0x00cff2000000ffff, /* 0x18 user data, DPL 3 */
    0x00affa000000ffff, /* 0x20 user code, 64-bit, DPL 3 */
    0, 0,               /* 0x28 TSS (16 bytes), filled at run time */
};

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint64_t base;
};

#define VECTOR_DOUBLE_FAULT 8
#define STUB_BYTES 16

static void set_gate(unsigned vector, uint64_t handler, unsigned ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xffff,
        .selector = GDT_KERNEL_CS,
        .ist = (uint8_t)ist,
        .type_attr = 0x8E, /* present, DPL 0, 64-bit interrupt gate */
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_high = (uint32_t)(handler >> 32),
    };
}

static void mask_legacy_pic(void)
{
    /* Remap the 8259s away from the exception vectors, then mask them. */
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, 0x20);
    outb(0xA1, 0x28);
    outb(0x21, 0x04);
    outb(0xA1, 0x02);
    outb(0x21, 0x01);
    outb(0xA1, 0x01);
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}

#define MSR_PAT 0x277
#define PAT_WRITE_COMBINING 0x01ull

static void init_pat(void)
{
    uint64_t pat = rdmsr(MSR_PAT);
    pat = (pat & ~(0xffull << 32)) | (PAT_WRITE_COMBINING << 32);
    wrmsr(MSR_PAT, pat);
}

/* Leaf-entry bits that pick the PAT entry (Intel SDM 4.9.2): PWT, PCD and
 * PAT, the last in a different place in a 4 KiB PTE and a large-page one. */
unsigned arch_debug_memory_type(uint64_t entry, unsigned level)
{
    uint64_t pat = level == 0 ? PTE_PAT_4K : PTE_PAT_LARGE;
    unsigned index = (entry & PTE_PWT ? 1u : 0u) | (entry & PTE_PCD ? 2u : 0u) |
                     (entry & pat ? 4u : 0u);
    return (unsigned)(rdmsr(MSR_PAT) >> (8 * index)) & 7;
}

void x86_cpu_init(void)
{
    uint64_t tss = (uint64_t)&kcpu.arch.tss;
    kcpu.arch.tss.ist[0] = (uint64_t)x86_ist_stack_top;
    kcpu.arch.tss.rsp0 = (uint64_t)kernel_stack_top;
    kcpu.arch.tss.iomap_base = sizeof(struct x86_tss); /* no I/O bitmap: ring 3 gets no ports */
    gdt[5] = (sizeof(struct x86_tss) - 1) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
             (((tss >> 24) & 0xff) << 56);
    gdt[6] = tss >> 32;

    struct table_ptr gp = { sizeof(gdt) - 1, (uint64_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(gp), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS), "r"(GDT_TSS)
                     : "rax", "memory");

    for (unsigned v = 0; v < 256; v++)
        set_gate(v, (uint64_t)x86_vector_table_start + v * STUB_BYTES,
                 v == VECTOR_DOUBLE_FAULT ? 1 : 0);
    struct table_ptr ip = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ip));

    wrmsr(MSR_STAR, ((uint64_t)(GDT_KERNEL_DS | 3) << 48) | ((uint64_t)GDT_KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry);
    wrmsr(MSR_SFMASK, 0x200 | 0x400 | 0x100 | 0x40000); /* IF DF TF AC */

    init_pat();
    mask_legacy_pic();
}
