# drivers/dde-linux: DDE-Linux, the environment Linux driver files compile and
# run in (README.md, docs/dde-linux.md).
#
# Linux's files come from Debian's linux-source-6.1 binary package, fetched at
# build time by tools/debbin.py (version in mk/debian-sources, download cached
# in $(BUILD)/debsrc/pool, only the files below extracted to $(LINUX_DIR)).
include drivers/dde-linux/linux.mk

DDE_LINUX_SRCS := drivers/dde-linux/core.c drivers/dde-linux/mem.c drivers/dde-linux/dma.c \
  drivers/dde-linux/time.c drivers/dde-linux/pci.c drivers/dde-linux/netdev.c \
  drivers/dde-linux/netring.c
DDE_LINUX_GUEST_OBJS := $(patsubst %.c,$(BUILD)/guest/%.o,$(DDE_LINUX_SRCS) drivers/dde-linux/libc.c)
$(DDE_LINUX_GUEST_OBJS): GUEST_CFLAGS += $(DDE_LINUX_INCLUDES)
$(DDE_LINUX_GUEST_OBJS): $(LINUX_STAMP)
$(BUILD)/guest/libdde_linux.a: $(DDE_LINUX_GUEST_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
GUEST_LIBS += $(BUILD)/guest/libdde_linux.a

# Host tests of the shim's pieces (timers, workqueues, skb, DMA mapping,
# NAPI, the ring bridge) under ASan+UBSan, against tests/unit/dde/platform.c.
DDE_LINUX_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(DDE_LINUX_SRCS))
$(DDE_LINUX_HOST_OBJS) $(BUILD)/host/tests/unit/dde/%.o: HOST_CFLAGS += $(DDE_LINUX_INCLUDES)
$(DDE_LINUX_HOST_OBJS) $(BUILD)/host/tests/unit/dde/test_dde_linux.o: $(LINUX_STAMP)
$(eval $(call host_test,test_dde_linux,tests/unit/dde/test_dde_linux.c tests/unit/dde/platform.c $(DDE_LINUX_SRCS) runtime/dma/dma.c runtime/heap/heap.c runtime/ring/ring.c))

# The network system with this driver (system/net-e1000.toml).
$(eval $(call kaal_system,net-e1000,system/net-e1000.toml))
$(BUILD)/systems/net-e1000.initrd: $(DEFAULT_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/net-e1000.initrd
# ARP and ping through it with the NIC probe (drivers/dde-linux/e1000/netprobe.toml).
$(eval $(call kaal_system,netprobe-e1000,drivers/dde-linux/e1000/netprobe.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/netprobe-e1000.initrd
