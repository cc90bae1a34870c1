# SPDX-License-Identifier: BSD-2-Clause
"""Checker: collects diagnostics with file:line:col positions (from the
locator) and checks keys and typed values of TOML tables; every pass
reports through one."""
from . import schema as S
from .locator import Locations
from .model import NAME_RE, SIZE_RE, UNITS, Diagnostic, closest, page_round, type_name


class Checker:
    def __init__(self, display, text):
        self.display = display
        self.locs = Locations(text)
        self.diags = []

    # -- reporting -------------------------------------------------------
    def at(self, pos, msg, notes=()):
        line, col = pos if pos else (0, 0)
        self.diags.append(Diagnostic(self.display, line, col, msg, list(notes)))

    def err_key(self, path, msg, notes=()):
        self.at(self.locs.key(path), msg, notes)

    def err_value(self, path, msg, notes=()):
        self.at(self.locs.value(path), msg, notes)

    def note_value(self, path, msg):
        """A note at path of this file, for another file's error."""
        line, col = self.locs.value(path) or (0, 0)
        return (self.display, line, col, msg)

    def where(self, path):
        pos = self.locs.key(path)
        return "line %d" % pos[0] if pos else "elsewhere"

    # -- typed getters: report and return None on a bad value -----------
    def keys(self, table, allowed, path, what):
        for k in table:
            if k not in allowed:
                self.err_key(path + (k,), "unknown key '%s' in %s%s (expected one of: %s)"
                             % (k, what, closest(k, allowed), ", ".join(sorted(allowed))))

    def require(self, table, key, path, what):
        if key not in table:
            self.err_key(path, "%s has no '%s' (it is required)" % (what, key))
            return False
        return True

    def string(self, table, key, path, what, required=True):
        if key not in table:
            if required:
                self.require(table, key, path, what)
            return None
        v = table[key]
        if not isinstance(v, str):
            self.err_value(path + (key,), "'%s' must be a string, not %s" % (key, type_name(v)))
            return None
        return v

    def name(self, table, key, path, what, required=True):
        v = self.string(table, key, path, what, required)
        if v is not None and (not NAME_RE.match(v) or len(v) > S.MAX_NAME):
            self.err_value(path + (key,), "invalid name '%s': expected a lower-case identifier "
                           "([a-z][a-z0-9_]*, at most %d characters)" % (v, S.MAX_NAME))
            return None
        return v

    def integer(self, table, key, path, lo, hi, default):
        if key not in table:
            return default
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, int):
            self.err_value(path + (key,), "'%s' must be an integer in %d..%d, not %s"
                           % (key, lo, hi, type_name(v)))
            return None
        if not lo <= v <= hi:
            self.err_value(path + (key,), "%s %d is out of range (expected %d..%d)"
                           % (key, v, lo, hi))
            return None
        return v

    def boolean(self, table, key, path, default):
        if key not in table:
            return default
        v = table[key]
        if not isinstance(v, bool):
            self.err_value(path + (key,), "'%s' must be true or false, not %s"
                           % (key, type_name(v) if not isinstance(v, str) else "'%s'" % v))
            return None
        return v

    def vaddr(self, table, path):
        """An optional page-aligned user address under key "vaddr"; None
        when absent or wrong (the error is recorded)."""
        if "vaddr" not in table:
            return None
        v = self.integer(table, "vaddr", path, 0, S.USER_TOP - 1, None)
        if v is not None and v % S.PAGE_SIZE:
            self.err_value(path + ("vaddr",), "vaddr 0x%x is not page aligned (expected a "
                           "multiple of 0x%x)" % (v, S.PAGE_SIZE))
            return None
        return v

    def size(self, table, key, path, default, power_of_two=False):
        """Byte sizes: an integer or a string like "64KiB"; page multiples."""
        if key not in table:
            return default
        v = table[key]
        if isinstance(v, str) and SIZE_RE.match(v):
            m = SIZE_RE.match(v)
            n = int(m.group(1)) * UNITS[m.group(2)]
        elif isinstance(v, int) and not isinstance(v, bool):
            n = v
        else:
            self.err_value(path + (key,), "'%s' must be a size in bytes (an integer or a "
                           "string like \"64KiB\"), not %s" % (key, type_name(v)
                                                              if not isinstance(v, str)
                                                              else "'%s'" % v))
            return None
        if n <= 0 or n % S.PAGE_SIZE:
            self.err_value(path + (key,), "%s %d is not a multiple of the page size "
                           "(%d bytes); expected e.g. %d" % (key, n, S.PAGE_SIZE,
                                                            max(page_round(n), S.PAGE_SIZE)))
            return None
        if n >= 1 << 40:
            self.err_value(path + (key,), "%s %d is too large (limit 1 TiB)" % (key, n))
            return None
        if power_of_two and n & (n - 1):
            self.err_value(path + (key,), "%s %d must be a power of two" % (key, n))
            return None
        return n

    def table(self, parent, key, path, what):
        v = parent.get(key)
        if v is not None and not isinstance(v, dict):
            self.err_value(path + (key,), "'%s' must be a table (%s), not %s"
                           % (key, what, type_name(v)))
            return None
        return v

    def array_of_tables(self, parent, key, path, header):
        v = parent.get(key, [])
        if not isinstance(v, list) or not all(isinstance(e, dict) for e in v):
            self.err_value(path + (key,), "'%s' must be written as [[%s]] tables"
                           % (key, header))
            return []
        return v

    # -- namespace of one component --------------------------------------
    def claim(self, comp, name, path, what):
        if name in comp.names:
            first_path, first_what = comp.names[name]
            self.err_value(path, "duplicate name '%s' in component '%s': already used by %s "
                           "at %s" % (name, comp.name, first_what, self.where(first_path)))
            return False
        # Device caps are called "serial0.irq": a user name "serial0_irq" would
        # make the same macro in the generated header.
        macro = "".join(ch if ch.isalnum() else "_" for ch in name).upper()
        for other, (other_path, other_what) in comp.names.items():
            if other.replace(".", "_").upper() == macro:
                self.err_value(path, "name '%s' in component '%s' gives the same C name "
                               "KAAL_CAP_%s as %s at %s" % (name, comp.name, macro,
                                                           other_what, self.where(other_path)))
                return False
        comp.names[name] = (path, what)
        return True
