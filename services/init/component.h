/* SPDX-License-Identifier: BSD-2-Clause */
/* Components: started from the system description, supervised by init. */
#pragma once

#include <kaal/error.h>
#include <sel4/sel4.h>

/* Reads the system description (boot module 1), creates the shared objects
 * and starts every component. KAAL_ENOENT: there is no description. */
kaal_error_t init_start_components(const seL4_BootInfo *bi);

/* Serves init's endpoint for ever: component exits and faults, restarts. */
_Noreturn void init_serve(void);
