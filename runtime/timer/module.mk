# runtime/timer: the monotonic clock and the timer component's client side
# (<kaal/timer.h>); tsc.c is pure and host-tested.
LIBKAAL_SRCS += runtime/timer/tsc.c runtime/timer/timer.c

$(eval $(call host_test,test_timer_tsc,tests/unit/test_timer_tsc.c runtime/timer/tsc.c))
