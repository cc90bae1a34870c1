// SPDX-License-Identifier: BSD-2-Clause
/*
 * init, the root task. It greets the world, reports what the kernel handed
 * over in the bootinfo, takes that memory over with the broker's untyped
 * manager, discovers the platform's devices, then starts the components the
 * system description (boot module 1) lists and supervises them. Without a
 * description it stops the machine once done.
 */
#include <kaal/bootinfo.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "component.h"
#include "devices.h"
#include "vm.h"

static void print_bootinfo(const seL4_BootInfo *bi)
{
    seL4_Word n_untyped = bi->untyped.end - bi->untyped.start;
    seL4_Word free_bytes = 0, n_device = 0;
    for (seL4_Word i = 0; i < n_untyped; i++) {
        const seL4_UntypedDesc *ut = &bi->untypedList[i];
        if (ut->isDevice)
            n_device++;
        else
            free_bytes += 1ul << ut->sizeBits;
    }
    printf("bootinfo: %lu untypeds (%lu device), %lu KiB free memory\n", (unsigned long)n_untyped,
           (unsigned long)n_device, (unsigned long)(free_bytes >> 10));
    printf("bootinfo: empty slots [%lu, %lu), IPC buffer %p\n", (unsigned long)bi->empty.start,
           (unsigned long)bi->empty.end, (void *)bi->ipcBuffer);
}

int main(void)
{
    printf("Hello, World!\n");
    const seL4_BootInfo *bi = kaal_bootinfo();
    print_bootinfo(bi);

    kaal_error_t err = init_vm_setup(bi);
    if (err) {
        printf("init: cannot take over memory: %s\n", kaal_strerror(err));
        return 1;
    }
    init_discover_devices();
    printf("init: %lu KiB of RAM untyped left\n", (unsigned long)(init_untyped.free_bytes >> 10));
    if (init_start_components(bi) == KAAL_OK)
        init_serve();
    return 0;
}
