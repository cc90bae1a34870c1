// SPDX-License-Identifier: BSD-2-Clause
/*
 * linuxecho: /init of the Linux guest that tests/bench/bench_net_e1000.py
 * compares KaaL's DDE e1000 with. It loads Linux's e1000 module (/e1000.ko,
 * copied from the booted kernel's modules), gives eth0 QEMU user
 * networking's 10.0.2.15/24 (the address KaaL's DHCP gets), waits for the
 * carrier, and serves TCP echo on port 7777 as apps/echo does: one
 * connection at a time, every byte back until the client closes. Prints
 * "linuxecho: listening on port 7777" when ready, "linuxecho: FAILED ..."
 * and stops the machine (port 0xf4) on a setup error; the bench stops QEMU
 * when it is done.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what)
{
    printf("linuxecho: FAILED %s: %m\n", what);
    fflush(stdout);
    if (ioperm(0xf4, 4, 1) == 0)
        outb(2, 0xf4);
    for (;;)
        pause();
}

static void set_up(int s, const char *name, const char *addr)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (addr) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
        sin->sin_family = AF_INET;
        inet_pton(AF_INET, addr, &sin->sin_addr);
        if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
            fail("SIOCSIFADDR");
        inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
        if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
            fail("SIOCSIFNETMASK");
    }
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        fail("SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        fail("SIOCSIFFLAGS");
}

static int carrier(void)
{
    char c = '0';
    int fd = open("/sys/class/net/eth0/carrier", O_RDONLY);
    if (fd >= 0) {
        if (read(fd, &c, 1) != 1)
            c = '0';
        close(fd);
    }
    return c == '1';
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("linuxecho: start\n");
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    int ko = open("/e1000.ko", O_RDONLY | O_CLOEXEC);
    if (ko < 0 || syscall(SYS_finit_module, ko, "", 0) != 0)
        fail("loading /e1000.ko");
    close(ko);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        fail("socket");
    set_up(s, "lo", NULL);
    set_up(s, "eth0", "10.0.2.15");
    for (int i = 0; i < 1000 && !carrier(); i++)
        usleep(10000);
    if (!carrier())
        fail("eth0 has no carrier after 10 s");
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7777)};
    if (bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0)
        fail("listen on port 7777");
    printf("linuxecho: listening on port 7777\n");
    static char buf[1 << 16];
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0)
            continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        for (;;) {
            ssize_t n = read(c, buf, sizeof(buf));
            if (n <= 0)
                break;
            for (ssize_t off = 0; off < n;) {
                ssize_t w = write(c, buf + off, (size_t)(n - off));
                if (w <= 0)
                    goto done;
                off += w;
            }
        }
done:
        close(c);
    }
}
