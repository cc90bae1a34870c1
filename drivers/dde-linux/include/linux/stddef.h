/* SPDX-License-Identifier: BSD-2-Clause */
/* DDE-Linux: <linux/stddef.h> is part of the shim (README.md, <dde/net.h>). */
#pragma once
#include <dde/net.h>
