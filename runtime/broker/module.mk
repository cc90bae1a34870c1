# The capability broker library (runtime/broker/README.md): ACPI and PCI
# enumeration, the device model, the untyped manager, slot allocator and
# device bundles. Part of libkaal; host-tested through the tests below.
BROKER_SRCS := runtime/broker/acpi.c runtime/broker/pci.c runtime/broker/devices.c \
  runtime/broker/cspace.c runtime/broker/untyped.c runtime/broker/bundle.c
LIBKAAL_SRCS += $(BROKER_SRCS)

# Host tests (cmocka, ASan+UBSan) and the ACPI and PCI fuzz targets. The same test
# sources, built with --coverage instead, give `make coverage-broker`.
BROKER_TEST_acpi := tests/unit/test_acpi.c runtime/broker/acpi.c runtime/broker/devices.c \
  runtime/printf/format.c
BROKER_TEST_pci := tests/unit/test_pci.c runtime/broker/pci.c runtime/broker/acpi.c runtime/broker/bundle.c \
  runtime/broker/devices.c runtime/printf/format.c runtime/string/error.c
BROKER_TEST_untyped := tests/unit/test_untyped.c runtime/broker/untyped.c runtime/broker/cspace.c
BROKER_TEST_broker := tests/unit/test_broker.c runtime/broker/bundle.c runtime/broker/devices.c \
  runtime/printf/format.c runtime/string/error.c
BROKER_TESTS := acpi pci untyped broker

$(foreach t,$(BROKER_TESTS),$(eval $(call host_test,test_$(t),$(BROKER_TEST_$(t)))))
$(eval $(call fuzz_target,acpi,tests/unit/test_acpi_fuzz.c runtime/broker/acpi.c runtime/broker/devices.c runtime/printf/format.c))
$(eval $(call fuzz_target,pci,tests/unit/test_pci_fuzz.c runtime/broker/pci.c runtime/broker/devices.c runtime/printf/format.c))

# Line coverage of runtime/broker/ by its host tests (gcovr, Debian package).
BROKER_COV := $(BUILD)/coverage-broker
BROKER_COV_CFLAGS := -std=c11 $(WARN) -O0 -g --coverage -D_DEFAULT_SOURCE \
  -I$(CURDIR)/include -I$(CURDIR)/tests/unit

.PHONY: coverage-broker
coverage-broker:
	@rm -rf $(BROKER_COV)
	@set -e; $(foreach t,$(BROKER_TESTS), \
	  mkdir -p $(BROKER_COV)/$(t); \
	  (cd $(BROKER_COV)/$(t) && \
	   $(HOST_CC) $(BROKER_COV_CFLAGS) -c $(addprefix $(CURDIR)/,$(BROKER_TEST_$(t))) && \
	   $(HOST_CC) --coverage -o test_$(t) *.o $(HOST_TEST_LIBS) && ./test_$(t) > test.log 2>&1) || \
	  { cat $(BROKER_COV)/$(t)/test.log; exit 1; };)
	gcovr --root $(CURDIR) --filter '$(CURDIR)/runtime/broker/' $(BROKER_COV)
