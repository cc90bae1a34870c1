# runtime/timing: the cycle counter and the median of samples for
# benchmarks (<kaal/timing.h>); median.c is pure and host-tested.
LIBKAAL_SRCS += runtime/timing/median.c

$(eval $(call host_test,test_timing,tests/unit/test_timing.c runtime/timing/median.c))
