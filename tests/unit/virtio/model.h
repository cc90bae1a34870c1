/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A virtio 1.x PCI device model for host tests (model.c): config space
 * with the modern capabilities, the common configuration registers, the
 * notify and ISR windows and a device-specific config area, reached through
 * a kaal_virtio_io_t. The model's "physical addresses" are host pointers,
 * so it consumes descriptors and produces used entries in the same memory
 * the driver formatted. Hostile hooks let a test break the protocol.
 */
#pragma once

#include <kaal/virtio.h>

#define MODEL_MAX_QUEUES 4
#define MODEL_DEVICE_CFG_BYTES 64

typedef struct model_queue {
    uint16_t max_size, size, notify_off;
    bool enabled;
    uint64_t desc, avail, used;
    uint16_t last_avail; /* next avail entry the device reads */
    uint16_t used_idx;   /* the device's copy of used->idx */
    unsigned n_notified;
} model_queue_t;

typedef struct model {
    uint8_t config[256];
    uint64_t features; /* offered */
    uint64_t driver_features;
    uint32_t dfselect, gfselect;
    uint8_t status;
    uint8_t generation;
    bool refuse_features; /* clear FEATURES_OK whatever the driver accepts */
    bool stuck_in_reset;  /* status never reads back 0 */
    uint16_t n_queues, qselect;
    uint32_t notify_multiplier;
    model_queue_t q[MODEL_MAX_QUEUES];
    uint8_t isr;
    uint8_t device_cfg[MODEL_DEVICE_CFG_BYTES];
    kaal_virtio_io_t io;
} model_t;

/* A device offering `features`, n_queues queues of max_size each, the
 * capability list of QEMU's virtio-pci (common/ISR/device/notify windows in
 * BAR 4, notify multiplier 4). */
void model_init(model_t *m, uint64_t features, uint16_t n_queues, uint16_t max_size);

/* The device takes the next available chain of queue qi, writes up to n
 * bytes of data into its device-writable buffers, and posts a used entry.
 * Returns the bytes written, or -1 if no chain is available. */
int model_fill(model_t *m, unsigned qi, const void *data, uint32_t n);
/* The device takes the next chain and copies its device-readable bytes to
 * out (at most max); posts a used entry with len 0. -1 if none. */
int model_drain(model_t *m, unsigned qi, void *out, uint32_t max);
/* Hostile: a used entry with any id and len. */
void model_post_used(model_t *m, unsigned qi, uint32_t id, uint32_t len);
/* Hostile: sets used->idx to anything. */
void model_set_used_idx(model_t *m, unsigned qi, uint16_t idx);
