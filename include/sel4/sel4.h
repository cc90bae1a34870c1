/* SPDX-License-Identifier: BSD-2-Clause */
/* The seL4 API as KaaL implements it: include this one header. */
#pragma once

#include <sel4/types.h>
#include <sel4/errors.h>
#include <sel4/syscall.h>
#include <sel4/bootinfo_types.h>
#include <sel4/functions.h>
#include <sel4/object_types.h>
#include <sel4/invocation.h>
#include <sel4/client.h>
#include <sel4/tcb_client.h>
