/* SPDX-License-Identifier: BSD-2-Clause */
/* DDE-Linux: <linux/types.h> is part of the shim (README.md, <dde/base.h>). */
#pragma once
#include <dde/base.h>
