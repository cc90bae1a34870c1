# drivers/rtc: the CMOS real-time clock driver (README.md), a second DDDK
# driver (IO ports and an RPC service, no IRQ, no channels). Guest: a static
# library; host: cmocka tests against the CMOS model in tests/unit/dddk/.
RTC_SRCS := drivers/rtc/rtc.c
RTC_LIB := $(BUILD)/guest/librtc.a

$(RTC_LIB): $(patsubst %,$(BUILD)/guest/%.o,$(basename $(RTC_SRCS)))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

all: $(RTC_LIB)

$(eval $(call host_test,test_rtc,tests/unit/test_rtc.c $(RTC_SRCS) tests/unit/dddk/simcmos.c \
  tests/unit/dddk/fake_platform.c runtime/dddk/dddk.c runtime/dddk/bytestream.c \
  runtime/ring/ring.c))

$(BUILD)/host/tests/unit/test_rtc.o: HOST_CFLAGS += -Idrivers
