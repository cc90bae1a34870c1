/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seL4 object types and object sizes (classic, non-MCS), with seL4's names
 * and values for x86_64. The arch part (page tables, frames, ASID pools)
 * lives in <sel4/arch/object_types.h>; the numbering continues there exactly
 * as libsel4's generated seL4_ObjectType/seL4_ArchObjectType do.
 */
#pragma once

#include <sel4/macros.h>
#include <sel4/types.h>

typedef enum api_object {
    seL4_UntypedObject,
    seL4_TCBObject,
    seL4_EndpointObject,
    seL4_NotificationObject,
    seL4_CapTableObject,
    seL4_NonArchObjectTypeCount,
} seL4_ObjectType;

typedef seL4_Word api_object_t;

#define seL4_SlotBits         5
#define seL4_EndpointBits     4
#define seL4_NotificationBits 5
#define seL4_MinUntypedBits   4
#define seL4_MaxUntypedBits   47
#define seL4_UntypedRetypeMaxObjects 256 /* CONFIG_RETYPE_FAN_OUT_LIMIT */

/* How a failed capability lookup is described (MR1.. of a FailedLookup
 * error, after MR0 = "the failed lookup was the source"). */
typedef enum {
    seL4_NoFailure = 0,
    seL4_InvalidRoot,
    seL4_MissingCapability,
    seL4_DepthMismatch,
    seL4_GuardMismatch,
    SEL4_FORCE_LONG_ENUM(seL4_LookupFailureType),
} seL4_LookupFailureType;

#include <sel4/arch/object_types.h>
