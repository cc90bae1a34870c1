/* SPDX-License-Identifier: BSD-2-Clause */
/* The 16550 UART driver's service (drivers/uart16550/README.md): a byte
 * stream in each direction over ring channels. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kaal/dddk.h>

/* Channel indices (declaration order in the descriptor) and their
 * system.toml end names. */
#define UART16550_CH_TX 0 /* "tx": client -> UART */
#define UART16550_CH_RX 1 /* "rx": UART -> client */

/* The driver's mutable state (the descriptor's .data). */
typedef struct uart16550_state {
    uint64_t dropped;  /* RX bytes read while the client had no free buffer */
    uint64_t overruns; /* line status interrupts reporting an RX FIFO overrun */
} uart16550_state_t;

extern const kaal_driver_t kaal_driver_uart16550;
