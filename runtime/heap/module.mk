# runtime/heap: the component heap (buddy core + slab caches). The heap goes
# into libkaal; malloc.c (malloc/free/... over one process-wide heap) only
# into the guest library, never into host binaries where libc owns malloc.
LIBKAAL_SRCS += runtime/heap/heap.c runtime/heap/malloc.c

$(eval $(call host_test,test_heap,tests/unit/test_heap.c runtime/heap/heap.c))
$(eval $(call host_test,test_heap_trace,tests/unit/test_heap_trace.c tests/unit/heap/shadow.c runtime/heap/heap.c))
$(eval $(call fuzz_target,heap,tests/unit/heap/fuzz_heap.c tests/unit/heap/shadow.c runtime/heap/heap.c))
