$(eval $(call kaal_system,lifecycle,tests/system/systems/lifecycle.toml))
$(eval $(call kaal_system,pingpong,apps/pingpong/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/lifecycle.initrd $(BUILD)/systems/pingpong.initrd
$(eval $(call kaal_system,serialprobe,apps/serialprobe/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/serialprobe.initrd
# The VFS server given a damaged rootfs archive (test_rootfs.py).
$(BUILD)/rootfs/bad.cpio: tests/system/systems/make_bad_rootfs.py tools/mkcpio.py
	@mkdir -p $(@D)
	$(PYTHON) tests/system/systems/make_bad_rootfs.py $@
$(eval $(call kaal_system,rootfs_bad,tests/system/systems/rootfs_bad.toml))
$(BUILD)/systems/rootfs_bad.initrd: $(BUILD)/rootfs/bad.cpio
TEST_SYSTEM_DEPS += $(BUILD)/systems/rootfs_bad.initrd
# The console server with prefixes on and off (tests/system/test_console.py).
$(eval $(call kaal_system,console,tests/system/systems/console.toml))
$(eval $(call kaal_system,console-plain,tests/system/systems/console-plain.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/console.initrd $(BUILD)/systems/console-plain.initrd
$(eval $(call kaal_system,e1000probe,drivers/e1000probe/system.toml))
# A PCI device grant: the e1000probe driver (tests/system/test_pcigrant.py).
TEST_SYSTEM_DEPS += $(BUILD)/systems/e1000probe.initrd
