// SPDX-License-Identifier: BSD-2-Clause
/*
 * kernel-chaos: a root task that throws unrestricted random invocations at
 * the kernel (any slot, any label, any address, including its own code and
 * caps) until it breaks itself. Not part of `make test-kernel` (the test
 * thread usually dies of its own doing, which proves nothing); it is a tool
 * for hunting kernel crashes: boot it several times and look for "KERNEL FAULT" on the console. The kernel must
 * survive every run; the thread need not. The seed comes from the TSC and
 * is printed, so a crash can be replayed by fixing it.
 */
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <sel4/sel4.h>

static uint64_t state;

static uint64_t rng(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

static seL4_Word first_slot;

/* Slot indices and addresses stay clear of what keeps this thread alive
 * (its boot caps, image, stack and IPC buffer), everything else is fair. */
static seL4_Word slot(void)
{
    static const seL4_Word fixed[] = { 2, 3, 4, 5, 6, 7 };
    if (rng() % 8 == 0)
        return fixed[rng() % 6];
    return first_slot + rng() % (4096 - first_slot);
}

static seL4_Word word(void)
{
    switch (rng() % 6) {
    case 0: return slot();
    case 1: return rng() % 70;
    case 2: return (1ul << 36) + ((rng() % (1ul << 34)) << 12);
    case 3: return rng() % 16;
    case 4: return 0;
    default: return rng();
    }
}

int main(void)
{
    const seL4_BootInfo *bi = kaal_bootinfo();
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    state = 0x9e3779b97f4a7c15ull ^ (((uint64_t)hi << 32) | lo);
    first_slot = bi->untyped.start;
    printf("chaos: seed %#lx\n", (unsigned long)state);
    for (unsigned long i = 0;; i++) {
        if (i % 20000 == 0)
            printf("chaos: %lu invocations\n", i);
        for (int k = 0; k < 3; k++)
            seL4_SetCap(k, slot());
        for (int k = 4; k < 16; k++)
            seL4_SetMR(k, word());
        seL4_Word label = rng() % 3 ? rng() % 56 : rng();
        seL4_MessageInfo_t info = seL4_MessageInfo_new(label, 0, rng() % 4, rng() % 130);
        seL4_Word mr[4] = { word(), rng() % 2 ? 64 : word(), word(), rng() % 2 ? 64 : word() };
        seL4_CPtr svc = slot();
        if (rng() % 3)
            seL4__invoke(svc, info, mr);
        else
            x64_sys_send(seL4_SysNBSend, svc, info.words[0], mr[0], mr[1], mr[2], mr[3]);
    }
}
