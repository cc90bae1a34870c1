# The KaaL kernel. Generic code in kernel/, arch code in kernel/arch/$(ARCH)/.
# Freestanding leaves shared with user space (formatter, ELF checker, string
# functions) are compiled in from runtime/: they have no dependencies.
KERNEL_SRCS += \
  kernel/main.c kernel/thread.c kernel/syscall.c kernel/fastpath.c kernel/fault.c kernel/interrupt.c \
  kernel/preemption.c \
  kernel/boot/boot_mem.c kernel/boot/root_task.c kernel/lib/kprintf.c \
  runtime/printf/format.c runtime/elf/elf.c runtime/string/string.c runtime/arch/$(ARCH)/string.c

# The seL4 object model: CSpace, CDT, Untyped, CNode, invocations.
KERNEL_SRCS += \
  kernel/object/cspace.c kernel/object/cdt.c kernel/object/objecttype.c \
  kernel/object/untyped.c kernel/object/cnode.c kernel/object/endpoint.c \
  kernel/object/invoke.c
# Threads, IPC, notifications, IRQs (issue 5).
KERNEL_SRCS += kernel/object/tcb.c kernel/object/notification.c kernel/object/irq.c

include kernel/arch/$(ARCH)/arch.mk

KERNEL_OBJS  := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(KERNEL_SRCS)))
KERNEL_ELF   := $(BUILD)/kernel/kaal.elf
KERNEL_IMAGE := $(BUILD)/kernel/kaal.elf32

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDSCRIPT)
	$(CC) $(KERNEL_CFLAGS) $(KERNEL_LDFLAGS) -T $(KERNEL_LDSCRIPT) -o $@ $(KERNEL_OBJS)

# QEMU's multiboot loader takes 32-bit ELFs only: same image, 32-bit wrapper.
$(KERNEL_IMAGE): $(KERNEL_ELF)
	$(OBJCOPY) -O elf32-i386 $< $@

# make KAAL_DEBUG_SYSCALLS=0 builds a kernel without the debug system calls
# (seL4_DebugPutChar, seL4_DebugHalt, ...): they are then UnknownSyscall
# faults for every thread, as in a seL4 release build. The value is kept in
# a file so that changing it rebuilds kernel/syscall.c.
KAAL_DEBUG_SYSCALLS ?= 1
KAAL_DEBUG_SYSCALLS_CFG := $(BUILD)/kernel/debug-syscalls.cfg
$(KAAL_DEBUG_SYSCALLS_CFG): FORCE
	@mkdir -p $(@D)
	@echo $(KAAL_DEBUG_SYSCALLS) | cmp -s - $@ || echo $(KAAL_DEBUG_SYSCALLS) > $@
$(BUILD)/kernel/kernel/syscall.o: KERNEL_CFLAGS += -DKAAL_DEBUG_SYSCALLS=$(KAAL_DEBUG_SYSCALLS)
$(BUILD)/kernel/kernel/syscall.o: $(KAAL_DEBUG_SYSCALLS_CFG)
