/* SPDX-License-Identifier: BSD-2-Clause */
/* The adder's protocol, shared by the server and its clients: the
 * message label is the operation; a reply's label is a kaal_error_t. */
#pragma once

enum { ADDER_ADD_ONE = 1 }; /* MR0 = n; reply MR0 = n + 1 */
