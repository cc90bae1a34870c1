$(eval $(call kaal_system,lifecycle,tests/system/systems/lifecycle.toml))
$(eval $(call kaal_system,pingpong,apps/pingpong/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/lifecycle.initrd $(BUILD)/systems/pingpong.initrd
$(eval $(call kaal_system,serialprobe,apps/serialprobe/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/serialprobe.initrd
