# services/shell: the shell's core (line editor, tokenizer, command table),
# a library the shell component will link. Guest: libshell.a (freestanding);
# host: cmocka tests with a dumb-terminal model, and a libFuzzer target for
# the line editor.
SHELL_SRCS := services/shell/lineedit.c services/shell/tokenize.c services/shell/shell.c \
  services/shell/commands.c services/shell/files.c
SHELL_LIB := $(BUILD)/guest/libshell.a

$(SHELL_LIB): $(patsubst %,$(BUILD)/guest/%.o,$(basename $(SHELL_SRCS)))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

all: $(SHELL_LIB)

$(eval $(call host_test,test_lineedit,tests/unit/test_lineedit.c services/shell/lineedit.c \
  services/shell/tokenize.c tests/unit/dddk/term.c))
$(eval $(call host_test,test_shell,tests/unit/test_shell.c $(SHELL_SRCS) tests/unit/dddk/term.c \
  runtime/devices/devices.c runtime/printf/format.c runtime/string/error.c))
# The file commands on the VFS library itself (services/vfs, a ramfs at /).
$(eval $(call host_test,test_shell_files,tests/unit/test_shell_files.c $(SHELL_SRCS) \
  tests/unit/dddk/term.c runtime/devices/devices.c runtime/printf/format.c runtime/string/error.c \
  $(addprefix services/vfs/,vfs.c path.c perm.c mount.c proc.c open.c io.c attr.c dir.c names.c \
  ramfs.c devfs.c)))
$(eval $(call fuzz_target,lineedit,tests/unit/test_lineedit_fuzz.c services/shell/lineedit.c \
  tests/unit/dddk/term.c))

# The shell component (component.toml): the core above on the console's
# input ring, date from the rtc driver component (drivers/rtc/rtc_client.h).
$(BUILD)/guest/services/shell/main.o: GUEST_CFLAGS += -Idrivers
$(eval $(call kaal_component,services/shell/component.toml,shell,services/shell/main.c $(SHELL_SRCS)))
