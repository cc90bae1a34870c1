# The IPC benchmark system (tests/bench/bench_ipc.py).
IPCBENCH_INCLUDE := $(BUILD)/systems/ipcbench-include
$(eval $(call kaal_system_headers,ipcbench,tests/bench/ipcbench/system.toml))
$(BUILD)/guest/tests/bench/ipcbench/%.o: GUEST_CFLAGS += -I$(IPCBENCH_INCLUDE)
$(BUILD)/guest/tests/bench/ipcbench/client.o $(BUILD)/guest/tests/bench/ipcbench/server.o: \
  $(IPCBENCH_INCLUDE)/.stamp
$(eval $(call guest_program,ipcbench-client,tests/bench/ipcbench/client.c))
$(eval $(call guest_program,ipcbench-server,tests/bench/ipcbench/server.c))
$(eval $(call kaal_system,ipcbench,tests/bench/ipcbench/system.toml))
BENCH_IMAGES += $(BUILD)/systems/ipcbench.initrd
