# drivers/e1000probe: a small DDDK driver for the e1000 (README.md), the proof
# that a PCI device grant works end to end: MMIO BAR, INTx and DMA region.
$(eval $(call kaal_system_headers,e1000probe,drivers/e1000probe/system.toml))
$(BUILD)/guest/drivers/e1000probe/%.o: GUEST_CFLAGS += -I$(BUILD)/systems/e1000probe-include
$(BUILD)/guest/drivers/e1000probe/main.o: $(BUILD)/systems/e1000probe-include/.stamp
$(eval $(call guest_program,e1000probe,drivers/e1000probe/main.c))
