# services/console: the console server component of the default system
# (system/default.toml), built against its generated header; mux.c is also
# host-tested.
$(BUILD)/guest/services/console/main.o: GUEST_CFLAGS += -I$(BUILD)/systems/default-include
$(BUILD)/guest/services/console/main.o: $(BUILD)/systems/default-include/.stamp
$(eval $(call guest_program,console,services/console/main.c services/console/mux.c))
$(eval $(call host_test,test_console_mux,tests/unit/test_console_mux.c services/console/mux.c))
$(eval $(call fuzz_target,console_mux,tests/unit/test_console_mux_fuzz.c services/console/mux.c))
