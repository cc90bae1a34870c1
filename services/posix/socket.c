// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sockets for the POSIX server's processes: the Linux socket syscalls
 * (socket, socketpair, bind, listen, accept/accept4, connect, send*,
 * recv*, getsockname/getpeername, setsockopt/getsockopt, shutdown), read
 * and write on sockets, FIONBIO/FIONREAD, and the readiness poll.c asks.
 *
 * Model: a socket fd is a FILE_SOCKET open file description holding a
 * struct psock. AF_INET sockets live in the net server (<kaal/net_rpc.h>):
 * the POSIX server is one client of it (badge = its channel's, socket
 * numbers shared by all processes, NET_RPC_MAX_SOCKETS in all), and every
 * call it makes carries NET_RPC_NONBLOCK, so it never waits there on
 * behalf of one process while others wait for it. A call that would block
 * a blocking socket returns SYS_BLOCKED: the process waits (proc_block)
 * and the main loop runs its syscall again after an event. The net server
 * signals SOCK_EVENT_BIT on the events notification (REGISTER_NTFN, made
 * at the first AF_INET socket) once after each of our calls when
 * something happens on one of our sockets; that sets posix_wake. Data
 * moves through the 64 KiB region shared with the net server (net_shm):
 * user memory -> region -> lwIP on send, the other way on receive.
 *
 * If the net server goes (a call answered SERVER_GONE, or EBADF for a
 * socket it gave us, or SOCKET says our notification is not registered),
 * the sockets made before answer ECONNRESET (net_gen) and the
 * notification is registered with the new instance.
 *
 * AF_UNIX sockets come only from socketpair and are served here: two
 * byte rings, one per direction, as pipes are; a SOCK_DGRAM pair keeps
 * each message's length before it, so boundaries hold. socket(AF_UNIX) and
 * every other family than AF_INET answer EAFNOSUPPORT.
 *
 * Blocking sends take what fits (at most one region, 64 KiB) and return
 * that count, as a write to a pipe may; callers loop (busybox's
 * full_write does).
 */
#include "posix.h"

#include <kaal/component.h>
#include <kaal/heap.h>
#include <kaal/net_rpc.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/timer.h>

#include "posix_caps.h"

#define AF_UNIX 1
#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define SOL_SOCKET 1
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_LINGER 13
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SIGPIPE 13
#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define POLLIN 0x1
#define POLLOUT 0x4
#define POLLERR 0x8
#define POLLHUP 0x10
#define POLLRDNORM 0x40
#define POLLWRNORM 0x100
#define POLLRDHUP 0x2000
#define MAX_IOV 64
#define UNIX_RING_BYTES 16384u
#define S_IFSOCK 0140000

#define NET_SHM ((uint8_t *)KAAL_RING_NET_SHM_DATA_VADDR)
#define NET_SHM_BYTES KAAL_RING_NET_SHM_DATA_SIZE_BYTES
/* The badged notification cap the net server signals: a slot below the
 * pool's (mem.c starts at 1024) and above the granted caps. */
#define SLOT_NET_NTFN 1000u
_Static_assert(SLOT_NET_NTFN >= KAAL_COMPONENT_FIRST_FREE_SLOT, "a free slot");

/* One direction of a socketpair: written by one end, read by the other. */
struct unix_ring {
    uint8_t buf[UNIX_RING_BYTES];
    uint32_t head, n;
};

struct unix_pair {
    struct unix_ring ring[2]; /* ring[i]: what end i reads */
    bool open[2];             /* end i has a file description */
    bool rd_shut[2], wr_shut[2];
};

struct psock {
    int family, type;
    /* AF_INET */
    int net;                           /* the net server's socket number */
    uint64_t rcvtimeo_ns, sndtimeo_ns; /* SO_RCVTIMEO, SO_SNDTIMEO (0: none) */
    unsigned gen;                      /* net_gen when it was made */
    bool connecting;                   /* a CONNECT answered EINPROGRESS, not yet seen done */
    /* AF_UNIX */
    struct unix_pair *pair;
    int side;
};

struct uio {
    uint64_t base, len;
};

static bool net_started, net_ok;
/* Bumped when the net server went: sockets of an older generation name
 * nothing any more (their numbers may be another process's in the new
 * instance) and answer ECONNRESET. */
static unsigned net_gen;

/* ---- the net server ---- */

/* The net server went or came back new: older sockets are dead, and the
 * next socket() registers the notification with the new instance. */
static void net_restarted(void)
{
    net_gen++;
    net_started = net_ok = false;
}

/* One call; results in out (may be NULL). Returns 0 or a negative errno. */
static int64_t net_call(uint64_t label, unsigned n, const uint64_t *w, uint64_t out[4])
{
    for (unsigned i = 0; i < n; i++)
        seL4_SetMR((int)i, w[i]);
    seL4_MessageInfo_t info = seL4_Call(KAAL_CAP_NET, seL4_MessageInfo_new(label, 0, 0, n));
    seL4_Word l = seL4_MessageInfo_get_label(info);
    /* We only name sockets the server gave us: EBADF means it forgot them */
    if (l == KAAL_RPC_LABEL_SERVER_GONE || (l == LINUX_EBADF && label != NET_RPC_SOCKET)) {
        net_restarted();
        return -LINUX_ECONNRESET;
    }
    if (l != 0)
        return l < 4096 ? -(int64_t)l : -LINUX_EIO; /* an errno, or the server went */
    for (unsigned i = 0; out != NULL && i < 4; i++)
        out[i] = i < seL4_MessageInfo_get_length(info) ? seL4_GetMR((int)i) : 0;
    return 0;
}

static int64_t net_call4(uint64_t label, unsigned n, uint64_t a0, uint64_t a1, uint64_t a2,
                         uint64_t a3, uint64_t out[4])
{
    uint64_t w[4] = {a0, a1, a2, a3};
    return net_call(label, n, w, out);
}

/* The first AF_INET socket: our readiness notification to the server. */
static bool net_start(void)
{
    if (net_started)
        return net_ok;
    net_started = true;
    if (kaal_component_ring("net_shm") == NULL) {
        printf("posix: no net server wired (net, net_shm): AF_INET is EAFNOSUPPORT\n");
        return false;
    }
    seL4_Error e = seL4_CNode_Mint(KAAL_SYSDESC_SLOT_CNODE, SLOT_NET_NTFN, seL4_WordBits,
                                   KAAL_SYSDESC_SLOT_CNODE, KAAL_CAP_EVENTS, seL4_WordBits,
                                   seL4_CapRights_new(0, 0, 0, 1), SOCK_EVENT_BIT);
    if (e == seL4_NoError) {
        seL4_SetCap(0, SLOT_NET_NTFN);
        seL4_MessageInfo_t info =
            seL4_Call(KAAL_CAP_NET, seL4_MessageInfo_new(NET_RPC_REGISTER_NTFN, 0, 1, 0));
        net_ok = seL4_MessageInfo_get_label(info) == 0;
    }
    if (!net_ok)
        printf("posix: the net server refused the readiness notification (seL4 error %d): "
               "AF_INET is EAFNOSUPPORT\n",
               (int)e);
    return net_ok;
}

/* ---- fds and addresses ---- */

static bool stale(const struct psock *s)
{
    return s->family == AF_INET && s->gen != net_gen;
}

static struct psock *sock_of(struct proc *p, uint64_t fd, int64_t *err)
{
    struct file *f = fd_get(p, fd);
    *err = -LINUX_EBADF;
    if (f == NULL)
        return NULL;
    if (f->kind != FILE_SOCKET) {
        *err = -LINUX_ENOTSOCK;
        return NULL;
    }
    if (stale(f->sock)) {
        *err = -LINUX_ECONNRESET;
        return NULL;
    }
    return f->sock;
}

static int64_t install(struct proc *p, struct psock *s, int flags)
{
    struct file *f = new_file(FILE_SOCKET);
    if (f == NULL) {
        free(s);
        return -LINUX_ENOMEM;
    }
    f->sock = s;
    f->flags = VFS_O_RDWR | (flags & SOCK_NONBLOCK ? VFS_O_NONBLOCK : 0);
    int fd = fd_install(p, f, 0, (flags & SOCK_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* struct sockaddr_in: family, port and address in network order. */
static int64_t get_sockaddr_in(struct proc *p, uint64_t uaddr, uint64_t len, uint32_t *addr,
                               uint16_t *port)
{
    uint8_t b[16];
    if (len < sizeof(b) || len > 128)
        return -LINUX_EINVAL;
    if (copy_from_user(&p->vm, b, uaddr, sizeof(b)) < 0)
        return -LINUX_EFAULT;
    if (b[0] != AF_INET || b[1] != 0)
        return -LINUX_EAFNOSUPPORT;
    *port = (uint16_t)(b[2] << 8 | b[3]);
    *addr = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    return 0;
}

/* Writes an address for accept/getsockname/recvfrom: at most *ulen bytes
 * of it, then its full length to *ulen (Linux's rule). */
static int64_t put_sockaddr(struct proc *p, uint64_t uaddr, uint64_t ulen, int family,
                            uint32_t addr, uint16_t port)
{
    if (uaddr == 0 || ulen == 0)
        return 0;
    int32_t len;
    if (copy_from_user(&p->vm, &len, ulen, 4) < 0)
        return -LINUX_EFAULT;
    if (len < 0)
        return -LINUX_EINVAL;
    uint8_t b[16] = {(uint8_t)family,       0,
                     (uint8_t)(port >> 8),  (uint8_t)port,
                     (uint8_t)(addr >> 24), (uint8_t)(addr >> 16),
                     (uint8_t)(addr >> 8),  (uint8_t)addr};
    int32_t full = family == AF_INET ? 16 : 2;
    if (copy_to_user(&p->vm, uaddr, b, (size_t)(len < full ? len : full)) < 0 ||
        copy_to_user(&p->vm, ulen, &full, 4) < 0)
        return -LINUX_EFAULT;
    return 0;
}

/* ---- user buffers <-> a flat buffer ---- */

static int64_t get_iov(struct proc *p, uint64_t uiov, uint64_t n, struct uio *v, unsigned *nv)
{
    if (n > 1024)
        return -LINUX_EINVAL;
    *nv = n < MAX_IOV ? (unsigned)n : MAX_IOV; /* the rest: a short count */
    if (*nv && copy_from_user(&p->vm, v, uiov, *nv * sizeof(*v)) < 0)
        return -LINUX_EFAULT;
    return 0;
}

static uint64_t iov_total(const struct uio *v, unsigned nv)
{
    uint64_t t = 0;
    for (unsigned i = 0; i < nv; i++)
        t += v[i].len < (1ull << 32) ? v[i].len : (1ull << 32);
    return t;
}

/* Copies up to max bytes of the user's iovecs into dst: how many, or -EFAULT. */
static int64_t gather(struct proc *p, const struct uio *v, unsigned nv, uint8_t *dst, size_t max)
{
    size_t done = 0;
    for (unsigned i = 0; i < nv && done < max; i++) {
        size_t k = v[i].len < max - done ? (size_t)v[i].len : max - done;
        if (k && copy_from_user(&p->vm, dst + done, v[i].base, k) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        done += k;
    }
    return (int64_t)done;
}

static int64_t scatter(struct proc *p, const struct uio *v, unsigned nv, const uint8_t *src,
                       size_t n)
{
    size_t done = 0;
    for (unsigned i = 0; i < nv && done < n; i++) {
        size_t k = v[i].len < n - done ? (size_t)v[i].len : n - done;
        if (k && copy_to_user(&p->vm, v[i].base, src + done, k) < 0)
            return -LINUX_EFAULT;
        done += k;
    }
    return (int64_t)done;
}

static bool nonblocking(const struct file *f, uint64_t flags)
{
    return (f->flags & VFS_O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/* A call that cannot go on now: EAGAIN for a non-blocking one, else the
 * process waits, until timeout_ns (SO_RCVTIMEO/SNDTIMEO; 0: for ever) is
 * over, then EAGAIN as on Linux. */
static int64_t would_block(struct proc *p, const struct file *f, uint64_t flags,
                           uint64_t timeout_ns)
{
    if (nonblocking(f, flags))
        return -LINUX_EAGAIN;
    if (timeout_ns == 0)
        return SYS_BLOCKED;
    uint64_t deadline =
        p->state == PROC_BLOCKED && p->deadline_ns ? p->deadline_ns : kaal_time_ns() + timeout_ns;
    int64_t r = proc_sleep_until(p, deadline);
    return r == SYS_BLOCKED ? r : -LINUX_EAGAIN;
}

static int64_t epipe(struct proc *p, uint64_t flags)
{
    if (!(flags & MSG_NOSIGNAL)) {
        proc_signal(p, SIGPIPE);
        if (p->state == PROC_ZOMBIE)
            return SYS_NO_REPLY;
    }
    return -LINUX_EPIPE;
}

/* ---- AF_UNIX socketpair ---- */

static uint8_t unix_bounce[UNIX_RING_BYTES];

static void ring_put(struct unix_ring *r, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        r->buf[(r->head + r->n + i) % UNIX_RING_BYTES] = src[i];
    r->n += n;
}

/* Copies n bytes from offset off of what r holds, leaving them. */
static void ring_peek(const struct unix_ring *r, uint32_t off, uint8_t *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        dst[i] = r->buf[(r->head + off + i) % UNIX_RING_BYTES];
}

static void ring_drop(struct unix_ring *r, uint32_t n)
{
    r->head = (r->head + n) % UNIX_RING_BYTES;
    r->n -= n;
}

/* A datagram pair keeps each message as its length (4 bytes) then its
 * bytes; the length of the next one, or 0 if none is queued. */
static uint32_t next_dgram(const struct unix_ring *r)
{
    uint32_t len = 0;
    if (r->n >= sizeof(len))
        ring_peek(r, 0, (uint8_t *)&len, sizeof(len));
    return len;
}

static int64_t unix_send(struct proc *p, struct file *f, const struct uio *v, unsigned nv,
                         uint64_t flags)
{
    struct psock *s = f->sock;
    struct unix_pair *u = s->pair;
    int peer = 1 - s->side;
    struct unix_ring *r = &u->ring[peer];
    if (u->wr_shut[s->side] || !u->open[peer] || u->rd_shut[peer])
        return epipe(p, flags);
    uint64_t want = iov_total(v, nv);
    bool dgram = s->type == SOCK_DGRAM;
    uint32_t hdr = dgram ? 4 : 0;
    if (dgram && want + hdr > UNIX_RING_BYTES)
        return -LINUX_EMSGSIZE;
    if (want == 0 && !dgram)
        return 0;
    if (r->n + hdr + (dgram ? want : 1) > UNIX_RING_BYTES)
        return would_block(p, f, flags, s->sndtimeo_ns);
    int64_t got = gather(p, v, nv, unix_bounce, UNIX_RING_BYTES - r->n - hdr);
    if (got < 0 || (dgram && (uint64_t)got != want))
        return got < 0 ? got : -LINUX_EFAULT;
    uint32_t len = (uint32_t)got;
    if (dgram)
        ring_put(r, (const uint8_t *)&len, sizeof(len));
    ring_put(r, unix_bounce, len);
    posix_wake = true;
    return got;
}

static int64_t unix_recv(struct proc *p, struct file *f, const struct uio *v, unsigned nv,
                         uint64_t flags, int *msg_flags)
{
    struct psock *s = f->sock;
    struct unix_pair *u = s->pair;
    int peer = 1 - s->side;
    struct unix_ring *r = &u->ring[s->side];
    uint64_t want = iov_total(v, nv);
    if (r->n == 0) {
        if (!u->open[peer] || u->wr_shut[peer] || u->rd_shut[s->side] ||
            (want == 0 && s->type == SOCK_STREAM))
            return 0;
        return would_block(p, f, flags, s->rcvtimeo_ns);
    }
    bool dgram = s->type == SOCK_DGRAM;
    uint32_t hdr = dgram ? 4 : 0, avail = dgram ? next_dgram(r) : r->n;
    uint32_t n = want < avail ? (uint32_t)want : avail;
    ring_peek(r, hdr, unix_bounce, n);
    int64_t put = scatter(p, v, nv, unix_bounce, n);
    if (put < 0)
        return put;
    if (dgram && avail > n && msg_flags != NULL)
        *msg_flags |= MSG_TRUNC;
    if (!(flags & MSG_PEEK)) {
        ring_drop(r, hdr + (dgram ? avail : n)); /* a datagram's tail goes with it */
        posix_wake = true;
    }
    return dgram && (flags & MSG_TRUNC) ? avail : n;
}

static unsigned unix_mask(const struct psock *s)
{
    const struct unix_pair *u = s->pair;
    int peer = 1 - s->side;
    unsigned m = 0;
    if (u->ring[s->side].n > 0 || !u->open[peer] || u->wr_shut[peer] || u->rd_shut[s->side])
        m |= POLLIN | POLLRDNORM;
    if (u->ring[peer].n + (s->type == SOCK_DGRAM ? 4 : 0) < UNIX_RING_BYTES || !u->open[peer])
        m |= POLLOUT | POLLWRNORM;
    if (!u->open[peer] || u->wr_shut[peer])
        m |= POLLRDHUP;
    if (!u->open[peer] || (u->wr_shut[peer] && u->wr_shut[s->side]))
        m |= POLLHUP;
    return m;
}

static int64_t do_socketpair(struct proc *p, uint64_t domain, uint64_t type, uint64_t proto,
                             uint64_t usv)
{
    if (domain != AF_UNIX)
        return domain == AF_INET ? -LINUX_EOPNOTSUPP : -LINUX_EAFNOSUPPORT;
    if (type & ~(uint64_t)(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -LINUX_EINVAL;
    int kind = (int)(type & SOCK_TYPE_MASK);
    if (kind != SOCK_STREAM && kind != SOCK_DGRAM)
        return -LINUX_EOPNOTSUPP; /* no SOCK_SEQPACKET */
    if (proto != 0)
        return -LINUX_EPROTONOSUPPORT;
    struct unix_pair *u = calloc(1, sizeof(*u));
    struct psock *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
    if (!u || !a || !b) {
        free(u);
        free(a);
        free(b);
        return -LINUX_ENOMEM;
    }
    *a = (struct psock){.family = AF_UNIX, .type = kind, .net = -1, .pair = u, .side = 0};
    *b = (struct psock){.family = AF_UNIX, .type = kind, .net = -1, .pair = u, .side = 1};
    u->open[0] = u->open[1] = true;
    int fds[2];
    fds[0] = (int)install(p, a, (int)type);
    if (fds[0] < 0) {
        u->open[0] = false; /* a went with its file; b was never installed */
        free(b);
        free(u);
        return fds[0];
    }
    fds[1] = (int)install(p, b, (int)type);
    if (fds[1] < 0 || copy_to_user(&p->vm, usv, fds, sizeof(fds)) < 0) {
        int64_t e = fds[1] < 0 ? fds[1] : -LINUX_EFAULT;
        fd_close(p, (uint64_t)fds[0]);
        if (fds[1] >= 0) {
            fd_close(p, (uint64_t)fds[1]);
        }
        return e;
    }
    return 0;
}

/* ---- AF_INET ---- */

static int64_t do_socket(struct proc *p, uint64_t domain, uint64_t type, uint64_t proto)
{
    if (domain != AF_INET)
        return -LINUX_EAFNOSUPPORT; /* AF_UNIX: socketpair only; no IPv6 */
    if (type & ~(uint64_t)(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -LINUX_EINVAL;
    uint64_t base = type & SOCK_TYPE_MASK;
    if (base != SOCK_STREAM && base != SOCK_DGRAM)
        return -LINUX_EPROTONOSUPPORT; /* SOCK_RAW, SOCK_SEQPACKET */
    if (!net_start())
        return -LINUX_EAFNOSUPPORT;
    uint64_t out[4];
    int64_t r = net_call4(NET_RPC_SOCKET, 3, AF_INET, base, proto, 0, out);
    if (r == 0 && out[1] == 0) { /* a new instance that has no notification of ours */
        net_restarted();
        if (!net_start()) {
            net_call4(NET_RPC_CLOSE, 1, out[0], 0, 0, 0, NULL);
            return -LINUX_EAFNOSUPPORT;
        }
    }
    if (r < 0)
        return r == -LINUX_EMFILE ? -LINUX_ENFILE : r; /* the server's table is system-wide */
    struct psock *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        net_call4(NET_RPC_CLOSE, 1, out[0], 0, 0, 0, NULL);
        return -LINUX_ENOMEM;
    }
    *s = (struct psock){.family = AF_INET, .type = (int)base, .net = (int)out[0], .gen = net_gen};
    return install(p, s, (int)type);
}

static struct psock *inet_of(struct proc *p, uint64_t fd, int64_t *err)
{
    struct psock *s = sock_of(p, fd, err);
    if (s != NULL && s->family != AF_INET) {
        *err = -LINUX_EOPNOTSUPP;
        return NULL;
    }
    return s;
}

static int64_t do_bind(struct proc *p, uint64_t fd, uint64_t uaddr, uint64_t len)
{
    int64_t e;
    struct psock *s = sock_of(p, fd, &e);
    if (s == NULL)
        return e;
    if (s->family != AF_INET)
        return -LINUX_EINVAL; /* a socketpair end is connected already */
    uint32_t addr;
    uint16_t port;
    if ((e = get_sockaddr_in(p, uaddr, len, &addr, &port)) < 0)
        return e;
    return net_call4(NET_RPC_BIND, 3, (uint64_t)s->net, addr, port, 0, NULL);
}

static int64_t do_listen(struct proc *p, uint64_t fd, int64_t backlog)
{
    int64_t e;
    struct psock *s = inet_of(p, fd, &e);
    if (s == NULL)
        return e;
    if (s->type != SOCK_STREAM)
        return -LINUX_EOPNOTSUPP;
    return net_call4(NET_RPC_LISTEN, 2, (uint64_t)s->net, backlog < 0 ? 0 : (uint64_t)backlog, 0, 0,
                     NULL);
}

static int64_t do_accept(struct proc *p, uint64_t fd, uint64_t uaddr, uint64_t ulen, uint64_t flags)
{
    if (flags & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -LINUX_EINVAL;
    int64_t e;
    struct psock *s = inet_of(p, fd, &e);
    if (s == NULL)
        return e;
    uint64_t out[4];
    e = net_call4(NET_RPC_ACCEPT, 2, (uint64_t)s->net, NET_RPC_NONBLOCK, 0, 0, out);
    if (e == -LINUX_EAGAIN)
        return would_block(p, fd_get(p, fd), 0, s->rcvtimeo_ns);
    if (e < 0)
        return e;
    struct psock *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        net_call4(NET_RPC_CLOSE, 1, out[0], 0, 0, 0, NULL);
        return -LINUX_ENOMEM;
    }
    *n = (struct psock){.family = AF_INET, .type = SOCK_STREAM, .net = (int)out[0], .gen = net_gen};
    int64_t nfd = install(p, n, (int)flags);
    if (nfd < 0)
        return nfd;
    if ((e = put_sockaddr(p, uaddr, ulen, AF_INET, (uint32_t)out[1], (uint16_t)out[2])) < 0) {
        fd_close(p, (uint64_t)nfd);
        return e;
    }
    return nfd;
}

/* A connect that was EINPROGRESS: done once the socket is writable or has
 * an error (as poll would say), then SO_ERROR tells which. */
static int64_t connect_result(struct psock *s, bool nonblock)
{
    uint64_t out[4];
    int64_t e = net_call(NET_RPC_POLL, 0, NULL, out);
    if (e < 0)
        return e;
    uint64_t bit = 1ull << s->net;
    if (!((out[NET_POLL_OUT] | out[NET_POLL_ERR]) & bit))
        return nonblock ? -LINUX_EALREADY : SYS_BLOCKED;
    s->connecting = false;
    e = net_call4(NET_RPC_GETSOCKOPT, 3, (uint64_t)s->net, NET_SOL_SOCKET, NET_SO_ERROR, 0, out);
    return e < 0 ? e : -(int64_t)out[0];
}

static int64_t do_connect(struct proc *p, uint64_t fd, uint64_t uaddr, uint64_t len)
{
    int64_t e;
    struct psock *s = sock_of(p, fd, &e);
    if (s == NULL)
        return e;
    if (s->family != AF_INET)
        return -LINUX_EISCONN;
    bool nonblock = nonblocking(fd_get(p, fd), 0);
    if (s->connecting)
        return connect_result(s, nonblock);
    uint32_t addr;
    uint16_t port;
    if ((e = get_sockaddr_in(p, uaddr, len, &addr, &port)) < 0)
        return e;
    e = net_call4(NET_RPC_CONNECT, 4, (uint64_t)s->net, addr, port, NET_RPC_NONBLOCK, NULL);
    if (e != -LINUX_EINPROGRESS)
        return e;
    s->connecting = true;
    return nonblock ? e : connect_result(s, false);
}

static int64_t inet_send(struct proc *p, struct file *f, const struct uio *v, unsigned nv,
                         uint64_t flags, bool to, uint32_t addr, uint16_t port)
{
    struct psock *s = f->sock;
    uint64_t want = iov_total(v, nv);
    if (s->type == SOCK_DGRAM && want > NET_SHM_BYTES)
        return -LINUX_EMSGSIZE;
    int64_t n = gather(p, v, nv, NET_SHM, NET_SHM_BYTES);
    if (n < 0)
        return n;
    uint64_t w[6] = {(uint64_t)s->net, 0, (uint64_t)n, NET_RPC_NONBLOCK, addr, port};
    uint64_t out[4];
    int64_t e = net_call(NET_RPC_SEND, s->type == SOCK_DGRAM && to ? 6 : 4, w, out);
    if (e == -LINUX_EAGAIN)
        return would_block(p, f, flags, s->sndtimeo_ns);
    /* Linux's TCP answers a send before connect with EPIPE too */
    if (e == -LINUX_EPIPE || (e == -LINUX_ENOTCONN && s->type == SOCK_STREAM))
        return epipe(p, flags);
    return e < 0 ? e : (int64_t)out[0];
}

/* Receives into the iovecs; *from gets a datagram's source, *full its length. */
static int64_t inet_recv(struct proc *p, struct file *f, const struct uio *v, unsigned nv,
                         uint64_t flags, uint64_t out[4])
{
    struct psock *s = f->sock;
    uint64_t want = iov_total(v, nv);
    if (want > NET_SHM_BYTES)
        want = NET_SHM_BYTES;
    int64_t e = net_call4(NET_RPC_RECV, 4, (uint64_t)s->net, 0, want,
                          NET_RPC_NONBLOCK | (flags & MSG_PEEK ? NET_RPC_PEEK : 0), out);
    if (e == -LINUX_EAGAIN)
        return would_block(p, f, flags, s->rcvtimeo_ns);
    if (e < 0)
        return e;
    return scatter(p, v, nv, NET_SHM, (size_t)out[0]);
}

/* ---- send/recv for both families ---- */

static struct file *sock_file(struct proc *p, uint64_t fd, int64_t *err)
{
    struct file *f = fd_get(p, fd);
    *err = f == NULL                ? -LINUX_EBADF
           : f->kind != FILE_SOCKET ? -LINUX_ENOTSOCK
           : stale(f->sock)         ? -LINUX_ECONNRESET
                                    : 0;
    return *err ? NULL : f;
}

static int64_t sock_send(struct proc *p, struct file *f, const struct uio *v, unsigned nv,
                         uint64_t flags, uint64_t uaddr, uint64_t alen)
{
    if (flags & MSG_OOB)
        return -LINUX_EOPNOTSUPP;
    if (f->sock->family == AF_UNIX)
        return uaddr ? -LINUX_EISCONN : unix_send(p, f, v, nv, flags);
    uint32_t addr = 0;
    uint16_t port = 0;
    bool to = uaddr != 0 && f->sock->type == SOCK_DGRAM; /* TCP ignores it, as Linux */
    if (to) {
        int64_t e = get_sockaddr_in(p, uaddr, alen, &addr, &port);
        if (e < 0)
            return e;
    }
    return inet_send(p, f, v, nv, flags, to, addr, port);
}

/* A datagram's source goes to uaddr/ulen; a stream socket leaves them. */
static int64_t sock_recv(struct proc *p, struct file *f, const struct uio *v, unsigned nv,
                         uint64_t flags, uint64_t uaddr, uint64_t ulen, int *msg_flags)
{
    if (flags & MSG_OOB)
        return -LINUX_EINVAL;
    if (f->sock->family == AF_UNIX)
        return unix_recv(p, f, v, nv, flags, msg_flags);
    uint64_t out[4] = {0};
    int64_t n = inet_recv(p, f, v, nv, flags, out);
    if (n < 0 || f->sock->type != SOCK_DGRAM)
        return n;
    if (out[3] > out[0] && msg_flags != NULL)
        *msg_flags |= MSG_TRUNC;
    int64_t e = put_sockaddr(p, uaddr, ulen, AF_INET, (uint32_t)out[1], (uint16_t)out[2]);
    if (e < 0)
        return e;
    return (flags & MSG_TRUNC) ? (int64_t)out[3] : n;
}

int64_t sock_read(struct proc *p, struct file *f, uint64_t buf, size_t n)
{
    if (stale(f->sock))
        return -LINUX_ECONNRESET;
    struct uio v = {buf, n};
    return sock_recv(p, f, &v, 1, 0, 0, 0, NULL);
}

int64_t sock_write(struct proc *p, struct file *f, uint64_t buf, size_t n)
{
    if (stale(f->sock))
        return epipe(p, 0);
    struct uio v = {buf, n};
    return sock_send(p, f, &v, 1, 0, 0, 0);
}

/* struct msghdr (x86_64): name 0, namelen 8, iov 16, iovlen 24, control
 * 32, controllen 40, flags 48. */
static int64_t do_msg(struct proc *p, uint64_t fd, uint64_t umsg, uint64_t flags, bool send)
{
    int64_t e;
    struct file *f = sock_file(p, fd, &e);
    if (f == NULL)
        return e;
    uint64_t m[7];
    if (copy_from_user(&p->vm, m, umsg, sizeof(m)) < 0)
        return -LINUX_EFAULT;
    struct uio v[MAX_IOV];
    unsigned nv;
    if ((e = get_iov(p, m[2], m[3], v, &nv)) < 0)
        return e;
    uint32_t namelen = (uint32_t)m[1];
    if (send)
        return sock_send(p, f, v, nv, flags, m[0], namelen);
    int msg_flags = 0;
    int64_t n = sock_recv(p, f, v, nv, flags, m[0], m[0] ? umsg + 8 : 0, &msg_flags);
    if (n < 0)
        return n; /* SYS_BLOCKED too */
    uint64_t zero = 0;
    if (f->sock->type != SOCK_DGRAM && m[0]) {
        uint32_t z = 0;
        if (copy_to_user(&p->vm, umsg + 8, &z, 4) < 0)
            return -LINUX_EFAULT;
    }
    if (copy_to_user(&p->vm, umsg + 40, &zero, 8) < 0 ||
        copy_to_user(&p->vm, umsg + 48, &msg_flags, 4) < 0)
        return -LINUX_EFAULT;
    return n;
}

static int64_t do_getname(struct proc *p, uint64_t fd, uint64_t uaddr, uint64_t ulen, bool peer)
{
    int64_t e;
    struct psock *s = sock_of(p, fd, &e);
    if (s == NULL)
        return e;
    if (s->family == AF_UNIX) {
        if (peer && !s->pair->open[1 - s->side])
            return -LINUX_ENOTCONN;
        return put_sockaddr(p, uaddr, ulen, AF_UNIX, 0, 0);
    }
    uint64_t out[4];
    if ((e = net_call4(NET_RPC_GETNAME, 1, (uint64_t)s->net, 0, 0, 0, out)) < 0)
        return e;
    if (peer && out[2] == 0 && out[3] == 0)
        return -LINUX_ENOTCONN;
    return peer ? put_sockaddr(p, uaddr, ulen, AF_INET, (uint32_t)out[2], (uint16_t)out[3])
                : put_sockaddr(p, uaddr, ulen, AF_INET, (uint32_t)out[0], (uint16_t)out[1]);
}

static int64_t do_setsockopt(struct proc *p, uint64_t fd, uint64_t level, uint64_t opt,
                             uint64_t uval, uint64_t len)
{
    int64_t e;
    struct psock *s = sock_of(p, fd, &e);
    if (s == NULL)
        return e;
    int32_t v[2] = {0, 0};
    size_t need = level == SOL_SOCKET && opt == SO_LINGER ? 8 : 4;
    if (level == SOL_SOCKET && (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO)) {
        int64_t tv[2]; /* struct timeval */
        if (len < sizeof(tv))
            return -LINUX_EINVAL;
        if (copy_from_user(&p->vm, tv, uval, sizeof(tv)) < 0)
            return -LINUX_EFAULT;
        if (tv[1] < 0 || tv[1] >= 1000000)
            return -LINUX_EDOM;
        uint64_t ns = tv[0] < 0 ? 0 : (uint64_t)tv[0] * 1000000000u + (uint64_t)tv[1] * 1000u;
        if (opt == SO_RCVTIMEO)
            s->rcvtimeo_ns = ns;
        else
            s->sndtimeo_ns = ns;
        return 0;
    }
    if (len < need)
        return -LINUX_EINVAL;
    if (copy_from_user(&p->vm, v, uval, need) < 0)
        return -LINUX_EFAULT;
    if (s->family == AF_UNIX)
        return level == SOL_SOCKET ? 0 : -LINUX_EOPNOTSUPP; /* buffer sizes etc.: kept as is */
    uint64_t value =
        opt == SO_LINGER && level == SOL_SOCKET ? NET_LINGER(v[0], v[1]) : (uint64_t)(uint32_t)v[0];
    return net_call4(NET_RPC_SETSOCKOPT, 4, (uint64_t)s->net, level, opt, value, NULL);
}

static int64_t do_getsockopt(struct proc *p, uint64_t fd, uint64_t level, uint64_t opt,
                             uint64_t uval, uint64_t ulen)
{
    int64_t e;
    struct psock *s = sock_of(p, fd, &e);
    if (s == NULL)
        return e;
    int32_t len;
    if (copy_from_user(&p->vm, &len, ulen, 4) < 0)
        return -LINUX_EFAULT;
    if (len < 0)
        return -LINUX_EINVAL;
    if (level == SOL_SOCKET && (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO)) {
        uint64_t ns = opt == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
        int64_t tv[2] = {(int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u / 1000u)};
        int32_t n = len < (int32_t)sizeof(tv) ? len : (int32_t)sizeof(tv);
        if (copy_to_user(&p->vm, uval, tv, (size_t)n) < 0 || copy_to_user(&p->vm, ulen, &n, 4) < 0)
            return -LINUX_EFAULT;
        return 0;
    }
    int32_t v[2] = {0, 0};
    int32_t size = 4;
    if (level == SOL_SOCKET && opt == SO_DOMAIN) {
        v[0] = s->family;
    } else if (level == SOL_SOCKET && opt == SO_TYPE) {
        v[0] = s->type;
    } else if (level == SOL_SOCKET && opt == SO_PROTOCOL) {
        v[0] = s->family == AF_UNIX ? 0 : s->type == SOCK_STREAM ? 6 : 17;
    } else if (s->family == AF_UNIX) {
        if (level != SOL_SOCKET || opt != SO_ERROR)
            return -LINUX_ENOPROTOOPT;
    } else {
        uint64_t out[4];
        if ((e = net_call4(NET_RPC_GETSOCKOPT, 3, (uint64_t)s->net, level, opt, 0, out)) < 0)
            return e;
        if (level == SOL_SOCKET && opt == SO_LINGER) {
            v[0] = (int32_t)(out[0] & 1);
            v[1] = (int32_t)(out[0] >> 32);
            size = 8;
        } else {
            v[0] = (int32_t)out[0];
        }
    }
    if (len < size)
        size = len;
    if (copy_to_user(&p->vm, uval, v, (size_t)size) < 0 || copy_to_user(&p->vm, ulen, &size, 4) < 0)
        return -LINUX_EFAULT;
    return 0;
}

static int64_t do_shutdown(struct proc *p, uint64_t fd, uint64_t how)
{
    int64_t e;
    struct psock *s = sock_of(p, fd, &e);
    if (s == NULL)
        return e;
    if (how > 2)
        return -LINUX_EINVAL;
    if (s->family == AF_INET)
        return net_call4(NET_RPC_SHUTDOWN, 2, (uint64_t)s->net, how, 0, 0, NULL);
    if (how != 1)
        s->pair->rd_shut[s->side] = true;
    if (how != 0)
        s->pair->wr_shut[s->side] = true;
    posix_wake = true;
    return 0;
}

void sock_release(struct file *f)
{
    struct psock *s = f->sock;
    if (s == NULL)
        return;
    if (s->family == AF_INET) {
        if (!stale(s))
            net_call4(NET_RPC_CLOSE, 1, (uint64_t)s->net, 0, 0, 0, NULL);
    } else {
        s->pair->open[s->side] = false;
        if (!s->pair->open[1 - s->side])
            free(s->pair);
    }
    free(s);
    f->sock = NULL;
    posix_wake = true;
}

void sock_stat(struct vfs_stat *st, const struct file *f)
{
    memset(st, 0, sizeof(*st));
    st->mode = f->kind == FILE_SOCKET ? S_IFSOCK | 0777 : 0600;
    st->nlink = 1;
    st->ino = (uint64_t)(uintptr_t)f;
    st->blksize = PAGE_SIZE;
}

int64_t sock_ioctl(struct proc *p, struct file *f, uint64_t req, uint64_t arg)
{
    int32_t v;
    switch (req) {
    case FIONBIO:
        if (copy_from_user(&p->vm, &v, arg, 4) < 0)
            return -LINUX_EFAULT;
        f->flags = v ? f->flags | VFS_O_NONBLOCK : f->flags & ~VFS_O_NONBLOCK;
        return 0;
    case FIONREAD:
        if (f->kind == FILE_PIPE_READ) {
            v = (int32_t)f->pipe->n;
        } else if (f->kind == FILE_SOCKET && f->sock->family == AF_UNIX) {
            const struct unix_ring *r = &f->sock->pair->ring[f->sock->side];
            v = (int32_t)(f->sock->type == SOCK_DGRAM ? next_dgram(r) : r->n);
        } else if (f->kind == FILE_SOCKET) {
            if (stale(f->sock))
                return -LINUX_ECONNRESET;
            uint64_t out[4];
            int64_t e = net_call4(NET_RPC_GETSOCKOPT, 3, (uint64_t)f->sock->net, NET_SOL_SOCKET,
                                  NET_SO_NREAD, 0, out);
            if (e < 0)
                return e;
            v = (int32_t)out[0];
        } else {
            return -LINUX_ENOTTY;
        }
        return copy_to_user(&p->vm, arg, &v, 4) < 0 ? -LINUX_EFAULT : 0;
    default: return -LINUX_ENOTTY;
    }
}

/* ---- readiness for poll.c ---- */

static bool poll_fetched;
static uint64_t poll_words[NET_POLL_WORDS];

void sock_poll_begin(void)
{
    poll_fetched = false;
}

unsigned sock_poll_mask(struct file *f)
{
    struct psock *s = f->sock;
    if (s->family == AF_UNIX)
        return unix_mask(s);
    if (stale(s))
        return POLLIN | POLLOUT | POLLERR | POLLHUP;
    if (!poll_fetched) {
        uint64_t out[4];
        if (net_call(NET_RPC_POLL, 0, NULL, out) < 0)
            return POLLERR | POLLHUP; /* the net server is gone */
        memcpy(poll_words, out, sizeof(poll_words));
        poll_fetched = true;
    }
    uint64_t bit = 1ull << s->net;
    unsigned m = 0;
    m |= poll_words[NET_POLL_IN] & bit ? POLLIN | POLLRDNORM : 0;
    m |= poll_words[NET_POLL_OUT] & bit ? POLLOUT | POLLWRNORM : 0;
    m |= poll_words[NET_POLL_HUP] & bit ? POLLHUP : 0;
    m |= poll_words[NET_POLL_ERR] & bit ? POLLERR : 0;
    return m;
}

/* ---- the syscall numbers ---- */

int64_t sys_socket(struct proc *p, seL4_Word nr, const seL4_Word a[6], bool *handled)
{
    *handled = true;
    struct uio v = {a[1], a[2]};
    int64_t e;
    struct file *f;
    switch (nr) {
    case 41: return do_socket(p, a[0], a[1], a[2]);
    case 42: return do_connect(p, a[0], a[1], a[2]);
    case 43: return do_accept(p, a[0], a[1], a[2], 0);
    case 288: return do_accept(p, a[0], a[1], a[2], a[3]);
    case 44: f = sock_file(p, a[0], &e); return f ? sock_send(p, f, &v, 1, a[3], a[4], a[5]) : e;
    case 45:
        f = sock_file(p, a[0], &e);
        return f ? sock_recv(p, f, &v, 1, a[3], a[4], a[5], NULL) : e;
    case 46: return do_msg(p, a[0], a[1], a[2], true);
    case 47: return do_msg(p, a[0], a[1], a[2], false);
    case 48: return do_shutdown(p, a[0], a[1]);
    case 49: return do_bind(p, a[0], a[1], a[2]);
    case 50: return do_listen(p, a[0], (int32_t)a[1]);
    case 51: return do_getname(p, a[0], a[1], a[2], false);
    case 52: return do_getname(p, a[0], a[1], a[2], true);
    case 53: return do_socketpair(p, a[0], a[1], a[2], a[3]);
    case 54: return do_setsockopt(p, a[0], a[1], a[2], a[3], a[4]);
    case 55: return do_getsockopt(p, a[0], a[1], a[2], a[3], a[4]);
    default: *handled = false; return -LINUX_ENOSYS;
    }
}
