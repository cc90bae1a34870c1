# Debug system calls withheld from a component (tests/system/test_debugcalls.py).
$(eval $(call kaal_component,tests/system/debugcalls/component.toml,debugcalls-halter,tests/system/debugcalls/halter.c))
$(eval $(call kaal_system,debugcalls,tests/system/debugcalls/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/debugcalls.initrd
