# services/console: the console server component (component.toml); mux.c
# is also host-tested.
$(eval $(call kaal_component,services/console/component.toml,console,services/console/main.c services/console/mux.c))
$(eval $(call host_test,test_console_mux,tests/unit/test_console_mux.c services/console/mux.c))
$(eval $(call fuzz_target,console_mux,tests/unit/test_console_mux_fuzz.c services/console/mux.c))
