# libsel4 source compatibility (see README.md). `make test` compiles the
# corpus against include/sel4 (tests/unit/test_libsel4_corpus.py); this
# development check compiles it against real libsel4 as well:
#   make check-libsel4 SEL4_SRC=/path/to/seL4
.PHONY: check-libsel4
check-libsel4:
	@test -n "$(SEL4_SRC)" || { echo "usage: make check-libsel4 SEL4_SRC=/path/to/seL4 (an seL4 source tree)"; exit 2; }
	@$(PYTHON) tests/libsel4/libsel4_corpus.py --sel4-src "$(SEL4_SRC)" --out $(BUILD)/libsel4-real
