# Device capabilities demo (COM2 through I/O port and IRQ caps).
$(eval $(call kaal_system_headers,serialprobe,apps/serialprobe/system.toml))
$(BUILD)/guest/apps/serialprobe/%.o: GUEST_CFLAGS += -I$(BUILD)/systems/serialprobe-include
$(BUILD)/guest/apps/serialprobe/main.o: $(BUILD)/systems/serialprobe-include/.stamp
$(eval $(call guest_program,serialprobe,apps/serialprobe/main.c))
