# Toolchains and flags for the three kinds of code KaaL builds:
#   kernel  - freestanding, ring 0, higher half (-mcmodel=kernel), no SSE
#   guest   - freestanding user-space components (runtime/, services/, drivers/, apps/)
#   host    - tools and unit tests running on the build machine, with sanitizers
# Everything lands under $(BUILD); nothing is written into the source tree.

BUILD      ?= build
ARCH       ?= x86_64

CC         ?= gcc
HOST_CC    ?= gcc
AR         ?= ar
OBJCOPY    ?= objcopy
PYTHON     ?= python3
QEMU       ?= qemu-system-x86_64

WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
DEPFLAGS    = -MMD -MP

KERNEL_CFLAGS := -std=c11 $(WARN) -O2 -g -ffreestanding -fno-pic -fno-pie \
  -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -nostdinc \
  -isystem $(shell $(CC) -print-file-name=include) \
  -Iinclude -Ikernel/include -Ikernel/arch/$(ARCH)/include
KERNEL_ASFLAGS := -Ikernel/include -Ikernel/arch/$(ARCH)/include -Iinclude -D__ASSEMBLY__
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack -Wl,--build-id=none

GUEST_CFLAGS := -std=c11 $(WARN) -O2 -g -ffreestanding -fno-pic -fno-pie \
  -fno-stack-protector -fno-omit-frame-pointer -nostdinc \
  -isystem $(shell $(CC) -print-file-name=include) \
  -Iinclude -mno-red-zone
GUEST_ASFLAGS := -Iinclude -D__ASSEMBLY__
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
  -Wl,--build-id=none -Wl,-Ttext-segment=0x400000
GUEST_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

SANITIZE   ?= -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -std=c11 $(WARN) -O1 -g -fno-omit-frame-pointer $(SANITIZE) \
  -D_DEFAULT_SOURCE -Iinclude -Itests/unit
HOST_LDFLAGS := $(SANITIZE)
HOST_TEST_LIBS := -lcmocka

# QEMU: TCG only (no usable KVM here), qboot for a fast firmware, debug-exit
# device so the guest can stop the machine with a status.
QEMU_BIOS  := /usr/share/qemu/qboot.rom
QEMU_FLAGS := -accel tcg -cpu qemu64 -m 512M -bios $(QEMU_BIOS) -nographic \
  -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

HOST_BENCH_CFLAGS := -std=c11 $(WARN) -O2 -g -D_DEFAULT_SOURCE -Iinclude -pthread
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fsanitize=fuzzer,address,undefined \
  -D_DEFAULT_SOURCE -Iinclude -Itests/unit
FUZZ_RUNS   ?= 20000
