// SPDX-License-Identifier: BSD-2-Clause
/*
 * The tty: /dev/console for every process, over the console server.
 * Output goes out as RAW console writes (no prefix, at once), with OPOST
 * ONLCR turning \n into \r\n. Input comes from the console's keystroke
 * ring ("rx") and passes a line discipline modelled on Linux's n_tty:
 *
 *  - ICANON: a line is edited (VERASE, VKILL) until \n or VEOF, then
 *    becomes readable; a read returns at most one line; VEOF on an empty
 *    line is end of file (a read returns 0).
 *  - not ICANON: every byte is readable at once (VMIN 1, VTIME 0 only).
 *  - ISIG: VINTR (^C) and VQUIT (^\) send SIGINT / SIGQUIT to the
 *    foreground process group (TIOCSPGRP) and drop pending input.
 *  - ECHO (ECHOCTL shows ^C), ICRNL (\r read as \n).
 * ioctls: TCGETS, TCSETS/W/F, TIOCGWINSZ/TIOCSWINSZ (80x24), TIOCGPGRP,
 * TIOCSPGRP, TIOCSCTTY, TIOCNOTTY, TIOCGSID, FIONREAD, TCFLSH; others
 * -ENOTTY.
 */
#include "posix.h"

#include <kaal/console.h>
#include <kaal/dddk.h>
#include <kaal/ring.h>
#include <kaal/string.h>

#include "posix_caps.h"

#define SIGINT 2
#define SIGQUIT 3

/* Linux's struct termios as TCGETS passes it (kernel layout, 36 bytes). */
struct ktermios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[19];
};
_Static_assert(sizeof(struct ktermios) == 36, "Linux struct termios");

#define ICRNL 0000400
#define OPOST 0000001
#define ONLCR 0000004
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000
enum { VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6 };

#define LINE_MAX_BYTES 1024
#define READY_BYTES 4096

static struct ktermios tio;
static uint8_t line[LINE_MAX_BYTES];
static size_t line_len;
static uint8_t ready[READY_BYTES]; /* readable bytes; canonical: whole lines */
static size_t ready_len;
static unsigned eof_pending; /* VEOF on an empty line: reads of 0 owed */
static uint16_t winsz[4] = { 24, 80, 0, 0 };
int tty_fg_pgrp = 1;
static kaal_bytestream_reader_t rx;

void tty_init(void)
{
    tio = (struct ktermios){
        .iflag = ICRNL | 02000 /* IXON */,
        .oflag = OPOST | ONLCR,
        .cflag = 017 | 060 | 0200 /* B38400 CS8 CREAD */,
        .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    };
    static const uint8_t cc[19] = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13,
                                    0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 };
    memcpy(tio.cc, cc, sizeof(cc));
    kaal_bytestream_reader_attach(&rx, (void *)KAAL_RING_RX_QUEUE_VADDR,
                                  (void *)KAAL_RING_RX_DATA_VADDR, KAAL_RING_RX_DATA_SIZE_BYTES);
}

static void out(const char *s, size_t n)
{
    kaal_console_write(s, n, 1);
}

static void echo_byte(uint8_t c)
{
    if (!(tio.lflag & ECHO))
        return;
    if (c == '\n') {
        out((tio.oflag & ONLCR) ? "\r\n" : "\n", (tio.oflag & ONLCR) ? 2 : 1);
    } else if (c < 32 && c != '\t' && (tio.lflag & ECHOCTL)) {
        char s[2] = { '^', (char)(c + 64) };
        out(s, 2);
    } else {
        out((const char *)&c, 1);
    }
}

static void make_ready(const uint8_t *b, size_t n)
{
    if (n > READY_BYTES - ready_len)
        n = READY_BYTES - ready_len; /* a full queue drops input, as n_tty */
    memcpy(ready + ready_len, b, n);
    ready_len += n;
    posix_wake = true;
}

static void input_byte(uint8_t c)
{
    if ((tio.iflag & ICRNL) && c == '\r')
        c = '\n';
    if ((tio.lflag & ISIG) && (c == tio.cc[VINTR] || c == tio.cc[VQUIT]) && c) {
        echo_byte(c);
        if (tio.lflag & ECHO)
            echo_byte('\n');
        line_len = 0;
        ready_len = 0;
        proc_signal_group(tty_fg_pgrp, c == tio.cc[VINTR] ? SIGINT : SIGQUIT);
        posix_wake = true;
        return;
    }
    if (!(tio.lflag & ICANON)) {
        make_ready(&c, 1);
        echo_byte(c);
        return;
    }
    if (c == tio.cc[VERASE] || c == '\b') {
        if (line_len > 0) {
            line_len--;
            if (tio.lflag & ECHO)
                out("\b \b", 3);
        }
        return;
    }
    if (c == tio.cc[VKILL]) {
        while (line_len > 0) {
            line_len--;
            if (tio.lflag & ECHO)
                out("\b \b", 3);
        }
        return;
    }
    if (c == tio.cc[VEOF]) {
        if (line_len == 0)
            eof_pending++;
        make_ready(line, line_len);
        line_len = 0;
        posix_wake = true;
        return;
    }
    if (line_len < LINE_MAX_BYTES - 1 || c == '\n')
        line[line_len++] = c;
    echo_byte(c);
    if (c == '\n') {
        make_ready(line, line_len);
        line_len = 0;
    }
}

void tty_input(void)
{
    for (;;) {
        uint8_t buf[64];
        size_t n;
        while ((n = kaal_bytestream_read(&rx, buf, sizeof(buf))) > 0)
            for (size_t i = 0; i < n; i++)
                input_byte(buf[i]);
        if (rx.released) {
            rx.released = false;
            if (kaal_ring_producer_should_signal(&rx.ring.free))
                seL4_Signal(KAAL_CAP_RX);
        }
        if (kaal_ring_consumer_arm(&rx.ring.active))
            return;
    }
}

int64_t tty_read(struct proc *p, uint64_t buf, size_t n)
{
    if (n == 0)
        return 0;
    if (ready_len == 0) {
        if (eof_pending) {
            eof_pending--;
            return 0;
        }
        return SYS_BLOCKED;
    }
    size_t take = ready_len < n ? ready_len : n;
    if (tio.lflag & ICANON)
        for (size_t i = 0; i < take; i++)
            if (ready[i] == '\n') {
                take = i + 1;
                break;
            }
    if (copy_to_user(&p->vm, buf, ready, take) < 0)
        return -LINUX_EFAULT;
    memmove(ready, ready + take, ready_len - take);
    ready_len -= take;
    return (int64_t)take;
}

int64_t tty_write(struct proc *p, uint64_t buf, size_t n)
{
    char in[512], o[1024];
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < sizeof(in) ? n - done : sizeof(in);
        if (copy_from_user(&p->vm, in, buf + done, chunk) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        size_t k = 0;
        for (size_t i = 0; i < chunk; i++) {
            if (in[i] == '\n' && (tio.oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
                o[k++] = '\r';
            o[k++] = in[i];
        }
        out(o, k);
        done += chunk;
    }
    return (int64_t)done;
}

int64_t tty_ioctl(struct proc *p, uint64_t req, uint64_t arg)
{
    switch (req) {
    case 0x5401: /* TCGETS */
        return copy_to_user(&p->vm, arg, &tio, sizeof(tio)) < 0 ? -LINUX_EFAULT : 0;
    case 0x5402: /* TCSETS */
    case 0x5403: /* TCSETSW */
    case 0x5404: { /* TCSETSF */
        struct ktermios t;
        if (copy_from_user(&p->vm, &t, arg, sizeof(t)) < 0)
            return -LINUX_EFAULT;
        if (req == 0x5404)
            ready_len = 0;
        bool was_canon = tio.lflag & ICANON;
        tio = t;
        if (was_canon && !(tio.lflag & ICANON) && line_len) {
            make_ready(line, line_len); /* a partial line becomes readable */
            line_len = 0;
        }
        return 0;
    }
    case 0x540B: /* TCFLSH */
        if (arg == 0 || arg == 2) {
            ready_len = 0;
            line_len = 0;
        }
        return 0;
    case 0x540E: /* TIOCSCTTY */
    case 0x5422: /* TIOCNOTTY */
        return 0;
    case 0x540F: /* TIOCGPGRP */
        return copy_to_user(&p->vm, arg, &tty_fg_pgrp, sizeof(int)) < 0 ? -LINUX_EFAULT : 0;
    case 0x5410: { /* TIOCSPGRP */
        int pg;
        if (copy_from_user(&p->vm, &pg, arg, sizeof(pg)) < 0)
            return -LINUX_EFAULT;
        if (pg <= 0)
            return -LINUX_EINVAL;
        tty_fg_pgrp = pg;
        return 0;
    }
    case 0x5413: /* TIOCGWINSZ */
        return copy_to_user(&p->vm, arg, winsz, sizeof(winsz)) < 0 ? -LINUX_EFAULT : 0;
    case 0x5414: /* TIOCSWINSZ */
        return copy_from_user(&p->vm, winsz, arg, sizeof(winsz)) < 0 ? -LINUX_EFAULT : 0;
    case 0x541B: { /* FIONREAD */
        int n = (int)ready_len;
        return copy_to_user(&p->vm, arg, &n, sizeof(n)) < 0 ? -LINUX_EFAULT : 0;
    }
    case 0x5429: /* TIOCGSID */
        return copy_to_user(&p->vm, arg, &p->sid, sizeof(int)) < 0 ? -LINUX_EFAULT : 0;
    default:
        return -LINUX_ENOTTY;
    }
}
