# Producer/consumer over a shared-memory ring (producer.component.toml,
# consumer.component.toml), and its system (booted by
# tests/system/test_ringdemo.py).
$(eval $(call kaal_component,apps/ringdemo/producer.component.toml,ringdemo-producer,apps/ringdemo/producer.c))
$(eval $(call kaal_component,apps/ringdemo/consumer.component.toml,ringdemo-consumer,apps/ringdemo/consumer.c))
$(eval $(call kaal_system,ringdemo,apps/ringdemo/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/ringdemo.initrd
