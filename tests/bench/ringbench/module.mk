# Ring vs seL4_Call benchmark system (tests/bench/bench_ring_guest.py).
RINGBENCH_INCLUDE := $(BUILD)/systems/ringbench-include
$(eval $(call kaal_system_headers,ringbench,tests/bench/ringbench/system.toml))
$(BUILD)/guest/tests/bench/ringbench/%.o: GUEST_CFLAGS += -I$(RINGBENCH_INCLUDE)
$(BUILD)/guest/tests/bench/ringbench/src.o $(BUILD)/guest/tests/bench/ringbench/sink.o: \
  $(RINGBENCH_INCLUDE)/.stamp
$(eval $(call guest_program,ringbench-src,tests/bench/ringbench/src.c))
$(eval $(call guest_program,ringbench-sink,tests/bench/ringbench/sink.c))
$(eval $(call kaal_system,ringbench,tests/bench/ringbench/system.toml))
BENCH_IMAGES += $(BUILD)/systems/ringbench.initrd
TEST_SYSTEM_DEPS += $(BUILD)/systems/ringbench.initrd
