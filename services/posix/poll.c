// SPDX-License-Identifier: BSD-2-Clause
/*
 * Waiting for many files at once: poll, ppoll, select, pselect6 and
 * epoll_create/create1, epoll_ctl, epoll_wait/pwait, over every kind of
 * file the server has (the tty, pipes, sockets of both families, VFS files
 * which are always ready).
 *
 * Model: readiness is computed, never stored: file_mask() asks each file
 * now (sockets through socket.c, which fetches the net server's bitmaps
 * once per scan). A call that finds nothing ready and may wait returns
 * SYS_BLOCKED; the main loop runs it again after every event (pipe data, a
 * keystroke, the net server's signal, the timer), with the same
 * arguments, until something is ready or its deadline (p->deadline_ns,
 * through proc_sleep_until and the timer component) is past. Nothing is
 * written to user memory before the final answer, so a call run again
 * reads the sets the program gave. epoll is level-triggered: an epoll
 * file holds the (fd, events, data) of its interest list and every wait
 * scans it like poll; an entry whose fd no longer names the file it was
 * added for is skipped. Signal masks of ppoll/pselect6/epoll_pwait are not
 * applied.
 */
#include "posix.h"

#include <kaal/heap.h>
#include <kaal/string.h>
#include <kaal/timer.h>

#define POLLIN 0x1
#define POLLPRI 0x2
#define POLLOUT 0x4
#define POLLERR 0x8
#define POLLHUP 0x10
#define POLLNVAL 0x20
#define POLLRDNORM 0x40
#define POLLWRNORM 0x100
#define EPOLLET (1u << 31)
#define EPOLLONESHOT (1u << 30)
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLL_MAX_WATCH 64
#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull

struct epoll_item {
    int fd;
    struct file *f; /* the description it was added for (not a reference) */
    uint32_t events;
    uint64_t data;
};

struct epoll {
    struct epoll_item items[EPOLL_MAX_WATCH];
    unsigned n;
};

/* Linux poll bits of f now. */
static unsigned file_mask(struct file *f)
{
    switch (f->kind) {
    case FILE_TTY: return (tty_readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
    case FILE_PIPE_READ:
        return (f->pipe->n ? POLLIN | POLLRDNORM : 0) | (f->pipe->writers ? 0 : POLLHUP);
    case FILE_PIPE_WRITE:
        return (f->pipe->n < PIPE_BYTES ? POLLOUT | POLLWRNORM : 0) |
               (f->pipe->readers ? 0 : POLLERR);
    case FILE_SOCKET: return sock_poll_mask(f);
    case FILE_EPOLL: return 0; /* an epoll set in a poll set: not ready (no nesting) */
    default: return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
    }
}

/* The answer of a scan that found `ready`: it, or wait until timeout_ns
 * (< 0: for ever) is over, then 0. */
static int64_t wait_or_return(struct proc *p, int64_t ready, int64_t timeout_ns)
{
    if (ready != 0 || timeout_ns == 0)
        return ready;
    if (timeout_ns < 0)
        return SYS_BLOCKED;
    uint64_t deadline = p->state == PROC_BLOCKED && p->deadline_ns
                            ? p->deadline_ns
                            : kaal_time_ns() + (uint64_t)timeout_ns;
    int64_t r = proc_sleep_until(p, deadline);
    return r == SYS_BLOCKED ? r : 0; /* over (or no timer): nothing ready */
}

static int64_t timespec_ns(struct proc *p, uint64_t uts, int64_t *ns)
{
    int64_t ts[2];
    if (uts == 0) {
        *ns = -1;
        return 0;
    }
    if (copy_from_user(&p->vm, ts, uts, sizeof(ts)) < 0)
        return -LINUX_EFAULT;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS_PER_S)
        return -LINUX_EINVAL;
    *ns =
        ts[0] > (int64_t)(INT64_MAX / NS_PER_S) - 1 ? INT64_MAX : ts[0] * (int64_t)NS_PER_S + ts[1];
    return 0;
}

/* ---- poll, ppoll ---- */

struct pollfd {
    int32_t fd;
    int16_t events, revents;
};

#define POLL_MAX (MAX_FDS * 4)

static int64_t do_poll(struct proc *p, uint64_t ufds, uint64_t nfds, int64_t timeout_ns)
{
    static struct pollfd pfd[POLL_MAX];
    if (nfds > POLL_MAX)
        return -LINUX_EINVAL;
    if (nfds && copy_from_user(&p->vm, pfd, ufds, nfds * sizeof(pfd[0])) < 0)
        return -LINUX_EFAULT;
    sock_poll_begin();
    int64_t ready = 0;
    for (uint64_t i = 0; i < nfds; i++) {
        unsigned rev = 0;
        if (pfd[i].fd >= 0) {
            struct file *f = fd_get(p, (uint64_t)pfd[i].fd);
            rev =
                f == NULL ? POLLNVAL : file_mask(f) & ((uint16_t)pfd[i].events | POLLERR | POLLHUP);
        }
        pfd[i].revents = (int16_t)rev;
        ready += rev != 0;
    }
    int64_t r = wait_or_return(p, ready, timeout_ns);
    if (r == SYS_BLOCKED)
        return r;
    for (uint64_t i = 0; i < nfds; i++)
        if (copy_to_user(&p->vm, ufds + i * sizeof(pfd[0]) + 6, &pfd[i].revents, 2) < 0)
            return -LINUX_EFAULT;
    return r;
}

/* ---- select, pselect6 ---- */

static int64_t do_select(struct proc *p, uint64_t nfds, const uint64_t usets[3], int64_t timeout_ns)
{
    if ((int32_t)nfds < 0)
        return -LINUX_EINVAL;
    nfds = (uint32_t)nfds; /* an int */
    if (nfds > 1024)
        nfds = 1024; /* FD_SETSIZE: Linux, too, reads no further than its fd table */
    uint64_t in[3][16] = {{0}}, out[3][16] = {{0}};
    size_t bytes = (nfds + 7) / 8;
    for (int k = 0; k < 3; k++)
        if (usets[k] && bytes && copy_from_user(&p->vm, in[k], usets[k], bytes) < 0)
            return -LINUX_EFAULT;
    /* the bits beyond nfds in the last byte are not the program's */
    if (nfds % 8)
        for (int k = 0; k < 3; k++)
            ((uint8_t *)in[k])[bytes - 1] &= (uint8_t)((1u << (nfds % 8)) - 1);
    static const unsigned want[3] = {POLLIN | POLLRDNORM | POLLHUP | POLLERR,
                                     POLLOUT | POLLWRNORM | POLLERR, POLLPRI};
    sock_poll_begin();
    int64_t ready = 0;
    for (uint64_t fd = 0; fd < nfds; fd++) {
        uint64_t w = fd / 64, bit = 1ull << (fd % 64);
        if (!((in[0][w] | in[1][w] | in[2][w]) & bit))
            continue;
        struct file *f = fd_get(p, fd);
        if (f == NULL)
            return -LINUX_EBADF;
        unsigned m = file_mask(f);
        for (int k = 0; k < 3; k++) {
            if ((in[k][w] & bit) && (m & want[k])) {
                out[k][w] |= bit;
                ready++;
            }
        }
    }
    int64_t r = wait_or_return(p, ready, timeout_ns);
    if (r == SYS_BLOCKED)
        return r;
    for (int k = 0; k < 3; k++)
        if (usets[k] && bytes && copy_to_user(&p->vm, usets[k], out[k], bytes) < 0)
            return -LINUX_EFAULT;
    return r;
}

static int64_t sys_select(struct proc *p, const seL4_Word a[6])
{
    int64_t tv[2], ns = -1;
    if (a[4]) {
        if (copy_from_user(&p->vm, tv, a[4], sizeof(tv)) < 0)
            return -LINUX_EFAULT;
        if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
            return -LINUX_EINVAL;
        ns = tv[0] > (int64_t)(INT64_MAX / NS_PER_S) - 1 ? INT64_MAX
                                                         : tv[0] * (int64_t)NS_PER_S + tv[1] * 1000;
    }
    uint64_t sets[3] = {a[1], a[2], a[3]};
    return do_select(p, a[0], sets, ns);
}

/* ---- epoll ---- */

void epoll_release(struct file *f)
{
    free(f->ep);
    f->ep = NULL;
}

static int64_t epoll_create(struct proc *p, uint64_t flags)
{
    if (flags & ~(uint64_t)VFS_O_CLOEXEC)
        return -LINUX_EINVAL;
    struct file *f = new_file(FILE_EPOLL);
    struct epoll *ep = calloc(1, sizeof(*ep));
    if (f == NULL || ep == NULL) {
        free(f);
        free(ep);
        return -LINUX_ENOMEM;
    }
    f->ep = ep;
    f->flags = VFS_O_RDWR;
    int fd = fd_install(p, f, 0, (flags & VFS_O_CLOEXEC) != 0);
    if (fd < 0)
        file_put(f);
    return fd;
}

static struct epoll_item *epoll_find(struct epoll *ep, int fd)
{
    for (unsigned i = 0; i < ep->n; i++)
        if (ep->items[i].fd == fd)
            return &ep->items[i];
    return NULL;
}

static int64_t epoll_ctl(struct proc *p, uint64_t epfd, uint64_t op, uint64_t fd, uint64_t uev)
{
    struct file *e = fd_get(p, epfd), *f = fd_get(p, fd);
    if (e == NULL || f == NULL)
        return -LINUX_EBADF;
    if (e->kind != FILE_EPOLL || e == f)
        return -LINUX_EINVAL;
    if (f->kind == FILE_VFS)
        return -LINUX_EPERM; /* regular files cannot be watched, as on Linux */
    struct epoll *ep = e->ep;
    struct epoll_item *it = epoll_find(ep, (int)fd);
    if (it != NULL && it->f != f) {
        *it = ep->items[--ep->n]; /* the fd was closed and reused: the old entry is gone */
        it = NULL;
    }
    /* struct epoll_event is packed on x86_64: u32 events, u64 data */
    uint8_t ev[12];
    if (op != EPOLL_CTL_DEL && copy_from_user(&p->vm, ev, uev, sizeof(ev)) < 0)
        return -LINUX_EFAULT;
    uint32_t events;
    uint64_t data;
    memcpy(&events, ev, 4);
    memcpy(&data, ev + 4, 8);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it != NULL)
            return -LINUX_EEXIST;
        if (ep->n == EPOLL_MAX_WATCH)
            return -LINUX_ENOSPC;
        ep->items[ep->n++] = (struct epoll_item){(int)fd, f, events, data};
        return 0;
    case EPOLL_CTL_MOD:
        if (it == NULL)
            return -LINUX_ENOENT;
        it->events = events;
        it->data = data;
        return 0;
    case EPOLL_CTL_DEL:
        if (it == NULL)
            return -LINUX_ENOENT;
        *it = ep->items[--ep->n];
        return 0;
    default: return -LINUX_EINVAL;
    }
}

static int64_t epoll_wait(struct proc *p, uint64_t epfd, uint64_t uevs, int64_t max,
                          int64_t timeout_ms)
{
    struct file *e = fd_get(p, epfd);
    if (e == NULL)
        return -LINUX_EBADF;
    if (e->kind != FILE_EPOLL || max <= 0)
        return -LINUX_EINVAL;
    struct epoll *ep = e->ep;
    sock_poll_begin();
    int64_t ready = 0;
    for (unsigned i = 0; i < ep->n && ready < max; i++) {
        struct epoll_item *it = &ep->items[i];
        if (fd_get(p, (uint64_t)it->fd) != it->f)
            continue; /* closed (or reused for another file) */
        unsigned m = file_mask(it->f) & (it->events | POLLERR | POLLHUP);
        if (m == 0)
            continue;
        uint8_t ev[12];
        uint32_t got = m;
        memcpy(ev, &got, 4);
        memcpy(ev + 4, &it->data, 8);
        if (copy_to_user(&p->vm, uevs + 12 * (uint64_t)ready, ev, sizeof(ev)) < 0)
            return -LINUX_EFAULT;
        ready++;
        if (it->events & EPOLLONESHOT)
            it->events = 0;
    }
    return wait_or_return(p, ready, timeout_ms < 0 ? -1 : timeout_ms * (int64_t)NS_PER_MS);
}

int64_t sys_poll(struct proc *p, seL4_Word nr, const seL4_Word a[6], bool *handled)
{
    *handled = true;
    int64_t ns, r;
    switch (nr) {
    case 7: {
        int32_t ms = (int32_t)a[2];
        return do_poll(p, a[0], a[1], ms < 0 ? -1 : (int64_t)ms * (int64_t)NS_PER_MS);
    }
    case 271:
        if ((r = timespec_ns(p, a[2], &ns)) < 0)
            return r;
        return do_poll(p, a[0], a[1], ns);
    case 23: return sys_select(p, a);
    case 270: {
        if ((r = timespec_ns(p, a[4], &ns)) < 0)
            return r;
        uint64_t sets[3] = {a[1], a[2], a[3]};
        return do_select(p, a[0], sets, ns);
    }
    case 213: return (int64_t)a[0] <= 0 ? -LINUX_EINVAL : epoll_create(p, 0);
    case 291: return epoll_create(p, a[0]);
    case 233: return epoll_ctl(p, a[0], a[1], a[2], a[3]);
    case 232:
    case 281: return epoll_wait(p, a[0], a[1], (int32_t)a[2], (int32_t)a[3]);
    default: *handled = false; return -LINUX_ENOSYS;
    }
}
