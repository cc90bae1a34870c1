# services/vfs-server: the VFS server component (README.md, component.toml),
# one ELF for every system that runs it, linked with the VFS library
# (services/vfs/module.mk makes $(BUILD)/guest/libvfs.a).
$(eval $(call kaal_component,services/vfs-server/component.toml,vfs-server,\
  services/vfs-server/server.c services/vfs-server/rootfs.c services/vfs-server/disk.c,$(BUILD)/guest/libvfs.a))
# Its systems (clients in apps/vfsdemo/): the protocol test system.
$(eval $(call kaal_system,vfs,tests/system/systems/vfs.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/vfs.initrd
# The guest benchmark system (tests/bench/bench_vfs_guest.py).
$(eval $(call kaal_system,vfsbench,tests/system/systems/vfsbench.toml))
BENCH_IMAGES += $(BUILD)/systems/vfsbench.initrd
