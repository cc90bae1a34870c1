# runtime/dma: DMA pool over (vaddr, paddr) regions and the fixed-size
# buffer pool. Bookkeeping comes from a kaal_heap, hence heap.c in the test.
LIBKAAL_SRCS += runtime/dma/dma.c

$(eval $(call host_test,test_dma,tests/unit/test_dma.c runtime/dma/dma.c runtime/heap/heap.c))
