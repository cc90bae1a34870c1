# The newc cpio reader (runtime/cpio/README.md): part of libkaal (the VFS
# server unpacks its root file system with it); host-tested and fuzzed.
LIBKAAL_SRCS += runtime/cpio/cpio.c
$(eval $(call host_test,test_cpio,tests/unit/test_cpio.c runtime/cpio/cpio.c))
$(eval $(call fuzz_target,cpio,tests/fuzz/fuzz_cpio.c runtime/cpio/cpio.c))
