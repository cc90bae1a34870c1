# libkaal: the user-space runtime every component links (see runtime/README.md).
LIBKAAL_SRCS += \
  runtime/crt/start.c runtime/printf/format.c runtime/printf/stdio.c \
  runtime/string/string.c runtime/arch/$(ARCH)/string.c runtime/string/error.c runtime/elf/elf.c

LIBKAAL_OBJS = $(patsubst %,$(BUILD)/guest/%.o,$(basename $(LIBKAAL_SRCS)))

$(LIBKAAL): $$(LIBKAAL_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
