# The differential POSIX test programs (tests/posix/README.md). Linux
# programs, built with the host's toolchains (not the guest's freestanding
# flags): each twice, static, with musl (Debian's musl-tools) and with glibc.
# They land in $(BUILD)/posix-tests/t/, a directory the POSIX system's rootfs
# copies in as /t (POSIX_ROOTFS_EXTRA).
POSIX_TESTS     := files dirs meta pipes procs signals memory time identity killed
POSIX_TEST_DIR  := $(BUILD)/posix-tests/t
POSIX_TEST_BINS := $(foreach t,$(POSIX_TESTS),$(POSIX_TEST_DIR)/$(t).musl $(POSIX_TEST_DIR)/$(t).glibc)
POSIX_TEST_CFLAGS := -std=gnu11 $(WARN) -O2 -s
MUSL_CC ?= musl-gcc

$(POSIX_TEST_DIR)/%.musl: tests/posix/%.c tests/posix/common.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) -static $(POSIX_TEST_CFLAGS) -o $@ $<

$(POSIX_TEST_DIR)/%.glibc: tests/posix/%.c tests/posix/common.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) -static $(POSIX_TEST_CFLAGS) -o $@ $<

# The POSIX rootfs copies each directory of POSIX_ROOTFS_EXTRA into its
# root (this one as /t).
POSIX_ROOTFS_EXTRA += $(POSIX_TEST_DIR)

# tests/unit/test_posixdiff.py runs them on the host; the system test
# (tests/system/test_posix_diff.py) in the POSIX system, once it exists.
all: $(POSIX_TEST_BINS)
test-unit: $(POSIX_TEST_BINS)
TEST_SYSTEM_DEPS += $(POSIX_TEST_BINS)
# The POSIX rootfs archive (services/posix/module.mk) copies the directories
# of POSIX_ROOTFS_EXTRA in its recipe; this makes it wait for the programs
# and follow their changes whichever module.mk is read first.
$(BUILD)/rootfs/posix.cpio: $(POSIX_TEST_BINS)
