# services/posix: the POSIX server component (README.md, component.toml)
# and what its systems need: a static musl test program and the POSIX
# root file system (busybox-static from Debian with its applet links).
POSIX_SRCS := $(addprefix services/posix/,main.c mem.c vm.c proc.c exec.c file.c tty.c \
  syscall.c)
$(eval $(call kaal_component,services/posix/component.toml,posix,$(POSIX_SRCS)))

# A static musl program for the loader (musl-gcc from Debian's musl-tools).
MUSL_GCC ?= musl-gcc
POSIX_HELLO := $(BUILD)/posix/hello
$(POSIX_HELLO): services/posix/tests/hello.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_GCC) -static -O2 -Wall -Wextra -Werror -o $@ $<

# The root file system of system/posix.toml: system/posix-rootfs/ (etc),
# Debian's busybox-static at /bin/busybox with a symlink per applet in
# /bin, the musl test program at /bin/posix-hello, the empty directories
# /tmp, /dev (the devfs mount point) and /proc, and every directory named in
# POSIX_ROOTFS_EXTRA (host paths, each copied to /<its name>; e.g.
# POSIX_ROOTFS_EXTRA=build/posixtests/t puts that tree at /t).
BUSYBOX ?= /bin/busybox
POSIX_ROOTFS_EXTRA ?=
POSIX_ROOTFS := $(BUILD)/rootfs/posix.cpio
POSIX_STAGE := $(BUILD)/rootfs/posix-tree
# The list itself is a dependency: a changed POSIX_ROOTFS_EXTRA rebuilds.
POSIX_EXTRA_LIST := $(BUILD)/rootfs/posix-extra.list
$(shell mkdir -p $(BUILD)/rootfs; echo '$(POSIX_ROOTFS_EXTRA)' | cmp -s - $(POSIX_EXTRA_LIST) \
  || echo '$(POSIX_ROOTFS_EXTRA)' > $(POSIX_EXTRA_LIST))
$(POSIX_ROOTFS): tools/mkcpio.py $(shell find system/posix-rootfs) $(POSIX_HELLO) \
  $(POSIX_EXTRA_LIST) $(if $(POSIX_ROOTFS_EXTRA),$(shell find $(POSIX_ROOTFS_EXTRA))) \
  | $(DEPS_STAMP)
	@test -x $(BUSYBOX) || { echo "$(BUSYBOX) missing: make deps (busybox-static)"; exit 1; }
	rm -rf $(POSIX_STAGE)
	mkdir -p $(POSIX_STAGE)/bin $(POSIX_STAGE)/tmp $(POSIX_STAGE)/dev $(POSIX_STAGE)/proc
	cp -R system/posix-rootfs/. $(POSIX_STAGE)/
	cp $(BUSYBOX) $(POSIX_STAGE)/bin/busybox
	for a in $$($(BUSYBOX) --list); do [ -e $(POSIX_STAGE)/bin/$$a ] || \
	  ln -s busybox $(POSIX_STAGE)/bin/$$a; done
	cp $(POSIX_HELLO) $(POSIX_STAGE)/bin/posix-hello
	for d in $(POSIX_ROOTFS_EXTRA); do cp -R $$d $(POSIX_STAGE)/; done
	chmod 755 $(POSIX_STAGE)/tmp $(POSIX_STAGE)/dev $(POSIX_STAGE)/proc
	$(PYTHON) tools/mkcpio.py -o $@ --tree $(POSIX_STAGE)

# The POSIX system (`make run SYSTEM=posix`) and its test variants.
$(eval $(call kaal_system,posix,system/posix.toml))
$(BUILD)/systems/posix.initrd: $(POSIX_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/posix.initrd
$(eval $(call kaal_system,posixhello,tests/system/systems/posixhello.toml))
$(BUILD)/systems/posixhello.initrd: $(POSIX_ROOTFS)
TEST_SYSTEM_DEPS += $(BUILD)/systems/posixhello.initrd
