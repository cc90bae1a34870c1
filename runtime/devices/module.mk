# The device model (runtime/devices/README.md): part of libkaal. Its host
# tests are those of its sources: tests/unit/test_acpi.c, test_pci.c and
# test_broker.c build it in (runtime/acpi, runtime/pci, runtime/broker).
LIBKAAL_SRCS += runtime/devices/devices.c
