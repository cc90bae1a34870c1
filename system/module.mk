# system/: the default system `make run` boots (default.toml): the uart16550
# driver component on COM1 and the shell on its byte stream. The components
# are built by drivers/uart16550/module.mk and services/shell/module.mk
# against the headers made here.
$(eval $(call kaal_system_headers,default,system/default.toml))
# The demo component (demo.c): waits until `crash` makes it fault.
$(BUILD)/guest/system/demo.o: GUEST_CFLAGS += -I$(BUILD)/systems/default-include
$(BUILD)/guest/system/demo.o: $(BUILD)/systems/default-include/.stamp
$(eval $(call guest_program,demo,system/demo.c))
# The VFS server's root file system: system/rootfs/ packed as a newc cpio
# archive (the "rootfs" [[component.file]] of default.toml); never committed.
DEFAULT_ROOTFS := $(BUILD)/rootfs/default.cpio
$(DEFAULT_ROOTFS): tools/mkcpio.py $(shell find system/rootfs)
	@mkdir -p $(@D)
	$(PYTHON) tools/mkcpio.py -o $@ --tree system/rootfs
$(eval $(call kaal_system,default,system/default.toml))
$(BUILD)/systems/default.initrd: $(DEFAULT_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/default.initrd
