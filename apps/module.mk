# Example components (see apps/README.md).
$(eval $(call kaal_component,apps/hello/component.toml,hello,apps/hello/main.c))
$(eval $(call guest_program,crasher,apps/crasher/main.c))
# A console stress component (tests/system/systems/console.toml).
$(eval $(call guest_program,chatter,apps/chatter/main.c))
# The demo component of the default system: waits until `crash` makes it fault.
$(eval $(call kaal_component,apps/demo/component.toml,demo,apps/demo/main.c))
