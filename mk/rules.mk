# Pattern rules and helper macros. Every compile waits for $(DEPS_STAMP):
# the Debian packages are installed before anything is built.
# Source paths map 1:1 to object paths under
# $(BUILD)/<kind>/, so two kinds may compile the same file without clashing.

$(BUILD)/kernel/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/guest/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/guest/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(GUEST_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/host/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@

# $(call guest_program,NAME,SOURCES[,LIBS]): a static user-space ELF at
# $(BUILD)/guest/bin/NAME.elf: the runtime start code, the objects of
# SOURCES (.c/.S under $(BUILD)/guest/, compiled with GUEST_CFLAGS), the
# static libraries LIBS, libkaal and libgcc. A component with a
# component.toml uses kaal_component (mk/system.mk), which calls this.
define guest_program
GUEST_PROGRAMS += $(BUILD)/guest/bin/$(1).elf
$(BUILD)/guest/bin/$(1).elf: $(patsubst %,$(BUILD)/guest/%.o,$(basename $(2))) $(3) $(LIBKAAL) $(CRT0)
	@mkdir -p $$(@D)
	$(CC) $(GUEST_LDFLAGS) -o $$@ $(CRT0) $(patsubst %,$(BUILD)/guest/%.o,$(basename $(2))) $(3) $(LIBKAAL) $(GUEST_LIBGCC)
endef

# $(call host_test,NAME,SOURCES[,EXTRA_LDLIBS]): a cmocka unit test binary at
# $(BUILD)/host/tests/NAME, built with ASan+UBSan and run by `make test-unit`.
define host_test
UNIT_TESTS += $(BUILD)/host/tests/$(1)
$(BUILD)/host/tests/$(1): $(patsubst %,$(BUILD)/host/%.o,$(basename $(2)))
	@mkdir -p $$(@D)
	$(HOST_CC) $(HOST_LDFLAGS) -o $$@ $$^ $(HOST_TEST_LIBS) $(3)
endef

# $(call host_bench,NAME,SOURCES[,EXTRA_LDLIBS]): an optimised host benchmark
# at $(BUILD)/host/bench/NAME (no sanitizers); `make bench` runs every one and
# shows the `bench: <name> <value> <unit>` lines it prints.
define host_bench
HOST_BENCHES += $(BUILD)/host/bench/$(1)
$(BUILD)/host/bench/$(1): $(2) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$(HOST_CC) $(HOST_BENCH_CFLAGS) -o $$@ $(2) $(3)
endef

# $(call fuzz_target,NAME,SOURCES): a libFuzzer target (clang, ASan+UBSan) at
# $(BUILD)/fuzz/NAME. `make test-unit` runs each for FUZZ_RUNS inputs from a
# fixed seed (plus tests/fuzz/corpus/NAME/ if present); `make fuzz NAME=...`
# runs one open-ended.
define fuzz_target
FUZZ_TARGETS += $(BUILD)/fuzz/$(1)
$(BUILD)/fuzz/$(1): $(2) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $(2)
endef

# kaal_component and kaal_system.
include mk/system.mk
