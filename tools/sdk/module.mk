# tools/sdk: the SDK (docs/sdk.md). `make install PREFIX=DIR` installs the
# kernel, init, libkaal and headers, the library components with their
# component.toml, the host tools and templates into DIR; `make dist` packs
# the same tree as $(BUILD)/kaal-sdk-VERSION.tar.gz. `sdk-parts` is what a
# project built against this source tree needs (mk/project.mk runs it);
# `api-docs` the API reference in $(BUILD)/docs/api.
KAAL_VERSION ?= 0.6
KAAL_VERSION_FULL := $(KAAL_VERSION)$(shell git rev-parse --short HEAD 2>/dev/null | sed 's/^/+g/')
PREFIX ?= /opt/kaal
SDK_DIST := $(BUILD)/kaal-sdk-$(KAAL_VERSION_FULL).tar.gz

.PHONY: sdk-parts install dist api-docs
# PYTHON_STATIC, PYTHON_ZIP: the POSIX rootfs's python3, where the tree has it.
sdk-parts: $(KERNEL_IMAGE) $$(ROOT_TASK) $(LIBKAAL) $(CRT0) $$(GUEST_PROGRAMS) \
  $$(PYTHON_STATIC) $$(PYTHON_ZIP)

# The API reference from include/'s comments (tools/apidoc.py, docs/api/README.md).
API_DOCS := $(BUILD)/docs/api/index.md
$(API_DOCS): tools/apidoc.py $(shell find include -name '*.h')
	@$(PYTHON) tools/apidoc.py --out $(@D)
api-docs: $(API_DOCS)

install: $(DEPS_STAMP) sdk-parts $(API_DOCS)
	@$(PYTHON) tools/sdk/install.py --build $(BUILD) --prefix $(PREFIX) \
	  --version $(KAAL_VERSION_FULL)

dist: $(DEPS_STAMP) sdk-parts $(API_DOCS)
	@rm -rf $(BUILD)/dist && mkdir -p $(BUILD)/dist
	@$(PYTHON) tools/sdk/install.py --build $(BUILD) \
	  --prefix $(BUILD)/dist/kaal-sdk-$(KAAL_VERSION_FULL) --version $(KAAL_VERSION_FULL) >/dev/null
	@tar -C $(BUILD)/dist -czf $(SDK_DIST) kaal-sdk-$(KAAL_VERSION_FULL)
	@echo "$(SDK_DIST): KaaL SDK $(KAAL_VERSION_FULL) ($$(du -h $(SDK_DIST) | cut -f1))"
