// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: a root task's first steps, as in the seL4 tutorials'
 * hello-world and untyped lessons: read the bootinfo frame, print with the
 * debug console, list the untypeds and the empty slot range.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

void hello_main(seL4_BootInfo *info);

static void put_hex(seL4_Word v)
{
    char digits[2 + 16 + 1];
    digits[0] = '0';
    digits[1] = 'x';
    for (int i = 0; i < 16; i++)
        digits[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    digits[18] = 0;
    seL4_DebugPutString(digits);
}

void hello_main(seL4_BootInfo *info)
{
    seL4_DebugPutString("Hello, World!\n");
    seL4_SetIPCBuffer(info->ipcBuffer);

    seL4_Word n_untyped = info->untyped.end - info->untyped.start;
    for (seL4_Word i = 0; i < n_untyped; i++) {
        seL4_UntypedDesc *desc = &info->untypedList[i];
        put_hex(info->untyped.start + i);
        seL4_DebugPutChar(' ');
        put_hex(desc->paddr);
        seL4_DebugPutChar(' ');
        put_hex(desc->sizeBits);
        seL4_DebugPutString(desc->isDevice ? " device\n" : " ram\n");
    }
    put_hex(info->empty.start);
    seL4_DebugPutChar('-');
    put_hex(info->empty.end);
    seL4_DebugPutChar('\n');
    put_hex(info->initThreadCNodeSizeBits);
    put_hex(info->nodeID);
    put_hex(info->numNodes);
    put_hex(info->extraLen);
    put_hex(seL4_WordBits);
    seL4_DebugHalt();
}
