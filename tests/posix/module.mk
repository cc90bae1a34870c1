# The differential POSIX test programs (tests/posix/README.md). Linux
# programs, built with the host's toolchains (not the guest's freestanding
# flags), static, twice: with musl (Debian's musl-tools) and with glibc.
# Each libc's build is one multi-call binary, all.musl / all.glibc, with a
# link per program (files.musl -> all.musl; main.c dispatches on the name),
# in $(BUILD)/posix-tests/t/, the directory the POSIX system's rootfs copies
# in as /t (POSIX_ROOTFS_EXTRA).
POSIX_TESTS     := files dirs meta pipes procs signals memory time identity killed threads
POSIX_TEST_DIR  := $(BUILD)/posix-tests/t
POSIX_TEST_OBJ  := $(BUILD)/posix-tests/obj
POSIX_TEST_BINS := $(POSIX_TEST_DIR)/all.musl $(POSIX_TEST_DIR)/all.glibc \
  $(foreach t,$(POSIX_TESTS),$(POSIX_TEST_DIR)/$(t).musl $(POSIX_TEST_DIR)/$(t).glibc)
POSIX_TEST_CFLAGS := -std=gnu11 $(WARN) -O2
MUSL_CC ?= musl-gcc
POSIX_TEST_HEADERS := tests/posix/common.h tests/posix/programs.h

$(POSIX_TEST_OBJ)/musl/%.o: tests/posix/%.c $(POSIX_TEST_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) $(POSIX_TEST_CFLAGS) -c -o $@ $<

$(POSIX_TEST_OBJ)/glibc/%.o: tests/posix/%.c $(POSIX_TEST_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(POSIX_TEST_CFLAGS) -c -o $@ $<

$(POSIX_TEST_DIR)/all.musl: $(patsubst %,$(POSIX_TEST_OBJ)/musl/%.o,main $(POSIX_TESTS))
	@mkdir -p $(@D)
	$(MUSL_CC) -static -s -o $@ $^

$(POSIX_TEST_DIR)/all.glibc: $(patsubst %,$(POSIX_TEST_OBJ)/glibc/%.o,main $(POSIX_TESTS))
	@mkdir -p $(@D)
	$(HOST_CC) -static -s -o $@ $^

$(POSIX_TEST_DIR)/%.musl: $(POSIX_TEST_DIR)/all.musl
	ln -sf all.musl $@

$(POSIX_TEST_DIR)/%.glibc: $(POSIX_TEST_DIR)/all.glibc
	ln -sf all.glibc $@

# The python scripts of tests/system/test_posix_python.py, next to them in /t.
POSIX_TEST_PY := $(patsubst tests/posix/python/%,$(POSIX_TEST_DIR)/%,$(wildcard tests/posix/python/*.py))
$(POSIX_TEST_DIR)/%.py: tests/posix/python/%.py
	@mkdir -p $(@D)
	cp $< $@
POSIX_TEST_BINS += $(POSIX_TEST_PY)

# The POSIX rootfs copies each directory of POSIX_ROOTFS_EXTRA into its
# root (this one as /t).
POSIX_ROOTFS_EXTRA += $(POSIX_TEST_DIR)

# tests/unit/test_posixdiff.py runs them on the host, tests/system/
# test_posix_diff.py in the POSIX system (and in a Linux guest).
all: $(POSIX_TEST_BINS)
test-unit: $(POSIX_TEST_BINS)
TEST_SYSTEM_DEPS += $(POSIX_TEST_BINS)
# The POSIX rootfs archive (services/posix/module.mk) copies the directories
# of POSIX_ROOTFS_EXTRA in its recipe; this makes it wait for the programs
# and follow their changes whichever module.mk is read first.
$(BUILD)/rootfs/posix.cpio: $(POSIX_TEST_BINS)
