# Supervisor requests answered and refused (tests/system/test_lspci.py).
$(eval $(call guest_program,supervisor-probe,tests/system/supervisor/probe.c))
$(eval $(call kaal_system,supervisor,tests/system/supervisor/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/supervisor.initrd
