// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writes through a bad pointer: the POSIX server must end it with SIGSEGV
 * (the shell prints "Segmentation fault") and stay up itself.
 */
int main(void)
{
    int *volatile bad = (int *)16;
    *bad = 1;
    return 0;
}
