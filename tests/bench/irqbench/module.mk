# irqbench: worst IRQ latency, idle and under a 100,000-cap revoke (bench_irq.py).
$(eval $(call guest_program,irqbench,tests/bench/irqbench/main.c))
BENCH_IMAGES += $(BUILD)/guest/bin/irqbench.elf
