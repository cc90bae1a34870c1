// SPDX-License-Identifier: BSD-2-Clause
/* /usr/bin/python3 of the POSIX root: Debian's libpython3.11.a linked
 * static (python.mk); its stdlib is /usr/lib/python311.zip. */
#include <Python.h>

int main(int argc, char **argv)
{
    return Py_BytesMain(argc, argv);
}
