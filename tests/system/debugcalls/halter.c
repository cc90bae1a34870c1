// SPDX-License-Identifier: BSD-2-Clause
/* A component whose system withholds the debug system calls
 * (tests/system/test_debugcalls.py): it prints (the runtime drops the
 * output rather than fault), tries to give itself the calls back through
 * its own TCB cap (the flag is set-only), then tries to stop the machine.
 * The kernel makes that an UnknownSyscall fault that init reports. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

int main(void)
{
    printf("halter: this line goes nowhere\n");
    seL4_TCB_SetFlags(KAAL_SYSDESC_SLOT_TCB, KAAL_TCBFlag_NoDebugSyscalls, 0);
    seL4_DebugHalt();
    return 3; /* only if the call returned */
}
