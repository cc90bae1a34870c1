# Client components of the VFS server's systems: the protocol test
# (tests/system/systems/vfs.toml). They include their generated <NAME_caps.h>.
# The systems themselves are made in services/vfs-server/module.mk.
$(eval $(call kaal_system_headers,vfs,tests/system/systems/vfs.toml))
$(BUILD)/guest/apps/vfsdemo/client_test.o: GUEST_CFLAGS += -I$(BUILD)/systems/vfs-include
$(BUILD)/guest/apps/vfsdemo/client_test.o: $(BUILD)/systems/vfs-include/.stamp
$(eval $(call guest_program,vfs-client-test,apps/vfsdemo/client_test.c))
# The peer client is a component of its own (peer.component.toml): vfs.toml,
# rootfs_bad.toml and system/alt.toml use the one ELF.
$(eval $(call kaal_component,apps/vfsdemo/peer.component.toml,vfs-client-peer,apps/vfsdemo/client_peer.c))

# The benchmark client (tests/system/systems/vfsbench.toml).
$(eval $(call kaal_system_headers,vfsbench,tests/system/systems/vfsbench.toml))
$(BUILD)/guest/apps/vfsdemo/client_bench.o: GUEST_CFLAGS += -I$(BUILD)/systems/vfsbench-include
$(BUILD)/guest/apps/vfsdemo/client_bench.o: $(BUILD)/systems/vfsbench-include/.stamp
$(eval $(call guest_program,vfs-client-bench,apps/vfsdemo/client_bench.c))
