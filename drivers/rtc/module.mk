# drivers/rtc: the CMOS real-time clock driver (README.md), a second DDDK
# driver (IO ports and an RPC service, no IRQ, no channels), built as the
# rtc component (component.toml); host: cmocka tests against the CMOS
# model in tests/unit/dddk/.
RTC_SRCS := drivers/rtc/rtc.c

$(eval $(call kaal_component,drivers/rtc/component.toml,rtc,drivers/rtc/main.c $(RTC_SRCS)))

$(eval $(call host_test,test_rtc,tests/unit/test_rtc.c $(RTC_SRCS) tests/unit/dddk/simcmos.c \
  tests/unit/dddk/fake_platform.c runtime/dddk/dddk.c runtime/dddk/bytestream.c \
  runtime/ring/ring.c))

$(BUILD)/host/tests/unit/test_rtc.o: HOST_CFLAGS += -Idrivers
