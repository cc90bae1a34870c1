# drivers/timer: the timer component (README.md), a DDDK driver with an
# IRQ and an RPC service (PIT channel 0, <kaal/timer.h>); host: cmocka
# tests of the deadline table (deadlines.c).
TIMER_SRCS := drivers/timer/timer.c drivers/timer/deadlines.c

$(eval $(call kaal_component,drivers/timer/component.toml,timer,drivers/timer/main.c $(TIMER_SRCS)))

$(eval $(call host_test,test_timer_deadlines,tests/unit/test_timer_deadlines.c \
  drivers/timer/deadlines.c))

$(BUILD)/host/tests/unit/test_timer_deadlines.o: HOST_CFLAGS += -Idrivers
