# Device capabilities demo (COM2 through I/O port and IRQ caps; component.toml).
$(eval $(call kaal_component,apps/serialprobe/component.toml,serialprobe,apps/serialprobe/main.c))
