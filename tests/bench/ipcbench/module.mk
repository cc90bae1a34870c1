# The IPC benchmark system (tests/bench/bench_ipc.py).
$(eval $(call kaal_component,tests/bench/ipcbench/client.component.toml,ipcbench-client,tests/bench/ipcbench/client.c))
$(eval $(call kaal_component,tests/bench/ipcbench/server.component.toml,ipcbench-server,tests/bench/ipcbench/server.c))
$(eval $(call kaal_system,ipcbench,tests/bench/ipcbench/system.toml))
BENCH_IMAGES += $(BUILD)/systems/ipcbench.initrd
