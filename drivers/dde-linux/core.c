// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux core: printk (levels, Linux's %pM), WARN/BUG, lock misuse
 * reports, bit searching, strscpy, module_init calls, the user-copy calls
 * (there is no user space behind a KaaL driver: they fail), struct device
 * names and wakeup flags.
 *
 * printk model: each call is formatted into one buffer and printed as one
 * line with a level tag ("e1000: <6>..." is shown as "e1000: ..." for INFO
 * and above, with "err: "/"warn: " words for the serious levels);
 * messages above dde_console_loglevel (KERN_DEBUG by default off) are
 * dropped. %p extensions other than %pM print the pointer.
 */
#include <dde/net.h>
#include <dde/platform.h>

#include "dde_internal.h"

int dde_console_loglevel = 6; /* KERN_INFO and more urgent */

/* ---- printk ---- */

typedef struct {
    char *buf;
    size_t size, len;
} outbuf_t;

static void put(outbuf_t *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->len + 1 < o->size)
            o->buf[o->len] = s[i];
        o->len++;
    }
    if (o->size)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

/* One conversion spec (from '%' to the conversion letter) formatted with
 * the platform's snprintf; the argument is taken by its length modifier. */
static void put_spec(outbuf_t *o, const char *spec, size_t spec_len, char conv, int n_long,
                     bool size_t_mod, va_list *ap)
{
    char fmt[32], tmp[128];
    if (spec_len >= sizeof(fmt))
        spec_len = sizeof(fmt) - 1;
    memcpy(fmt, spec, spec_len);
    fmt[spec_len] = '\0';
    int n;
    switch (conv) {
    case 'd':
    case 'i':
        if (n_long >= 2)
            n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, long long));
        else if (n_long == 1 || size_t_mod)
            n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, long));
        else
            n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, int));
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        if (n_long >= 2)
            n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, unsigned long long));
        else if (n_long == 1 || size_t_mod)
            n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, unsigned long));
        else
            n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, unsigned int));
        break;
    case 'c':
        n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, int));
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        n = snprintf(tmp, sizeof(tmp), fmt, s ? s : "(null)");
        break;
    }
    case 'p':
        n = snprintf(tmp, sizeof(tmp), fmt, va_arg(*ap, void *));
        break;
    default:
        n = snprintf(tmp, sizeof(tmp), "%s", fmt);
        break;
    }
    if (n > 0)
        put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

int dde_vformat(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    outbuf_t o = {buf, size, 0};
    va_list ap;
    va_copy(ap, ap_in);
    if (size)
        buf[0] = '\0';
    for (const char *p = fmt; *p;) {
        if (*p != '%') {
            const char *q = p;
            while (*q && *q != '%')
                q++;
            put(&o, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (p[1] == '%') {
            put(&o, "%", 1);
            p += 2;
            continue;
        }
        const char *spec = p++;
        while (*p && strchr_dde("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        int n_long = 0;
        bool z = false;
        while (*p == 'l' || *p == 'h' || *p == 'z') {
            if (*p == 'l')
                n_long++;
            if (*p == 'z')
                z = true;
            p++;
        }
        char conv = *p;
        if (conv == '\0')
            break;
        p++;
        if (conv == 'p' && *p == 'M') { /* %pM: a MAC address */
            const u8 *m = va_arg(ap, const u8 *);
            char mac[18];
            snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
                     m[4], m[5]);
            put(&o, mac, 17);
            p++;
            continue;
        }
        put_spec(&o, spec, (size_t)(p - spec), conv, n_long, z, &ap);
        if (conv == 'p')
            while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
                p++; /* another %p extension: the pointer was printed */
    }
    va_end(ap);
    return (int)o.len;
}

static int level_of(const char **fmt)
{
    int level = 4; /* Linux's default message level (WARNING) */
    while ((*fmt)[0] == KERN_SOH[0] && (*fmt)[1] != '\0') {
        char c = (*fmt)[1];
        if (c >= '0' && c <= '7')
            level = c - '0';
        *fmt += 2;
    }
    return level;
}

int vprintk(const char *fmt, va_list ap)
{
    int level = level_of(&fmt);
    if (level > dde_console_loglevel)
        return 0;
    char line[256];
    const char *tag = level <= 3 ? "err: " : level == 4 ? "warn: " : "";
    size_t t = strlen(tag);
    memcpy(line, tag, t);
    int n = dde_vformat(line + t, sizeof(line) - t - 1, fmt, ap);
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n') {
        line[len] = '\n';
        line[len + 1] = '\0';
    }
    dde_platform_print(line);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

void print_hex_dump(const char *level, const char *prefix_str, int prefix_type, int rowsize,
                    int groupsize, const void *buf, size_t len, bool ascii)
{
    (void)prefix_type, (void)groupsize, (void)ascii;
    const u8 *b = buf;
    if (rowsize <= 0 || rowsize > 32)
        rowsize = 16;
    for (size_t i = 0; i < len; i += (size_t)rowsize) {
        char row[3 * 32 + 1];
        size_t n = 0;
        for (size_t j = i; j < len && j < i + (size_t)rowsize; j++)
            n += (size_t)snprintf(row + n, sizeof(row) - n, "%02x ", b[j]);
        row[n] = '\0';
        printk("%s%s%s\n", level, prefix_str, row);
    }
}

int net_ratelimit(void)
{
    return 1;
}

void dde_warn(const char *file, int line, const char *cond)
{
    printk(KERN_WARNING "WARN_ON(%s) at %s:%d\n", cond, file, line);
}

_Noreturn void dde_bug(const char *file, int line)
{
    printk(KERN_EMERG "BUG at %s:%d: the driver stops\n", file, line);
    dde_platform_halt();
}

void dde_lock_misuse(const char *what, const void *lock)
{
    printk(KERN_ERR "dde: %s (%p): one driver thread cannot block on itself\n", what, lock);
}

/* ---- bits and strings ---- */

unsigned long find_next_bit(const unsigned long *addr, unsigned long size, unsigned long offset)
{
    for (unsigned long i = offset; i < size; i++)
        if (addr[i / BITS_PER_LONG] & (1ul << (i % BITS_PER_LONG)))
            return i;
    return size;
}

ssize_t strscpy(char *dst, const char *src, size_t size)
{
    if (size == 0)
        return -E2BIG;
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
    return src[i] ? -E2BIG : (ssize_t)i;
}

const char *strchr_dde(const char *s, char c)
{
    for (; *s; s++)
        if (*s == c)
            return s;
    return NULL;
}

/* ---- modules ---- */

extern dde_initcall_t __start_dde_initcalls[] __attribute__((weak));
extern dde_initcall_t __stop_dde_initcalls[] __attribute__((weak));

int dde_run_initcalls(void)
{
    if (__start_dde_initcalls == NULL)
        return 0;
    /* The linker's section bounds delimit one array, whatever cppcheck thinks. */
    // cppcheck-suppress comparePointers
    size_t n = (size_t)(__stop_dde_initcalls - __start_dde_initcalls);
    for (size_t i = 0; i < n; i++) {
        int err = __start_dde_initcalls[i]();
        if (err)
            return err;
    }
    return 0;
}

/* ---- no user space ---- */

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
    (void)to, (void)from;
    return n;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
    (void)to, (void)from;
    return n;
}

/* ---- struct device ---- */

const char *dev_name(const struct device *dev)
{
    return dev->init_name ? dev->init_name : "device";
}

int device_set_wakeup_enable(struct device *dev, bool enable)
{
    dev->wakeup_enabled = enable;
    return 0;
}
