/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client side of init's supervisor protocol (<kaal/component.h> has
 * the labels and words): list components, memory, start/stop/restart/kill,
 * the PCI devices init found, power-off. init answers only components whose
 * system.toml config says `supervisor = true`; the others get KAAL_EBUSY.
 * Every call is one seL4_Call on the component's init endpoint
 * (KAAL_SYSDESC_SLOT_INIT_EP) and uses the caller's IPC buffer.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <kaal/component.h>
#include <kaal/devices.h>
#include <kaal/error.h>

typedef struct kaal_supervisor_component {
    char name[KAAL_COMPONENT_NAME_MAX + 1];
    bool running;
    uint8_t priority;
    uint32_t restarts;
    uint32_t n_caps; /* caps its system grants it */
} kaal_supervisor_component_t;

typedef struct kaal_supervisor_mem {
    uint64_t untyped_total_bytes; /* RAM untyped when the system started */
    uint64_t untyped_free_bytes;  /* what init has left now */
} kaal_supervisor_mem_t;

/* Component `index` of the system; *n_components: how many there are.
 * KAAL_ENOENT past the end. */
kaal_error_t kaal_supervisor_component(seL4_Word index, kaal_supervisor_component_t *out,
                                       seL4_Word *n_components);
kaal_error_t kaal_supervisor_mem(kaal_supervisor_mem_t *out);
/* op: KAAL_INIT_OP_START/STOP/RESTART/KILL/CRASH. KAAL_ENOENT: no such
 * component (or a name longer than KAAL_COMPONENT_NAME_MAX - 1); KAAL_EEXIST:
 * start of a running one; KAAL_EBUSY: the caller itself. */
kaal_error_t kaal_supervisor_lifecycle(seL4_Word op, const char *name);
/* PCI device `index` among those init found, decoded; *n_devices: how many. */
kaal_error_t kaal_supervisor_pci(seL4_Word index, kaal_device_t *out, seL4_Word *n_devices);
/* ACPI S5. Returns (KAAL_ENOSYS) only if the machine stays on. */
kaal_error_t kaal_supervisor_poweroff(void);

/* A component name as the protocol's KAAL_INIT_NAME_WORDS message words
 * (NUL padded), and back; both sides use these. The encoder refuses names
 * that do not fit (KAAL_ENOENT: no component can have them). */
kaal_error_t kaal_supervisor_name_to_words(const char *name,
                                           uint64_t words[KAAL_INIT_NAME_WORDS]);
void kaal_supervisor_words_to_name(const uint64_t words[KAAL_INIT_NAME_WORDS],
                                   char name[KAAL_COMPONENT_NAME_MAX + 1]);
