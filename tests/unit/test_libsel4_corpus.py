# SPDX-License-Identifier: BSD-2-Clause
"""libsel4 source compatibility: every program of the corpus in
tests/libsel4/ (written against libsel4's documented API the way the seL4
tutorials and sel4test use it, and checked to compile against real libsel4
with `make check-libsel4`) compiles against KaaL's include/sel4, x86_64
freestanding, -Wall -Wextra -Werror. One test per program."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libsel4"))
import libsel4_corpus  # noqa: E402

CC = os.environ.get("CC", "gcc")


class TestLibsel4Corpus(unittest.TestCase):
    pass


def _add_case(path):
    name = os.path.splitext(os.path.basename(path))[0]

    def case(self):
        ok, diag = libsel4_corpus.compile_c(
            CC, libsel4_corpus.base_cflags(CC) + libsel4_corpus.kaal_includes(), path)
        self.assertTrue(ok, "tests/libsel4/%s.c does not compile against include/sel4:\n%s"
                        % (name, diag))

    case.__doc__ = "tests/libsel4/%s.c compiles against KaaL's libsel4 headers" % name
    setattr(TestLibsel4Corpus, "test_corpus_%s_compiles_against_kaal_headers" % name, case)


for _path in libsel4_corpus.corpus():
    _add_case(_path)


if __name__ == "__main__":
    unittest.main()
