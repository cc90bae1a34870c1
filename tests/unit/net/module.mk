# Host tests of the net server (services/net) on the real lwIP, built for
# the host from the same Debian source ($(BUILD)/host/liblwip.a,
# services/net/module.mk) with the same lwipopts.h.
NET_HOST_TEST_OBJS := $(BUILD)/host/tests/unit/net/test_net_sock.o \
  $(BUILD)/host/tests/unit/net/test_net_ethif.o $(BUILD)/host/tests/unit/net/lwip_host.o \
  $(BUILD)/host/services/net/sock.o $(BUILD)/host/services/net/ethif.o
$(NET_HOST_TEST_OBJS): HOST_CFLAGS += $(LWIP_INCLUDES)
$(NET_HOST_TEST_OBJS): $(LWIP_STAMP)

$(eval $(call host_test,test_net_sock,tests/unit/net/test_net_sock.c tests/unit/net/lwip_host.c \
  services/net/sock.c))
$(BUILD)/host/tests/test_net_sock: $(BUILD)/host/liblwip.a
$(eval $(call host_test,test_net_ethif,tests/unit/net/test_net_ethif.c tests/unit/net/lwip_host.c \
  services/net/ethif.c runtime/ring/ring.c))
$(BUILD)/host/tests/test_net_ethif: $(BUILD)/host/liblwip.a
