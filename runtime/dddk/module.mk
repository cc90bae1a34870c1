# runtime/dddk: the driver kit (descriptor lookup, start-up, event loop) and
# the byte-stream glue over runtime/ring channels. Part of libkaal; the host
# tests use the fake platform in tests/unit/dddk/.
DDDK_SRCS := runtime/dddk/dddk.c runtime/dddk/bytestream.c
LIBKAAL_SRCS += $(DDDK_SRCS) runtime/dddk/platform_sel4.c

$(eval $(call host_test,test_dddk,tests/unit/test_dddk.c $(DDDK_SRCS) runtime/ring/ring.c \
  tests/unit/dddk/fake_platform.c))
