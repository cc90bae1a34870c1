# Milestone 2: ping-pong over endpoint RPC. The components include their
# generated <NAME_caps.h>, so their objects wait for the headers.
PINGPONG_INCLUDE := $(BUILD)/systems/pingpong-include
$(eval $(call kaal_system_headers,pingpong,apps/pingpong/system.toml))
$(BUILD)/guest/apps/pingpong/%.o: GUEST_CFLAGS += -I$(PINGPONG_INCLUDE)
$(BUILD)/guest/apps/pingpong/ping.o $(BUILD)/guest/apps/pingpong/pong.o: $(PINGPONG_INCLUDE)/.stamp
$(eval $(call guest_program,ping,apps/pingpong/ping.c))
$(eval $(call guest_program,pong,apps/pingpong/pong.c))
