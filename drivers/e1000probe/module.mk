# drivers/e1000probe: a small DDDK driver for the e1000 (README.md), the proof
# that a PCI device grant works end to end: MMIO BAR, INTx and DMA region.
$(eval $(call kaal_component,drivers/e1000probe/component.toml,e1000probe,drivers/e1000probe/main.c))
