// SPDX-License-Identifier: BSD-2-Clause
/* Names for kaal_error_t values, for diagnostics. */
#include <kaal/error.h>

const char *kaal_strerror(kaal_error_t err)
{
    switch (err) {
    case KAAL_OK: return "success";
    case KAAL_EINVAL: return "invalid argument";
    case KAAL_ENOMEM: return "out of memory";
    case KAAL_ENOENT: return "not found";
    case KAAL_EEXIST: return "already exists";
    case KAAL_EBUSY: return "busy";
    case KAAL_ERANGE: return "out of range";
    case KAAL_ENOSPC: return "no space left";
    case KAAL_EFORMAT: return "malformed input";
    case KAAL_EAGAIN: return "try again";
    case KAAL_ENOSYS: return "not implemented";
    case KAAL_ESEL4: return "kernel invocation failed";
    case KAAL_EIO: return "device error";
    }
    return "unknown error";
}
