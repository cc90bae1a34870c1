/* SPDX-License-Identifier: BSD-2-Clause */
/* Runtime error codes (kaal_error_t). Negative errno appears only at the
 * POSIX boundary; seL4_Error only at the kernel boundary. */
#pragma once

typedef enum {
    KAAL_OK = 0,
    KAAL_EINVAL,   /* bad argument */
    KAAL_ENOMEM,   /* out of memory */
    KAAL_ENOENT,   /* no such thing */
    KAAL_EEXIST,   /* already exists */
    KAAL_EBUSY,    /* in use / owned by someone else */
    KAAL_ERANGE,   /* out of range */
    KAAL_ENOSPC,   /* no space left */
    KAAL_EFORMAT,  /* malformed input (a parser rejected it) */
    KAAL_EAGAIN,   /* try again (full/empty) */
    KAAL_ENOSYS,   /* not implemented */
    KAAL_ESEL4,    /* a kernel invocation failed */
    KAAL_EIO,      /* a device failed or broke its protocol */
} kaal_error_t;

const char *kaal_strerror(kaal_error_t err);
