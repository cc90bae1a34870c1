// SPDX-License-Identifier: BSD-2-Clause
/* The KSYS reader (runtime/sysdesc/sysdesc.c) against a blob the Python
 * compiler (tools/systoml) produced at build time from
 * tests/unit/systoml/roundtrip/system.toml: the reader must see exactly what
 * the compiler decided, and must reject every damaged variant of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/ring.h>
#include <kaal/sysdesc.h>

#include "sysdesc_fixture.h"

#define MUT(type, ptr) ((type *)(uintptr_t)(ptr))

/* A writable, 8-aligned copy of the fixture for mutation tests. */
static uint8_t *copy_blob(void)
{
    uint8_t *b = aligned_alloc(8, (sysdesc_fixture_size + 7) / 8 * 8);
    assert_non_null(b);
    memcpy(b, sysdesc_fixture_blob, sysdesc_fixture_size);
    return b;
}

/* Recomputes the checksum so a mutation reaches the structural checks. */
static void fix_crc(uint8_t *b)
{
    kaal_sysdesc_header_t *h = (kaal_sysdesc_header_t *)b;
    h->crc32 = 0;
    h->crc32 = kaal_sysdesc_crc32(0, b, h->total_size_bytes);
}

static kaal_sysdesc_t open_fixture(void)
{
    kaal_sysdesc_t sd;
    assert_int_equal(kaal_sysdesc_open(&sd, sysdesc_fixture_blob, sysdesc_fixture_size),
                     KAAL_SYSDESC_OK);
    return sd;
}

static void test_compiled_blob_opens_and_names_the_system(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    assert_string_equal(kaal_sysdesc_string(&sd, sd.header->name), "roundtrip");
    assert_int_equal(sd.n_components, 3);
    assert_int_equal(sd.n_channels, 3);
    assert_int_equal(sd.n_caps, sysdesc_fixture_n_caps);
    assert_int_equal(sd.n_regions, sysdesc_fixture_n_regions);
    assert_int_equal(sd.n_modules, sysdesc_fixture_n_modules);
}

static void test_components_keep_their_toml_settings(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    const kaal_sysdesc_component_t *server = kaal_sysdesc_find_component(&sd, "server");
    const kaal_sysdesc_component_t *client = kaal_sysdesc_find_component(&sd, "client");
    const kaal_sysdesc_component_t *logger = kaal_sysdesc_find_component(&sd, "logger");
    assert_non_null(server);
    assert_non_null(client);
    assert_non_null(logger);
    assert_int_equal(server->priority, 200);
    assert_int_equal(server->heap_size_bytes, 128 * 1024);
    assert_int_equal(server->stack_size_bytes, 32768);
    assert_int_equal(server->restart, KAAL_SYSDESC_RESTART_ON_FAILURE);
    assert_int_equal(server->max_restarts, 5);
    assert_int_equal(client->restart, KAAL_SYSDESC_RESTART_ALWAYS);
    assert_int_equal(client->priority, 100); /* the documented default */
    assert_int_equal(logger->priority, 10);
    assert_int_equal(logger->restart, KAAL_SYSDESC_RESTART_NEVER);
    assert_int_equal(logger->flags, KAAL_SYSDESC_COMPONENT_NO_DEBUG_SYSCALLS);
    assert_int_equal(client->flags, 0); /* debug calls by default */
    /* Same binary, same boot module. */
    assert_int_equal(logger->module, client->module);
    assert_int_not_equal(server->module, client->module);
}

static void test_config_values_round_trip_with_their_types(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    const kaal_sysdesc_component_t *server = kaal_sysdesc_find_component(&sd, "server");
    const kaal_sysdesc_config_t *greeting = kaal_sysdesc_find_config(&sd, server, "greeting");
    const kaal_sysdesc_config_t *retries = kaal_sysdesc_find_config(&sd, server, "retries");
    const kaal_sysdesc_config_t *verbose = kaal_sysdesc_find_config(&sd, server, "verbose");
    assert_non_null(greeting);
    assert_non_null(retries);
    assert_non_null(verbose);
    assert_int_equal(greeting->type, KAAL_SYSDESC_CONFIG_STRING);
    assert_string_equal(kaal_sysdesc_string(&sd, (uint32_t)greeting->value), "hello, world");
    assert_int_equal(retries->type, KAAL_SYSDESC_CONFIG_INT);
    assert_int_equal((int64_t)retries->value, -3);
    assert_int_equal(verbose->type, KAAL_SYSDESC_CONFIG_BOOL);
    assert_int_equal(verbose->value, 1);
    assert_null(kaal_sysdesc_find_config(&sd, server, "nope"));
}

static void test_reader_sees_every_cap_the_compiler_assigned(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    assert_true(sysdesc_fixture_n_caps > 10);
    for (size_t i = 0; i < sysdesc_fixture_n_caps; i++) {
        const sysdesc_fixture_cap_t *want = &sysdesc_fixture_caps[i];
        const kaal_sysdesc_component_t *c = kaal_sysdesc_find_component(&sd, want->component);
        assert_non_null(c);
        const kaal_sysdesc_cap_t *cap = kaal_sysdesc_find_cap(&sd, c, want->name);
        assert_non_null(cap);
        assert_int_equal(cap->slot, want->slot);
        assert_int_equal(cap->kind, want->kind);
        assert_int_equal(cap->rights, want->rights);
        assert_int_equal(cap->object, want->object);
        assert_int_equal(cap->arg0, want->arg0);
        assert_int_equal(cap->arg1, want->arg1);
    }
}

static void test_rpc_clients_share_the_server_endpoint_with_distinct_badges(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    const kaal_sysdesc_cap_t *srv =
        kaal_sysdesc_find_cap(&sd, kaal_sysdesc_find_component(&sd, "server"), "requests");
    const kaal_sysdesc_cap_t *cli =
        kaal_sysdesc_find_cap(&sd, kaal_sysdesc_find_component(&sd, "client"), "server");
    const kaal_sysdesc_cap_t *log =
        kaal_sysdesc_find_cap(&sd, kaal_sysdesc_find_component(&sd, "logger"), "server");
    assert_non_null(srv);
    assert_non_null(cli);
    assert_non_null(log);
    assert_int_equal(srv->kind, KAAL_SYSDESC_CAP_ENDPOINT);
    assert_int_equal(srv->arg0, 0);
    assert_int_equal(cli->object, srv->object);
    assert_int_equal(log->object, srv->object);
    assert_int_equal(cli->arg0, 7); /* explicit badge */
    assert_int_equal(log->arg0, 1); /* first free badge */
    assert_int_equal(sd.objects[srv->object].kind, KAAL_SYSDESC_OBJECT_ENDPOINT);
}

static void test_device_grants_become_ioport_irq_bar_and_dma_caps(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    const kaal_sysdesc_component_t *server = kaal_sysdesc_find_component(&sd, "server");
    const kaal_sysdesc_cap_t *io = kaal_sysdesc_find_cap(&sd, server, "serial0.ioport");
    const kaal_sysdesc_cap_t *irq = kaal_sysdesc_find_cap(&sd, server, "serial0.irq");
    const kaal_sysdesc_cap_t *bar0 = kaal_sysdesc_find_cap(&sd, server, "e1000.bar0");
    const kaal_sysdesc_cap_t *bar1 = kaal_sysdesc_find_cap(&sd, server, "e1000.bar1");
    const kaal_sysdesc_cap_t *pirq = kaal_sysdesc_find_cap(&sd, server, "e1000.irq");
    const kaal_sysdesc_cap_t *dma = kaal_sysdesc_find_cap(&sd, server, "dma");
    assert_non_null(io);
    assert_non_null(irq);
    assert_non_null(bar0);
    assert_non_null(bar1);
    assert_non_null(pirq);
    assert_non_null(dma);
    assert_int_equal(io->kind, KAAL_SYSDESC_CAP_IOPORT);
    assert_int_equal(io->arg0, 0x3f8);
    assert_int_equal(io->arg1, 8);
    assert_int_equal(irq->arg0, 4);
    assert_int_equal(bar0->kind, KAAL_SYSDESC_CAP_PCI_MMIO);
    assert_int_equal(KAAL_SYSDESC_PCI_ID(bar0->arg0), 0x8086100e);
    assert_int_equal(KAAL_SYSDESC_PCI_BAR(bar0->arg0), 0);
    assert_int_equal(KAAL_SYSDESC_PCI_SIZE_BITS(bar0->arg0), 17);
    assert_int_equal(bar0->arg1 % KAAL_SYSDESC_PAGE_SIZE, 0);
    assert_int_equal(bar1->kind, KAAL_SYSDESC_CAP_PCI_IOPORT);
    assert_int_equal(KAAL_SYSDESC_PCI_BAR(bar1->arg0), 1);
    assert_int_equal(bar1->arg1, 64);
    assert_int_equal(pirq->kind, KAAL_SYSDESC_CAP_PCI_IRQ);
    assert_int_equal(dma->kind, KAAL_SYSDESC_CAP_DMA);
    assert_int_equal(dma->arg0, 65536);
    assert_true(dma->arg1 >= bar0->arg1 + (1u << 17) || dma->arg1 + 65536 <= bar0->arg1);
    assert_null(
        kaal_sysdesc_find_cap(&sd, kaal_sysdesc_find_component(&sd, "client"), "serial0.ioport"));
}

/* A server cap of the fixture by name, writable. */
#define SERVER_CAP(name)                                                                           \
    MUT(kaal_sysdesc_cap_t,                                                                        \
        kaal_sysdesc_find_cap(sd, kaal_sysdesc_find_component(sd, "server"), (name)))

static void test_reader_sees_every_region_the_compiler_placed(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    assert_int_equal(sysdesc_fixture_n_regions, 4); /* two per ring end */
    for (size_t i = 0; i < sysdesc_fixture_n_regions; i++) {
        const sysdesc_fixture_region_t *want = &sysdesc_fixture_regions[i];
        const kaal_sysdesc_component_t *c = kaal_sysdesc_find_component(&sd, want->component);
        assert_non_null(c);
        int found = 0;
        for (uint32_t r = 0; r < c->n_regions; r++) {
            const kaal_sysdesc_region_t *reg = &sd.regions[c->first_region + r];
            if (strcmp(kaal_sysdesc_string(&sd, reg->name), want->name) != 0)
                continue;
            found = 1;
            assert_int_equal(reg->object, want->object);
            assert_int_equal(reg->vaddr, want->vaddr);
            assert_int_equal(reg->size_bytes, want->size);
        }
        assert_true(found);
    }
    /* The consumer's explicit vaddr from the toml. */
    const kaal_sysdesc_component_t *server = kaal_sysdesc_find_component(&sd, "server");
    assert_int_equal(sd.regions[server->first_region].vaddr, 0x100000000ull);
}

/* The queue region must hold what runtime/ring formats in it. */
static void test_ring_queue_regions_fit_the_ring_library(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    int rings = 0;
    for (uint32_t i = 0; i < sd.n_channels; i++) {
        const kaal_sysdesc_channel_t *ch = &sd.channels[i];
        if (ch->kind != KAAL_SYSDESC_CHANNEL_RING)
            continue;
        rings++;
        for (int side = 0; side < 2; side++) {
            const kaal_sysdesc_component_t *c = &sd.components[ch->component[side]];
            char want[64];
            snprintf(want, sizeof(want), "%s.queues", kaal_sysdesc_string(&sd, ch->end[side]));
            const kaal_sysdesc_region_t *q = NULL;
            for (uint32_t r = 0; r < c->n_regions; r++)
                if (strcmp(kaal_sysdesc_string(&sd, sd.regions[c->first_region + r].name), want) ==
                    0)
                    q = &sd.regions[c->first_region + r];
            assert_non_null(q);
            assert_true(q->size_bytes >= kaal_ring_channel_bytes(ch->queue_depth));
            assert_int_equal(q->vaddr % KAAL_RING_CACHELINE_BYTES, 0);
        }
    }
    assert_int_equal(rings, 1);
}

static void test_modules_carry_the_binaries_size_and_crc(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    assert_int_equal(sd.n_modules, 3); /* server.elf, client.elf, rootfs.bin */
    for (size_t i = 0; i < sysdesc_fixture_n_modules; i++) {
        assert_string_equal(kaal_sysdesc_string(&sd, sd.modules[i].name),
                            sysdesc_fixture_modules[i].name);
        assert_int_equal(sd.modules[i].size_bytes, sysdesc_fixture_modules[i].size);
        assert_int_equal(sd.modules[i].crc32, sysdesc_fixture_modules[i].crc32);
    }
}

static void test_reader_sees_every_boot_file_the_compiler_placed(void **state)
{
    (void)state;
    kaal_sysdesc_t sd = open_fixture();
    assert_int_equal(sd.n_files, sysdesc_fixture_n_files);
    assert_true(sysdesc_fixture_n_files > 0);
    for (size_t i = 0; i < sysdesc_fixture_n_files; i++) {
        const sysdesc_fixture_file_t *want = &sysdesc_fixture_files[i];
        const kaal_sysdesc_component_t *c = kaal_sysdesc_find_component(&sd, want->component);
        assert_non_null(c);
        assert_int_equal(c->n_files, 1);
        const kaal_sysdesc_file_t *f = &sd.files[c->first_file];
        assert_string_equal(kaal_sysdesc_string(&sd, f->name), want->name);
        assert_int_equal(f->module, want->module);
        assert_int_equal(f->vaddr, want->vaddr);
        assert_int_equal(f->size_bytes, want->size);
        assert_int_equal(f->max_size_bytes, want->max_size);
        assert_int_equal(sd.modules[f->module].size_bytes, 5020);
        assert_string_equal(kaal_sysdesc_string(&sd, sd.modules[f->module].name), "rootfs.bin");
    }
}

static void test_crc32_matches_the_ieee_check_value(void **state)
{
    (void)state;
    assert_int_equal(kaal_sysdesc_crc32(0, "123456789", 9), 0xcbf43926u);
    uint32_t part = kaal_sysdesc_crc32(0, "1234", 4);
    assert_int_equal(kaal_sysdesc_crc32(part, "56789", 5), 0xcbf43926u);
}

static void test_every_truncation_is_rejected(void **state)
{
    (void)state;
    uint8_t *b = copy_blob();
    kaal_sysdesc_t sd;
    for (size_t n = 0; n < sysdesc_fixture_size; n++)
        assert_int_equal(kaal_sysdesc_open(&sd, b, n), KAAL_SYSDESC_TRUNCATED);
    free(b);
}

static void test_every_flipped_byte_is_rejected(void **state)
{
    (void)state;
    uint8_t *b = copy_blob();
    kaal_sysdesc_t sd;
    for (size_t i = 0; i < sysdesc_fixture_size; i++) {
        b[i] ^= 0x5a;
        assert_int_not_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_OK);
        assert_null(sd.base); /* nothing half-filled on error */
        b[i] ^= 0x5a;
    }
    assert_int_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_OK);
    free(b);
}

static void test_header_errors_say_what_is_wrong(void **state)
{
    (void)state;
    uint8_t *b = copy_blob();
    kaal_sysdesc_header_t *h = (kaal_sysdesc_header_t *)b;
    kaal_sysdesc_t sd;

    b[0] = 'X';
    assert_int_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_BAD_MAGIC);
    b[0] = 'K';
    h->version_major = 2;
    fix_crc(b);
    assert_int_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_BAD_VERSION);
    h->version_major = 1;
    fix_crc(b);
    h->total_size_bytes -= 4;
    assert_int_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_BAD_SIZE);
    h->total_size_bytes += 4;
    h->crc32 ^= 1;
    assert_int_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_BAD_CHECKSUM);
    h->crc32 ^= 1;
    assert_int_equal(kaal_sysdesc_open(&sd, b, sysdesc_fixture_size), KAAL_SYSDESC_OK);
    assert_int_equal(kaal_sysdesc_open(&sd, b + 4, sysdesc_fixture_size - 4),
                     KAAL_SYSDESC_MISALIGNED);
    assert_string_equal(kaal_sysdesc_strerror(KAAL_SYSDESC_BAD_CHECKSUM),
                        "system description checksum mismatch");
    free(b);
}

/* Applies a mutation through a record pointer, fixes the CRC, expects status. */
#define EXPECT_AFTER(mutation, status)                                                             \
    do {                                                                                           \
        uint8_t *b = copy_blob();                                                                  \
        kaal_sysdesc_t sd_;                                                                        \
        assert_int_equal(kaal_sysdesc_open(&sd_, b, sysdesc_fixture_size), KAAL_SYSDESC_OK);       \
        kaal_sysdesc_t *sd = &sd_;                                                                 \
        kaal_sysdesc_header_t *h = (kaal_sysdesc_header_t *)b;                                     \
        (void)sd;                                                                                  \
        (void)h;                                                                                   \
        mutation;                                                                                  \
        fix_crc(b);                                                                                \
        assert_int_equal(kaal_sysdesc_open(&sd_, b, sysdesc_fixture_size), status);                \
        free(b);                                                                                   \
    } while (0)


static void test_structural_damage_is_caught_behind_a_valid_checksum(void **state)
{
    (void)state;
    EXPECT_AFTER(MUT(kaal_sysdesc_component_t, sd->components)->module = 99,
                 KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(MUT(kaal_sysdesc_component_t, sd->components)->n_caps = 1000,
                 KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(MUT(kaal_sysdesc_component_t, sd->components)->name = 0xffff,
                 KAAL_SYSDESC_BAD_STRING);
    EXPECT_AFTER(MUT(kaal_sysdesc_component_t, sd->components)->restart = 3,
                 KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_component_t, sd->components)->heap_vaddr += 1,
                 KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_cap_t, sd->caps)->object = 1000, KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(MUT(kaal_sysdesc_cap_t, sd->caps)->kind = 77, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_cap_t, sd->caps)->slot = 3, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_cap_t, sd->caps)->slot = 1u << 20, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_channel_t, sd->channels)->component[1] = 50,
                 KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(MUT(kaal_sysdesc_object_t, sd->objects)->kind = 9, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(h->tables[KAAL_SYSDESC_TABLE_CAPS].offset = 0x7ffffff8, KAAL_SYSDESC_BAD_TABLE);
    EXPECT_AFTER(h->tables[KAAL_SYSDESC_TABLE_CAPS].offset += 4, KAAL_SYSDESC_BAD_TABLE);
    EXPECT_AFTER(h->tables[KAAL_SYSDESC_TABLE_CAPS].offset =
                     h->tables[KAAL_SYSDESC_TABLE_OBJECTS].offset,
                 KAAL_SYSDESC_BAD_TABLE);
    EXPECT_AFTER(h->tables[KAAL_SYSDESC_TABLE_FILES].count = 1000, KAAL_SYSDESC_BAD_TABLE);
    EXPECT_AFTER(MUT(kaal_sysdesc_file_t, sd->files)->module = 99, KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(MUT(kaal_sysdesc_file_t, sd->files)->size_bytes += 1, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_file_t, sd->files)->max_size_bytes = 4096,
                 KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_file_t, sd->files)->vaddr += 8, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_file_t, sd->files)->name = 0, KAAL_SYSDESC_BAD_STRING);
    EXPECT_AFTER(MUT(kaal_sysdesc_component_t, sd->components + 1)->n_files = 2,
                 KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(b[h->strtab_offset + h->strtab_size_bytes - 1] = 'x', KAAL_SYSDESC_BAD_STRING);
}

static void test_pci_and_dma_records_out_of_range_are_rejected(void **state)
{
    (void)state;
    EXPECT_AFTER(SERVER_CAP("e1000.bar0")->arg0 |= 6ull << 32, KAAL_SYSDESC_BAD_VALUE); /* BAR 6 */
    EXPECT_AFTER(SERVER_CAP("e1000.bar0")->arg0 &= ~(0xffull << 40), KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("e1000.bar0")->arg1 += 8, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("e1000.bar0")->arg1 = KAAL_SYSDESC_USER_TOP - 4096,
                 KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("e1000.bar1")->arg1 = 0, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("e1000.bar1")->arg1 = 0x10001, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("e1000.irq")->object = 0, KAAL_SYSDESC_BAD_REFERENCE);
    EXPECT_AFTER(SERVER_CAP("dma")->arg0 = 100, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("dma")->arg0 = KAAL_SYSDESC_DMA_MAX_BYTES + 4096,
                 KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(SERVER_CAP("dma")->arg1 += 8, KAAL_SYSDESC_BAD_VALUE);
}

/* The DMA flag of a region needs a DMA_MEMORY object under it (init would
 * otherwise report a physical address that is not contiguous). */
static void test_region_dma_flag_without_dma_memory_is_rejected(void **state)
{
    (void)state;
    EXPECT_AFTER(MUT(kaal_sysdesc_region_t, &sd->regions[0])->flags = KAAL_SYSDESC_REGION_DMA,
                 KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(MUT(kaal_sysdesc_region_t, &sd->regions[0])->flags = 2, KAAL_SYSDESC_BAD_VALUE);
    EXPECT_AFTER(
        {
            MUT(kaal_sysdesc_object_t, &sd->objects[sd->regions[0].object])->kind =
                KAAL_SYSDESC_OBJECT_DMA_MEMORY;
            MUT(kaal_sysdesc_object_t, &sd->objects[sd->regions[0].object])->size_bytes =
                KAAL_SYSDESC_DMA_MAX_BYTES + 4096;
        },
        KAAL_SYSDESC_BAD_VALUE);
}

static void test_region_overlapping_the_heap_is_rejected(void **state)
{
    (void)state;
    EXPECT_AFTER(
        {
            const kaal_sysdesc_component_t *c = &sd->components[0];
            MUT(kaal_sysdesc_region_t, &sd->regions[c->first_region])->vaddr = c->heap_vaddr;
        },
        KAAL_SYSDESC_OVERLAP);
    EXPECT_AFTER(
        {
            const kaal_sysdesc_component_t *c = &sd->components[0];
            MUT(kaal_sysdesc_region_t, &sd->regions[c->first_region + 1])->vaddr =
                sd->regions[c->first_region].vaddr;
        },
        KAAL_SYSDESC_OVERLAP);
    EXPECT_AFTER(
        {
            const kaal_sysdesc_component_t *c = &sd->components[1];
            MUT(kaal_sysdesc_file_t, &sd->files[c->first_file])->vaddr = c->heap_vaddr;
        },
        KAAL_SYSDESC_OVERLAP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compiled_blob_opens_and_names_the_system),
        cmocka_unit_test(test_components_keep_their_toml_settings),
        cmocka_unit_test(test_config_values_round_trip_with_their_types),
        cmocka_unit_test(test_reader_sees_every_cap_the_compiler_assigned),
        cmocka_unit_test(test_rpc_clients_share_the_server_endpoint_with_distinct_badges),
        cmocka_unit_test(test_device_grants_become_ioport_irq_bar_and_dma_caps),
        cmocka_unit_test(test_pci_and_dma_records_out_of_range_are_rejected),
        cmocka_unit_test(test_reader_sees_every_region_the_compiler_placed),
        cmocka_unit_test(test_region_dma_flag_without_dma_memory_is_rejected),
        cmocka_unit_test(test_ring_queue_regions_fit_the_ring_library),
        cmocka_unit_test(test_modules_carry_the_binaries_size_and_crc),
        cmocka_unit_test(test_reader_sees_every_boot_file_the_compiler_placed),
        cmocka_unit_test(test_crc32_matches_the_ieee_check_value),
        cmocka_unit_test(test_every_truncation_is_rejected),
        cmocka_unit_test(test_every_flipped_byte_is_rejected),
        cmocka_unit_test(test_header_errors_say_what_is_wrong),
        cmocka_unit_test(test_structural_damage_is_caught_behind_a_valid_checksum),
        cmocka_unit_test(test_region_overlapping_the_heap_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
