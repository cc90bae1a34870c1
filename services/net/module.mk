# services/net: the net server (README.md). lwIP comes from Debian's lwip
# source package, fetched at build time by tools/debsrc.py (version in
# mk/debian-sources, cached in $(BUILD)/debsrc, extracted to $(BUILD)/src/lwip)
# and compiled unmodified, with KaaL's flags, into $(BUILD)/guest/liblwip.a
# (and $(BUILD)/host/liblwip.a for the host tests in tests/unit/net/).
LWIP_DIR := $(BUILD)/src/lwip
LWIP_STAMP := $(LWIP_DIR)/.debsrc-version
LWIP_CORE := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
  core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
  core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c \
  core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c
LWIP_INCLUDES := -Iservices/net/port/include -I$(LWIP_DIR)/src/include
LWIP_GUEST_OBJS := $(patsubst %.c,$(BUILD)/guest/lwip/%.o,$(LWIP_CORE))
LWIP_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/lwip/%.o,$(LWIP_CORE))

# One extraction makes the stamp and every source the build uses (a grouped
# target: if any is missing, say a half-deleted tree, it extracts again from
# the cache); the sources are touched, as tar keeps the archive's old times. Static pattern
# rules below, for these files only: a catch-all %.c rule would let make
# "remake" the objects' .d files through a chain of built-in rules.
LWIP_SOURCES := $(addprefix $(LWIP_DIR)/src/,$(LWIP_CORE))
$(LWIP_STAMP) $(LWIP_SOURCES) &: mk/debian-sources tools/debsrc.py | $(DEPS_STAMP)
	rm -f $(LWIP_STAMP)
	$(PYTHON) tools/debsrc.py --versions mk/debian-sources --cache $(BUILD)/debsrc \
	  --dest $(LWIP_DIR) lwip
	touch -c $(LWIP_SOURCES) $(LWIP_STAMP)

# lwIP's own files: KaaL's warning flags apply to them as they are.
$(LWIP_GUEST_OBJS): $(BUILD)/guest/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) $(LWIP_INCLUDES) -Iservices/net/port/libc $(DEPFLAGS) -c $< -o $@
$(LWIP_HOST_OBJS): $(BUILD)/host/lwip/%.o: $(LWIP_DIR)/src/%.c $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(LWIP_INCLUDES) $(DEPFLAGS) -c $< -o $@

$(BUILD)/guest/liblwip.a: $(LWIP_GUEST_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
$(BUILD)/host/liblwip.a: $(LWIP_HOST_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
GUEST_LIBS += $(BUILD)/guest/liblwip.a

NET_SRCS := services/net/main.c services/net/ethif.c services/net/sock.c \
  services/net/port/sys_arch.c
$(patsubst %,$(BUILD)/guest/%.o,$(basename $(NET_SRCS))): GUEST_CFLAGS += $(LWIP_INCLUDES) \
  -Iservices/net/port/libc
$(patsubst %,$(BUILD)/guest/%.o,$(basename $(NET_SRCS))): $(LWIP_STAMP)
$(eval $(call kaal_component,services/net/component.toml,net,$(NET_SRCS),$(BUILD)/guest/liblwip.a))

# The POSIX system with the net server (system/posix-net.toml): the POSIX
# root file system of services/posix/module.mk plus /bin/posix-sockets, the
# socket syscall checks (tests/net/posix_sockets.c, static musl).
POSIX_SOCKETS := $(BUILD)/net/posix-sockets
$(POSIX_SOCKETS): tests/net/posix_sockets.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_GCC) -static -O2 -Wall -Wextra -Werror -o $@ $<
POSIX_NET_STAGE := $(BUILD)/rootfs/posix-net-tree
$(BUILD)/rootfs/posix-net.cpio: $(BUILD)/rootfs/posix.cpio $(POSIX_SOCKETS) tools/mkcpio.py
	rm -rf $(POSIX_NET_STAGE)
	cp -a $(BUILD)/rootfs/posix-tree $(POSIX_NET_STAGE)
	cp $(POSIX_SOCKETS) $(POSIX_NET_STAGE)/bin/posix-sockets
	$(PYTHON) tools/mkcpio.py -o $@ --tree $(POSIX_NET_STAGE)
$(eval $(call kaal_system,posix-net,system/posix-net.toml))
$(BUILD)/systems/posix-net.initrd: $(BUILD)/rootfs/posix-net.cpio
TEST_SYSTEM_DEPS += $(BUILD)/systems/posix-net.initrd
