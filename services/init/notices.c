// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a server's clients and a client's servers hear when the other goes
 * (notices.h, <kaal/component.h>, services/init/README.md). Two kinds of
 * threads of init's own, in init's CSpace and VSpace:
 *
 *   tombstones  while a server stays stopped, one per endpoint it receives
 *               on (and shares): answers every call with
 *               KAAL_RPC_LABEL_SERVER_GONE; destroyed when it starts again;
 *   heralds     one per component that serves rpc channels, for init's
 *               lifetime: sends it KAAL_RPC_LABEL_CLIENT_GONE (seL4_Call,
 *               badge KAAL_RPC_BADGE_INIT) for each client init reports
 *               stopped.
 *
 * Both run at INIT_THREAD_PRIORITY, just below init, so they run only while
 * init is blocked. A tombstone that took a call answers it before anything
 * else runs (init never destroys one between its receive and its reply); a
 * herald's notice is on the endpoint before a restarted client can call.
 * Each is a kaal_thread (<kaal/thread.h>) with its own stack, TLS block and
 * IPC buffer in init's image (its frame cap from the bootinfo), so it uses
 * the normal seL4_* calls without touching init's buffer.
 */
#include "notices.h"
#include "vm.h"

#include <stdatomic.h>

#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/thread.h>

#define MAX_TOMBSTONES 4            /* per stopped component: one per endpoint it serves */
#define INIT_THREAD_STACK_WORDS 128 /* 1 KiB: a tombstone or herald loop */
#define INIT_THREAD_PRIORITY (seL4_MaxPrio - 1)
#define INIT_THREAD_TLS_BYTES 256   /* init's TLS: the runtime's few words */

static const kaal_sysdesc_t *sysdesc;
static const seL4_CPtr *system_objects; /* init's caps, by object index */

/* What one of init's threads runs on, apart from its stack. */
struct init_thread_memory {
    seL4_IPCBuffer *ipc_buffer;
    uint8_t *tls;
};

/* Starts a thread in init's CSpace and VSpace at INIT_THREAD_PRIORITY
 * running fn(arg) on the stack below stack_top (16-byte aligned). */
static seL4_Error start_init_thread(seL4_CPtr tcb, void (*fn)(seL4_Word), uint64_t *stack_top,
                                    struct init_thread_memory mem, seL4_Word arg)
{
    seL4_CPtr frame = kaal_root_image_frame(mem.ipc_buffer);
    if (!frame)
        return seL4_InvalidArgument;
    kaal_thread_config_t cfg = {
        .tcb = tcb,
        .authority = seL4_CapInitThreadTCB,
        .priority = INIT_THREAD_PRIORITY,
        .cspace = seL4_CapInitThreadCNode,
        .vspace = seL4_CapInitThreadVSpace,
        .ipc_buffer = mem.ipc_buffer,
        .ipc_buffer_frame = frame,
        .stack_top = stack_top,
        .tls_region = mem.tls,
        .tls_region_bytes = INIT_THREAD_TLS_BYTES,
        .entry = fn,
        .arg = arg,
    };
    return kaal_thread_start(&cfg) == KAAL_OK ? seL4_NoError : seL4_InvalidArgument;
}

/* ---- tombstones: the callers of a stopped server get an answer ---- */

static uint64_t tombstone_stacks[MAX_COMPONENTS][MAX_TOMBSTONES][INIT_THREAD_STACK_WORDS]
    __attribute__((aligned(16)));
static seL4_IPCBuffer tombstone_ipc_buffers[MAX_COMPONENTS][MAX_TOMBSTONES];
static uint8_t tombstone_tls[MAX_COMPONENTS][MAX_TOMBSTONES][INIT_THREAD_TLS_BYTES];

/* A thread of init's own that answers every call on a stopped server's
 * endpoint with KAAL_RPC_LABEL_SERVER_GONE, as the server's runtime does
 * for the call it dies in. */
static _Noreturn void tombstone(seL4_Word endpoint)
{
    seL4_Word badge;
    seL4_Recv(endpoint, &badge);
    for (;;)
        seL4_ReplyRecv(endpoint, seL4_MessageInfo_new(KAAL_RPC_LABEL_SERVER_GONE, 0, 0, 0), &badge);
}

/* Does a component other than d hold a cap to system object obj? */
static bool shared_with_others(const kaal_sysdesc_component_t *d, uint32_t obj)
{
    for (uint32_t i = 0; i < sysdesc->n_caps; i++) {
        bool own = i >= d->first_cap && i < d->first_cap + d->n_caps;
        if (!own && sysdesc->caps[i].object == obj)
            return true;
    }
    return false;
}

void init_bury(unsigned index, struct init_objects *graves)
{
    const kaal_sysdesc_component_t *d = &sysdesc->components[index];
    unsigned n = 0;
    init_free_all(graves);
    for (uint32_t i = 0; i < d->n_caps && n < MAX_TOMBSTONES; i++) {
        const kaal_sysdesc_cap_t *cap = &sysdesc->caps[d->first_cap + i];
        if (cap->kind != KAAL_SYSDESC_CAP_ENDPOINT || !(cap->rights & KAAL_SYSDESC_RIGHT_READ) ||
            !shared_with_others(d, cap->object))
            continue;
        kaal_ut_alloc_ret_t t = init_alloc(graves, seL4_TCBObject, 0, seL4_TCBBits);
        struct init_thread_memory mem = { &tombstone_ipc_buffers[index][n],
                                          tombstone_tls[index][n] };
        if (t.err || start_init_thread(t.cap, tombstone,
                                       tombstone_stacks[index][n] + INIT_THREAD_STACK_WORDS, mem,
                                       system_objects[cap->object]))
            break;
        n++;
    }
}

/* ---- heralds: a server hears when a client of its goes ---- */

/* One per component that serves rpc channels: a thread of init's own that
 * tells it KAAL_RPC_LABEL_CLIENT_GONE (<kaal/component.h>) for every bit
 * init sets in `pending` (bit i: the i-th rpc channel it serves, in
 * description order), on the endpoint of its first rpc channel (a server
 * with several rpc ends hears of all its clients there). Like the tombstones it runs only while
 * init is blocked. */
struct herald {
    seL4_CPtr notification, endpoint; /* endpoint: badge KAAL_RPC_BADGE_INIT */
    _Atomic uint64_t pending;
};
static struct herald heralds[MAX_COMPONENTS];
static uint64_t herald_stacks[MAX_COMPONENTS][INIT_THREAD_STACK_WORDS] __attribute__((aligned(16)));
static seL4_IPCBuffer herald_ipc_buffers[MAX_COMPONENTS];
static uint8_t herald_tls[MAX_COMPONENTS][INIT_THREAD_TLS_BYTES];

/* The i-th rpc channel component `server` serves, or NULL. */
static const kaal_sysdesc_channel_t *served_channel(unsigned server, unsigned i)
{
    for (uint32_t k = 0; k < sysdesc->n_channels; k++) {
        const kaal_sysdesc_channel_t *ch = &sysdesc->channels[k];
        if (ch->kind == KAAL_SYSDESC_CHANNEL_RPC && ch->component[0] == server && i-- == 0)
            return ch;
    }
    return NULL;
}

static _Noreturn void herald_main(seL4_Word arg)
{
    struct herald *h = (struct herald *)arg;
    unsigned server = (unsigned)(h - heralds);
    for (;;) {
        seL4_Word bits;
        seL4_Wait(h->notification, &bits);
        uint64_t pending = atomic_exchange(&h->pending, 0);
        for (unsigned i = 0; pending; i++, pending >>= 1) {
            const kaal_sysdesc_channel_t *ch = (pending & 1) ? served_channel(server, i) : NULL;
            if (!ch)
                continue;
            seL4_SetMR(0, ch->badge);
            seL4_Call(h->endpoint, seL4_MessageInfo_new(KAAL_RPC_LABEL_CLIENT_GONE, 0, 0, 1));
        }
    }
}

const char *init_notices_start(const kaal_sysdesc_t *sd, const seL4_CPtr *objects)
{
    sysdesc = sd;
    system_objects = objects;
    for (unsigned s = 0; s < sysdesc->n_components; s++) {
        const kaal_sysdesc_channel_t *ch = served_channel(s, 0);
        if (!ch)
            continue;
        const kaal_sysdesc_cap_t *cap = kaal_sysdesc_find_cap(
            sysdesc, &sysdesc->components[s], kaal_sysdesc_string(sysdesc, ch->end[0]));
        kaal_ut_alloc_ret_t n = init_alloc(NULL, seL4_NotificationObject, 0, seL4_NotificationBits);
        kaal_ut_alloc_ret_t t = init_alloc(NULL, seL4_TCBObject, 0, seL4_TCBBits);
        kaal_slot_ret_t ep = kaal_cspace_alloc(&init_cspace, 1);
        if (!cap || n.err || t.err || ep.err)
            return "out of memory for its heralds";
        struct herald *h = &heralds[s];
        h->notification = n.cap;
        h->endpoint = ep.slot;
        if (seL4_CNode_Mint(seL4_CapInitThreadCNode, ep.slot, seL4_WordBits,
                            seL4_CapInitThreadCNode, system_objects[cap->object], seL4_WordBits,
                            INIT_RIGHTS_CALL, KAAL_RPC_BADGE_INIT) ||
            start_init_thread(t.cap, herald_main, herald_stacks[s] + INIT_THREAD_STACK_WORDS,
                              (struct init_thread_memory){ &herald_ipc_buffers[s], herald_tls[s] },
                              (seL4_Word)h))
            return "its heralds could not be started";
    }
    return NULL;
}

void init_tell_servers(unsigned client)
{
    for (unsigned s = 0; s < sysdesc->n_components; s++) {
        const kaal_sysdesc_channel_t *ch;
        uint64_t bits = 0;
        for (unsigned i = 0; i < 64 && (ch = served_channel(s, i)) != NULL; i++)
            if (ch->component[1] == client)
                bits |= 1ull << i;
        if (bits && heralds[s].notification) {
            atomic_fetch_or(&heralds[s].pending, bits);
            seL4_Signal(heralds[s].notification);
        }
    }
}
