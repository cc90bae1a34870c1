$(eval $(call guest_program,init,services/init/main.c services/init/vm.c services/init/devices.c \
  services/init/component.c services/init/loader.c services/init/objects.c \
  services/init/supervisor.c services/init/poweroff.c services/init/notices.c \
  services/init/pcigrant.c))
ROOT_TASK := $(BUILD)/guest/bin/init.elf
