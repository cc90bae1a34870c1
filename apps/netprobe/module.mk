# apps/netprobe: the NIC probe (README.md) and its system with the
# virtio-net driver (build/systems/netprobe.initrd, tests/system/test_virtio_net.py).
$(eval $(call kaal_component,apps/netprobe/component.toml,netprobe,apps/netprobe/main.c))
$(eval $(call kaal_system,netprobe,apps/netprobe/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/netprobe.initrd
