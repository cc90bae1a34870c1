/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86 mapping-failure levels (<sel4/sel4_arch/mapping.h>), plus libsel4's
 * EPT levels, which it defines whatever the configuration; KaaL has no EPT
 * objects, so no KaaL call ever reports them.
 */
#pragma once

#include <sel4/sel4_arch/mapping.h>

#define SEL4_MAPPING_LOOKUP_NO_EPTPDPT 39
#define SEL4_MAPPING_LOOKUP_NO_EPTPD   30
#define SEL4_MAPPING_LOOKUP_NO_EPTPT   21
