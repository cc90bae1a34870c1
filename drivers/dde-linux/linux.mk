# DDE-Linux: where Linux's files come from and how they are compiled; included
# by drivers/dde-linux/module.mk and by each Linux driver component's module.mk
# (whichever make reads first), so it guards itself.
ifndef DDE_LINUX_MK
DDE_LINUX_MK := 1
#
LINUX_DIR := $(BUILD)/src/linux
LINUX_STAMP := $(LINUX_DIR)/.debsrc-version
LINUX_E1000_DIR := $(LINUX_DIR)/drivers/net/ethernet/intel/e1000
LINUX_FILES := drivers/net/ethernet/intel/e1000/* include/uapi/linux/*

$(LINUX_STAMP): mk/debian-sources tools/debbin.py tools/debsrc.py | $(DEPS_STAMP)
	$(PYTHON) tools/debbin.py --versions mk/debian-sources --cache $(BUILD)/debsrc \
	  --dest $(LINUX_DIR) --tarball usr/src/linux-source-6.1.tar.xz linux-source-6.1 \
	  --files $(LINUX_FILES)

# The shim's headers first (they stand in for Linux's kernel headers), then
# Linux's uapi headers (the user-space ABI structures: Ethernet, IP, MII,
# ethtool), which the shim includes as <uapi/linux/...>.
DDE_LINUX_INCLUDES := -Idrivers/dde-linux/include -I$(LINUX_DIR)/include/uapi -I$(LINUX_DIR)/include

# Linux's own files, as they are: KaaL's guest flags with these changes, each
# for a reason the file's style gives (our own code keeps the full set):
#   -std=gnu11              Linux is GNU C: statement expressions, `args...`
#                           macros, case ranges, `[0 ... N] =` initialisers
#   -fno-strict-aliasing    Linux is built so (descriptor unions, casts)
#   -Wno-sign-compare       int/unsigned comparisons throughout e1000_*.c
#   -Wno-unused-parameter   ops with parameters a driver ignores
#   -Wno-pointer-sign       Linux builds with it (u8 buffers passed as char *)
#   -Wno-missing-prototypes, -Wno-strict-prototypes  not in Linux's warning set
DDE_LINUX_FILE_CFLAGS := $(filter-out -std=c11 -Wmissing-prototypes -Wstrict-prototypes,$(GUEST_CFLAGS)) \
  -std=gnu11 -fno-strict-aliasing -Wno-sign-compare -Wno-unused-parameter -Wno-pointer-sign \
  $(DDE_LINUX_INCLUDES)

endif
