# drivers/virtio-net: the virtio 1.x network driver component (README.md)
# on runtime/virtio; vnet.c is host-tested against the virtio device model.
$(eval $(call kaal_component,drivers/virtio-net/component.toml,virtio_net,drivers/virtio-net/main.c drivers/virtio-net/vnet.c))
