# Root tasks used by the system tests (tests/system/test_boot.py).
define fault_root
$(BUILD)/guest/tests/system/roots/faults-$(1).o: tests/system/roots/faults.c
	@mkdir -p $$(@D)
	$(CC) $(GUEST_CFLAGS) -DFAULT_KIND=$(2) -c $$< -o $$@
$(eval $(call guest_program,fault-$(1),tests/system/roots/faults-$(1).o))
endef
$(eval $(call fault_root,null,1))
$(eval $(call fault_root,ud2,2))
$(eval $(call fault_root,syscall,3))
$(eval $(call fault_root,rodata,4))
