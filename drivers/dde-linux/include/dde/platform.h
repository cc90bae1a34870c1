/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DDE-Linux, both sides of the shim's edge. Below: what the host
 * environment provides (a KaaL component's glue, drivers/dde-linux/e1000/
 * main.c, or a host unit test): a clock, a delay, console output, port
 * I/O. Above: what the glue calls to feed the shim: the PCI device it was
 * granted, the DMA memory, interrupts, and the event loop's "run what is
 * due" step. Nothing here is a Linux name.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- provided by the host environment ---- */
/* Monotonic nanoseconds. */
uint64_t dde_platform_now_ns(void);
/* Waits ns (busy or yielding; the driver thread does nothing else meanwhile). */
void dde_platform_delay_ns(uint64_t ns);
/* One formatted message (ends with a newline). */
void dde_platform_print(const char *text);
/* BUG(): stops the driver for good (exit in a component, abort in a test). */
_Noreturn void dde_platform_halt(void);
/* Port I/O of 1, 2 or 4 bytes through the granted I/O BAR; false if the
 * port is not granted (the read then returns all ones, as a bus would). */
bool dde_platform_port_in(uint16_t port, unsigned bytes, uint32_t *value);
bool dde_platform_port_out(uint16_t port, unsigned bytes, uint32_t value);

/* ---- called by the host environment ---- */
typedef struct dde_pci_bar {
    uint64_t base, size_bytes; /* physical address (memory) or first port (I/O); size 0: none */
    void *vaddr;               /* memory BAR: where it is mapped (uncached); NULL for I/O */
    bool io;
} dde_pci_bar_t;

typedef struct dde_pci_desc {
    uint8_t bus, dev, fn;
    const uint8_t *config; /* 256 bytes of config space as read when granted */
    dde_pci_bar_t bar[6];
    unsigned irq; /* the Linux IRQ number the driver will request (any value but 0) */
} dde_pci_desc_t;

/* Makes the device known to the PCI core; a registered driver whose
 * id_table matches is probed now, or at its pci_register_driver. Returns
 * 0 or -errno (-ENOSPC: only one device is supported). */
int dde_pci_add_device(const dde_pci_desc_t *desc);

/* The DMA region: dma_alloc_coherent and the page/frag pools cut their
 * buffers from it. [vaddr, vaddr + size_bytes) maps [paddr, ...), page
 * aligned. 0 or -errno. */
int dde_dma_init(void *vaddr, uint64_t paddr, size_t size_bytes);
/* More memory a device may reach (e.g. a ring's data region): dma_map_*
 * translate addresses inside it, nothing is allocated from it. */
int dde_dma_add_window(void *vaddr, uint64_t paddr, size_t size_bytes);
/* Free page/frag slots (all of them before the first allocation: 0). */
unsigned dde_dma_free_frags(void);
/* Returns everything to the empty state (host tests). */
void dde_dma_reset(void);

/* The device's interrupt line fired: calls the handlers requested for irq
 * (unless disabled, then it is remembered for enable_irq). */
void dde_irq_raise(unsigned irq);

/* Runs what is due: expired timers, queued work items, scheduled NAPI
 * polls (each with its budget), in that order, until nothing is due or
 * max_rounds rounds passed. Returns true if something is still due now
 * (call again before sleeping). */
bool dde_run_pending(int max_rounds);
/* The earliest pending timer's expiry in dde_platform_now_ns() time, or 0. */
uint64_t dde_next_deadline_ns(void);
