# The build of a project made by `sel4-compose new` (docs/sdk.md). A
# project's Makefile is two lines:
#
#     KAAL_SDK ?= /opt/kaal
#     include $(KAAL_SDK)/mk/project.mk
#
# KAAL_SDK is an installed SDK (`make install PREFIX=...` in a KaaL tree)
# or a KaaL source tree; either way nothing of it is copied into the
# project. From a source tree the SDK's parts are built by the tree's own
# make (`sdk-parts`) into KAAL_BUILD (default: the tree's build/).
#
# The project:
#   system.toml               the system: instances of component types, channels
#   components/NAME/          a component of the project: component.toml
#                             (binary = "NAME.elf"), *.c, test.expect
#   rootfs/                   the VFS server's root file system (optional):
#                             packed into $(BUILD)/rootfs.cpio
# Set before the include (all optional):
#   ROOTFS_BUSYBOX = yes      add Debian's busybox-static (/bin/busybox, one
#                             link per applet, /tmp /dev /proc): POSIX systems
#   ROOTFS_ADD = DIR...       trees merged into / of the rootfs (build output
#                             of the project's own rules: each is a prerequisite)
#   ROOTFS_PYTHON = yes       the SDK's static python3 and its stdlib zip
#   QEMU_EXTRA = ...          more QEMU arguments for `make run`
# VERBOSE=1 shows the tree's build; KAAL_PROGRESS=1 (sel4-compose build) lets
# it through too, for sel4-compose to show one line per step of it.
# Targets: all (the boot image), check, run, test, clean.

.DEFAULT_GOAL := all
override KAAL_SDK := $(abspath $(KAAL_SDK))
BUILD ?= build
override BUILD := $(abspath $(BUILD))
include $(KAAL_SDK)/mk/config.mk

ifneq ($(wildcard $(KAAL_SDK)/kernel/module.mk),)
# A source tree: its make builds what the project links and boots.
KAAL_SDK_KIND := source
KAAL_BUILD ?= $(KAAL_SDK)/build
override KAAL_BUILD := $(abspath $(KAAL_BUILD))
SDK_KERNEL  := $(KAAL_BUILD)/kernel/kaal.elf32
SDK_INIT    := $(KAAL_BUILD)/guest/bin/init.elf
SDK_LIBKAAL := $(KAAL_BUILD)/guest/libkaal.a
SDK_CRT0    := $(KAAL_BUILD)/guest/runtime/crt/crt0.o
SDK_BIN_DIR := $(KAAL_BUILD)/guest/bin
SDK_COMPONENT_DIRS := $(addprefix $(KAAL_SDK)/,apps drivers services)
# The tree's make runs every time (it knows whether its parts are current);
# the stamp is touched only when one of them changed, so an up-to-date tree
# relinks nothing here.
SDK_STAMP   := $(BUILD)/.kaal-sdk
$(SDK_STAMP): FORCE
	@mkdir -p $(@D)
	@$(if $(VERBOSE)$(KAAL_PROGRESS),:,echo "KaaL tree $(KAAL_SDK): make sdk-parts (minutes" \
	  "the first time; log in $(BUILD)/kaal-sdk.log)")
	@$(MAKE) -C $(KAAL_SDK) --no-print-directory BUILD=$(KAAL_BUILD) sdk-parts \
	  $(if $(VERBOSE)$(KAAL_PROGRESS),,>$(BUILD)/kaal-sdk.log 2>&1) \
	  || { echo "KaaL tree $(KAAL_SDK): make sdk-parts failed ($(BUILD)/kaal-sdk.log):"; \
	       tail -20 $(BUILD)/kaal-sdk.log 2>/dev/null; exit 1; }
	@if [ ! -e $@ ] || [ -n "$$(find $(SDK_KERNEL) $(SDK_INIT) $(SDK_LIBKAAL) $(SDK_CRT0) \
	  $(SDK_BIN_DIR) -newer $@ 2>/dev/null | head -1)" ]; then touch $@; fi
else
KAAL_SDK_KIND := installed
SDK_KERNEL  := $(KAAL_SDK)/boot/kaal.elf32
SDK_INIT    := $(KAAL_SDK)/boot/init.elf
SDK_LIBKAAL := $(KAAL_SDK)/lib/libkaal.a
SDK_CRT0    := $(KAAL_SDK)/lib/crt0.o
SDK_BIN_DIR := $(KAAL_SDK)/components/bin
SDK_COMPONENT_DIRS := $(KAAL_SDK)/components
SDK_STAMP   :=
endif

SDK_TOOLS := $(KAAL_SDK)/tools
COMPOSE   := $(PYTHON) $(SDK_TOOLS)/sel4-compose
SYSTOML   := $(PYTHON) $(SDK_TOOLS)/systoml-compile
MKIMAGE   := $(PYTHON) $(SDK_TOOLS)/mkimage
MKCPIO    := $(PYTHON) $(SDK_TOOLS)/mkcpio.py
# The project's component types first, then the SDK's; its binaries likewise.
SEARCH := --component-dir components $(addprefix --component-dir ,$(SDK_COMPONENT_DIRS)) \
  --bin-dir $(BUILD)/bin --bin-dir $(SDK_BIN_DIR)
PROJECT_CFLAGS := $(GUEST_CFLAGS) -I$(KAAL_SDK)/include

.PHONY: all check image run test clean FORCE
FORCE:

# One ELF per components/NAME/: its <type>_caps.h from the component.toml
# alone, then its .c files, linked with the SDK's crt0 and libkaal.
PROJECT_COMPONENTS := $(patsubst components/%/component.toml,%,\
  $(wildcard components/*/component.toml))
PROJECT_ELFS := $(foreach c,$(PROJECT_COMPONENTS),$(BUILD)/bin/$(c).elf)

define project_component
$(BUILD)/components/$(1)/.stamp: components/$(1)/component.toml
	@mkdir -p $$(@D)
	$(SYSTOML) --component $$< --header-dir $$(@D)
	@touch $$@
$(BUILD)/obj/$(1)/%.o: components/$(1)/%.c $(BUILD)/components/$(1)/.stamp
	@mkdir -p $$(@D)
	$(CC) $(PROJECT_CFLAGS) -I$(BUILD)/components/$(1) $(DEPFLAGS) -c $$< -o $$@
$(BUILD)/bin/$(1).elf: $(patsubst components/$(1)/%.c,$(BUILD)/obj/$(1)/%.o,\
  $(wildcard components/$(1)/*.c)) $(SDK_STAMP)
	@mkdir -p $$(@D)
	$(CC) $(GUEST_LDFLAGS) -o $$@ $(SDK_CRT0) $(patsubst components/$(1)/%.c,\
	  $(BUILD)/obj/$(1)/%.o,$(wildcard components/$(1)/*.c)) $(SDK_LIBKAAL) $(GUEST_LIBGCC)
endef
$(foreach c,$(PROJECT_COMPONENTS),$(eval $(call project_component,$(c))))

# ROOTFS_PYTHON = yes: the SDK's static python3 at /usr/bin/python3 and its
# stdlib zip at /usr/lib/python311.zip (built by the tree's POSIX rootfs
# rules into $(KAAL_BUILD)/posix/, installed as the SDK's rootfs/).
ifeq ($(ROOTFS_PYTHON),yes)
SDK_PYTHON_DIR := $(if $(filter source,$(KAAL_SDK_KIND)),$(KAAL_BUILD)/posix,$(KAAL_SDK)/rootfs)
PYTHON_TREE := $(BUILD)/python-tree
$(PYTHON_TREE): $(wildcard $(SDK_PYTHON_DIR)/python3 $(SDK_PYTHON_DIR)/python311.zip) $(SDK_STAMP)
	@test -f $(SDK_PYTHON_DIR)/python3 -a -f $(SDK_PYTHON_DIR)/python311.zip || { echo \
	  "ROOTFS_PYTHON: this SDK has no python3 ($(SDK_PYTHON_DIR)/python3 and python311.zip):" \
	  "it comes with the tree's POSIX python build"; exit 1; }
	@rm -rf $@ && mkdir -p $@/usr/bin $@/usr/lib
	@cp $(SDK_PYTHON_DIR)/python3 $@/usr/bin/python3
	@cp $(SDK_PYTHON_DIR)/python311.zip $@/usr/lib/python311.zip
ROOTFS_ADD += $(PYTHON_TREE)
endif

# The root file system: rootfs/, busybox when asked, then ROOTFS_ADD.
ifneq ($(wildcard rootfs)$(ROOTFS_ADD),)
ROOTFS := $(BUILD)/rootfs.cpio
ROOTFS_STAGE := $(BUILD)/rootfs-tree
BUSYBOX ?= /bin/busybox
$(ROOTFS): $(shell find rootfs $(ROOTFS_ADD) 2>/dev/null) $(ROOTFS_ADD) Makefile
	@rm -rf $(ROOTFS_STAGE) && mkdir -p $(ROOTFS_STAGE)
	@if [ -d rootfs ]; then cp -R rootfs/. $(ROOTFS_STAGE)/; fi
ifeq ($(ROOTFS_BUSYBOX),yes)
	@test -x $(BUSYBOX) || { echo "$(BUSYBOX) missing: apt-get install busybox-static" \
	  "(sel4-compose doctor)"; exit 1; }
	@mkdir -p $(ROOTFS_STAGE)/bin $(ROOTFS_STAGE)/tmp $(ROOTFS_STAGE)/dev $(ROOTFS_STAGE)/proc
	@cp $(BUSYBOX) $(ROOTFS_STAGE)/bin/busybox
	@for a in $$($(BUSYBOX) --list); do [ -e $(ROOTFS_STAGE)/bin/$$a ] || \
	  ln -s busybox $(ROOTFS_STAGE)/bin/$$a; done
	@chmod 755 $(ROOTFS_STAGE)/tmp $(ROOTFS_STAGE)/dev $(ROOTFS_STAGE)/proc
endif
	@for d in $(ROOTFS_ADD); do cp -R $$d/. $(ROOTFS_STAGE)/; done
	$(MKCPIO) -o $@ --tree $(ROOTFS_STAGE)
endif

# The system description (and its QEMU arguments), then the boot module list.
$(BUILD)/system.ksys: system.toml $(PROJECT_ELFS) $(SDK_STAMP) $(ROOTFS) \
  $(wildcard components/*/component.toml)
	$(SYSTOML) system.toml -o $@ --qemu-args $(BUILD)/system.qemu $(SEARCH)
$(BUILD)/initrd.txt: $(BUILD)/system.ksys $(SDK_STAMP)
	$(MKIMAGE) system.toml --sysdesc $< --root-task $(SDK_INIT) $(SEARCH) -o $@
# What `sel4-compose run/test` boot: the kernel and the module list.
$(BUILD)/boot.txt: $(BUILD)/initrd.txt $(SDK_STAMP)
	@echo $(SDK_KERNEL) > $@

all image: $(BUILD)/boot.txt

check:
	@$(COMPOSE) check system.toml --no-binaries

# QEMU exits 1 when the guest reports success on the debug-exit port and 0
# when quit with Ctrl-A x: neither is a failure.
run: $(BUILD)/boot.txt
	@echo "$(notdir $(CURDIR)): booting in QEMU (quit with Ctrl-A x)"
	@$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -kernel $(SDK_KERNEL) \
	  -initrd "$$(cat $(BUILD)/initrd.txt)" $$(cat $(BUILD)/system.qemu) $(QEMU_EXTRA); \
	  status=$$?; case $$status in 0|1) ;; *) echo "QEMU exit status $$status"; exit 1;; esac

test: $(BUILD)/boot.txt
	@$(COMPOSE) test --no-build --build-dir $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
