#!/bin/sh
# Build the oracle probe root task against libsel4 headers.
# Usage: build-probe.sh <libsel4 source dir> <libsel4 generated dir> <out.elf>
#   <libsel4 source dir>    .../libsel4 of an unpacked seL4 tree
#   <libsel4 generated dir> the libsel4/ folder of that kernel's build dir
#                           (holds include/, arch_include/, sel4_arch_include/,
#                           autoconf/, gen_config/) and ../gen_config beside it
#        build-probe.sh --kaal <KaaL source tree> <out.elf>
#   the same probe against KaaL's include/sel4, with the <autoconf.h> shim
#   in ../kaal/ (what tests/system/test_sel4_oracle.py boots)
# The compiler flags are the same in both modes.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$1" = --kaal ]; then
  K=$2; OUT=$3
  INC="-I$HERE/../kaal -I$K/include"
else
  L=$1; G=$2; OUT=$3
  INC="-I$L/include -I$L/arch_include/x86 -I$L/sel4_arch_include/x86_64
   -I$L/sel4_plat_include/pc99 -I$L/mode_include/64
   -I$G/include -I$G/arch_include/x86 -I$G/sel4_arch_include/x86_64
   -I$G/autoconf -I$G/gen_config -I$G/../gen_config"
fi
CC=${CC:-gcc}
$CC ${EXTRA_CFLAGS:-} -std=gnu11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-pic -fno-pie \
  -fno-stack-protector -mno-red-zone -mgeneral-regs-only -nostdinc \
  -isystem "$($CC -print-file-name=include)" $INC \
  -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
  -Wl,--build-id=none -Wl,-Ttext-segment=0x400000 \
  -o "$OUT" "$HERE/crt0.S" "$HERE/probe.c" "$($CC -print-libgcc-file-name)"
echo "built $OUT"
