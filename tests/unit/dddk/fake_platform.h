/* SPDX-License-Identifier: BSD-2-Clause */
/* A fake DDDK platform for host tests (see fake_platform.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/dddk.h>

#define FAKE_MAX_CHANNELS 4
#define FAKE_MAX_RPCS 8
#define FAKE_IRQ_BIT 0x1ull
#define FAKE_MAX_KEPT 4
#define FAKE_KEPT_HANDLE 1000

/* IO ports of the device behind the bundle (offsets from the range base). */
typedef struct fake_io_device {
    void *dev;
    uint8_t (*read)(void *dev, uint16_t offset);
    void (*write)(void *dev, uint16_t offset, uint8_t value);
    bool (*irq_line)(const void *dev);
} fake_io_device_t;

/* One channel: both ends live in this process; the test holds the client
 * end (client_in for an IN channel, client_out for OUT). */
typedef struct fake_channel {
    const char *name;
    void *queues, *data;
    size_t queues_bytes, data_bytes;
    uint32_t depth, buffer_bytes;
    uint64_t event_bit, signal_cap;
    kaal_bytestream_writer_t client_in;  /* client writes what the driver reads */
    kaal_bytestream_reader_t client_out; /* client reads what the driver writes */
    unsigned n_signals;                  /* driver -> client wake-ups */
} fake_channel_t;

typedef struct fake_platform {
    kaal_dddk_platform_t ops;
    kaal_error_t bundle_err; /* request_bundle returns this */
    kaal_bundle_t bundle;    /* ... and copies this */
    kaal_bundle_request_t last_request;
    fake_io_device_t io;
    unsigned n_io_in, n_io_out;
    uint16_t last_port;
    /* IRQ: edge-triggered, masked from delivery until ack (like an IOAPIC
     * edge pin behind seL4_IRQHandler_Ack) */
    bool irq_bound, line_was_high, irq_latched, irq_masked;
    unsigned n_irq_delivered, n_acks;
    /* notification bits signalled by clients, not yet delivered */
    uint64_t pending_bits;
    fake_channel_t channels[FAKE_MAX_CHANNELS];
    unsigned n_channels;
    kaal_error_t open_channel_err;
    /* scripted RPCs, delivered after IRQs and notifications */
    kaal_dddk_event_t rpcs[FAKE_MAX_RPCS];
    unsigned n_rpcs, next_rpc;
    kaal_dddk_msg_t replies[FAKE_MAX_RPCS];
    unsigned n_replies;
    /* MMIO and DMA backing */
    uint8_t mmio_mem[KAAL_DDDK_MAX_MMIO][256];
    uint8_t dma_mem[8192];
    unsigned n_waits;
    /* Caps from clients: the one the current request carries (0: none),
     * the kept ones (handle FAKE_KEPT_HANDLE + index) and their signals. */
    uint64_t carried_cap;
    uint64_t kept[FAKE_MAX_KEPT];
    unsigned kept_signals[FAKE_MAX_KEPT];
} fake_platform_t;

void fake_platform_init(fake_platform_t *fp);
/* A bundle for an ISA device with one IO range and an IRQ. */
void fake_platform_isa_bundle(fake_platform_t *fp, uint16_t base, uint16_t n_ports, bool irq);
/* Creates a channel of `depth` buffers of buffer_bytes, formatted, with both
 * client ends attached. Returns its index. */
unsigned fake_platform_add_channel(fake_platform_t *fp, const char *name, uint32_t depth,
                                   uint32_t buffer_bytes, uint64_t event_bit);
void fake_platform_free(fake_platform_t *fp);
/* The client signals the driver on channel i (what seL4_Signal would do),
 * only if the driver armed (signal suppression). */
void fake_client_kick(fake_platform_t *fp, unsigned i);
/* Writes n bytes from the client to IN channel i, flushes and kicks;
 * returns how many fit. */
size_t fake_client_write(fake_platform_t *fp, unsigned i, const void *src, size_t n);
/* Reads what the driver wrote on OUT channel i. */
size_t fake_client_read(fake_platform_t *fp, unsigned i, void *dst, size_t max);
void fake_platform_add_rpc(fake_platform_t *fp, uint64_t badge, uint64_t label);
/* Samples the device's IRQ line (edge detection); the fake does it after
 * every IO access and before every wait. */
void fake_platform_sample_irq(fake_platform_t *fp);
