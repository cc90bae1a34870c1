# The oracle probe built against KaaL's include/sel4, for
# tests/system/test_sel4_oracle.py (same flags as the seL4 build:
# probe/build-probe.sh --kaal).
SEL4_ORACLE_PROBE := $(BUILD)/guest/bin/sel4-oracle-probe.elf
TEST_SYSTEM_DEPS += $(SEL4_ORACLE_PROBE)
$(SEL4_ORACLE_PROBE): tools/sel4-oracle/probe/probe.c tools/sel4-oracle/probe/crt0.S \
  tools/sel4-oracle/probe/build-probe.sh tools/sel4-oracle/kaal/autoconf.h \
  $(wildcard include/sel4/*.h include/sel4/*/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	CC=$(CC) sh tools/sel4-oracle/probe/build-probe.sh --kaal . $@
