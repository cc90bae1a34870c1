// SPDX-License-Identifier: BSD-2-Clause
/*
 * The printf formatter shared by the kernel (kprintf) and user space
 * (printf, snprintf). It walks the format once, decoding each conversion
 * into a spec (flags, width, precision, length) and emitting characters
 * through a callback, so it needs no buffer and no libc. Numbers are
 * converted into a small stack buffer, least significant digit first.
 *
 * Invariants: never reads past the terminating NUL of fmt, never reads an
 * argument the format did not ask for, and never writes past `size` in
 * kaal_vsnprintf.
 */
#include <kaal/format.h>

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool left;    /* '-' */
    bool zero;    /* '0' */
    bool plus;    /* '+' */
    bool space;   /* ' ' */
    bool alt;     /* '#' */
    int width;
    int precision; /* -1: none */
};

struct sink {
    kaal_putc_fn out;
    void *ctx;
    int count;
};

static void emit(struct sink *s, char c)
{
    s->out(s->ctx, c);
    s->count++;
}

static void pad(struct sink *s, char c, int n)
{
    while (n-- > 0)
        emit(s, c);
}

static void emit_string(struct sink *s, const struct spec *sp, const char *str)
{
    if (!str)
        str = "(null)";
    int len = 0;
    /* Precision first: %.*s may point at bytes with no NUL after them. */
    while ((sp->precision < 0 || len < sp->precision) && str[len])
        len++;
    if (!sp->left)
        pad(s, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        emit(s, str[i]);
    if (sp->left)
        pad(s, ' ', sp->width - len);
}

static void emit_number(struct sink *s, const struct spec *sp, uintmax_t value, bool negative,
                        unsigned base, bool upper, const char *prefix /* "" for none */)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24]; /* 2^64 in octal has 22 digits */
    int n = 0;
    if (value == 0 && sp->precision != 0)
        buf[n++] = '0';
    for (uintmax_t v = value; v != 0; v /= base)
        buf[n++] = digits[v % base];
    char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int zeros = sp->precision > n ? sp->precision - n : 0;
    int body = n + zeros + prefix_len + (sign ? 1 : 0);
    /* The 0 flag pads with zeros after the sign, unless a precision is given. */
    if (sp->zero && !sp->left && sp->precision < 0 && sp->width > body) {
        zeros += sp->width - body;
        body = sp->width;
    }
    if (!sp->left)
        pad(s, ' ', sp->width - body);
    if (sign)
        emit(s, sign);
    for (int i = 0; i < prefix_len; i++)
        emit(s, prefix[i]);
    pad(s, '0', zeros);
    while (n)
        emit(s, buf[--n]);
    if (sp->left)
        pad(s, ' ', sp->width - body);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static uintmax_t fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static intmax_t fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (intmax_t)va_arg(*ap, size_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

static int parse_int(const char **p)
{
    int v = 0;
    while (**p >= '0' && **p <= '9') {
        if (v < 100000) /* clamp absurd widths instead of overflowing */
            v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

int kaal_vformat(kaal_putc_fn out, void *ctx, const char *fmt, va_list ap_in)
{
    struct sink s = { out, ctx, 0 };
    va_list ap;
    va_copy(ap, ap_in);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            emit(&s, *p);
            continue;
        }
        const char *start = p++;
        struct spec sp = { .precision = -1 };
        for (;; p++) {
            if (*p == '-') sp.left = true;
            else if (*p == '0') sp.zero = true;
            else if (*p == '+') sp.plus = true;
            else if (*p == ' ') sp.space = true;
            else if (*p == '#') sp.alt = true;
            else break;
        }
        if (*p == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            p++;
        } else {
            sp.width = parse_int(&p);
        }
        if (*p == '.') {
            p++;
            if (*p == '*') {
                sp.precision = va_arg(ap, int);
                if (sp.precision < 0)
                    sp.precision = -1;
                p++;
            } else {
                sp.precision = parse_int(&p);
            }
        }
        enum length len = LEN_INT;
        if (*p == 'h') {
            len = LEN_SHORT;
            if (*++p == 'h') {
                len = LEN_CHAR;
                p++;
            }
        } else if (*p == 'l') {
            len = LEN_LONG;
            if (*++p == 'l') {
                len = LEN_LLONG;
                p++;
            }
        } else if (*p == 'z') {
            len = LEN_SIZE;
            p++;
        } else if (*p == 't') {
            len = LEN_PTRDIFF;
            p++;
        } else if (*p == 'j') {
            len = LEN_MAX;
            p++;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            intmax_t v = fetch_signed(&ap, len);
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            emit_number(&s, &sp, mag, v < 0, 10, false, "");
            break;
        }
        case 'u':
            emit_number(&s, &sp, fetch_unsigned(&ap, len), false, 10, false, "");
            break;
        case 'x':
        case 'X': {
            uintmax_t v = fetch_unsigned(&ap, len);
            const char *prefix = (sp.alt && v) ? (*p == 'x' ? "0x" : "0X") : "";
            sp.plus = sp.space = false;
            emit_number(&s, &sp, v, false, 16, *p == 'X', prefix);
            break;
        }
        case 'o': {
            uintmax_t v = fetch_unsigned(&ap, len);
            sp.plus = sp.space = false;
            emit_number(&s, &sp, v, false, 8, false, (sp.alt && v) ? "0" : "");
            break;
        }
        case 'p': {
            void *v = va_arg(ap, void *);
            sp.plus = sp.space = false;
            emit_number(&s, &sp, (uintptr_t)v, false, 16, false, "0x");
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!sp.left)
                pad(&s, ' ', sp.width - 1);
            emit(&s, c);
            if (sp.left)
                pad(&s, ' ', sp.width - 1);
            break;
        }
        case 's':
            emit_string(&s, &sp, va_arg(ap, const char *));
            break;
        case '%':
            emit(&s, '%');
            break;
        default:
            /* Unknown or truncated conversion: print it as written. */
            for (const char *q = start; q <= p && *q; q++)
                emit(&s, *q);
            if (!*p)
                p--;
            break;
        }
    }
    va_end(ap);
    return s.count;
}

int kaal_format(kaal_putc_fn out, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kaal_vformat(out, ctx, fmt, ap);
    va_end(ap);
    return n;
}

struct buffer {
    char *buf;
    size_t size;
    size_t used;
};

static void buffer_putc(void *ctx, char c)
{
    struct buffer *b = ctx;
    if (b->size && b->used < b->size - 1)
        b->buf[b->used] = c;
    b->used++;
}

int kaal_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = { buf, size, 0 };
    int n = kaal_vformat(buffer_putc, &b, fmt, ap);
    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

int kaal_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kaal_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
