/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * virtio 1.x over PCI, the driver side (runtime/virtio/): the transport
 * every virtio driver shares (drivers/virtio-net, virtio-blk next).
 *
 *   kaal_virtio_pci_find_caps  the modern layout from the capability list
 *                  (virtio 1.2 §4.1.4): COMMON_CFG, NOTIFY_CFG, ISR_CFG,
 *                  DEVICE_CFG, each a window (BAR, offset, length). A
 *                  legacy-only device has none and is refused.
 *   kaal_virtio_t  one device: the four windows resolved to addresses
 *                  inside the BARs the driver has mapped, reached through
 *                  kaal_virtio_io_t (MMIO in the guest, a device model in
 *                  host tests); status, features, queues, ISR.
 *   kaal_virtq_t   a split virtqueue (§2.7) in DMA memory: the descriptor
 *                  table, the available ring (driver -> device) and the
 *                  used ring (device -> driver), plus driver-private
 *                  bookkeeping the device cannot touch.
 *
 * Bring-up (§3.1.1): kaal_virtio_reset, ACKNOWLEDGE | DRIVER,
 * kaal_virtio_negotiate (VERSION_1 required, FEATURES_OK read back),
 * kaal_virtq_setup per queue, kaal_virtio_driver_ok.
 *
 * Never trust the device: everything it writes (used ring index and
 * entries, lengths, status) is checked before use. A used entry naming a
 * descriptor that is not the head of a chain in flight is dropped and
 * counted; a length larger than the chain's device-writable bytes is
 * reported (the buffer is handed back with length 0); a used index that
 * jumps by more than the queue size breaks the queue (KAAL_EIO from then
 * on, until the driver resets the device).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/error.h>

/* ---- PCI capabilities (virtio 1.2 §4.1.4) -------------------------------- */

#define KAAL_VIRTIO_PCI_VENDOR 0x1af4
#define KAAL_VIRTIO_PCI_CAP_COMMON_CFG 1
#define KAAL_VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define KAAL_VIRTIO_PCI_CAP_ISR_CFG 3
#define KAAL_VIRTIO_PCI_CAP_DEVICE_CFG 4
#define KAAL_VIRTIO_PCI_CAP_PCI_CFG 5

typedef struct kaal_virtio_window {
    bool present;
    uint8_t bar;
    uint32_t offset, length;
} kaal_virtio_window_t;

typedef struct kaal_virtio_pci_caps {
    kaal_virtio_window_t common, notify, isr, device;
    uint32_t notify_off_multiplier;
} kaal_virtio_pci_caps_t;

typedef struct kaal_virtio_caps_ret {
    kaal_error_t err; /* KAAL_OK, KAAL_ENOENT (legacy only), KAAL_EFORMAT */
    const char *why;  /* a sentence when err != KAAL_OK */
} kaal_virtio_caps_ret_t;

/* Walks the capability list of a function's 256-byte config space (the
 * start record's snapshot, <kaal/component.h>) and takes the first
 * capability of each type (§4.1.4.1: the driver uses the first it can).
 * KAAL_ENOENT: no modern capabilities (a legacy-only device); KAAL_EFORMAT:
 * the list loops, points outside the 256 bytes, or a capability is too
 * short or names a BAR above 5. */
kaal_virtio_caps_ret_t kaal_virtio_pci_find_caps(const uint8_t config[256],
                                                 kaal_virtio_pci_caps_t *caps);

/* ---- register access ------------------------------------------------------ */

typedef enum {
    KAAL_VIRTIO_REGION_COMMON = 0,
    KAAL_VIRTIO_REGION_NOTIFY,
    KAAL_VIRTIO_REGION_ISR,
    KAAL_VIRTIO_REGION_DEVICE,
    KAAL_VIRTIO_N_REGIONS
} kaal_virtio_region_t;

/* Reads/writes of 1, 2 or 4 bytes at an offset inside a region (checked by
 * the transport against the region's length before the call). */
typedef struct kaal_virtio_io {
    void *ctx;
    uint32_t (*read)(void *ctx, kaal_virtio_region_t region, uint32_t offset, unsigned width);
    void (*write)(void *ctx, kaal_virtio_region_t region, uint32_t offset, unsigned width,
                  uint32_t value);
} kaal_virtio_io_t;

/* Common configuration offsets (§4.1.4.3). */
#define KAAL_VIRTIO_COMMON_DFSELECT 0
#define KAAL_VIRTIO_COMMON_DF 4
#define KAAL_VIRTIO_COMMON_GFSELECT 8
#define KAAL_VIRTIO_COMMON_GF 12
#define KAAL_VIRTIO_COMMON_MSIX 16
#define KAAL_VIRTIO_COMMON_NUMQ 18
#define KAAL_VIRTIO_COMMON_STATUS 20
#define KAAL_VIRTIO_COMMON_CFGGENERATION 21
#define KAAL_VIRTIO_COMMON_Q_SELECT 22
#define KAAL_VIRTIO_COMMON_Q_SIZE 24
#define KAAL_VIRTIO_COMMON_Q_MSIX 26
#define KAAL_VIRTIO_COMMON_Q_ENABLE 28
#define KAAL_VIRTIO_COMMON_Q_NOFF 30
#define KAAL_VIRTIO_COMMON_Q_DESCLO 32
#define KAAL_VIRTIO_COMMON_Q_DESCHI 36
#define KAAL_VIRTIO_COMMON_Q_AVAILLO 40
#define KAAL_VIRTIO_COMMON_Q_AVAILHI 44
#define KAAL_VIRTIO_COMMON_Q_USEDLO 48
#define KAAL_VIRTIO_COMMON_Q_USEDHI 52
#define KAAL_VIRTIO_COMMON_BYTES 56

/* Device status bits (§2.1). */
#define KAAL_VIRTIO_STATUS_ACKNOWLEDGE 1u
#define KAAL_VIRTIO_STATUS_DRIVER 2u
#define KAAL_VIRTIO_STATUS_DRIVER_OK 4u
#define KAAL_VIRTIO_STATUS_FEATURES_OK 8u
#define KAAL_VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define KAAL_VIRTIO_STATUS_FAILED 128u

/* ISR status bits (§4.1.4.5): reading the byte clears it (and INTx). */
#define KAAL_VIRTIO_ISR_QUEUE 1u
#define KAAL_VIRTIO_ISR_CONFIG 2u

/* Device-independent feature bits (§6). */
#define KAAL_VIRTIO_F_VERSION_1 (1ull << 32)

/* ---- the device ----------------------------------------------------------- */

typedef struct kaal_virtio {
    kaal_virtio_io_t io;
    uint32_t length[KAAL_VIRTIO_N_REGIONS]; /* bytes of each region */
    uint32_t notify_off_multiplier;
    uint64_t features; /* negotiated */
    const char *why;   /* the last failure, a sentence */
} kaal_virtio_t;

/* The region addresses of caps inside mapped BARs (bar_vaddr[i] NULL: BAR
 * i not mapped; bar_size[i] its bytes), for kaal_virtio_mmio_io. */
typedef struct kaal_virtio_mmio {
    volatile uint8_t *base[KAAL_VIRTIO_N_REGIONS];
} kaal_virtio_mmio_t;

/* Resolves caps against the mapped BARs into *mmio (which must outlive the
 * device) and fills dev with MMIO register access. KAAL_ENOENT: a region
 * lies in a BAR that is not mapped; KAAL_ERANGE: it reaches past its BAR;
 * KAAL_EFORMAT: common config shorter than the spec's layout. dev->why
 * says which. */
kaal_error_t kaal_virtio_init_mmio(kaal_virtio_t *dev, kaal_virtio_mmio_t *mmio,
                                   const kaal_virtio_pci_caps_t *caps,
                                   volatile void *const bar_vaddr[6], const uint64_t bar_size[6]);
/* Any other register access (host tests' device model). */
kaal_error_t kaal_virtio_init_io(kaal_virtio_t *dev, const kaal_virtio_io_t *io,
                                 const kaal_virtio_pci_caps_t *caps);

uint8_t kaal_virtio_status(kaal_virtio_t *dev);
/* Writes 0 and waits (bounded) for the device to read back 0 (§4.1.4.3.2).
 * KAAL_EIO if it never does. */
kaal_error_t kaal_virtio_reset(kaal_virtio_t *dev);
/* ORs bits into the status. */
void kaal_virtio_add_status(kaal_virtio_t *dev, uint8_t bits);
/* Offers wanted & device features; KAAL_ENOSYS if a `required` feature is
 * missing (dev->why names it), KAAL_EIO if the device did not keep
 * FEATURES_OK (it rejected the subset). VERSION_1 is always required.
 * On failure the status gets FAILED. */
kaal_error_t kaal_virtio_negotiate(kaal_virtio_t *dev, uint64_t wanted, uint64_t required);
/* DRIVER_OK; KAAL_EIO if the device then reports NEEDS_RESET or FAILED. */
kaal_error_t kaal_virtio_driver_ok(kaal_virtio_t *dev);
/* KAAL_EIO (and dev->why) if the device set DEVICE_NEEDS_RESET. */
kaal_error_t kaal_virtio_check(kaal_virtio_t *dev);
/* Reads and clears the ISR byte (KAAL_VIRTIO_ISR_*). */
uint8_t kaal_virtio_isr(kaal_virtio_t *dev);
/* Device-specific configuration, bounds-checked (out of range reads 0). A
 * multi-byte field is read consistently with config_generation (§2.5.1). */
uint32_t kaal_virtio_config_read(kaal_virtio_t *dev, uint32_t offset, unsigned width);
/* Reads n bytes at offset (e.g. a MAC) under one config generation. */
void kaal_virtio_config_bytes(kaal_virtio_t *dev, uint32_t offset, uint8_t *out, unsigned n);

/* ---- split virtqueues (§2.7) ---------------------------------------------- */

#define KAAL_VIRTQ_MAX_SIZE 256
#define KAAL_VIRTQ_DESC_F_NEXT 1u
#define KAAL_VIRTQ_DESC_F_WRITE 2u
#define KAAL_VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define KAAL_VIRTQ_USED_F_NO_NOTIFY 1u

typedef struct kaal_virtq_desc {
    uint64_t addr; /* physical */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} kaal_virtq_desc_t;

typedef struct kaal_virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
} kaal_virtq_avail_t;

typedef struct kaal_virtq_used_elem {
    uint32_t id;
    uint32_t len;
} kaal_virtq_used_elem_t;

typedef struct kaal_virtq_used {
    uint16_t flags;
    uint16_t idx;
    kaal_virtq_used_elem_t ring[];
} kaal_virtq_used_t;

/* One buffer of a chain: physical address and bytes; device_writes: the
 * device writes it (rx), else it only reads it (tx). */
typedef struct kaal_virtq_buf {
    uint64_t paddr;
    uint32_t len;
    bool device_writes;
} kaal_virtq_buf_t;

typedef struct kaal_virtq {
    uint16_t index; /* queue number on the device */
    uint16_t size;  /* descriptors, a power of two */
    /* shared with the device (DMA memory) */
    volatile kaal_virtq_desc_t *desc;
    volatile kaal_virtq_avail_t *avail;
    volatile kaal_virtq_used_t *used;
    uint64_t desc_paddr, avail_paddr, used_paddr;
    uint32_t notify_offset; /* in the NOTIFY region */
    /* driver-private: the device never sees these */
    uint16_t avail_idx; /* next avail slot; mirrors avail->idx */
    uint16_t last_used; /* next used entry to read */
    uint16_t free_head, n_free;
    uint16_t next_free[KAAL_VIRTQ_MAX_SIZE];
    uint8_t chain_len[KAAL_VIRTQ_MAX_SIZE];       /* at a chain's head; 0: not in flight */
    uint32_t writable_bytes[KAAL_VIRTQ_MAX_SIZE]; /* at a chain's head */
    uint64_t token[KAAL_VIRTQ_MAX_SIZE];          /* at a chain's head: the caller's */
    bool broken; /* the device broke the used ring; KAAL_EIO until reset */
    uint64_t n_bad_id, n_bad_len;
} kaal_virtq_t;

/* Bytes of DMA memory a queue of `size` descriptors needs (descriptor
 * table, available ring with used_event, used ring with avail_event, each
 * aligned as §2.7 asks). */
size_t kaal_virtq_bytes(uint16_t size);
/* Formats an empty queue at mem (vaddr) / paddr, kaal_virtq_bytes long and
 * 16-byte aligned. size: a power of two, 2..KAAL_VIRTQ_MAX_SIZE. */
kaal_error_t kaal_virtq_init(kaal_virtq_t *q, uint16_t index, uint16_t size, void *mem,
                             uint64_t paddr);
/* Tells the device where queue q->index is and enables it (queue_select,
 * queue_size: q->size, must not exceed the device's maximum, then the
 * three addresses and queue_enable). KAAL_ENOENT: the device has no such
 * queue; KAAL_ERANGE: q->size above its maximum; KAAL_EFORMAT: the
 * notify offset lies outside the notify region. */
kaal_error_t kaal_virtq_setup(kaal_virtio_t *dev, kaal_virtq_t *q);
/* The device's maximum size for queue `index` (0: no such queue). */
uint16_t kaal_virtq_max_size(kaal_virtio_t *dev, uint16_t index);

/* Puts a chain of n buffers (1..KAAL_VIRTQ_MAX_SIZE) on the available ring,
 * unpublished; token comes back with the used entry. KAAL_EAGAIN: not
 * enough free descriptors; KAAL_EINVAL: n is 0, or a device-read buffer
 * follows a device-written one (§2.7.4.2). */
kaal_error_t kaal_virtq_add(kaal_virtq_t *q, const kaal_virtq_buf_t *bufs, unsigned n,
                            uint64_t token);
/* Publishes what kaal_virtq_add put on the ring (release store of
 * avail->idx); true if the device wants a notification (it did not set
 * USED_F_NO_NOTIFY). */
bool kaal_virtq_publish(kaal_virtq_t *q);
/* Notifies the device of queue q (16-bit write of its index at its notify
 * address). */
void kaal_virtq_notify(kaal_virtio_t *dev, kaal_virtq_t *q);

typedef struct kaal_virtq_used_ret {
    /* KAAL_OK: token and len valid. KAAL_EAGAIN: nothing used. KAAL_EINVAL:
     * the device reported more bytes than the chain can hold; the token is
     * returned with len 0 (the buffer is the caller's again). KAAL_EFORMAT:
     * an entry named no chain in flight, dropped (call again). KAAL_EIO:
     * the used index jumped; the queue is broken. */
    kaal_error_t err;
    uint64_t token;
    uint32_t len;
} kaal_virtq_used_ret_t;

/* The next used entry; its descriptors go back to the free list. */
kaal_virtq_used_ret_t kaal_virtq_get_used(kaal_virtq_t *q);
/* Descriptors free for kaal_virtq_add. */
unsigned kaal_virtq_free_count(const kaal_virtq_t *q);
/* Interrupt suppression: avail->flags NO_INTERRUPT set (true) or cleared. */
void kaal_virtq_suppress_interrupts(kaal_virtq_t *q, bool suppress);
