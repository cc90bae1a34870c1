/* SPDX-License-Identifier: BSD-2-Clause */
/* PCI device grants and DMA regions for components (pcigrant.c). */
#pragma once

#include <stdbool.h>

#include <kaal/component.h>
#include <kaal/sysdesc.h>

#include "vm.h"

/* Is cap one of the kinds init_grant_pci handles (PCI_MMIO, PCI_IOPORT,
 * PCI_IRQ, DMA)? */
bool init_is_pci_grant(const kaal_sysdesc_cap_t *cap);

/* Carries out one PCI/DMA grant for the component owner_id (its index + 1)
 * being built: claims its device from the broker on first use, makes the
 * frames (recorded in objects, so stopping the component frees them) and
 * maps them into vspace, issues I/O port and IRQ caps into cnode (init's
 * unguarded cap to it, `bits` bits), and notes the run-time facts (BAR
 * addresses, DMA physical address) in *start. NULL if done or cap is of
 * another kind; otherwise why the component cannot start. */
const char *init_grant_pci(struct init_objects *objects, uint32_t owner_id, seL4_CPtr vspace,
                           seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap,
                           kaal_component_start_t *start);

/* Gives back the devices owner_id holds (it stopped). */
void init_release_pci(uint32_t owner_id);
