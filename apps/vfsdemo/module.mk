# Client components of the VFS server's systems: the protocol test
# (tests/system/systems/vfs.toml). They include their generated <NAME_caps.h>.
# The systems themselves are made in services/vfs-server/module.mk, which is
# included after services/init (the system image needs init's ELF).
$(BUILD)/guest/apps/vfsdemo/client_test.o: GUEST_CFLAGS += -I$(BUILD)/systems/vfs-include
$(BUILD)/guest/apps/vfsdemo/client_test.o: $(BUILD)/systems/vfs-include/.stamp
$(eval $(call guest_program,vfs-client-test,apps/vfsdemo/client_test.c))
