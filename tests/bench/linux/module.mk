# The Linux comparison benchmark (tests/bench/linux/README.md): a static
# program run as /init of a tiny initramfs under Debian's Linux kernel, which
# tests/bench/linux_reference.py boots with the same QEMU command as KaaL.
LINUXBENCH_DIR       := $(BUILD)/bench/linux
LINUXBENCH_BIN       := $(LINUXBENCH_DIR)/linuxbench
LINUXBENCH_INITRAMFS := $(LINUXBENCH_DIR)/initramfs.cpio

$(LINUXBENCH_BIN): tests/bench/linux/linuxbench.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) -std=gnu11 $(WARN) -O2 -static -pthread -o $@ $<

$(LINUXBENCH_INITRAMFS): $(LINUXBENCH_BIN) tools/mkcpio.py
	$(PYTHON) tools/mkcpio.py -o $@ --dir /dev --dir /sys --dir /tmp \
	  --char /dev/console=5:1 --file /init=$<:0755

BENCH_IMAGES += $(LINUXBENCH_INITRAMFS)

# linuxecho: the Linux guest's TCP echo server for tests/bench/bench_net_e1000.py
# (its initramfs, with the booted kernel's e1000.ko, is made at bench time).
LINUXECHO_BIN := $(LINUXBENCH_DIR)/linuxecho
$(LINUXECHO_BIN): tests/bench/linux/linuxecho.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) -std=gnu11 $(WARN) -O2 -static -o $@ $<
BENCH_IMAGES += $(LINUXECHO_BIN)
