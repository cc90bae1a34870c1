/* SPDX-License-Identifier: BSD-2-Clause */
/* What a server's clients and a client's servers hear when the other goes
 * (notices.c): tombstones answer the callers of a stopped server, heralds
 * tell a server that a client stopped (<kaal/component.h>). */
#pragma once

#include <kaal/sysdesc.h>
#include <sel4/sel4.h>

#include "vm.h"

#define MAX_COMPONENTS 32 /* components in one system description */

/* Keeps the description and init's caps to its objects (by object index)
 * and starts a herald for every component that serves an rpc channel.
 * NULL, or what failed. */
const char *init_notices_start(const kaal_sysdesc_t *sd, const seL4_CPtr *system_objects);

/* Component `index` stays stopped until a start: a tombstone (charged to
 * graves, which init_free_all ends) on every endpoint it receives on and
 * shares with another component. Best effort: without memory its callers
 * wait for the next start, as they would without it. */
void init_bury(unsigned index, struct init_objects *graves);

/* Component `index` stopped: queue a KAAL_RPC_LABEL_CLIENT_GONE notice for
 * the server of every rpc channel it is the client of. */
void init_tell_servers(unsigned index);
