# runtime/heap: the component heap (buddy core + slab caches). The heap goes
# into libkaal; malloc.c (malloc/free/... over one process-wide heap) only
# into the guest library, never into host binaries where libc owns malloc.
LIBKAAL_SRCS += runtime/heap/heap.c runtime/heap/malloc.c

$(eval $(call host_test,test_heap,tests/unit/test_heap.c runtime/heap/heap.c))
$(eval $(call host_test,test_heap_trace,tests/unit/test_heap_trace.c tests/unit/heap/shadow.c runtime/heap/heap.c))
$(eval $(call fuzz_target,heap,tests/unit/heap/fuzz_heap.c tests/unit/heap/shadow.c runtime/heap/heap.c))

# `make valgrind-heap`: the heap unit tests and traces built without
# sanitizers (valgrind and ASan do not mix) and run under valgrind memcheck;
# fails on any memcheck error or leak.
HEAP_VG_CFLAGS := $(filter-out $(SANITIZE),$(HOST_CFLAGS)) -O1
HEAP_VG_DIR := $(BUILD)/host/valgrind
HEAP_VG_TESTS := $(HEAP_VG_DIR)/test_heap $(HEAP_VG_DIR)/test_heap_trace

$(HEAP_VG_DIR)/test_heap: tests/unit/test_heap.c runtime/heap/heap.c include/kaal/heap.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HEAP_VG_CFLAGS) -o $@ $(filter %.c,$^) $(HOST_TEST_LIBS)

$(HEAP_VG_DIR)/test_heap_trace: tests/unit/test_heap_trace.c tests/unit/heap/shadow.c \
                                runtime/heap/heap.c include/kaal/heap.h tests/unit/heap/shadow.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HEAP_VG_CFLAGS) -o $@ $(filter %.c,$^) $(HOST_TEST_LIBS)

.PHONY: valgrind-heap
valgrind-heap: $(HEAP_VG_TESTS)
	@for t in $(HEAP_VG_TESTS); do \
	  echo "valgrind memcheck: $$t"; \
	  CMOCKA_MESSAGE_OUTPUT=TAP valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --track-origins=yes $$t || exit 1; \
	done

$(eval $(call host_bench,heap,runtime/heap/bench/bench_heap.c runtime/heap/heap.c))

# tests/unit/heap/guest_smoke.c booted as the root task: heap, malloc, rings
# and DMA pool inside a guest (tests/system/test_runtime_guest.py).
$(eval $(call guest_program,runtime-smoke,tests/unit/heap/guest_smoke.c))
