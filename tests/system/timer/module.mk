# timer (tests/system/test_timer.py): the timer component and its test
# client in three roles.
$(eval $(call kaal_component,tests/system/timer/timerclient.component.toml,timerclient,tests/system/timer/client.c))
$(eval $(call kaal_system,timer,tests/system/timer/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/timer.initrd
