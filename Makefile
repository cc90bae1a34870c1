# KaaL: top-level build. See README.md for the two commands that matter
# (`make run`, `make test`) and ARCHITECTURE conventions for the rest.
#
# Each part of the tree adds itself through a module.mk next to its sources
# (appending to KERNEL_SRCS, LIBKAAL_SRCS, calling guest_program/host_test),
# so adding a part never means editing this file.

.DEFAULT_GOAL := all
.SECONDEXPANSION:
include mk/config.mk
include mk/rules.mk

KERNEL_SRCS  :=
LIBKAAL_SRCS :=
UNIT_TESTS   :=
GUEST_PROGRAMS :=
GUEST_LIBS :=
SYSTEMS :=
HOST_BENCHES :=
BENCH_IMAGES :=
FUZZ_TARGETS :=
DEPS_STAMP   := $(BUILD)/.deps-ok
LIBKAAL      := $(BUILD)/guest/libkaal.a
CRT0         := $(BUILD)/guest/runtime/crt/crt0.o

MODULES := $(sort $(wildcard */module.mk */*/module.mk */*/*/module.mk))
include $(MODULES)

.PHONY: all deps run debug test test-source test-unit test-kernel test-system bench fuzz \
        format lint clean FORCE

all: $(KERNEL_IMAGE) $(GUEST_PROGRAMS) $(GUEST_LIBS) $(SYSTEMS) $(UNIT_TESTS) $(FUZZ_TARGETS)

# Dependencies: installs missing Debian packages (or says what to run).
deps:
	@tools/deps.sh

$(DEPS_STAMP): mk/debian-packages tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(@D) && touch $@

# make run SYSTEM=pingpong boots build/systems/pingpong.initrd (a system
# description and its components); plain make run boots system/default.toml
# (UART driver + shell); make run SYSTEM= boots init alone.
# The system's [machine] table (a NIC with host forwards, drives) gives
# QEMU arguments ($(BUILD)/systems/NAME.qemu); QEMU_EXTRA="..." adds more.
SYSTEM ?= default
BOOT_MODULES = $(if $(SYSTEM),$$(cat $(BUILD)/systems/$(SYSTEM).initrd),$(ROOT_TASK))
SYSTEM_QEMU_ARGS = $(if $(SYSTEM),$$(cat $(BUILD)/systems/$(SYSTEM).qemu 2>/dev/null))

run: $(DEPS_STAMP) $(KERNEL_IMAGE) $(ROOT_TASK) $(if $(SYSTEM),$(BUILD)/systems/$(SYSTEM).initrd)
	@echo "KaaL: booting in QEMU (quit with Ctrl-A x)"
	@$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -kernel $(KERNEL_IMAGE) -initrd "$(BOOT_MODULES)" \
	  $(SYSTEM_QEMU_ARGS) $(QEMU_EXTRA); \
	  status=$$?; $(QEMU_STATUS_CHECK)

# QEMU exits 0 when quit with Ctrl-A x and 2*code+1 when the guest writes code
# to the debug-exit port: 1 is the guest's own success.
QEMU_STATUS_CHECK = case $$status in 0|1) ;; *) echo "QEMU exit status $$status: guest code $$(( (status - 1) / 2 ))"; exit 1;; esac

debug: $(DEPS_STAMP) $(KERNEL_IMAGE) $(ROOT_TASK)
	@echo "KaaL: QEMU halted, gdb stub on :1234; in another terminal run:"
	@echo "    gdb -x $(BUILD)/kaal.gdb"
	@sed -e 's|@KERNEL@|$(KERNEL_ELF)|' -e 's|@ROOT@|$(ROOT_TASK)|' tools/kaal.gdb.in > $(BUILD)/kaal.gdb
	@$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -s -S -kernel $(KERNEL_IMAGE) -initrd $(ROOT_TASK); \
	  status=$$?; $(QEMU_STATUS_CHECK)

TESTRUN := ARCH=$(ARCH) $(PYTHON) tools/testrun.py --build $(BUILD)

test: $(DEPS_STAMP) all $(TEST_KERNEL_DEPS) $(TEST_SYSTEM_DEPS)
	@$(TESTRUN) all --unit $(UNIT_TESTS) --fuzz $(FUZZ_TARGETS) --fuzz-runs $(FUZZ_RUNS)

# The source tree: cppcheck (tools/lint.sh) and every source file named in a
# README (tools/check_readmes.py).
test-source: $(DEPS_STAMP) all
	@$(TESTRUN) source

test-unit: $(DEPS_STAMP) $(UNIT_TESTS) $(FUZZ_TARGETS)
	@$(TESTRUN) unit --unit $(UNIT_TESTS) --fuzz $(FUZZ_TARGETS) --fuzz-runs $(FUZZ_RUNS)

test-kernel: $(DEPS_STAMP) $(TEST_KERNEL_DEPS)
	@$(TESTRUN) kernel

test-system: $(DEPS_STAMP) $(KERNEL_IMAGE) $(GUEST_PROGRAMS) $(TEST_SYSTEM_DEPS)
	@$(TESTRUN) system

bench: $(DEPS_STAMP) all $(HOST_BENCHES) $(BENCH_IMAGES)
	@$(PYTHON) tools/bench.py --build $(BUILD) $(HOST_BENCHES)

# Open-ended fuzzing of one target: make fuzz NAME=elf
fuzz: $(BUILD)/fuzz/$(NAME)
	mkdir -p $(BUILD)/fuzz/corpus-$(NAME)
	$(BUILD)/fuzz/$(NAME) $(BUILD)/fuzz/corpus-$(NAME) $(wildcard tests/fuzz/corpus/$(NAME))

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# cppcheck; the command is tools/lint.sh, which `make test` runs too.
lint: $(DEPS_STAMP) all
	@ARCH=$(ARCH) tools/lint.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
