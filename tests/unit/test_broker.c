// SPDX-License-Identifier: BSD-2-Clause
/* Device bundles (runtime/broker/bundle.c): matching requests against the
 * device list, one owner per device, and what a granted bundle describes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/broker.h>

static kaal_device_t storage[16];
static kaal_device_list_t list;

static kaal_device_t *pci_dev(uint8_t dev, uint16_t vendor, uint16_t device, uint8_t cls,
                              uint8_t sub, uint8_t prog_if)
{
    kaal_device_t *d = kaal_devices_add(&list, KAAL_BUS_PCI);
    d->pci = (kaal_pci_function_t){.dev = dev,
                                   .vendor_id = vendor,
                                   .device_id = device,
                                   .class_code = cls,
                                   .subclass = sub,
                                   .prog_if = prog_if};
    return d;
}

static void mmio(kaal_device_t *d, uint8_t bar, uint64_t base, uint64_t size, uint32_t flags)
{
    kaal_device_add_resource(d, (kaal_resource_t){.kind = KAAL_RESOURCE_MMIO,
                                                  .base = base,
                                                  .size = size,
                                                  .bar = bar,
                                                  .flags = flags | KAAL_RES_BAR});
}

/* QEMU-like: two e1000s, a virtio-net, an AHCI, and the ISA devices. */
static int setup(void **state)
{
    (void)state;
    kaal_devices_init(&list, storage, 16);
    kaal_device_t *e0 = pci_dev(3, 0x8086, 0x100e, 0x02, 0x00, 0);
    mmio(e0, 0, 0xfebc0000u, 0x20000, 0);
    kaal_device_add_resource(
        e0, (kaal_resource_t){.kind = KAAL_RESOURCE_IO, .base = 0xc000, .size = 0x40});
    kaal_device_add_resource(e0, kaal_irq_route(NULL, 11, KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW));
    kaal_device_t *e1 = pci_dev(4, 0x8086, 0x100e, 0x02, 0x00, 0);
    mmio(e1, 0, 0xfebe0000u, 0x20000, 0);
    kaal_device_add_resource(e1, kaal_irq_route(NULL, 11, KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW));
    kaal_device_t *vnet = pci_dev(5, 0x1af4, 0x1041, 0x02, 0x00, 0);
    mmio(vnet, 1, 0xfebd1000u, 0x1000, 0);
    mmio(vnet, 4, 0xfe000000u, 0x4000, KAAL_RES_64BIT | KAAL_RES_PREFETCHABLE);
    kaal_device_t *ahci = pci_dev(6, 0x8086, 0x2922, 0x01, 0x06, 0x01);
    mmio(ahci, 5, 0xfebd1800u, 0x800, 0); /* shares a page with virtio-net's BAR1 */
    kaal_isa_add_devices(&list, NULL);
    return 0;
}

static kaal_bundle_request_t by_id(uint16_t vendor, uint16_t device, unsigned instance,
                                   uint32_t owner)
{
    return (kaal_bundle_request_t){.match = {.kind = KAAL_MATCH_PCI_ID,
                                             .vendor_id = vendor,
                                             .device_id = device,
                                             .instance = instance},
                                   .owner = owner};
}

static kaal_bundle_request_t by_name(const char *name, uint32_t owner)
{
    return (kaal_bundle_request_t){.match = {.kind = KAAL_MATCH_ISA_NAME, .name = name},
                                   .owner = owner};
}

static void test_claim_by_pci_id_describes_frames_ports_and_irq(void **state)
{
    (void)state;
    kaal_bundle_request_t req = by_id(0x8086, 0x100e, 0, 7);
    req.dma_size_bytes = 64 * 1024 + 1;
    kaal_bundle_t b;
    assert_int_equal(kaal_broker_claim(&list, &req, &b), KAAL_OK);
    assert_int_equal(b.device_index, 0);
    assert_ptr_equal(b.device, &list.devices[0]);
    assert_int_equal(list.devices[0].owner, 7);
    assert_int_equal(b.n_mmio, 1);
    assert_int_equal(b.mmio[0].paddr, 0xfebc0000u);
    assert_int_equal(b.mmio[0].n_pages, 32);
    assert_int_equal(b.mmio[0].offset, 0);
    assert_int_equal(b.mmio[0].bar, 0);
    assert_int_equal(b.n_io, 1);
    assert_int_equal(b.io[0].base, 0xc000);
    assert_int_equal(b.io[0].n_ports, 0x40);
    assert_true(b.has_irq);
    assert_int_equal(b.irq.gsi, 11);
    assert_true(b.irq.level);
    assert_true(b.irq.active_low);
    assert_false(b.irq.shared);
    assert_int_equal(b.dma_n_pages, 17);
}

static void test_second_instance_and_shared_irq_line(void **state)
{
    (void)state;
    kaal_bundle_t b;
    kaal_bundle_request_t first = by_id(0x8086, 0x100e, 0, 7);
    kaal_bundle_request_t second = by_id(0x8086, 0x100e, 1, 8);
    assert_int_equal(kaal_broker_claim(&list, &first, &b), KAAL_OK);
    assert_int_equal(kaal_broker_claim(&list, &second, &b), KAAL_OK);
    assert_int_equal(b.device_index, 1);
    assert_true(b.irq.shared); /* both e1000s are on line 11 */
    kaal_bundle_request_t third = by_id(0x8086, 0x100e, 2, 9);
    assert_int_equal(kaal_broker_claim(&list, &third, &b), KAAL_ENOENT);
}

static void test_device_has_one_owner_at_a_time(void **state)
{
    (void)state;
    kaal_bundle_t b;
    kaal_bundle_request_t a = by_name("com1", 7);
    kaal_bundle_request_t other = by_name("com1", 8);
    assert_int_equal(kaal_broker_claim(&list, &a, &b), KAAL_OK);
    assert_int_equal(b.n_io, 1);
    assert_int_equal(b.io[0].base, 0x3f8);
    assert_int_equal(b.irq.gsi, 4);
    assert_false(b.irq.level);
    assert_int_equal(b.n_mmio, 0);
    assert_int_equal(b.dma_n_pages, 0);
    assert_int_equal(kaal_broker_claim(&list, &a, &b), KAAL_EEXIST);
    assert_int_equal(kaal_broker_claim(&list, &other, &b), KAAL_EBUSY);
    size_t com1 = (size_t)(kaal_devices_find_name(&list, "com1") - list.devices);
    assert_int_equal(kaal_broker_release(&list, com1, 8), KAAL_EINVAL);
    assert_int_equal(kaal_broker_release(&list, com1, 0), KAAL_EINVAL);
    assert_int_equal(kaal_broker_release(&list, 99, 7), KAAL_ENOENT);
    assert_int_equal(kaal_broker_release(&list, com1, 7), KAAL_OK);
    assert_int_equal(kaal_broker_claim(&list, &other, &b), KAAL_OK);
    assert_int_equal(list.devices[com1].owner, 8);
}

static void test_resources_shared_with_another_owner_block_a_claim(void **state)
{
    (void)state;
    kaal_bundle_t b;
    kaal_bundle_request_t ahci = {.match = {.kind = KAAL_MATCH_PCI_CLASS,
                                            .class_code = 0x01,
                                            .subclass = 0x06,
                                            .prog_if = 0x01},
                                  .owner = 7};
    assert_int_equal(kaal_broker_claim(&list, &ahci, &b), KAAL_OK);
    assert_int_equal(b.mmio[0].paddr, 0xfebd1000u);
    assert_int_equal(b.mmio[0].offset, 0x800);
    assert_int_equal(b.mmio[0].n_pages, 1);
    assert_int_equal(b.mmio[0].size_bytes, 0x800);
    /* virtio-net's BAR1 is in the same page: another owner may not have it */
    kaal_bundle_request_t vnet = by_id(0x1af4, 0x1041, 0, 8);
    assert_int_equal(kaal_broker_claim(&list, &vnet, &b), KAAL_EBUSY);
    /* the owner of the AHCI may */
    vnet.owner = 7;
    assert_int_equal(kaal_broker_claim(&list, &vnet, &b), KAAL_OK);
    assert_int_equal(b.n_mmio, 2);
    assert_true(b.mmio[1].prefetchable);
    assert_false(b.has_irq);
    /* the same for IO ports: a second device on com1's ports */
    kaal_device_t *dup = kaal_devices_add(&list, KAAL_BUS_ISA);
    memcpy(dup->name, "com1-alias", 11);
    kaal_device_add_resource(dup,
                             (kaal_resource_t){.kind = KAAL_RESOURCE_IO, .base = 0x3fc, .size = 1});
    kaal_bundle_request_t com1 = by_name("com1", 9);
    kaal_bundle_request_t alias = by_name("com1-alias", 10);
    assert_int_equal(kaal_broker_claim(&list, &com1, &b), KAAL_OK);
    assert_int_equal(kaal_broker_claim(&list, &alias, &b), KAAL_EBUSY);
}

static void test_class_match_with_any_prog_if(void **state)
{
    (void)state;
    kaal_device_match_t m = {.kind = KAAL_MATCH_PCI_CLASS,
                             .class_code = 0x02,
                             .subclass = 0,
                             .prog_if = -1,
                             .instance = 2};
    kaal_broker_find_ret_t r = kaal_broker_find(&list, &m);
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(list.devices[r.index].pci.vendor_id, 0x1af4);
    m.prog_if = 1;
    assert_int_equal(kaal_broker_find(&list, &m).err, KAAL_ENOENT);
    /* ISA names never match PCI devices and the other way round */
    kaal_device_match_t isa = {.kind = KAAL_MATCH_ISA_NAME, .name = ""};
    assert_int_equal(kaal_broker_find(&list, &isa).err, KAAL_ENOENT);
}

static void test_malformed_requests_are_refused(void **state)
{
    (void)state;
    kaal_bundle_t b;
    kaal_bundle_request_t no_owner = by_name("com1", 0);
    assert_int_equal(kaal_broker_claim(&list, &no_owner, &b), KAAL_EINVAL);
    kaal_bundle_request_t no_name = by_name(NULL, 3);
    assert_int_equal(kaal_broker_claim(&list, &no_name, &b), KAAL_EINVAL);
    kaal_bundle_request_t bad_kind = by_name("com1", 3);
    bad_kind.match.kind = (kaal_match_kind_t)0;
    assert_int_equal(kaal_broker_claim(&list, &bad_kind, &b), KAAL_EINVAL);
    bad_kind.match.kind = (kaal_match_kind_t)42;
    assert_int_equal(kaal_broker_claim(&list, &bad_kind, &b), KAAL_EINVAL);
    kaal_bundle_request_t absent = by_name("com9", 3);
    assert_int_equal(kaal_broker_claim(&list, &absent, &b), KAAL_ENOENT);
    for (size_t i = 0; i < list.n_devices; i++)
        assert_int_equal(list.devices[i].owner, 0);
}

static void test_release_all_frees_what_a_stopped_component_held(void **state)
{
    (void)state;
    kaal_bundle_t b;
    kaal_bundle_request_t r1 = by_name("com1", 5), r2 = by_name("rtc", 5), r3 = by_name("com2", 6);
    assert_int_equal(kaal_broker_claim(&list, &r1, &b), KAAL_OK);
    assert_int_equal(kaal_broker_claim(&list, &r2, &b), KAAL_OK);
    assert_int_equal(kaal_broker_claim(&list, &r3, &b), KAAL_OK);
    assert_int_equal(kaal_broker_release_all(&list, 0), 0);
    assert_int_equal(kaal_broker_release_all(&list, 5), 2);
    assert_int_equal(kaal_broker_release_all(&list, 5), 0);
    assert_int_equal(kaal_devices_find_name(&list, "com2")->owner, 6);
    kaal_bundle_request_t again = by_name("com1", 6);
    assert_int_equal(kaal_broker_claim(&list, &again, &b), KAAL_OK);
}

static void test_claim_errors_read_as_sentences(void **state)
{
    (void)state;
    assert_string_equal(kaal_broker_claim_error(KAAL_OK), "granted");
    assert_string_equal(kaal_broker_claim_error(KAAL_ENOENT), "no such device");
    assert_non_null(strstr(kaal_broker_claim_error(KAAL_EBUSY), "another component"));
    assert_non_null(strstr(kaal_broker_claim_error(KAAL_EEXIST), "requester"));
    assert_non_null(strstr(kaal_broker_claim_error(KAAL_EINVAL), "malformed"));
    assert_string_equal(kaal_broker_claim_error(KAAL_ENOMEM), kaal_strerror(KAAL_ENOMEM));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_claim_by_pci_id_describes_frames_ports_and_irq, setup),
        cmocka_unit_test_setup(test_second_instance_and_shared_irq_line, setup),
        cmocka_unit_test_setup(test_device_has_one_owner_at_a_time, setup),
        cmocka_unit_test_setup(test_resources_shared_with_another_owner_block_a_claim, setup),
        cmocka_unit_test_setup(test_class_match_with_any_prog_if, setup),
        cmocka_unit_test_setup(test_malformed_requests_are_refused, setup),
        cmocka_unit_test_setup(test_release_all_frees_what_a_stopped_component_held, setup),
        cmocka_unit_test(test_claim_errors_read_as_sentences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
