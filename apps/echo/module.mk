# apps/echo: the native TCP echo service on port 7777 (README.md), a client
# of the net server (system/net.toml).
$(eval $(call kaal_component,apps/echo/component.toml,echo,apps/echo/main.c))
