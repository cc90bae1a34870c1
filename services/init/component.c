// SPDX-License-Identifier: BSD-2-Clause
/*
 * Components in init: what ties the parts together. The system description
 * (KSYS, boot module 1, see docs/system-toml.md) says what runs; init
 * opens it, makes the objects the components share (objects.c), starts
 * the heralds (notices.c) and builds and starts every component
 * (loader.c, through supervisor.c's init_start_component). For each
 * component init builds, from the untyped manager:
 *
 *   - a VSpace (PML4 + ASID), its ELF segments copied into fresh frames,
 *     a stack with the start record on top (<kaal/component.h>), the IPC
 *     buffer, the heap and the shared regions the description grants;
 *   - a CNode of 2^cnode_size_bits slots (guarded to resolve 64-bit CPtrs)
 *     with the fixed caps (TCB, CNode, VSpace, IPC buffer, a badged endpoint
 *     to init, which is also its fault endpoint) and the granted caps;
 *   - a TCB at the component's priority, started at the ELF entry.
 *
 * Every object made for a component is recorded in its object list, so
 * stopping it is one pass of destruction: revoking its objects' untypeds
 * returns all its memory. Objects shared by several components (channel
 * endpoints, notifications, ring memory) belong to the system and live as
 * long as init does.
 *
 * init then serves its endpoint (supervisor.c): a component's exit message
 * or fault (seL4 fault IPC, badge = component index + 1) is reported, its
 * resources reclaimed, and it is restarted as its policy says, up to
 * max_restarts.
 */
#include "component.h"
#include "notices.h"
#include "system.h"
#include "vm.h"

#include <kaal/bootinfo.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

kaal_sysdesc_t init_sysdesc;
struct component init_components[MAX_COMPONENTS];
seL4_CPtr init_endpoint;
uint64_t init_untyped_at_start_bytes;
const kaal_bootinfo_modules_t *init_modules;
uint64_t init_tsc_hz;

kaal_error_t init_start_components(const seL4_BootInfo *bi)
{
    init_modules = (const void *)kaal_bootinfo_find(bi, KAAL_BOOTINFO_HEADER_MODULES);
    init_tsc_hz = kaal_bootinfo_tsc_hz(bi); /* every start record's tsc_hz */
    if (!init_modules || init_modules->n_modules == 0) {
        printf("init: no system description among the boot modules: nothing to start\n");
        return KAAL_ENOENT;
    }
    const kaal_boot_module_t *m = &init_modules->modules[0];
    kaal_sysdesc_status_t st =
        kaal_sysdesc_open(&init_sysdesc, (const void *)m->vaddr, m->size_bytes);
    if (st != KAAL_SYSDESC_OK) {
        printf("init: system description %s: %s\n", m->name, kaal_sysdesc_strerror(st));
        return KAAL_EFORMAT;
    }
    if (init_sysdesc.n_components > MAX_COMPONENTS) {
        printf("init: %u components, at most %u supported\n", init_sysdesc.n_components,
               (unsigned)MAX_COMPONENTS);
        return KAAL_ENOSPC;
    }
    kaal_ut_alloc_ret_t ep = init_alloc(NULL, seL4_EndpointObject, 0, seL4_EndpointBits);
    const char *why = ep.err ? "out of memory" : init_make_system_objects();
    if (!why)
        why = init_notices_start(&init_sysdesc, init_system_objects);
    if (why) {
        printf("init: system '%s' not started: %s\n",
               kaal_sysdesc_string(&init_sysdesc, init_sysdesc.header->name), why);
        return KAAL_ENOMEM;
    }
    init_endpoint = ep.cap;
    init_untyped_at_start_bytes = init_untyped.free_bytes;
    printf("init: starting system '%s' (%u components)\n",
           kaal_sysdesc_string(&init_sysdesc, init_sysdesc.header->name),
           init_sysdesc.n_components);
    for (uint32_t i = 0; i < init_sysdesc.n_components; i++) {
        init_components[i].desc = &init_sysdesc.components[i];
        init_components[i].name =
            kaal_sysdesc_string(&init_sysdesc, init_sysdesc.components[i].name);
        init_start_component(i);
    }
    return KAAL_OK;
}
