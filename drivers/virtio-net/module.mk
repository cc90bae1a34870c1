# drivers/virtio-net: the virtio 1.x network driver component (README.md)
# on runtime/virtio; vnet.c is host-tested against the virtio device model.
$(eval $(call kaal_component,drivers/virtio-net/component.toml,virtio_net,drivers/virtio-net/main.c drivers/virtio-net/vnet.c))
$(eval $(call host_test,test_virtio_net,tests/unit/test_virtio_net.c drivers/virtio-net/vnet.c tests/unit/virtio/model.c runtime/virtio/virtio_pci.c runtime/virtio/virtq.c runtime/ring/ring.c))
$(BUILD)/host/tests/unit/test_virtio_net.o: HOST_CFLAGS += -Idrivers
