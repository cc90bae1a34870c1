# ACPI tables (runtime/acpi/README.md): part of libkaal, host-tested, fuzzed.
LIBKAAL_SRCS += runtime/acpi/acpi.c

RUNTIME_TEST_acpi := tests/unit/test_acpi.c runtime/acpi/acpi.c runtime/devices/devices.c \
  runtime/printf/format.c
COVERAGE_TESTS += acpi
$(eval $(call host_test,test_acpi,$(RUNTIME_TEST_acpi)))
$(eval $(call fuzz_target,acpi,tests/unit/test_acpi_fuzz.c runtime/acpi/acpi.c \
  runtime/devices/devices.c runtime/printf/format.c))
