# rpcabort (tests/system/test_rpcabort.py): a server that dies inside a
# call, and its client.
RPCABORT_INCLUDE := $(BUILD)/systems/rpcabort-include
$(eval $(call kaal_system_headers,rpcabort,tests/system/rpcabort/system.toml))
$(BUILD)/guest/tests/system/rpcabort/%.o: GUEST_CFLAGS += -I$(RPCABORT_INCLUDE)
$(addprefix $(BUILD)/guest/tests/system/rpcabort/,flaky.o killer.o caller.o): $(RPCABORT_INCLUDE)/.stamp
$(eval $(call guest_program,rpcabort-flaky,tests/system/rpcabort/flaky.c))
$(eval $(call guest_program,rpcabort-killer,tests/system/rpcabort/killer.c))
$(eval $(call guest_program,rpcabort-caller,tests/system/rpcabort/caller.c))
$(eval $(call kaal_system,rpcabort,tests/system/rpcabort/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/rpcabort.initrd
