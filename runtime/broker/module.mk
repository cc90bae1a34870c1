# The capability broker library (runtime/broker/README.md): ACPI and PCI
# enumeration, the device model, the untyped manager, slot allocator and
# device bundles. Part of libkaal; host-tested through the tests below.
BROKER_SRCS := runtime/broker/acpi.c runtime/broker/pci.c runtime/broker/devices.c \
  runtime/broker/cspace.c runtime/broker/untyped.c runtime/broker/bundle.c
LIBKAAL_SRCS += $(BROKER_SRCS)

# Host tests (cmocka, ASan+UBSan) and the ACPI fuzz target.
$(eval $(call host_test,test_acpi,tests/unit/test_acpi.c runtime/broker/acpi.c runtime/broker/devices.c runtime/printf/format.c))
$(eval $(call host_test,test_pci,tests/unit/test_pci.c runtime/broker/pci.c runtime/broker/devices.c runtime/printf/format.c))
$(eval $(call host_test,test_untyped,tests/unit/test_untyped.c runtime/broker/untyped.c runtime/broker/cspace.c))
$(eval $(call host_test,test_broker,tests/unit/test_broker.c runtime/broker/bundle.c runtime/broker/devices.c runtime/printf/format.c runtime/string/error.c))
$(eval $(call fuzz_target,acpi,tests/unit/test_acpi_fuzz.c runtime/broker/acpi.c runtime/broker/devices.c runtime/printf/format.c))
