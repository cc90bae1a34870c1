# The ring demo system (apps/ringdemo/), booted by tests/system/test_ringdemo.py.
# Here rather than in apps/ringdemo/module.mk: kaal_system needs $(ROOT_TASK)
# from services/init/module.mk, which is included after apps/.
$(eval $(call kaal_system,ringdemo,apps/ringdemo/system.toml))
TEST_SYSTEM_DEPS += $(BUILD)/systems/ringdemo.initrd
