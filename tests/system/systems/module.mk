$(eval $(call kaal_system,lifecycle,tests/system/systems/lifecycle.toml))
$(eval $(call kaal_system,pingpong,apps/pingpong/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/lifecycle.initrd $(BUILD)/systems/pingpong.initrd
