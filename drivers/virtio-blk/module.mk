# drivers/virtio-blk: the virtio 1.x block driver component (README.md) on
# runtime/virtio; vblk.c is host-tested against the virtio device model.
$(eval $(call kaal_component,drivers/virtio-blk/component.toml,virtio_blk,drivers/virtio-blk/main.c drivers/virtio-blk/vblk.c))
$(eval $(call host_test,test_virtio_blk,tests/unit/test_virtio_blk.c drivers/virtio-blk/vblk.c tests/unit/virtio/model.c runtime/virtio/virtio_pci.c runtime/virtio/virtq.c))
$(BUILD)/host/tests/unit/test_virtio_blk.o: HOST_CFLAGS += -Idrivers
