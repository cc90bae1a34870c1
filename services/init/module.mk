$(eval $(call guest_program,init,services/init/main.c))
ROOT_TASK := $(BUILD)/guest/bin/init.elf
