# Producer/consumer over a shared-memory ring, and its system (booted by
# tests/system/test_ringdemo.py).
RINGDEMO_INCLUDE := $(BUILD)/systems/ringdemo-include
$(eval $(call kaal_system_headers,ringdemo,apps/ringdemo/system.toml))
$(BUILD)/guest/apps/ringdemo/%.o: GUEST_CFLAGS += -I$(RINGDEMO_INCLUDE)
$(BUILD)/guest/apps/ringdemo/producer.o $(BUILD)/guest/apps/ringdemo/consumer.o: \
  $(RINGDEMO_INCLUDE)/.stamp
$(eval $(call guest_program,ringdemo-producer,apps/ringdemo/producer.c))
$(eval $(call guest_program,ringdemo-consumer,apps/ringdemo/consumer.c))
$(eval $(call kaal_system,ringdemo,apps/ringdemo/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/ringdemo.initrd
