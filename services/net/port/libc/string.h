/* SPDX-License-Identifier: BSD-2-Clause */
/* <string.h> for lwIP's sources in the guest: KaaL's freestanding string
 * functions (runtime/string). On the guest include path of lwIP only. */
#pragma once
#include <kaal/string.h>
