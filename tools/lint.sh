#!/bin/sh
# cppcheck over the C that runs in the guest and the kernel: the one
# definition of the lint command, run by `make lint` and by the source suite
# of `make test` (tools/testrun.py). Compiler warnings are already errors in
# every build; cppcheck adds the rest. Exit status 1 on any finding.
set -eu
cd "$(dirname "$0")/.."
ARCH=${ARCH:-x86_64}
# shellcheck disable=SC2046 # one argument per file
exec cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
  --inline-suppr --suppress=missingIncludeSystem -D__x86_64__ \
  -Iinclude -Ikernel/include -Ikernel/arch/"$ARCH"/include \
  $(git ls-files 'kernel/*.c' 'runtime/*.c' 'services/*.c' 'drivers/*.c')
