// SPDX-License-Identifier: BSD-2-Clause
/*
 * /bin/posix-sockets: the socket syscalls as a static musl program sees
 * them, run in the POSIX system with the net server (system/posix-net.toml,
 * tests/system/test_posix_net.py). Each check prints "ok NAME" or
 * "FAIL NAME: what"; the last line is "sockets: N passed, M failed". The
 * same program passes on Linux (the expected errnos are Linux's). With
 * arguments it moves bulk data for make bench (bulk() below).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;

static void check(int cond, const char *name, const char *what)
{
    if (cond) {
        passed++;
        printf("ok %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: %s (errno %d)\n", name, what, errno);
    }
}

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A listener on 127.0.0.1 and an ephemeral port; *port gets the port. */
static int tcp_listener(int *port)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof(a);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) < 0)
        return -1;
    *port = ntohs(a.sin_port);
    return l;
}

static void families(void)
{
    /* KaaL has neither (EAFNOSUPPORT); Linux has both: either is right */
    static const int fam[2] = {AF_INET6, AF_UNIX};
    static const char *const names[2][2] = {{"inet6_eafnosupport", "inet6_supported"},
                                            {"unix_socket_eafnosupport", "unix_socket_supported"}};
    for (int i = 0; i < 2; i++) {
        errno = 0;
        int s = socket(fam[i], SOCK_STREAM, 0);
        check(s >= 0 || errno == EAFNOSUPPORT, names[i][s >= 0], "socket()");
        if (s >= 0)
            close(s);
    }
    int sv[2];
    errno = 0;
    check(socketpair(AF_INET, SOCK_STREAM, 0, sv) < 0 && errno == EOPNOTSUPP,
          "socketpair_inet_eopnotsupp", "socketpair(AF_INET)");
    errno = 0;
    check(send(0, "x", 1, 0) < 0 && errno == ENOTSOCK, "send_on_a_tty_enotsock", "send(0)");
}

/* Bad arguments: each call fails with Linux's errno and nothing breaks. */
#define BAD(name, call, e)                                                                         \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        check(r_ < 0 && errno == (e), name, #call);                                                \
    } while (0)

static void bad_inputs(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    int ep = epoll_create1(0);
    struct sockaddr_in a = loopback(9);
    struct sockaddr_in6 six;
    memset(&six, 0, sizeof(six));
    six.sin6_family = AF_INET6;
    volatile uintptr_t never_mapped = 16;
    void *bad = (void *)never_mapped;
    int v = 1;
    socklen_t len = 4;
    struct msghdr m = {.msg_iov = bad, .msg_iovlen = 1};
    struct epoll_event ev[1];
    BAD("socket_bad_type", socket(AF_INET, 99, 0), EINVAL);
    BAD("socket_bad_flags", socket(AF_INET, SOCK_STREAM | 0x1000, 0), EINVAL);
    BAD("socket_udp_with_tcp", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    BAD("bind_short_addrlen", bind(s, (struct sockaddr *)&a, 8), EINVAL);
    BAD("bind_bad_pointer", bind(s, bad, sizeof(a)), EFAULT);
    BAD("bind_inet6_address", bind(s, (struct sockaddr *)&six, sizeof(six)), EAFNOSUPPORT);
    BAD("bind_not_a_socket", bind(0, (struct sockaddr *)&a, sizeof(a)), ENOTSOCK);
    BAD("bind_bad_fd", bind(999, (struct sockaddr *)&a, sizeof(a)), EBADF);
    BAD("connect_bad_pointer", connect(s, bad, sizeof(a)), EFAULT);
    BAD("accept_not_listening", accept(s, NULL, NULL), EINVAL);
    BAD("accept4_bad_flags", accept4(s, NULL, NULL, 0x4), EINVAL);
    BAD("listen_udp", listen(u, 1), EOPNOTSUPP);
    BAD("send_not_connected", send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
    BAD("send_oob_udp", send(u, "x", 1, MSG_OOB), EOPNOTSUPP);
    BAD("send_udp_no_destination", send(u, "x", 1, 0), EDESTADDRREQ);
    BAD("sendmsg_bad_iovec", sendmsg(u, &m, 0), EFAULT);
    BAD("recvmsg_bad_iovec", recvmsg(u, &m, MSG_DONTWAIT), EFAULT);
    BAD("shutdown_bad_how", shutdown(s, 5), EINVAL);
    BAD("shutdown_not_connected", shutdown(s, SHUT_RDWR), ENOTCONN);
    BAD("setsockopt_short", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
    BAD("setsockopt_unknown", setsockopt(s, SOL_SOCKET, 12345, &v, 4), ENOPROTOOPT);
    BAD("setsockopt_bad_pointer", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, bad, 4), EFAULT);
    BAD("getsockopt_bad_len_pointer", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, bad), EFAULT);
    BAD("getsockopt_unknown", getsockopt(s, SOL_SOCKET, 12345, &v, &len), ENOPROTOOPT);
    len = sizeof(a);
    BAD("getpeername_not_connected", getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
    BAD("socketpair_bad_pointer", socketpair(AF_UNIX, SOCK_STREAM, 0, bad), EFAULT);
    BAD("poll_too_many", poll(NULL, 1u << 20, 0), EINVAL);
    BAD("select_negative_nfds", select(-1, NULL, NULL, NULL, NULL), EINVAL);
    BAD("epoll_ctl_bad_op", epoll_ctl(ep, 99, s, ev), EINVAL);
    BAD("epoll_ctl_del_absent", epoll_ctl(ep, EPOLL_CTL_DEL, s, ev), ENOENT);
    BAD("epoll_wait_not_epoll", epoll_wait(s, ev, 1, 0), EINVAL);
    BAD("epoll_wait_no_room", epoll_wait(ep, ev, 0, 0), EINVAL);
    close(ep);
    close(s);
    close(u);
}

static int sigpipes;
static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static void unix_pair(void)
{
    int sv[2];
    char b[16];
    check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair", "socketpair");
    check(fcntl(sv[0], F_GETFD) == FD_CLOEXEC, "socketpair_cloexec", "FD_CLOEXEC");
    check(write(sv[0], "ping", 4) == 4 && read(sv[1], b, sizeof(b)) == 4 && !memcmp(b, "ping", 4),
          "socketpair_a_to_b", "ping");
    check(send(sv[1], "pong!", 5, 0) == 5, "socketpair_send", "send");
    int n = -1;
    check(ioctl(sv[0], FIONREAD, &n) == 0 && n == 5, "socketpair_fionread", "FIONREAD");
    check(recv(sv[0], b, 2, MSG_PEEK) == 2 && recv(sv[0], b, sizeof(b), 0) == 5 &&
              !memcmp(b, "pong!", 5),
          "socketpair_peek_then_read", "MSG_PEEK");
    errno = 0;
    check(recv(sv[0], b, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN, "socketpair_dontwait_eagain",
          "MSG_DONTWAIT");
    signal(SIGPIPE, on_sigpipe);
    close(sv[1]);
    check(read(sv[0], b, 1) == 0, "socketpair_eof_after_close", "read after the peer closed");
    errno = 0;
    check(send(sv[0], "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE && sigpipes == 0,
          "msg_nosignal_epipe_without_signal", "MSG_NOSIGNAL");
    errno = 0;
    check(write(sv[0], "x", 1) < 0 && errno == EPIPE && sigpipes == 1, "write_epipe_and_sigpipe",
          "SIGPIPE");
    close(sv[0]);
}

static void unix_dgram_pair(void)
{
    int sv[2];
    char b[16];
    check(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair_dgram", "socketpair");
    send(sv[0], "a", 1, 0);
    send(sv[0], "bcd", 3, 0);
    send(sv[0], "", 0, 0);
    int n = -1;
    check(ioctl(sv[1], FIONREAD, &n) == 0 && n == 1, "dgram_fionread_is_the_next_message",
          "FIONREAD");
    check(recv(sv[1], b, sizeof(b), 0) == 1 && b[0] == 'a', "dgram_boundaries_kept", "recv");
    struct iovec iov = {b, 2};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    check(recvmsg(sv[1], &m, 0) == 2 && (m.msg_flags & MSG_TRUNC) && !memcmp(b, "bc", 2),
          "dgram_truncated_with_msg_trunc", "recvmsg");
    check(recv(sv[1], b, sizeof(b), MSG_DONTWAIT) == 0, "dgram_empty_message", "recv");
    errno = 0;
    check(recv(sv[1], b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN,
          "dgram_tail_dropped_then_eagain", "recv");
    close(sv[0]);
    close(sv[1]);
}

static void tcp_loopback(void)
{
    int port, l = tcp_listener(&port);
    check(l >= 0 && port > 0, "listen_on_an_ephemeral_port", "bind/listen/getsockname");
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = loopback(port);
    errno = 0;
    int r = connect(c, (struct sockaddr *)&a, sizeof(a));
    check(r == 0 || errno == EINPROGRESS, "nonblocking_connect_einprogress", "connect");
    struct pollfd pfd = {c, POLLOUT, 0};
    check(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLOUT), "poll_pollout_when_connected",
          "poll");
    int err = -1;
    socklen_t len = sizeof(err);
    check(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "so_error_0",
          "SO_ERROR");
    struct sockaddr_in peer;
    len = sizeof(peer);
    int s = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    check(s >= 0 && len == sizeof(peer) && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "accept4_peer_address", "accept4");
    check(fcntl(s, F_GETFD) == FD_CLOEXEC, "accept4_cloexec", "FD_CLOEXEC");
    len = sizeof(peer);
    check(getpeername(c, (struct sockaddr *)&peer, &len) == 0 && ntohs(peer.sin_port) == port,
          "getpeername", "getpeername");
    int one = 1, v = 0;
    len = sizeof(v);
    check(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
              getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1,
          "tcp_nodelay_reads_back", "TCP_NODELAY");
    len = sizeof(v);
    check(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM, "so_type",
          "SO_TYPE");
    char b[64];
    errno = 0;
    check(recv(s, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN, "recv_dontwait_eagain",
          "recv");
    check(send(c, "hello", 5, 0) == 5, "send", "send");
    pfd = (struct pollfd){s, POLLIN, 0};
    check(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN), "poll_pollin_on_data", "poll");
    int n = -1;
    check(ioctl(s, FIONREAD, &n) == 0 && n == 5, "fionread", "FIONREAD");
    check(recv(s, b, 2, MSG_PEEK) == 2 && !memcmp(b, "he", 2), "msg_peek", "MSG_PEEK");
    check(read(s, b, sizeof(b)) == 5 && !memcmp(b, "hello", 5), "read_after_peek", "read");
    struct iovec iov[2] = {{"two ", 4}, {"parts", 5}};
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
    check(sendmsg(c, &m, 0) == 9, "sendmsg_two_iovecs", "sendmsg");
    char x[4], y[16];
    struct iovec in[2] = {{x, sizeof(x)}, {y, sizeof(y)}};
    struct msghdr mi = {.msg_iov = in, .msg_iovlen = 2};
    pfd = (struct pollfd){s, POLLIN, 0};
    poll(&pfd, 1, 10000);
    check(recvmsg(s, &mi, 0) == 9 && !memcmp(x, "two ", 4) && !memcmp(y, "parts", 5),
          "recvmsg_two_iovecs", "recvmsg");
    /* a receive timeout ends a blocking read with EAGAIN */
    struct timeval tv = {0, 100000}, tv2 = {0, 0};
    len = sizeof(tv2);
    check(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
              getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len) == 0 && tv2.tv_usec == 100000,
          "so_rcvtimeo_reads_back", "SO_RCVTIMEO");
    errno = 0;
    check(read(s, b, 1) < 0 && errno == EAGAIN, "so_rcvtimeo_read_eagain", "read");
    /* a blocking socket made non-blocking by FIONBIO */
    check(ioctl(s, FIONBIO, &one) == 0 && fcntl(s, F_GETFL) & O_NONBLOCK, "fionbio", "FIONBIO");
    errno = 0;
    check(read(s, b, 1) < 0 && errno == EAGAIN, "fionbio_read_eagain", "read");
    check(shutdown(c, SHUT_WR) == 0, "shutdown_wr", "shutdown");
    pfd = (struct pollfd){s, POLLIN, 0};
    check(poll(&pfd, 1, 10000) == 1 && read(s, b, 1) == 0, "eof_after_peer_shutdown", "read 0");
    close(s);
    pfd = (struct pollfd){c, POLLIN, 0};
    check(poll(&pfd, 1, 10000) == 1 && read(c, b, 1) == 0, "eof_after_close", "read 0");
    close(c);
    /* a blocking connect to a port nobody listens on */
    c = socket(AF_INET, SOCK_STREAM, 0);
    a = loopback(9);
    errno = 0;
    check(connect(c, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == ECONNREFUSED,
          "connect_refused", "connect");
    close(c);
    close(l);
}

/* The POSIX server keeps serving others while one process blocks. */
static void blocking_across_processes(void)
{
    int port, l = tcp_listener(&port);
    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = loopback(port);
        if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
            _exit(2);
        char b[8];
        /* blocks until the parent writes */
        if (read(c, b, sizeof(b)) != 3 || memcmp(b, "go!", 3))
            _exit(3);
        _exit(write(c, "done", 4) == 4 ? 0 : 4);
    }
    int s = accept(l, NULL, NULL); /* blocks until the child connects */
    check(s >= 0, "blocking_accept_across_fork", "accept");
    char b[8];
    check(write(s, "go!", 3) == 3 && read(s, b, sizeof(b)) == 4 && !memcmp(b, "done", 4),
          "blocking_read_woken_by_another_process", "read");
    int status = -1;
    waitpid(child, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child_exit_0", "the child's status");
    close(s);
    close(l);
}

static void select_pipe_and_socket(void)
{
    int port, l = tcp_listener(&port), p[2];
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    connect(c, (struct sockaddr *)&a, sizeof(a));
    int s = accept(l, NULL, NULL);
    pipe(p);
    write(p[1], "x", 1);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    FD_SET(s, &r);
    int max = (p[0] > s ? p[0] : s) + 1;
    check(select(max, &r, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &r) && !FD_ISSET(s, &r),
          "select_pipe_ready_socket_not", "select");
    send(c, "y", 1, 0);
    struct timespec ts = {10, 0};
    int n = 0;
    for (int i = 0; i < 100 && n != 2; i++) { /* the byte may take a round of the stack */
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        FD_SET(s, &r);
        n = pselect(max, &r, NULL, NULL, &ts, NULL);
    }
    check(n == 2 && FD_ISSET(p[0], &r) && FD_ISSET(s, &r), "pselect_pipe_and_socket_ready",
          "pselect");
    char b;
    read(p[0], &b, 1);
    read(s, &b, 1);
    struct pollfd pfd[2] = {{p[0], POLLIN, 0}, {s, POLLIN, 0}};
    check(poll(pfd, 2, 50) == 0, "poll_times_out_with_nothing_ready", "poll");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 77};
    check(ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0, "epoll_ctl_add", "epoll_ctl");
    struct epoll_event got[2];
    check(epoll_wait(ep, got, 2, 0) == 0, "epoll_nothing_yet", "epoll_wait");
    send(c, "z", 1, 0);
    check(epoll_wait(ep, got, 2, 10000) == 1 && got[0].data.u64 == 77 && (got[0].events & EPOLLIN),
          "epoll_wait_socket_readable", "epoll_wait");
    close(ep);
    close(p[0]);
    close(p[1]);
    close(s);
    close(c);
    close(l);
}

/* Connections opened and closed leave nothing behind: the POSIX server
 * shares 64 net-server sockets among all processes, so a leak would show
 * as ENFILE long before the loop ends. */
static void no_socket_leaks(void)
{
    int port, l = tcp_listener(&port), ok_rounds = 0;
    for (int i = 0; i < 300; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = loopback(port);
        char b = 0;
        if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0) {
            int s = accept(l, NULL, NULL);
            if (s >= 0 && write(c, "!", 1) == 1 && read(s, &b, 1) == 1 && b == '!')
                ok_rounds++;
            close(s);
        }
        close(c);
    }
    check(ok_rounds == 300, "three_hundred_connections", "a round failed");
    int fds[60], n = 0;
    for (; n < 60; n++)
        if ((fds[n] = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
            break;
    check(n == 60, "sixty_sockets_still_free_afterwards", "socket");
    while (n > 0)
        close(fds[--n]);
    close(l);
}

static void udp(void)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(0), b;
    socklen_t len = sizeof(a);
    check(bind(u, (struct sockaddr *)&a, sizeof(a)) == 0 &&
              getsockname(u, (struct sockaddr *)&a, &len) == 0 && a.sin_port != 0,
          "udp_bind", "bind");
    check(sendto(v, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a)) == 5, "udp_sendto", "sendto");
    char buf[16];
    len = sizeof(b);
    struct pollfd pfd = {u, POLLIN, 0};
    poll(&pfd, 1, 10000);
    check(recvfrom(u, buf, 3, 0, (struct sockaddr *)&b, &len) == 3 && !memcmp(buf, "dgr", 3) &&
              b.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "udp_recvfrom_truncates_and_names_the_source", "recvfrom");
    errno = 0;
    check(recv(u, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
          "udp_rest_of_datagram_dropped", "recv");
    struct sockaddr_in closed = loopback(9);
    int w = socket(AF_INET, SOCK_DGRAM, 0);
    connect(w, (struct sockaddr *)&closed, sizeof(closed));
    send(w, "?", 1, 0);
    errno = 0;
    int r = (int)recv(w, buf, 1, MSG_DONTWAIT);
    for (int i = 0; i < 100 && r < 0 && errno == EAGAIN; i++) {
        pfd = (struct pollfd){w, POLLIN, 0};
        poll(&pfd, 1, 100);
        errno = 0;
        r = (int)recv(w, buf, 1, MSG_DONTWAIT);
    }
    check(r < 0 && errno == ECONNREFUSED, "udp_closed_local_port_econnrefused", "recv");
    close(u);
    close(v);
    close(w);
}

/* For make bench (tests/bench/bench_net.py): bulk data with 64 KiB calls.
 * "sink PORT": accept one connection on PORT, read to EOF, print the
 * count. "source A.B.C.D PORT BYTES": connect and write BYTES. */
static int bulk(int argc, char **argv)
{
    static char buf[65536];
    if (argc == 3 && !strcmp(argv[1], "sink")) {
        int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        struct sockaddr_in a = loopback(atoi(argv[2]));
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
            return 1;
        printf("sink: listening\n");
        int s = accept(l, NULL, NULL);
        long long n = 0;
        for (ssize_t r; (r = read(s, buf, sizeof(buf))) > 0;)
            n += r;
        printf("sink: %lld bytes\n", n);
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "source")) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = loopback(atoi(argv[3]));
        if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1 ||
            connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
            return 1;
        long long left = atoll(argv[4]);
        while (left > 0) {
            ssize_t w = write(s, buf, left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf));
            if (w <= 0)
                return 1;
            left -= w;
        }
        close(s);
        return 0;
    }
    fprintf(stderr, "usage: posix-sockets [sink PORT | source ADDR PORT BYTES]\n");
    return 2;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1)
        return bulk(argc, argv);
    families();
    bad_inputs();
    unix_pair();
    unix_dgram_pair();
    tcp_loopback();
    blocking_across_processes();
    select_pipe_and_socket();
    udp();
    no_socket_leaks();
    printf("sockets: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
