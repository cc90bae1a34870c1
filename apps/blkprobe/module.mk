# apps/blkprobe: the block probe (README.md) and its system with the
# virtio-blk driver (build/systems/blkprobe.initrd, tests/system/test_virtio_blk.py).
# It links the VFS library for its client of the driver's rings (services/vfs/blkclient).
$(eval $(call kaal_component,apps/blkprobe/component.toml,blkprobe,apps/blkprobe/main.c,$(BUILD)/guest/libvfs.a))
$(eval $(call kaal_system,blkprobe,apps/blkprobe/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/blkprobe.initrd
