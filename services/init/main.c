// SPDX-License-Identifier: BSD-2-Clause
/*
 * init, the root task. For now it greets the world and reports what the
 * kernel handed over in the bootinfo: the capability broker, the component
 * loader and the system description arrive with their issues.
 */
#include <kaal/bootinfo.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

int main(void)
{
    printf("Hello, World!\n");

    const seL4_BootInfo *bi = kaal_bootinfo();
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
    return 0;
}
