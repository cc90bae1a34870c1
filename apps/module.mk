# Example components (see apps/README.md), each with its component.toml.
$(eval $(call kaal_component,apps/hello/component.toml,hello,apps/hello/main.c))
$(eval $(call kaal_component,apps/crasher/component.toml,crasher,apps/crasher/main.c))
# A console stress component (tests/system/systems/console.toml).
$(eval $(call kaal_component,apps/chatter/component.toml,chatter,apps/chatter/main.c))
# The demo component of the default system: waits until `crash` makes it fault.
$(eval $(call kaal_component,apps/demo/component.toml,demo,apps/demo/main.c))
