// SPDX-License-Identifier: BSD-2-Clause
/*
 * memcpy, memmove and memset for x86_64 (the rest of the string functions
 * are plain C: runtime/string/string.c). Bulk copies and fills move 64
 * bytes per loop iteration through general registers: QEMU TCG (7.2) runs
 * `rep movsb` one byte per iteration (~3.7 TSC cycles a byte, measured in
 * the guest), eight-byte moves are ~10x faster, and SSE moves go through
 * helpers and are slower than both. The kernel builds this file with
 * -mgeneral-regs-only, so no vector registers here. Tails (< 64 bytes) use
 * the string instructions.
 */
#include <kaal/string.h>

#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    void *ret = dst;
    size_t n_blocks = n / 64;
    n %= 64;
    if (n_blocks)
        __asm__ volatile("1:\n\t"
                         "movq 0(%[s]), %%rax\n\t"
                         "movq 8(%[s]), %%rdx\n\t"
                         "movq 16(%[s]), %%r8\n\t"
                         "movq 24(%[s]), %%r9\n\t"
                         "movq %%rax, 0(%[d])\n\t"
                         "movq %%rdx, 8(%[d])\n\t"
                         "movq %%r8, 16(%[d])\n\t"
                         "movq %%r9, 24(%[d])\n\t"
                         "movq 32(%[s]), %%rax\n\t"
                         "movq 40(%[s]), %%rdx\n\t"
                         "movq 48(%[s]), %%r8\n\t"
                         "movq 56(%[s]), %%r9\n\t"
                         "movq %%rax, 32(%[d])\n\t"
                         "movq %%rdx, 40(%[d])\n\t"
                         "movq %%r8, 48(%[d])\n\t"
                         "movq %%r9, 56(%[d])\n\t"
                         "addq $64, %[s]\n\t"
                         "addq $64, %[d]\n\t"
                         "decq %[b]\n\t"
                         "jnz 1b"
                         : [d] "+r"(dst), [s] "+r"(src), [b] "+r"(n_blocks)
                         :
                         : "rax", "rdx", "r8", "r9", "memory", "cc");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    /* Overlap with dst above src: copy backwards. */
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    size_t n_blocks = n / 64;
    n %= 64;
    if (n_blocks) {
        uint64_t pattern = (uint8_t)c * 0x0101010101010101ull;
        __asm__ volatile("1:\n\t"
                         "movq %[p], 0(%[d])\n\t"
                         "movq %[p], 8(%[d])\n\t"
                         "movq %[p], 16(%[d])\n\t"
                         "movq %[p], 24(%[d])\n\t"
                         "movq %[p], 32(%[d])\n\t"
                         "movq %[p], 40(%[d])\n\t"
                         "movq %[p], 48(%[d])\n\t"
                         "movq %[p], 56(%[d])\n\t"
                         "addq $64, %[d]\n\t"
                         "decq %[b]\n\t"
                         "jnz 1b"
                         : [d] "+r"(dst), [b] "+r"(n_blocks)
                         : [p] "r"(pattern)
                         : "memory", "cc");
    }
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}
