# drivers/uart16550: the interrupt-driven 16550 UART driver (README.md).
# Guest: a static library the driver component links (with libkaal, which
# has the DDDK). Host: cmocka tests against the 16550 model in tests/unit/dddk/.
UART16550_SRCS := drivers/uart16550/uart16550.c
UART16550_LIB := $(BUILD)/guest/libuart16550.a

$(UART16550_LIB): $(patsubst %,$(BUILD)/guest/%.o,$(basename $(UART16550_SRCS)))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

all: $(UART16550_LIB)

$(eval $(call host_test,test_uart16550,tests/unit/test_uart16550.c $(UART16550_SRCS) \
  tests/unit/dddk/sim16550.c tests/unit/dddk/fake_platform.c \
  runtime/dddk/dddk.c runtime/dddk/bytestream.c runtime/ring/ring.c))

$(BUILD)/host/tests/unit/test_uart16550.o $(BUILD)/host/tests/unit/dddk/sim16550.o: \
  HOST_CFLAGS += -Idrivers

# The driver's size: lines of device logic (code lines once comments and
# blank lines are gone) of uart16550.c, by count-logic-lines.awk.
.PHONY: uart16550-lines
uart16550-lines:
	@printf 'uart16550 device logic: %s lines (drivers/uart16550/uart16550.c)\n' \
	  $$(awk -f drivers/uart16550/count-logic-lines.awk drivers/uart16550/uart16550.c)

# The driver component (component.toml): the DDDK's seL4 platform over its
# serial0 grant and ring ends, then the DDDK main.
$(eval $(call kaal_component,drivers/uart16550/component.toml,uart16550,drivers/uart16550/main.c $(UART16550_SRCS)))
