# drivers/dde-linux/e1000: Linux's e1000 driver as a KaaL component (README.md).
# The four .c files are Linux's, unmodified, from $(LINUX_DIR) (drivers/dde-linux/linux.mk
# fetches them); main.c is the glue; the shim is libdde_linux.a.
include drivers/dde-linux/linux.mk
E1000_LINUX_SRCS := $(addprefix $(LINUX_E1000_DIR)/,e1000_main.c e1000_hw.c e1000_param.c e1000_ethtool.c)
E1000_LINUX_OBJS := $(patsubst $(LINUX_E1000_DIR)/%.c,$(BUILD)/guest/dde-linux/e1000/%.o,$(E1000_LINUX_SRCS))

# Static pattern and explicit rules only: a catch-all %.c rule would let make
# "remake" its own dependency files (x.d from x.d.o from x.d.c).
$(E1000_LINUX_SRCS): | $(LINUX_STAMP) ;
$(E1000_LINUX_OBJS): $(BUILD)/guest/dde-linux/e1000/%.o: $(LINUX_E1000_DIR)/%.c $(LINUX_STAMP)
	@mkdir -p $(@D)
	$(CC) $(DDE_LINUX_FILE_CFLAGS) -DKBUILD_MODNAME='"e1000"' $(DEPFLAGS) -c $< -o $@

$(BUILD)/guest/drivers/dde-linux/e1000/main.o: GUEST_CFLAGS += $(DDE_LINUX_INCLUDES)
$(BUILD)/guest/drivers/dde-linux/e1000/main.o: $(LINUX_STAMP)
$(eval $(call kaal_component,drivers/dde-linux/e1000/component.toml,e1000,drivers/dde-linux/e1000/main.c,$(E1000_LINUX_OBJS) $(BUILD)/guest/libdde_linux.a))

# The extracted Linux files are the cache, not intermediates to delete.
.SECONDARY: $(E1000_LINUX_SRCS)
