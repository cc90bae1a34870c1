// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writing an invocation's reply into the caller's registers (x86_64 seL4
 * convention: rsi = message info, r10/r8/r9/r15 = MR0-3). The rest of the
 * message registers were already stored in the IPC buffer.
 */
#include <kernel/invocation.h>
#include <kernel/thread.h>

void arch_set_reply(struct tcb *t, uint64_t msginfo, const uint64_t mr[4])
{
    struct x86_frame *f = &t->ctx.frame;
    f->rsi = msginfo;
    f->r10 = mr[0];
    f->r8 = mr[1];
    f->r9 = mr[2];
    f->r15 = mr[3];
}
