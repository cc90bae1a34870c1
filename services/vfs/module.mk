# services/vfs: the VFS core library (vfs.c and the files it is split into,
# see README.md), ramfs, devfs, ext2 and the block cache.
# Built twice: into the host tests/fuzzer/benchmark below, and as a guest
# static library (freestanding, GUEST_CFLAGS) for the VFS server component.
VFS_CORE_SRCS := $(addprefix services/vfs/,vfs.c path.c perm.c mount.c proc.c open.c io.c attr.c \
  dir.c names.c)
VFS_SRCS := $(VFS_CORE_SRCS) services/vfs/ramfs.c services/vfs/devfs.c
EXT2_SRCS := services/vfs/ext2/ext2.c
BCACHE_SRCS := services/vfs/bcache/bcache.c
BLKCLIENT_SRCS := services/vfs/blkclient/blkclient.c
VFS_GUEST_LIB := $(BUILD)/guest/libvfs.a
GUEST_LIBS += $(VFS_GUEST_LIB)

# cpio_unpack.c (pre-filling from a newc archive) needs runtime/cpio from libkaal.
$(VFS_GUEST_LIB): $(patsubst %,$(BUILD)/guest/%.o,$(basename $(VFS_SRCS) $(EXT2_SRCS) $(BCACHE_SRCS) $(BLKCLIENT_SRCS) services/vfs/cpio_unpack.c))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Differential test against the host kernel, KaaL-only rule tests, fuzzer, bench.
$(eval $(call host_test,test_vfs_diff,tests/unit/test_vfs_diff.c $(VFS_SRCS)))
$(eval $(call host_test,test_vfs_rules,tests/unit/test_vfs_rules.c $(VFS_SRCS)))
$(eval $(call fuzz_target,vfs_ops,tests/unit/vfs/fuzz_vfs_ops.c $(VFS_SRCS)))
$(eval $(call host_test,test_vfs_cpio,tests/unit/test_vfs_cpio.c $(VFS_SRCS) services/vfs/cpio_unpack.c runtime/cpio/cpio.c))
# ext2 on image files made by mke2fs at test time, e2fsck/debugfs as the oracle.
EXT2_TEST_SRCS := $(VFS_SRCS) $(EXT2_SRCS) tests/unit/vfs/ext2_image.c
$(eval $(call host_test,test_vfs_ext2,tests/unit/test_vfs_ext2.c $(EXT2_TEST_SRCS)))
$(eval $(call host_bench,vfs_ramfs,tests/unit/vfs/bench_vfs_ramfs.c $(VFS_SRCS)))

# Until `all` builds $(GUEST_LIBS), the unit-test build checks that the
# library still compiles freestanding with the guest flags.
$(BUILD)/host/tests/test_vfs_rules: | $(VFS_GUEST_LIB)
$(eval $(call host_test,test_vfs_ext2_diff,tests/unit/test_vfs_ext2_diff.c $(EXT2_TEST_SRCS)))
$(eval $(call fuzz_target,ext2,tests/unit/vfs/fuzz_ext2.c $(VFS_SRCS) $(EXT2_SRCS)))
# The block cache over an in-memory device that counts, records and fails requests.
$(eval $(call host_test,test_bcache,tests/unit/test_bcache.c $(BCACHE_SRCS) tests/unit/bcache/memdev.c))
# Power cuts under ext2 on the cache: replayed write-log prefixes checked by e2fsck.
$(eval $(call host_test,test_bcache_powercut,tests/unit/test_bcache_powercut.c $(EXT2_TEST_SRCS) $(BCACHE_SRCS) tests/unit/bcache/memdev.c))
# The cache against a reference model: random operations, sector sizes and faults.
$(eval $(call fuzz_target,bcache,tests/fuzz/fuzz_bcache.c $(BCACHE_SRCS) tests/unit/bcache/memdev.c))
# ext2 through the cache vs straight on the device: e2fsck clean, device requests counted.
$(eval $(call host_test,test_bcache_ext2,tests/unit/test_bcache_ext2.c $(EXT2_TEST_SRCS) $(BCACHE_SRCS) tests/unit/bcache/memdev.c))
