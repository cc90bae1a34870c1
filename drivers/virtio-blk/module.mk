# drivers/virtio-blk: the virtio 1.x block driver component (README.md) on
# runtime/virtio; vblk.c is host-tested with the VFS's client of its rings
# (services/vfs/blkclient) against the virtio device model.
$(eval $(call kaal_component,drivers/virtio-blk/component.toml,virtio_blk,drivers/virtio-blk/main.c drivers/virtio-blk/vblk.c))
$(eval $(call host_test,test_virtio_blk,tests/unit/test_virtio_blk.c drivers/virtio-blk/vblk.c services/vfs/blkclient/blkclient.c tests/unit/virtio/model.c runtime/virtio/virtio_pci.c runtime/virtio/virtq.c runtime/ring/ring.c))
$(BUILD)/host/tests/unit/test_virtio_blk.o: HOST_CFLAGS += -Idrivers
