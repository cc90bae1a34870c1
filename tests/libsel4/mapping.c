// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: mapping a frame on x86_64 as the seL4 mapping tutorial
 * does: try the map, and while it fails with seL4_FailedLookup ask
 * seL4_MappingFailedLookupLevel() which paging structure is missing,
 * create it and map it; then remap read-only and unmap.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>
#include <sel4/sel4_arch/mapping.h>

seL4_Error mapping_main(seL4_BootInfo *info, seL4_CPtr untyped, seL4_Word vaddr);

static seL4_Error retype_one(seL4_CPtr untyped, seL4_Word type, seL4_CPtr slot)
{
    return seL4_Untyped_Retype(untyped, type, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1);
}

seL4_Error mapping_main(seL4_BootInfo *info, seL4_CPtr untyped, seL4_Word vaddr)
{
    seL4_CPtr frame = info->empty.start, next = frame + 1;
    seL4_Error error = retype_one(untyped, seL4_X86_4K, frame);
    if (error != seL4_NoError)
        return error;

    for (int tries = 0; tries < 4; tries++) {
        error = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes);
        if (error != seL4_FailedLookup)
            break;
        seL4_CPtr table = next++;
        switch (seL4_MappingFailedLookupLevel()) {
        case SEL4_MAPPING_LOOKUP_NO_PDPT:
            error = retype_one(untyped, seL4_X86_PDPTObject, table);
            if (error == seL4_NoError)
                error = seL4_X86_PDPT_Map(table, seL4_CapInitThreadVSpace, vaddr,
                                          seL4_X86_Default_VMAttributes);
            break;
        case SEL4_MAPPING_LOOKUP_NO_PD:
            error = retype_one(untyped, seL4_X86_PageDirectoryObject, table);
            if (error == seL4_NoError)
                error = seL4_X86_PageDirectory_Map(table, seL4_CapInitThreadVSpace, vaddr,
                                                   seL4_X86_Default_VMAttributes);
            break;
        case SEL4_MAPPING_LOOKUP_NO_PT:
            error = retype_one(untyped, seL4_X86_PageTableObject, table);
            if (error == seL4_NoError)
                error = seL4_X86_PageTable_Map(table, seL4_CapInitThreadVSpace, vaddr,
                                               seL4_X86_Default_VMAttributes);
            break;
        default:
            return seL4_FailedLookup;
        }
        if (error != seL4_NoError)
            return error;
    }
    if (error != seL4_NoError)
        return error;

    volatile seL4_Word *word = (volatile seL4_Word *)vaddr;
    *word = 0xdeadbeef;
    seL4_X86_Page_GetAddress_t addr = seL4_X86_Page_GetAddress(frame);
    if (addr.error != seL4_NoError)
        return (seL4_Error)addr.error;

    error = seL4_X86_Page_Unmap(frame);
    if (error == seL4_NoError)
        error = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_CanRead,
                                  seL4_X86_WriteBack);
    if (error == seL4_NoError)
        error = seL4_X86_Page_Unmap(frame);
    return error;
}
