# Ring vs seL4_Call benchmark system (tests/bench/bench_ring_guest.py).
$(eval $(call kaal_component,tests/bench/ringbench/src.component.toml,ringbench-src,tests/bench/ringbench/src.c))
$(eval $(call kaal_component,tests/bench/ringbench/sink.component.toml,ringbench-sink,tests/bench/ringbench/sink.c))
$(eval $(call kaal_system,ringbench,tests/bench/ringbench/system.toml))
BENCH_IMAGES += $(BUILD)/systems/ringbench.initrd
TEST_SYSTEM_DEPS += $(BUILD)/systems/ringbench.initrd
