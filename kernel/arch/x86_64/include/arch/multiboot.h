/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiboot (v1) information parser: loader data -> struct boot_params. */
#pragma once

#include <kernel/boot.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* Returns NULL on success or a message saying what was wrong. Only the
 * fields the kernel needs are read; each is bounds-checked through `read`. */
const char *multiboot_parse(uint32_t magic, uint64_t info_paddr, boot_phys_reader_t read,
                            void *ctx, struct boot_params *out);
