# runtime/ring: SPSC descriptor rings, the free/active channel and the MPMC
# queue. Both go into libkaal and into the host tests.
LIBKAAL_SRCS += runtime/ring/ring.c runtime/ring/mpmc.c

$(eval $(call host_test,test_ring,tests/unit/test_ring.c runtime/ring/ring.c))
$(eval $(call host_test,test_mpmc,tests/unit/test_mpmc.c runtime/ring/mpmc.c))

# Thread stress: once with ASan+UBSan (host_test), once with TSan (its own
# rule: TSan and ASan cannot share a binary). Both are cmocka TAP binaries
# that `make test-unit` runs.
RING_STRESS_SRCS := tests/unit/test_ring_stress.c runtime/ring/ring.c runtime/ring/mpmc.c
$(eval $(call host_test,test_ring_stress,$(RING_STRESS_SRCS),-pthread))

RING_TSAN_CFLAGS := $(filter-out $(SANITIZE),$(HOST_CFLAGS)) -O2 -fsanitize=thread -pthread
UNIT_TESTS += $(BUILD)/host/tests/test_ring_stress_tsan
$(BUILD)/host/tests/test_ring_stress_tsan: $(RING_STRESS_SRCS) include/kaal/ring.h
	@mkdir -p $(@D)
	$(HOST_CC) $(RING_TSAN_CFLAGS) -o $@ $(RING_STRESS_SRCS) $(HOST_TEST_LIBS)

$(eval $(call host_bench,ring,runtime/ring/bench/bench_ring.c runtime/ring/ring.c runtime/ring/mpmc.c))
