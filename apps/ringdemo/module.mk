# Producer/consumer over a shared-memory ring. The system itself is
# registered in tests/system/ringdemo/module.mk (kaal_system needs the root
# task, whose module.mk sorts after apps/).
RINGDEMO_INCLUDE := $(BUILD)/systems/ringdemo-include
$(eval $(call kaal_system_headers,ringdemo,apps/ringdemo/system.toml))
$(BUILD)/guest/apps/ringdemo/%.o: GUEST_CFLAGS += -I$(RINGDEMO_INCLUDE)
$(BUILD)/guest/apps/ringdemo/producer.o $(BUILD)/guest/apps/ringdemo/consumer.o: \
  $(RINGDEMO_INCLUDE)/.stamp
$(eval $(call guest_program,ringdemo-producer,apps/ringdemo/producer.c))
$(eval $(call guest_program,ringdemo-consumer,apps/ringdemo/consumer.c))
