# python3 for the POSIX root file system: a static CPython from Debian's
# libpython3.11-dev (libpython3.11.a, with libexpat1-dev and zlib1g-dev for
# the pyexpat and zlib modules built into it), linked with `gcc -static`
# around a 3-line Py_BytesMain main and stripped; and its stdlib zip, the
# modules python/stdlib_zip.py finds imported when this python runs the
# POSIX system's workload (-c programs, threads, files, http.server) on the
# build machine against Debian's /usr/lib/python3.11. module.mk puts them
# at /usr/bin/python3 and /usr/lib/python311.zip.
PYTHON_VERSION := 3.11
PYTHON_LIBDIR := /usr/lib/python$(PYTHON_VERSION)/config-$(PYTHON_VERSION)-x86_64-linux-gnu
PYTHON_STATIC := $(BUILD)/posix/python3
PYTHON_ZIP := $(BUILD)/posix/python311.zip
# libpython3.11.a's own needs (Debian's python3.11-config --libs: -ldl -lm,
# and glibc's static libdl is empty): only expat and zlib besides libm.
$(BUILD)/posix/python3.o: services/posix/python/main.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	gcc -O2 -Wall -Wextra -Werror -I/usr/include/python$(PYTHON_VERSION) \
	  -I/usr/include/x86_64-linux-gnu/python$(PYTHON_VERSION) -c $< -o $@
# (glibc warns that getpwnam, getaddrinfo, ... need its shared NSS modules at
# run time in a static program: they fall back to files and DNS; silenced.)
$(PYTHON_STATIC): $(BUILD)/posix/python3.o | $(DEPS_STAMP)
	gcc -static -o $@.tmp $< -L$(PYTHON_LIBDIR) -lpython$(PYTHON_VERSION) -lexpat -lz -lm \
	  -Wl,--no-warnings
	strip -o $@ $@.tmp
	rm -f $@.tmp
$(PYTHON_ZIP): services/posix/python/stdlib_zip.py $(PYTHON_STATIC)
	env -i PYTHONHOME=/usr PATH=/usr/bin:/bin $(PYTHON_STATIC) -s -B $< $@ $(BUILD)/posix/python311.list
