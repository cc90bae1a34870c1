# rpcabort (tests/system/test_rpcabort.py): a server that dies inside a
# call, and its client.
$(eval $(call kaal_component,tests/system/rpcabort/flaky.component.toml,rpcabort-flaky,tests/system/rpcabort/flaky.c))
$(eval $(call kaal_component,tests/system/rpcabort/killer.component.toml,rpcabort-killer,tests/system/rpcabort/killer.c))
$(eval $(call kaal_component,tests/system/rpcabort/caller.component.toml,rpcabort-caller,tests/system/rpcabort/caller.c))
$(eval $(call kaal_system,rpcabort,tests/system/rpcabort/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/rpcabort.initrd
