# In-guest kernel test suite: the root task `kernel-tests` (see README.md).
KERNEL_TEST_SRCS := tests/kernel/main.c tests/kernel/test_cnode.c tests/kernel/test_retype.c \
  tests/kernel/test_vspace.c tests/kernel/test_hostile.c
$(eval $(call guest_program,kernel-tests,$(KERNEL_TEST_SRCS)))
TEST_KERNEL_DEPS += $(BUILD)/guest/bin/kernel-tests.elf $(KERNEL_IMAGE)
