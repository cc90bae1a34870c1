# In-guest kernel test suite: the root task `kernel-tests` (see README.md).
KERNEL_TEST_SRCS := \
  tests/kernel/main.c \
  tests/kernel/test_cnode.c \
  tests/kernel/test_retype.c \
  tests/kernel/test_vspace.c \
  tests/kernel/test_hostile.c \
  tests/kernel/thread_env.c \
  tests/kernel/test_ipc.c \
  tests/kernel/test_fastpath.c \
  tests/kernel/test_hostile_ipc.c \
  tests/kernel/test_debug_syscalls.c \
  tests/kernel/test_withmrs.c \
  tests/kernel/test_preempt.c \
  tests/kernel/test_tcb_regs.c \
  tests/kernel/test_irq.c \
  tests/kernel/test_bootinfo.c
$(eval $(call guest_program,kernel-tests,$(KERNEL_TEST_SRCS)))
TEST_KERNEL_DEPS += $(BUILD)/guest/bin/kernel-tests.elf $(KERNEL_IMAGE)

# Host unit tests of the kernel's pure parts (CPtr resolution, CDT).
$(eval $(call host_test,test_cspace,tests/unit/test_cspace.c kernel/object/cspace.c))
$(eval $(call host_test,test_cdt,tests/unit/test_cdt.c kernel/object/cdt.c kernel/object/cspace.c))
$(BUILD)/host/tests/unit/test_cspace.o $(BUILD)/host/tests/unit/test_cdt.o \
$(BUILD)/host/kernel/object/cspace.o $(BUILD)/host/kernel/object/cdt.o: HOST_CFLAGS += -Ikernel/include

# kernel-chaos: unrestricted random invocations, a crash-hunting tool (see chaos.c).
$(eval $(call guest_program,kernel-chaos,tests/kernel/chaos.c))
