// SPDX-License-Identifier: BSD-2-Clause
/* C start-up: record what the kernel passed, run main, exit with its value. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

seL4_IPCBuffer *__sel4_ipc_buffer;
static const seL4_BootInfo *bootinfo;

_Noreturn void __kaal_start_c(const seL4_BootInfo *bi);

void __kaal_start_c(const seL4_BootInfo *bi)
{
    bootinfo = bi;
    if (bi)
        __sel4_ipc_buffer = bi->ipcBuffer;
    kaal_exit(main());
}

const seL4_BootInfo *kaal_bootinfo(void)
{
    return bootinfo;
}

void kaal_exit(int status)
{
    printf("exit status %d\n", status);
    for (;;)
        seL4_DebugHalt();
}
