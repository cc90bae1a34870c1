# The KSYS system description reader (runtime/sysdesc/README.md): part of
# libkaal for init; tested on the host against blobs the Python compiler
# (tools/systoml) makes at build time, and fuzzed.
LIBKAAL_SRCS += runtime/sysdesc/sysdesc.c

# Round trip: tests/unit/systoml/roundtrip/system.toml -> KSYS blob and the
# compiler's own view of it -> a C file the cmocka test links.
SYSDESC_FIXTURE := $(BUILD)/gen/sysdesc/sysdesc_fixture.c
$(SYSDESC_FIXTURE): tests/unit/systoml/make_fixture.py tests/unit/systoml/roundtrip/system.toml \
                    $(wildcard tools/systoml/*.py)
	@mkdir -p $(@D)
	$(PYTHON) tests/unit/systoml/make_fixture.py tests/unit/systoml/roundtrip/system.toml $@

$(eval $(call host_test,test_sysdesc,tests/unit/test_sysdesc.c runtime/sysdesc/sysdesc.c runtime/ring/ring.c $(SYSDESC_FIXTURE)))
# The fuzz target mutates the same fixture (see the comment at its top).
$(eval $(call fuzz_target,sysdesc,tests/unit/test_sysdesc_fuzz.c runtime/sysdesc/sysdesc.c $(SYSDESC_FIXTURE)))

# The test includes the generated sysdesc_fixture.h.
$(BUILD)/host/tests/unit/test_sysdesc.o: HOST_CFLAGS += -I$(BUILD)/gen/sysdesc
$(BUILD)/host/tests/unit/test_sysdesc.o: $(SYSDESC_FIXTURE)
