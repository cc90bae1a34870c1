KERNEL_SRCS += \
  kernel/arch/x86_64/boot.S kernel/arch/x86_64/traps.S \
  kernel/arch/x86_64/boot_x86.c kernel/arch/x86_64/cpu.c kernel/arch/x86_64/serial.c \
  kernel/arch/x86_64/trap.c kernel/arch/x86_64/vspace.c kernel/arch/x86_64/multiboot.c \
  kernel/arch/x86_64/apic.c kernel/arch/x86_64/fpu.c kernel/arch/x86_64/ioapic.c
KERNEL_LDSCRIPT := kernel/arch/x86_64/linker.ld
KERNEL_SRCS += kernel/arch/x86_64/object/paging.c kernel/arch/x86_64/object/frame.c \
  kernel/arch/x86_64/object/page_table.c kernel/arch/x86_64/object/asid.c \
  kernel/arch/x86_64/object/boot_caps.c kernel/arch/x86_64/object/invoke.c
KERNEL_SRCS += kernel/arch/x86_64/object/tcb.c kernel/arch/x86_64/object/irq.c
