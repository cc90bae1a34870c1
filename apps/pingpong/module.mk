# Milestone 2: ping-pong over endpoint RPC. Each program is a component
# (ping.component.toml, pong.component.toml) built against its own header.
$(eval $(call kaal_component,apps/pingpong/ping.component.toml,ping,apps/pingpong/ping.c))
$(eval $(call kaal_component,apps/pingpong/pong.component.toml,pong,apps/pingpong/pong.c))
