# services/vfs-server: the VFS server component (see README.md here).
# Its <vfs_caps.h> comes from the test system tests/system/systems/vfs.toml;
# every system that runs the server wires it the same way (README.md). It
# links the VFS library libvfs.a (services/vfs/module.mk, included after
# this file: hence the deferred $$(VFS_GUEST_LIB)).
VFS_SERVER_ELF := $(BUILD)/guest/bin/vfs-server.elf
VFS_SERVER_OBJS := $(BUILD)/guest/services/vfs-server/server.o \
                   $(BUILD)/guest/services/vfs-server/rootfs.o
GUEST_PROGRAMS += $(VFS_SERVER_ELF)

$(eval $(call kaal_system_headers,vfs,tests/system/systems/vfs.toml))
$(VFS_SERVER_OBJS): GUEST_CFLAGS += -I$(BUILD)/systems/vfs-include
$(VFS_SERVER_OBJS): $(BUILD)/systems/vfs-include/.stamp

$(VFS_SERVER_ELF): $(VFS_SERVER_OBJS) $$(VFS_GUEST_LIB) $(LIBKAAL) $(CRT0)
	@mkdir -p $(@D)
	$(CC) $(GUEST_LDFLAGS) -o $@ $(CRT0) $(VFS_SERVER_OBJS) $(VFS_GUEST_LIB) $(LIBKAAL) $(GUEST_LIBGCC)

# Its systems (clients in apps/vfsdemo/): the protocol test system.
$(eval $(call kaal_system,vfs,tests/system/systems/vfs.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/vfs.initrd
# The guest benchmark system (tests/bench/bench_vfs_guest.py).
$(eval $(call kaal_system,vfsbench,tests/system/systems/vfsbench.toml))
BENCH_IMAGES += $(BUILD)/systems/vfsbench.initrd
