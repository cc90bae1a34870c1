# runtime/ring: SPSC descriptor rings, the free/active channel and the MPMC
# queue. Both go into libkaal and into the host tests.
LIBKAAL_SRCS += runtime/ring/ring.c runtime/ring/mpmc.c

$(eval $(call host_test,test_ring,tests/unit/test_ring.c runtime/ring/ring.c))
$(eval $(call host_test,test_mpmc,tests/unit/test_mpmc.c runtime/ring/mpmc.c))
