# Benchmark images: the empty multiboot kernel (the QEMU boot floor).
EMPTY_KERNEL := $(BUILD)/bench/empty_kernel.elf
$(EMPTY_KERNEL): tests/bench/empty_kernel.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -m32 -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-Ttext=0x100000 -o $@ $<
BENCH_IMAGES += $(EMPTY_KERNEL)
