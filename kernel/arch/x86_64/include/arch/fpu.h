/* SPDX-License-Identifier: BSD-2-Clause */
/* Lazy x87/SSE state switching, eager for threads that use it (fpu.c). */
#pragma once

struct tcb;

void fpu_init(void);
/* Before returning to t: load its FPU state if it uses the FPU, else let
 * it use the FPU directly only if it owns it. */
void fpu_prepare_return(struct tcb *t);
/* #NM from user mode: hand the FPU to the current thread. */
void fpu_take(struct tcb *t);
/* t is being destroyed or its state replaced: forget it as the owner. */
void fpu_release(struct tcb *t);
/* Initial register state for a new thread (FCW 0x37f, MXCSR 0x1f80). */
void fpu_init_state(struct tcb *t);
