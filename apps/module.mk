# Example components (see apps/README.md).
$(eval $(call guest_program,hello,apps/hello/main.c))
$(eval $(call guest_program,crasher,apps/crasher/main.c))

# $(call kaal_system,NAME,TOML): compiles a system description and its boot
# module list. The toml is copied to $(BUILD)/NAME.system.toml so its binary
# paths ("guest/bin/x.elf") resolve inside the build directory.
define kaal_system
SYSTEMS += $(BUILD)/systems/$(1).initrd
$(BUILD)/systems/$(1).initrd: $(2) $(GUEST_PROGRAMS) $(wildcard tools/systoml/*.py)
	@mkdir -p $(BUILD)/systems
	cp $(2) $(BUILD)/$(1).system.toml
	$(PYTHON) tools/systoml-compile $(BUILD)/$(1).system.toml -o $(BUILD)/systems/$(1).ksys
	$(PYTHON) tools/mkimage $(BUILD)/$(1).system.toml --sysdesc $(BUILD)/systems/$(1).ksys \
	  --root-task $(ROOT_TASK) -o $$@
endef

# $(call kaal_system_headers,NAME,TOML): the <component>_caps.h headers of a
# system, made before its components are compiled (they need no binaries).
define kaal_system_headers
$(BUILD)/systems/$(1)-include/.stamp: $(2) $(wildcard tools/systoml/*.py)
	@mkdir -p $(BUILD)/systems/$(1)-include
	$(PYTHON) tools/systoml-compile $(2) --no-binaries --header-dir $(BUILD)/systems/$(1)-include
	@touch $$@
endef
# A console stress component (tests/system/systems/console.toml).
$(eval $(call guest_program,chatter,apps/chatter/main.c))
