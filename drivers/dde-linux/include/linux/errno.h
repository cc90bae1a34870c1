/* SPDX-License-Identifier: BSD-2-Clause */
/* DDE-Linux: <linux/errno.h> is part of the shim (README.md, <dde/net.h>). */
#pragma once
#include <dde/net.h>
