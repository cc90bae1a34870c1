/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the parts of init's component handling share (private to
 * services/init): the system description, the components, and the entry
 * points of the loader (loader.c), the system objects (objects.c), the
 * supervisor (supervisor.c) and power-off (poweroff.c); component.c ties
 * them together in init_start_components.
 */
#pragma once

#include <stdbool.h>

#include <kaal/bootinfo.h>
#include <kaal/component.h>
#include <kaal/error.h>
#include <kaal/sysdesc.h>
#include <sel4/sel4.h>

#include "notices.h"
#include "vm.h"

#define MAX_SYSTEM_OBJECTS 256
#define MAX_SHARED_PAGES 2048
/* Caps copied for one component: a frame cap per page of its boot files
 * (at most 16 MiB of windows: tools/systoml/schema.py MAX_FILE_WINDOWS) and
 * of its shared regions (1024 pages). */
#define INIT_MAX_COPIES (4096 + 1024)
/* init's scratch page for filling frames before they move to a component. */
#define SCRATCH_VADDR 0x0000200000000000ul

struct component {
    const kaal_sysdesc_component_t *desc;
    const char *name;
    struct init_objects objects; /* everything made for this component */
    seL4_CPtr copies[INIT_MAX_COPIES]; /* caps copied for it (not objects): deleted on stop */
    unsigned n_copies;
    seL4_CPtr tcb;
    uint64_t entry; /* ELF entry: also where abort_component() runs it */
    unsigned restarts;
    bool running;
    struct init_objects graves; /* its tombstone threads while it is stopped */
};

/* component.c: the system being run. */
extern kaal_sysdesc_t init_sysdesc;
extern struct component init_components[MAX_COMPONENTS];
extern seL4_CPtr init_endpoint;
extern uint64_t init_untyped_at_start_bytes; /* RAM untyped when the system started */
extern const kaal_bootinfo_modules_t *init_modules;
/* The TSC frequency the kernel reported (seL4's x86 TSC chunk), in Hz. */
extern uint64_t init_tsc_hz;

/* objects.c. By sysdesc object index: the cap, or for memory the first of
 * its pages in init_shared_pages[]. */
extern seL4_CPtr init_system_objects[MAX_SYSTEM_OBJECTS];
extern seL4_CPtr init_shared_pages[MAX_SHARED_PAGES];
/* Creates the objects the components share and formats the rings' queue
 * regions; NULL, or what failed. */
const char *init_make_system_objects(void);
/* Places one granted cap in the component's CNode (cnode: init's unguarded
 * cap to it, resolving `bits` bits); NULL, or why it could not. */
const char *init_grant_cap(seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap);

/* loader.c. A page of memory (zeroed by the kernel) recorded in owner,
 * filled by fill(ctx, page) first if fill is given; 0 if none. */
seL4_CPtr init_new_frame(struct init_objects *owner, void (*fill)(void *ctx, uint8_t *page),
                         void *ctx);
/* Builds component `index` (address space, CSpace, thread) and starts it;
 * NULL, or why it could not. */
const char *init_build_and_start(unsigned index);
/* (Re)starts c's thread at its ELF entry with rsi = reason. */
seL4_Error init_run_from_entry(struct component *c, seL4_Word reason);

/* supervisor.c. Starts component `index`, freeing its tombstones; on
 * failure it is reported, reclaimed and buried. */
void init_start_component(unsigned index);

/* poweroff.c. ACPI S5; returns (KAAL_ENOSYS) only if the machine is still on. */
kaal_error_t init_poweroff(void);
