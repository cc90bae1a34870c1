# Host unit tests of the foundation's pure code (cmocka, ASan+UBSan).
KERNEL_HOST_INCLUDES := -Ikernel/include -Ikernel/arch/$(ARCH)/include

$(eval $(call host_test,test_format,tests/unit/test_format.c runtime/printf/format.c))
$(eval $(call host_test,test_elf,tests/unit/test_elf.c runtime/elf/elf.c))
$(eval $(call host_test,test_string,tests/unit/test_string.c))
$(eval $(call host_test,test_multiboot,tests/unit/test_multiboot.c kernel/arch/$(ARCH)/multiboot.c))
$(eval $(call host_test,test_boot_mem,tests/unit/test_boot_mem.c kernel/boot/boot_mem.c))

# Kernel sources and their tests see the kernel's private headers.
$(BUILD)/host/kernel/%.o $(BUILD)/host/tests/unit/test_multiboot.o \
$(BUILD)/host/tests/unit/test_boot_mem.o: HOST_CFLAGS += $(KERNEL_HOST_INCLUDES)

$(eval $(call fuzz_target,elf,tests/fuzz/fuzz_elf.c runtime/elf/elf.c))
