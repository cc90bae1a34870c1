/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DDDK (driver development kit, runtime/dddk/): how a driver is declared
 * and what it may call.
 *
 * A driver is data plus a few functions (Zephyr's config/data/api triple):
 *
 *   - kaal_driver_t, const, made by KAAL_DRIVER(...) and placed in the
 *     linker section "kaal_drivers": the name, what device it matches (a
 *     broker kaal_device_match_t), the resources it needs, the service it
 *     offers (channels to clients) and its ops (init, irq, channel, rpc);
 *   - the driver's mutable state, a separate struct the descriptor points at
 *     (.data) and every op receives.
 *
 * The DDDK core (runtime/dddk/dddk.c) finds the descriptor, asks the
 * platform for the device bundle, checks it against the declared resources,
 * opens IO port ranges, maps MMIO BARs and DMA, binds the IRQ to a
 * notification bit, attaches the client channels and runs the event loop.
 * Everything that needs the kernel goes through kaal_dddk_platform_t, which
 * the component's main supplies (seL4 caps + broker RPC in the guest, a
 * fake in host tests).
 *
 * Channels are byte streams (kaal_bytestream_*) over a runtime/ring channel
 * (free queue + active queue of buffers in a shared data region).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/broker.h>
#include <kaal/error.h>
#include <kaal/ring.h>

/* ---- byte streams over a ring channel ------------------------------------ */

/* The writing side: fills buffers taken from the free queue and sends them
 * on the active queue. Owned by one thread of the sending component. */
typedef struct kaal_bytestream_writer {
    kaal_ring_sender_t ring;
    uint32_t buffer_bytes; /* every buffer's size, agreed by both sides */
    kaal_ring_desc_t cur;  /* buffer being filled when cur_data != NULL */
    uint8_t *cur_data;
    bool published; /* sent a buffer since the owner last checked */
} kaal_bytestream_writer_t;

/* The reading side: consumes buffers from the active queue and returns each
 * to the free queue as soon as its last byte was read. */
typedef struct kaal_bytestream_reader {
    kaal_ring_receiver_t ring;
    kaal_ring_desc_t cur; /* buffer being read when cur_data != NULL */
    const uint8_t *cur_data;
    uint32_t pos;  /* next byte of cur */
    bool released; /* returned a buffer since the owner last checked */
} kaal_bytestream_reader_t;

/* queues: a channel formatted by kaal_ring_channel_init whose free queue
 * holds buffers of buffer_bytes in [data, data + data_bytes). */
kaal_error_t kaal_bytestream_writer_attach(kaal_bytestream_writer_t *w, void *queues, void *data,
                                           size_t data_bytes, uint32_t buffer_bytes);
kaal_error_t kaal_bytestream_reader_attach(kaal_bytestream_reader_t *r, void *queues, void *data,
                                           size_t data_bytes);
/* Appends one byte; a full buffer is sent at once. false: no free buffer,
 * the byte was not taken. */
bool kaal_bytestream_put(kaal_bytestream_writer_t *w, uint8_t byte);
/* Appends up to n bytes; returns how many were taken. */
size_t kaal_bytestream_write(kaal_bytestream_writer_t *w, const void *src, size_t n);
/* Sends the partly filled buffer, if any. */
void kaal_bytestream_flush(kaal_bytestream_writer_t *w);
/* The next byte (0..255), or -1 if the stream is empty. */
int kaal_bytestream_get(kaal_bytestream_reader_t *r);
/* Reads up to max bytes; returns how many. */
size_t kaal_bytestream_read(kaal_bytestream_reader_t *r, void *dst, size_t max);

/* ---- the descriptor ------------------------------------------------------ */

#define KAAL_DDDK_MAX_IO 4
#define KAAL_DDDK_MAX_MMIO 6 /* PCI BARs 0..5 */
#define KAAL_DDDK_MAX_CHANNELS 4
#define KAAL_DDDK_MSG_WORDS 4

typedef struct kaal_dddk_device kaal_dddk_device_t;

typedef struct kaal_driver_resources {
    uint8_t n_io;                        /* IO port ranges, in bundle order */
    uint16_t io_ports[KAAL_DDDK_MAX_IO]; /* ports each range must have at least */
    uint8_t mmio_bars;                   /* bit i: map BAR i (non-PCI: MMIO range i) */
    bool irq;                            /* bind the device's IRQ */
    uint64_t dma_bytes;                  /* 0: no DMA region */
} kaal_driver_resources_t;

typedef enum {
    KAAL_DDDK_CHANNEL_IN = 1, /* the client writes, the driver reads */
    KAAL_DDDK_CHANNEL_OUT,    /* the driver writes, the client reads */
} kaal_dddk_channel_dir_t;

typedef struct kaal_driver_channel {
    const char *name; /* the channel end's name in system.toml */
    kaal_dddk_channel_dir_t dir;
} kaal_driver_channel_t;

typedef struct kaal_driver_service {
    const char *name; /* what clients ask for: "serial", "clock" */
    uint8_t n_channels;
    kaal_driver_channel_t channels[KAAL_DDDK_MAX_CHANNELS];
} kaal_driver_service_t;

/* An RPC request or reply (seL4 message: label + a few words). */
typedef struct kaal_dddk_msg {
    uint64_t label; /* request: operation; reply: kaal_error_t */
    uint8_t n_words;
    uint64_t words[KAAL_DDDK_MSG_WORDS];
} kaal_dddk_msg_t;

/* Every op gets the device; kaal_dddk_data(dev) is the driver's state. */
typedef struct kaal_driver_ops {
    /* Resources are ready; program the device. An error stops the driver. */
    kaal_error_t (*init)(kaal_dddk_device_t *dev);
    /* The IRQ fired; the DDDK acknowledges it afterwards. */
    void (*irq)(kaal_dddk_device_t *dev);
    /* The client signalled channel `ch` (or input is waiting on it). For an
     * IN channel the op must consume the input or mark the channel busy
     * (kaal_dddk_channel_busy); for OUT, the client freed buffers. */
    void (*channel)(kaal_dddk_device_t *dev, unsigned ch);
    /* A request from client `badge`; *reply is zeroed, the return value
     * becomes its label. */
    kaal_error_t (*rpc)(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                        kaal_dddk_msg_t *reply);
    /* Notification bits neither the IRQ nor a channel claims: ring ends the
     * driver attaches itself (a NIC's frame rings, <kaal/netdev.h>). NULL:
     * such bits are only counted (n_unknown_bits). */
    void (*signal)(kaal_dddk_device_t *dev, uint64_t bits);
} kaal_driver_ops_t;

typedef struct kaal_driver {
    const char *name;
    kaal_device_match_t match;
    kaal_driver_resources_t resources;
    kaal_driver_service_t service;
    kaal_driver_ops_t ops;
    void *data; /* the driver's mutable state */
} kaal_driver_t;

/* The one macro: a const descriptor in the "kaal_drivers" section. GNU ld
 * provides __start_kaal_drivers/__stop_kaal_drivers around the section. */
#define KAAL_DRIVER(ident, ...)                                                                    \
    const kaal_driver_t kaal_driver_##ident                                                        \
        __attribute__((section("kaal_drivers"), used, aligned(8))) = {__VA_ARGS__}

/* Match initialisers for the .match field. */
#define KAAL_DDDK_MATCH_ISA(isa_name)                                                              \
    {                                                                                              \
        .kind = KAAL_MATCH_ISA_NAME, .name = (isa_name)                                            \
    }
#define KAAL_DDDK_MATCH_PCI(vendor, device)                                                        \
    {                                                                                              \
        .kind = KAAL_MATCH_PCI_ID, .vendor_id = (vendor), .device_id = (device)                    \
    }
#define KAAL_DDDK_MATCH_CLASS(cls, sub, progif)                                                    \
    {                                                                                              \
        .kind = KAAL_MATCH_PCI_CLASS, .class_code = (cls), .subclass = (sub), .prog_if = (progif)  \
    }

/* ---- the platform: what the DDDK needs from the system ------------------ */

typedef enum {
    KAAL_DDDK_EVENT_NOTIFY = 1, /* notification word: IRQ and channel bits */
    KAAL_DDDK_EVENT_RPC,        /* a request; the DDDK replies */
    KAAL_DDDK_EVENT_STOP,       /* leave the event loop (host tests, shutdown) */
} kaal_dddk_event_kind_t;

typedef struct kaal_dddk_event {
    kaal_dddk_event_kind_t kind;
    uint64_t bits;  /* NOTIFY */
    uint64_t badge; /* RPC: the client */
    kaal_dddk_msg_t msg;
} kaal_dddk_event_t;

/* A channel end's shared memory and signalling, as init set it up. */
typedef struct kaal_dddk_channel_mem {
    void *queues; /* formatted by kaal_ring_channel_init */
    void *data;
    size_t data_bytes;
    uint32_t buffer_bytes; /* data_size / queue_depth */
    uint64_t event_bit;    /* in the notification word when the peer signals */
    uint64_t signal_cap;   /* what platform->signal needs to wake the peer */
} kaal_dddk_channel_mem_t;

typedef struct kaal_dddk_dma {
    void *vaddr;
    uint64_t paddr;
    uint64_t size_bytes;
} kaal_dddk_dma_t;

/* Every member is called with ctx. Optional members may be NULL if no driver
 * in the component needs them (the DDDK then refuses such a driver). */
typedef struct kaal_dddk_platform {
    void *ctx;
    /* Asks the broker for the device; the platform fills in req->owner. */
    kaal_error_t (*request_bundle)(void *ctx, const kaal_bundle_request_t *req,
                                   kaal_bundle_t *bundle);
    /* IO port access through the cap of bundle IO range `range`. */
    uint32_t (*io_in)(void *ctx, unsigned range, uint16_t port, unsigned width_bytes);
    void (*io_out)(void *ctx, unsigned range, uint16_t port, unsigned width_bytes, uint32_t value);
    /* Maps bundle MMIO entry `index`; returns the register block or NULL. */
    volatile void *(*map_mmio)(void *ctx, unsigned index, const kaal_bundle_mmio_t *mmio);
    kaal_error_t (*alloc_dma)(void *ctx, uint64_t size_bytes, kaal_dddk_dma_t *dma);
    /* Binds the bundle's IRQ to the component's notification; *bit is the
     * bit it sets. ack_irq re-enables the line after the driver handled it. */
    kaal_error_t (*bind_irq)(void *ctx, const kaal_bundle_t *bundle, uint64_t *bit);
    void (*ack_irq)(void *ctx);
    kaal_error_t (*open_channel)(void *ctx, const char *name, kaal_dddk_channel_mem_t *mem);
    /* Blocks until something happens (seL4_Recv on the endpoint with the
     * bound notification). */
    kaal_dddk_event_t (*wait)(void *ctx);
    void (*signal)(void *ctx, uint64_t signal_cap);
    void (*reply)(void *ctx, const kaal_dddk_msg_t *reply);
} kaal_dddk_platform_t;

/* ---- the running device -------------------------------------------------- */

/* One IO port range; offsets are checked against n_ports. */
typedef struct kaal_dddk_io {
    const kaal_dddk_platform_t *platform;
    unsigned range;
    uint16_t base, n_ports;
    uint32_t n_bad_access; /* offsets outside the range (driver bugs), ignored */
} kaal_dddk_io_t;

typedef struct kaal_dddk_channel {
    kaal_dddk_channel_dir_t dir;
    uint64_t event_bit, signal_cap;
    bool busy; /* IN: the driver takes no input now; no waiting, no dispatch */
    kaal_bytestream_reader_t in;
    kaal_bytestream_writer_t out;
} kaal_dddk_channel_t;

/* Owned by the DDDK; drivers use the accessors below. */
struct kaal_dddk_device {
    const kaal_driver_t *driver;
    const kaal_dddk_platform_t *platform;
    kaal_bundle_t bundle;
    kaal_dddk_io_t io[KAAL_DDDK_MAX_IO];
    volatile void *mmio[KAAL_DDDK_MAX_MMIO]; /* by BAR; NULL if not mapped */
    kaal_dddk_dma_t dma;
    uint64_t irq_bit; /* 0: no IRQ */
    kaal_dddk_channel_t channels[KAAL_DDDK_MAX_CHANNELS];
    const char *failed_step; /* why kaal_dddk_start failed, for the log */
    uint64_t n_irqs, n_rpcs, n_unknown_bits;
};

/* ---- finding and running drivers ----------------------------------------- */

/* Drivers linked into this program (the kaal_drivers section). */
size_t kaal_dddk_driver_count(void);
const kaal_driver_t *kaal_dddk_driver_at(size_t index);
/* By name; name NULL: the only driver linked in (NULL if none or several). */
const kaal_driver_t *kaal_dddk_find(const char *name);

/* Claims the device and sets everything up, then calls ops.init. On error
 * dev->failed_step says which step failed. */
kaal_error_t kaal_dddk_start(kaal_dddk_device_t *dev, const kaal_driver_t *driver,
                             const kaal_dddk_platform_t *platform);
/* Handles one event (the loop's body, callable alone from tests). */
void kaal_dddk_dispatch(kaal_dddk_device_t *dev, const kaal_dddk_event_t *ev);
/* The event loop: input already waiting on a channel is handled without
 * waiting; otherwise platform->wait. Returns when wait says STOP. */
void kaal_dddk_run(kaal_dddk_device_t *dev);
/* find + start + run: a driver component's whole main. */
kaal_error_t kaal_dddk_main(kaal_dddk_device_t *dev, const kaal_dddk_platform_t *platform,
                            const char *name);

/* ---- for drivers ----------------------------------------------------------- */

/* The driver's mutable state (its descriptor's .data). */
void *kaal_dddk_data(kaal_dddk_device_t *dev);
/* IO range i of the bundle (NULL if the driver did not declare it). */
kaal_dddk_io_t *kaal_dddk_io(kaal_dddk_device_t *dev, unsigned i);
uint8_t kaal_dddk_in8(kaal_dddk_io_t *io, uint16_t offset);
uint16_t kaal_dddk_in16(kaal_dddk_io_t *io, uint16_t offset);
uint32_t kaal_dddk_in32(kaal_dddk_io_t *io, uint16_t offset);
void kaal_dddk_out8(kaal_dddk_io_t *io, uint16_t offset, uint8_t value);
void kaal_dddk_out16(kaal_dddk_io_t *io, uint16_t offset, uint16_t value);
void kaal_dddk_out32(kaal_dddk_io_t *io, uint16_t offset, uint32_t value);
/* MMIO registers of BAR `bar` (NULL if not mapped). */
volatile void *kaal_dddk_mmio(kaal_dddk_device_t *dev, unsigned bar);
/* The byte stream of channel ch (NULL if ch is not of that direction). */
kaal_bytestream_reader_t *kaal_dddk_in(kaal_dddk_device_t *dev, unsigned ch);
kaal_bytestream_writer_t *kaal_dddk_out(kaal_dddk_device_t *dev, unsigned ch);
/* busy: the driver cannot take input on IN channel ch now and will read it
 * later on its own (e.g. on the next transmit interrupt); until it clears
 * busy, the DDDK neither waits for nor dispatches that channel's events. */
void kaal_dddk_channel_busy(kaal_dddk_device_t *dev, unsigned ch, bool busy);
