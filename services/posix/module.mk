# services/posix: the POSIX server component (README.md, component.toml)
# and what its systems need: a static musl test program and the POSIX
# root file system (busybox-static from Debian with its applet links).
POSIX_SRCS := $(addprefix services/posix/,main.c mem.c vm.c proc.c exec.c file.c tty.c socket.c poll.c \
  syscall.c futex.c)
$(eval $(call kaal_component,services/posix/component.toml,posix,$(POSIX_SRCS)))

# Static musl test programs (musl-gcc from Debian's musl-tools): hello for
# the loader, sysinfo for the leak test, crash for SIGSEGV, badcalls for errnos of bad
# arguments, cowfork for fork's copy-on-write, bench for
# the figures of tests/bench/bench_posix.py.
MUSL_GCC ?= musl-gcc
POSIX_HELLO := $(BUILD)/posix/hello
POSIX_SYSINFO := $(BUILD)/posix/sysinfo
POSIX_CRASH := $(BUILD)/posix/crash
POSIX_BENCH := $(BUILD)/posix/bench
POSIX_BADCALLS := $(BUILD)/posix/badcalls
POSIX_COWFORK := $(BUILD)/posix/cowfork
$(BUILD)/posix/%: services/posix/tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_GCC) -static -O2 -Wall -Wextra -Werror -o $@ $<

include services/posix/python.mk

# The root file system of system/posix.toml: system/posix-rootfs/ (etc),
# Debian's busybox-static at /bin/busybox with a symlink per applet in
# /bin, the musl test programs /bin/posix-{hello,sysinfo,crash,badcalls,cowfork,bench},
# python3 (python.mk) at /usr/bin/python3 with its stdlib /usr/lib/python311.zip
# (and an empty /usr/lib/python3.11/lib-dynload: python's landmark for
# its exec prefix, so it starts without a warning), the empty directories
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
$(POSIX_ROOTFS): tools/mkcpio.py $(shell find system/posix-rootfs) $(POSIX_HELLO) $(POSIX_SYSINFO) \
  $(POSIX_CRASH) $(POSIX_BENCH) $(POSIX_BADCALLS) $(POSIX_COWFORK) $(PYTHON_STATIC) $(PYTHON_ZIP) \
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
	cp $(POSIX_SYSINFO) $(POSIX_STAGE)/bin/posix-sysinfo
	cp $(POSIX_CRASH) $(POSIX_STAGE)/bin/posix-crash
	cp $(POSIX_BENCH) $(POSIX_STAGE)/bin/posix-bench
	cp $(POSIX_BADCALLS) $(POSIX_STAGE)/bin/posix-badcalls
	cp $(POSIX_COWFORK) $(POSIX_STAGE)/bin/posix-cowfork
	mkdir -p $(POSIX_STAGE)/usr/bin $(POSIX_STAGE)/usr/lib/python$(PYTHON_VERSION)/lib-dynload
	cp $(PYTHON_STATIC) $(POSIX_STAGE)/usr/bin/python3
	cp $(PYTHON_ZIP) $(POSIX_STAGE)/usr/lib/python311.zip
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
$(eval $(call kaal_system,posixbench,tests/system/systems/posixbench.toml))
$(BUILD)/systems/posixbench.initrd: $(POSIX_ROOTFS)
BENCH_IMAGES += $(BUILD)/systems/posixbench.initrd
