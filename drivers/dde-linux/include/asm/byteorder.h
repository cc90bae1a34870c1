/* SPDX-License-Identifier: BSD-2-Clause */
/* DDE-Linux: <asm/byteorder.h> is part of the shim (README.md, <dde/base.h>). */
#pragma once
#include <dde/base.h>
