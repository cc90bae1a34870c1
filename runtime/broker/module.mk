# The capability broker library (runtime/broker/README.md): the untyped
# manager, slot allocator and device bundles. Part of libkaal; host-tested
# through the tests below.
LIBKAAL_SRCS += runtime/broker/cspace.c runtime/broker/untyped.c runtime/broker/bundle.c

RUNTIME_TEST_untyped := tests/unit/test_untyped.c runtime/broker/untyped.c runtime/broker/cspace.c
RUNTIME_TEST_broker := tests/unit/test_broker.c runtime/broker/bundle.c runtime/devices/devices.c \
  runtime/printf/format.c runtime/string/error.c
COVERAGE_TESTS += untyped broker
$(eval $(call host_test,test_untyped,$(RUNTIME_TEST_untyped)))
$(eval $(call host_test,test_broker,$(RUNTIME_TEST_broker)))

# Line coverage of the platform libraries (runtime/broker, acpi, pci,
# devices) by their host tests, gcovr from Debian: the same test sources
# (COVERAGE_TESTS, RUNTIME_TEST_<name> of each directory's module.mk),
# built with --coverage instead of the sanitizers. Read when the recipe
# runs, so the order the module.mk files are included in does not matter.
RUNTIME_COV := $(BUILD)/coverage-runtime
RUNTIME_COV_CFLAGS := -std=c11 $(WARN) -O0 -g --coverage -D_DEFAULT_SOURCE \
  -I$(CURDIR)/include -I$(CURDIR)/tests/unit

.PHONY: coverage-runtime
coverage-runtime:
	@rm -rf $(RUNTIME_COV)
	@set -e; $(foreach t,$(COVERAGE_TESTS), \
	  mkdir -p $(RUNTIME_COV)/$(t); \
	  (cd $(RUNTIME_COV)/$(t) && \
	   $(HOST_CC) $(RUNTIME_COV_CFLAGS) -c $(addprefix $(CURDIR)/,$(RUNTIME_TEST_$(t))) && \
	   $(HOST_CC) --coverage -o test_$(t) *.o $(HOST_TEST_LIBS) && ./test_$(t) > test.log 2>&1) || \
	  { cat $(RUNTIME_COV)/$(t)/test.log; exit 1; };)
	gcovr --root $(CURDIR) $(foreach d,broker acpi pci devices,--filter '$(CURDIR)/runtime/$(d)/') \
	  $(RUNTIME_COV)
