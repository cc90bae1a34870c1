# PCI enumeration (runtime/pci/README.md): part of libkaal, host-tested, fuzzed.
LIBKAAL_SRCS += runtime/pci/pci.c

RUNTIME_TEST_pci := tests/unit/test_pci.c runtime/pci/pci.c runtime/acpi/acpi.c \
  runtime/broker/bundle.c runtime/devices/devices.c runtime/printf/format.c runtime/string/error.c
COVERAGE_TESTS += pci
$(eval $(call host_test,test_pci,$(RUNTIME_TEST_pci)))
$(eval $(call fuzz_target,pci,tests/unit/test_pci_fuzz.c runtime/pci/pci.c \
  runtime/devices/devices.c runtime/printf/format.c))
