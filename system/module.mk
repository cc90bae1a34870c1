# system/: the default system `make run` boots (default.toml) and a second
# one wired differently from the same component ELFs (alt.toml). Their
# components are built where their code is (kaal_component in each
# directory's module.mk); a system only wires them.
# The VFS server's root file system: system/rootfs/ packed as a newc cpio
# archive (the "rootfs" file of default.toml); never committed.
DEFAULT_ROOTFS := $(BUILD)/rootfs/default.cpio
$(DEFAULT_ROOTFS): tools/mkcpio.py $(shell find system/rootfs)
	@mkdir -p $(@D)
	$(PYTHON) tools/mkcpio.py -o $@ --tree system/rootfs
$(eval $(call kaal_system,default,system/default.toml))
$(BUILD)/systems/default.initrd: $(DEFAULT_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/default.initrd
# The second system from the same ELFs (alt.toml, tests/system/test_alt_system.py).
$(eval $(call kaal_system,alt,system/alt.toml))
$(BUILD)/systems/alt.initrd: $(DEFAULT_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/alt.initrd
# The network system (net.toml: the net server, the echo service, the shell).
$(eval $(call kaal_system,net,system/net.toml))
$(BUILD)/systems/net.initrd: $(DEFAULT_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/net.initrd
# The storage system (storage.toml): the default system with an ext2 disk
# made by Debian's mke2fs from system/storage-disk/ (never committed), in
# the build directory where the system's [[machine.drive]] finds it. The
# image is made again only when the tree changes, so what a guest wrote
# stays until then.
STORAGE_IMAGE := $(BUILD)/storage.img
$(STORAGE_IMAGE): $(shell find system/storage-disk)
	@mkdir -p $(@D)
	rm -f $@
	mke2fs -q -F -t ext2 -L kaal-storage -d system/storage-disk $@ 16M
$(eval $(call kaal_system,storage,system/storage.toml))
$(BUILD)/systems/storage.initrd: $(DEFAULT_ROOTFS) $(STORAGE_IMAGE)
TEST_SYSTEM_DEPS += $(BUILD)/systems/storage.initrd
