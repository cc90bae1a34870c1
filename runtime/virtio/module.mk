# runtime/virtio: the virtio 1.x PCI transport and split virtqueues
# (<kaal/virtio.h>, README.md), part of libkaal; host-tested against a
# device model in tests/unit/test_virtio.c.
VIRTIO_SRCS := runtime/virtio/virtio_pci.c runtime/virtio/virtq.c
LIBKAAL_SRCS += $(VIRTIO_SRCS)

$(eval $(call host_test,test_virtio,tests/unit/test_virtio.c tests/unit/virtio/model.c $(VIRTIO_SRCS)))
