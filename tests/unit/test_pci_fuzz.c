// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for PCI enumeration (runtime/pci/pci.c): config space
 * is device input. The input is cut into 256-byte config spaces; space k is
 * bus 0, device k / 8, function k % 8. A write keeps only the bits that were
 * set in the original dword (a crude, deterministic BAR model), so BAR
 * probes see arbitrary masks. Enumeration, the ISA table and the printers run
 * on the result; the device list must stay within its bounds and every PCI
 * device's row of words (kaal_device_encode) must decode to the same row.
 * The input's first bytes are also decoded as a row, which must be taken
 * or refused with KAAL_EFORMAT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/pci.h>

#define SPACE_BYTES 256u
#define STRIDE_BYTES 64u
#define MAX_SPACES 64u

typedef struct fake {
    unsigned n;
    uint32_t orig[MAX_SPACES][SPACE_BYTES / 4];
    uint32_t cur[MAX_SPACES][SPACE_BYTES / 4];
} fake_t;

static uint32_t rd(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
    fake_t *f = ctx;
    unsigned k = dev * 8u + fn;
    if (bus != 0 || k >= f->n || off >= SPACE_BYTES || (off & 3))
        return 0xffffffffu;
    return f->cur[k][off / 4];
}

static void wr(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
    fake_t *f = ctx;
    unsigned k = dev * 8u + fn;
    if (bus != 0 || k >= f->n || off >= SPACE_BYTES || (off & 3))
        abort(); /* the enumerator wrote somewhere it never read */
    f->cur[k][off / 4] = v & f->orig[k][off / 4];
}

static void sink(void *ctx, char c)
{
    (void)ctx;
    (void)c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fake_t f;
    f.n = (unsigned)((size + STRIDE_BYTES - 1) / STRIDE_BYTES);
    if (f.n > MAX_SPACES)
        f.n = MAX_SPACES;
    memset(f.orig, 0, sizeof(f.orig));
    for (unsigned k = 0; k < f.n; k++) {
        size_t at = (size_t)k * STRIDE_BYTES;
        size_t n = size - at < SPACE_BYTES ? size - at : SPACE_BYTES;
        memcpy(f.orig[k], data + at, n);
    }
    memcpy(f.cur, f.orig, sizeof(f.cur));
    kaal_pci_config_t cfg = {.read32 = rd, .write32 = wr, .ctx = &f};
    static kaal_device_t devices[16];
    kaal_device_list_t list;
    kaal_devices_init(&list, devices, 16);
    kaal_irq_routing_t routing = {.n_overrides = 1, .overrides = {{.isa_irq = 11, .gsi = 11}}};
    kaal_pci_enumerate(&cfg, 0, 0, 0, &routing, &list);
    kaal_isa_add_devices(&list, &routing);
    if (list.n_devices > 16)
        abort();
    for (size_t i = 0; i < list.n_devices; i++) {
        if (list.devices[i].n_resources > KAAL_DEVICE_MAX_RESOURCES)
            abort();
    }
    kaal_devices_print(&list, sink, NULL);
    /* Every PCI device: its lspci line, and its row of words round-trips. */
    for (size_t i = 0; i < list.n_devices; i++) {
        if (list.devices[i].bus != KAAL_BUS_PCI)
            continue;
        kaal_pci_print_line(&list.devices[i], sink, NULL);
        uint64_t words[KAAL_DEVICE_WIRE_WORDS], again[KAAL_DEVICE_WIRE_WORDS];
        size_t n = kaal_device_encode(&list.devices[i], words);
        kaal_device_t back;
        if (n > KAAL_DEVICE_WIRE_WORDS || kaal_device_decode(words, n, &back) != KAAL_OK ||
            kaal_device_encode(&back, again) != n || memcmp(words, again, n * 8) != 0)
            abort();
    }
    /* The input itself as a row: decode accepts it or says KAAL_EFORMAT. */
    uint64_t raw[KAAL_DEVICE_WIRE_WORDS];
    size_t n_raw = size / 8 < KAAL_DEVICE_WIRE_WORDS ? size / 8 : KAAL_DEVICE_WIRE_WORDS;
    memcpy(raw, data, n_raw * 8);
    kaal_device_t dev;
    kaal_error_t err = kaal_device_decode(raw, n_raw, &dev);
    if (err == KAAL_OK) {
        if (dev.n_resources > KAAL_DEVICE_MAX_RESOURCES)
            abort();
        kaal_pci_print_line(&dev, sink, NULL);
    } else if (err != KAAL_EFORMAT) {
        abort();
    }
    return 0;
}
