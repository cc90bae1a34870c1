# Supervisor requests answered and refused (tests/system/test_lspci.py).
$(eval $(call kaal_component,tests/system/supervisor/component.toml,supervisor-probe,tests/system/supervisor/probe.c))
$(eval $(call kaal_system,supervisor,tests/system/supervisor/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/supervisor.initrd
