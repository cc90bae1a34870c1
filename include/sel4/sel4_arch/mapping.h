/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which paging structure a failed x86_64 map was missing, libsel4's names
 * and values: a map that returns seL4_FailedLookup leaves the number of
 * address bits still to translate in MR2 (the lookup failure's bitsLeft),
 * and that number names the missing level.
 */
#pragma once

#include <sel4/functions.h>

#define SEL4_MAPPING_LOOKUP_LEVEL   2
#define SEL4_MAPPING_LOOKUP_NO_PT   21
#define SEL4_MAPPING_LOOKUP_NO_PD   30
#define SEL4_MAPPING_LOOKUP_NO_PDPT 39

static inline seL4_Word seL4_MappingFailedLookupLevel(void)
{
    return seL4_GetMR(SEL4_MAPPING_LOOKUP_LEVEL);
}
