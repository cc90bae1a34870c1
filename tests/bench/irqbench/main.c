// SPDX-License-Identifier: BSD-2-Clause
/*
 * irqbench: worst interrupt latency of a user-level IRQ handler thread, idle
 * and while a low-priority thread revokes 100,000 caps in a loop (the
 * longest kernel operation a client can ask for). Booted as the root task
 * by tests/bench/bench_irq.py.
 *
 * The interrupt source is PIT channel 0 in one-shot mode (8254 mode 0,
 * ISA IRQ 0 = IOAPIC pin 2 on QEMU) behind an IRQHandler cap. The handler
 * thread (priority 200) arms the next shot, noting the TSC just before the
 * write that starts the count, and on each wake-up takes
 * latency = now - (armed + shot length). TSC cycles per microsecond come
 * from 100 periods of the PIT in rate-generator mode at the start. The
 * worker thread (priority 10) copies one endpoint cap into 100,000 slots of
 * a CNode and revokes the original, ROUNDS times. The root thread waits on
 * a notification until the handler says it is done, then prints
 *   irqbench: idle_worst_us N / loaded_worst_us N / ... lines (revoke_worst_us:
 * the shots that expired while the worker was in its revoke phase).
 *
 * All three threads share the root task's IPC buffer (each thread's TLS
 * block points at it, <kaal/thread.h>): only the worker uses message words
 * past MR3, and the others make register-only calls or are blocked
 * meanwhile.
 */
#include <kaal/runtime.h>
#include <kaal/thread.h>
#include <sel4/sel4.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/timing.h>

#define ROOT seL4_CapInitThreadCNode
#define DEPTH seL4_WordBits

#define PIT_HZ 1193182ull
#define PIT_PERIOD_COUNT 1193u   /* ~1 ms */
#define CALIBRATE_TICKS 100
#define IDLE_SHOTS 200
#define N_CAPS 100000u
#define CAPS_BITS 17             /* 131072 slots */
#define ROUNDS 4
#define STACK_BYTES 16384

static const seL4_BootInfo *bi;
static seL4_CPtr untyped, next_slot;
static seL4_CPtr ports, irq, irq_ntfn, done_ntfn, worker_tcb;
#define TLS_BYTES 512
static uint8_t stacks[2][STACK_BYTES] __attribute__((aligned(16)));
static uint8_t tls_regions[2][TLS_BYTES] __attribute__((aligned(16)));

/* written by the worker, read by the handler */
static volatile int worker_done;
static volatile unsigned worker_rounds;
static volatile unsigned worker_phase; /* 1 copying, 2 revoking */
/* written by the handler, read by the root thread after done */
static uint64_t cycles_per_ms, idle_worst, loaded_worst, loaded_sum, n_loaded;
static uint64_t revoke_worst;
static unsigned worst_phase, n_over_ms;

static void fail(const char *what, seL4_Error e)
{
    printf("irqbench: FAILED: %s: error %d\n", what, (int)e);
    seL4_DebugHalt();
}

static void check(seL4_Error e, const char *what)
{
    if (e != seL4_NoError)
        fail(what, e);
}

static seL4_CPtr object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr s = next_slot++;
    check(seL4_Untyped_Retype(untyped, type, size_bits, ROOT, 0, 0, s, 1), "retype");
    return s;
}

static void wait_irq(void)
{
    seL4_Word badge;
    seL4_Wait(irq_ntfn, &badge);
}

/* Mode 0: OUT rises (IRQ 0) `count` PIT ticks after the MSB is written. */
static uint64_t arm_shot(unsigned count)
{
    seL4_X86_IOPort_Out8(ports, 0x43, 0x30);
    seL4_X86_IOPort_Out8(ports, 0x40, count & 0xff);
    uint64_t t = kaal_rdtsc();
    seL4_X86_IOPort_Out8(ports, 0x40, count >> 8);
    return t;
}

static void handler(void)
{
    /* Rate generator (mode 2) for the TSC calibration. */
    seL4_X86_IOPort_Out8(ports, 0x43, 0x34);
    seL4_X86_IOPort_Out8(ports, 0x40, PIT_PERIOD_COUNT & 0xff);
    seL4_X86_IOPort_Out8(ports, 0x40, PIT_PERIOD_COUNT >> 8);
    seL4_IRQHandler_Ack(irq);
    wait_irq();
    uint64_t t0 = kaal_rdtsc();
    seL4_IRQHandler_Ack(irq);
    for (int i = 0; i < CALIBRATE_TICKS; i++) {
        wait_irq();
        seL4_IRQHandler_Ack(irq);
    }
    uint64_t cycles_per_period = (kaal_rdtsc() - t0) / CALIBRATE_TICKS;
    cycles_per_ms = cycles_per_period * PIT_HZ / (PIT_PERIOD_COUNT * 1000ull);
    uint64_t shot_cycles = cycles_per_period; /* shots of PIT_PERIOD_COUNT */

    for (unsigned shot = 0;; shot++) {
        if (shot == IDLE_SHOTS)
            seL4_TCB_Resume(worker_tcb);
        uint64_t armed = arm_shot(PIT_PERIOD_COUNT);
        wait_irq();
        uint64_t now = kaal_rdtsc();
        seL4_IRQHandler_Ack(irq);
        uint64_t expected = armed + shot_cycles;
        uint64_t late = now > expected ? now - expected : 0;
        if (shot < IDLE_SHOTS) {
            if (late > idle_worst)
                idle_worst = late;
        } else {
            if (late > loaded_worst) {
                loaded_worst = late;
                worst_phase = worker_phase;
            }
            if (late > cycles_per_ms)
                n_over_ms++;
            if (worker_phase == 2 && late > revoke_worst)
                revoke_worst = late;
            loaded_sum += late;
            n_loaded++;
            if (worker_done)
                break;
        }
    }
    seL4_X86_IOPort_Out8(ports, 0x43, 0x30); /* leave the PIT in one-shot, unarmed */
    seL4_Signal(done_ntfn);
}

static void worker(void)
{
    seL4_CPtr ep = object(seL4_EndpointObject, 0);
    seL4_CPtr caps = object(seL4_CapTableObject, CAPS_BITS);
    for (unsigned r = 0; r < ROUNDS; r++) {
        worker_phase = 1;
        for (seL4_Word i = 0; i < N_CAPS; i++)
            check(seL4_CNode_Copy(caps, i, CAPS_BITS, ROOT, ep, DEPTH, seL4_AllRights), "copy");
        worker_phase = 2;
        check(seL4_CNode_Revoke(ROOT, ep, DEPTH), "revoke");
        worker_rounds = r + 1;
    }
    worker_done = 1;
}

static void entry(seL4_Word fn)
{
    ((void (*)(void))fn)();
}

static seL4_CPtr thread(void (*fn)(void), unsigned index, seL4_Word prio)
{
    seL4_CPtr tcb = object(seL4_TCBObject, 0);
    kaal_thread_config_t cfg = {
        .tcb = tcb,
        .authority = seL4_CapInitThreadTCB,
        .priority = prio,
        .cspace = ROOT,
        .vspace = seL4_CapInitThreadVSpace,
        .ipc_buffer = seL4_GetIPCBuffer(),
        .ipc_buffer_frame = seL4_CapInitThreadIPCBuffer,
        .stack_top = &stacks[index][STACK_BYTES],
        .tls_region = tls_regions[index],
        .tls_region_bytes = sizeof(tls_regions[index]),
        .entry = entry,
        .arg = (seL4_Word)fn,
    };
    check(kaal_thread_configure(&cfg) == KAAL_OK ? seL4_NoError : seL4_InvalidArgument,
          "thread");
    return tcb;
}

static void find_untyped(void)
{
    unsigned best = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits > best) {
            best = d->sizeBits;
            untyped = bi->untyped.start + i;
        }
    }
}

static unsigned us(uint64_t cycles)
{
    return (unsigned)(cycles * 1000 / cycles_per_ms);
}

int main(void)
{
    bi = kaal_bootinfo();
    find_untyped();
    next_slot = bi->empty.start;
    ports = next_slot++;
    irq = next_slot++;
    check(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x40, 0x43, ROOT, ports, DEPTH),
          "ports");
    check(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, irq, DEPTH, 0, 2, 0, 0, 5), "irq");
    irq_ntfn = object(seL4_NotificationObject, 0);
    done_ntfn = object(seL4_NotificationObject, 0);
    check(seL4_IRQHandler_SetNotification(irq, irq_ntfn), "set notification");
    worker_tcb = thread(worker, 0, 10);
    seL4_CPtr handler_tcb = thread(handler, 1, 200);
    check(seL4_TCB_Resume(handler_tcb), "resume");
    seL4_Word badge;
    seL4_Wait(done_ntfn, &badge);
    printf("irqbench: cycles_per_us %u\n", (unsigned)(cycles_per_ms / 1000));
    printf("irqbench: idle_worst_us %u\n", us(idle_worst));
    printf("irqbench: loaded_worst_us %u\n", us(loaded_worst));
    printf("irqbench: revoke_worst_us %u\n", us(revoke_worst));
    printf("irqbench: loaded_mean_us %u\n", n_loaded ? us(loaded_sum / n_loaded) : 0);
    printf("irqbench: loaded_shots %u rounds %u\n", (unsigned)n_loaded, worker_rounds);
    printf("irqbench: loaded_worst_phase %u (1 copying, 2 revoking)\n", worst_phase);
    printf("irqbench: loaded_over_1ms %u\n", n_over_ms);
    printf("irqbench: done\n");
    seL4_DebugHalt();
    return 0;
}
