# System and component build macros (mk/README.md). Included by rules.mk,
# before any module.mk, so every module.mk may call them. Nothing here
# depends on the order in which module.mk files are read: lists other
# module.mk files add to (GUEST_PROGRAMS, ROOT_TASK) are prerequisites
# through secondary expansion ($$$$), i.e. read once all are included.

# Where the system compiler looks for component.toml files (each declares a
# component type: tools/systoml/component.py), and where their binaries are.
KAAL_COMPONENT_DIRS := apps drivers services system tests
KAAL_COMPONENT_TOMLS := $(shell find $(KAAL_COMPONENT_DIRS) \( -name component.toml -o \
  -name '*.component.toml' \) 2>/dev/null)
SYSTOML_SEARCH = $(addprefix --component-dir ,$(KAAL_COMPONENT_DIRS)) --bin-dir $(BUILD)/guest/bin
SYSTOML_DEPS = $(wildcard tools/systoml/*.py)

# $(call kaal_component,TOML,PROGRAM,SOURCES[,LIBS]): the component a
# component.toml (DIR/component.toml, or DIR/NAME.component.toml when a
# directory holds several) declares, built once for every system that uses
# it: its <TYPE>_caps.h, from the toml alone, in $(BUILD)/components/TOML-without-.toml/,
# then $(BUILD)/guest/bin/PROGRAM.elf (PROGRAM.elf is the toml's `binary`)
# from SOURCES compiled with that header on the include path, linked with
# LIBS (static libraries) before libkaal. Systems then name it by its type.
define kaal_component
$(BUILD)/components/$(basename $(1))/.stamp: $(1) $(SYSTOML_DEPS)
	@mkdir -p $$(@D)
	$(PYTHON) tools/systoml-compile --component $(1) --header-dir $$(@D)
	@touch $$@
$(patsubst %,$(BUILD)/guest/%.o,$(basename $(3))): GUEST_CFLAGS += -I$(BUILD)/components/$(basename $(1))
$(patsubst %,$(BUILD)/guest/%.o,$(basename $(3))): $(BUILD)/components/$(basename $(1))/.stamp
$(call guest_program,$(2),$(3),$(4))
endef

# $(call kaal_system,NAME,TOML): compiles a system description and its boot
# module list into $(BUILD)/systems/NAME.initrd (`make run SYSTEM=NAME`). The
# toml is copied to $(BUILD)/NAME.system.toml so its paths ("guest/bin/x.elf",
# boot files) resolve inside the build directory. It waits for every guest
# program and component.toml; a boot file that is build output needs its
# own line: `$(BUILD)/systems/NAME.initrd: FILE`. The system's [machine]
# table (NIC, host forwards, drives) becomes $(BUILD)/systems/NAME.qemu, the
# QEMU arguments `make run` and tools/qemu_harness.py add.
define kaal_system
SYSTEMS += $(BUILD)/systems/$(1).initrd
$(BUILD)/systems/$(1).initrd: $(2) $$$$(GUEST_PROGRAMS) $$$$(ROOT_TASK) $(KAAL_COMPONENT_TOMLS) \
  $(SYSTOML_DEPS)
	@mkdir -p $(BUILD)/systems
	cp $(2) $(BUILD)/$(1).system.toml
	$(PYTHON) tools/systoml-compile $(BUILD)/$(1).system.toml -o $(BUILD)/systems/$(1).ksys \
	  --qemu-args $(BUILD)/systems/$(1).qemu $(SYSTOML_SEARCH)
	$(PYTHON) tools/mkimage $(BUILD)/$(1).system.toml --sysdesc $(BUILD)/systems/$(1).ksys \
	  --root-task $$(ROOT_TASK) $(SYSTOML_SEARCH) -o $$@
endef
