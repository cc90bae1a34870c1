/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DDE-Linux, the language layer: what a Linux driver file takes for granted
 * before it asks for any kernel service. Types (u8 .. u64, __le32, dma_addr_t,
 * ...), compiler words (__iomem, likely, READ_ONCE, fallthrough), byte order
 * (x86 is little-endian), min/max/container_of, bit operations, atomics,
 * memory barriers, locks, errno values, printk.
 *
 * Concurrency model (docs/dde-linux.md): a DDE-Linux component runs the
 * driver on ONE thread; the IRQ handler, timers, work items and NAPI polls
 * are called from that thread's event loop, never preempting each other.
 * So spinlocks and mutexes are counters that catch misuse (an unlock
 * without a lock), atomics are plain read-modify-writes, and
 * spin_lock_irqsave has no interrupts to mask. Memory barriers stay real
 * compiler and CPU barriers: the other party is the device (DMA).
 *
 * Every definition here is KaaL's; Linux's names are kept so its files
 * compile unmodified. Only uapi headers (the user-space ABI: Ethernet, IP,
 * MII, ethtool structures) come from Linux's package, via <uapi/linux/...>.
 */
#pragma once

#ifndef __KERNEL__
#define __KERNEL__ 1
#endif

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- compiler ---- */
#define __iomem
#define __user
#define __force
#define __rcu
#define __bitwise
#define __must_check __attribute__((warn_unused_result))
#ifndef __always_inline /* a C library's cdefs.h may have it (host tests) */
#define __always_inline inline __attribute__((always_inline))
#endif
#define noinline __attribute__((noinline))
#define __maybe_unused __attribute__((unused))
#define __always_unused __attribute__((unused))
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __cold __attribute__((cold))
#define __init
#define __exit
#define __devinit
#define __read_mostly
#define __percpu
#define __counted_by(m)
#define fallthrough __attribute__((fallthrough))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define BUILD_BUG_ON(c) _Static_assert(!(c), "BUILD_BUG_ON: " #c)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define IS_ENABLED(option) 0
#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)
#define __MODULE_STRING(x) __stringify(x)
#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)
#define prefetch(p) __builtin_prefetch(p)
#define prefetchw(p) __builtin_prefetch(p, 1)

/* ---- types ---- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef int64_t __s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint64_t __be64;
typedef uint16_t __sum16;
typedef uint32_t __wsum;
typedef uint64_t dma_addr_t;
typedef uint64_t phys_addr_t;
typedef uint64_t resource_size_t;
typedef unsigned int gfp_t;
typedef long ssize_t;
typedef long loff_t; /* as a 64-bit C library has it */
typedef unsigned int __kernel_size_t;
typedef unsigned long __kernel_ulong_t;
typedef long __kernel_long_t;
typedef unsigned short __kernel_sa_family_t;
typedef u64 netdev_features_t;
typedef unsigned short sa_family_t;
struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};
typedef struct {
    int counter;
} atomic_t;

/* ---- byte order: x86 is little-endian ---- */
#define __LITTLE_ENDIAN 1234
#define __LITTLE_ENDIAN_BITFIELD 1
#define cpu_to_le16(x) ((__le16)(u16)(x))
#define cpu_to_le32(x) ((__le32)(u32)(x))
#define cpu_to_le64(x) ((__le64)(u64)(x))
#define le16_to_cpu(x) ((u16)(__le16)(x))
#define le32_to_cpu(x) ((u32)(__le32)(x))
#define le64_to_cpu(x) ((u64)(__le64)(x))
#define cpu_to_le16s(p) ((void)(p))
#define le16_to_cpus(p) ((void)(p))
#define cpu_to_be16(x) ((__be16)__builtin_bswap16((u16)(x)))
#define cpu_to_be32(x) ((__be32)__builtin_bswap32((u32)(x)))
#define be16_to_cpu(x) ((u16)__builtin_bswap16((u16)(x)))
#define be32_to_cpu(x) ((u32)__builtin_bswap32((u32)(x)))
#define htons(x) cpu_to_be16(x)
#define ntohs(x) be16_to_cpu(x)
#define htonl(x) cpu_to_be32(x)
#define ntohl(x) be32_to_cpu(x)
#define __constant_htons(x) htons(x)
#define __cpu_to_be16(x) cpu_to_be16(x)
#define __constant_cpu_to_be32(x) ((__be32)__builtin_bswap32((u32)(x)))
#define __constant_cpu_to_be16(x) ((__be16)__builtin_bswap16((u16)(x)))
#define __constant_ntohs(x) be16_to_cpu(x)
#define __be16_to_cpu(x) be16_to_cpu(x)
#define __cpu_to_be32(x) cpu_to_be32(x)
#define __be32_to_cpu(x) be32_to_cpu(x)
#define __cpu_to_le16(x) cpu_to_le16(x)
#define __le16_to_cpu(x) le16_to_cpu(x)
#define __cpu_to_le32(x) cpu_to_le32(x)
#define __le32_to_cpu(x) le32_to_cpu(x)

/* ---- arithmetic ---- */
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define ALIGN(x, a) (((x) + ((__typeof__(x))(a)-1)) & ~((__typeof__(x))(a)-1))
#define PTR_ALIGN(p, a) ((__typeof__(p))ALIGN((unsigned long)(p), (a)))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define roundup(x, y) ((((x) + ((y)-1)) / (y)) * (y))
#define BIT(n) (1ul << (n))
#define BIT_ULL(n) (1ull << (n))
#define BITS_PER_LONG 64
#define BITS_PER_BYTE 8
#define BITS_TO_LONGS(n) DIV_ROUND_UP(n, BITS_PER_LONG)
#define GENMASK(h, l) (((~0ul) << (l)) & (~0ul >> (BITS_PER_LONG - 1 - (h))))
#define lower_32_bits(n) ((u32)((n)&0xffffffff))
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define swap(a, b)                                                                                 \
    do {                                                                                           \
        __typeof__(a) __dde_tmp = (a);                                                             \
        (a) = (b);                                                                                 \
        (b) = __dde_tmp;                                                                           \
    } while (0)
#define U16_MAX ((u16)~0u)
#define U32_MAX ((u32)~0u)
#define S32_MAX ((s32)(U32_MAX >> 1))

static inline int fls(unsigned int x)
{
    return x ? 32 - __builtin_clz(x) : 0;
}
static inline unsigned long __ffs(unsigned long x)
{
    return (unsigned long)__builtin_ctzl(x);
}
static inline int ilog2_u64(u64 x)
{
    return x ? 63 - __builtin_clzll(x) : -1;
}
#define ilog2(x) ilog2_u64((u64)(x))
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n)-1)) == 0))

/* ---- bit operations on unsigned long arrays (one thread: plain RMW) ---- */
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1ul << ((nr) % BITS_PER_LONG))
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
static inline void set_bit(long nr, volatile unsigned long *a)
{
    a[BIT_WORD(nr)] |= BIT_MASK(nr);
}
static inline void clear_bit(long nr, volatile unsigned long *a)
{
    a[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}
static inline bool test_bit(long nr, const volatile unsigned long *a)
{
    return (a[BIT_WORD(nr)] & BIT_MASK(nr)) != 0;
}
static inline bool test_and_set_bit(long nr, volatile unsigned long *a)
{
    bool old = test_bit(nr, a);
    set_bit(nr, a);
    return old;
}
static inline bool test_and_clear_bit(long nr, volatile unsigned long *a)
{
    bool old = test_bit(nr, a);
    clear_bit(nr, a);
    return old;
}
#define __set_bit set_bit
#define __clear_bit clear_bit
unsigned long find_next_bit(const unsigned long *addr, unsigned long size, unsigned long offset);
#define for_each_set_bit(bit, addr, size)                                                          \
    for ((bit) = find_next_bit((addr), (size), 0); (bit) < (size);                                 \
         (bit) = find_next_bit((addr), (size), (bit) + 1))
static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
    for (unsigned int i = 0; i < BITS_TO_LONGS(nbits); i++)
        dst[i] = 0;
}

/* ---- atomics and barriers ---- */
#define ATOMIC_INIT(i) {(i)}
static inline int atomic_read(const atomic_t *v)
{
    return READ_ONCE(v->counter);
}
static inline void atomic_set(atomic_t *v, int i)
{
    WRITE_ONCE(v->counter, i);
}
static inline void atomic_inc(atomic_t *v)
{
    v->counter++;
}
static inline void atomic_dec(atomic_t *v)
{
    v->counter--;
}
static inline bool atomic_dec_and_test(atomic_t *v)
{
    return --v->counter == 0;
}
/* Device-facing ordering on x86: stores are not reordered with stores nor
 * loads with loads (Intel SDM 8.2.2), so dma_wmb/dma_rmb/smp_* are
 * compiler barriers; mb() orders MMIO writes before later reads. */
#define mb() __asm__ __volatile__("mfence" ::: "memory")
#define rmb() __asm__ __volatile__("lfence" ::: "memory")
#define wmb() __asm__ __volatile__("sfence" ::: "memory")
#define dma_wmb() barrier()
#define dma_rmb() barrier()
#define smp_mb() mb()
#define smp_rmb() barrier()
#define smp_wmb() barrier()
#define smp_mb__before_atomic() barrier()
#define smp_mb__after_atomic() barrier()
#define smp_load_acquire(p)                                                                        \
    ({                                                                                             \
        __typeof__(*(p)) __dde_v = READ_ONCE(*(p));                                                \
        barrier();                                                                                 \
        __dde_v;                                                                                   \
    })
#define smp_store_release(p, v)                                                                    \
    do {                                                                                           \
        barrier();                                                                                 \
        WRITE_ONCE(*(p), (v));                                                                     \
    } while (0)

/* ---- locks: the single-threaded case (docs/dde-linux.md) ---- */
typedef struct {
    int held; /* 1 while locked; a second lock or a stray unlock is a bug */
} spinlock_t;
struct mutex {
    int held;
};
void dde_lock_misuse(const char *what, const void *lock);
#define DEFINE_SPINLOCK(x) spinlock_t x = {0}
#define DEFINE_MUTEX(x) struct mutex x = {0}
static inline void spin_lock_init(spinlock_t *l)
{
    l->held = 0;
}
static inline void spin_lock(spinlock_t *l)
{
    if (l->held++)
        dde_lock_misuse("spin_lock of a held lock", l);
}
static inline void spin_unlock(spinlock_t *l)
{
    if (l->held-- != 1)
        dde_lock_misuse("spin_unlock of a free lock", l);
}
#define spin_lock_irqsave(l, flags) ((flags) = 0, spin_lock(l))
#define spin_unlock_irqrestore(l, flags) ((void)(flags), spin_unlock(l))
#define spin_lock_bh spin_lock
#define spin_unlock_bh spin_unlock
#define spin_lock_irq spin_lock
#define spin_unlock_irq spin_unlock
static inline void mutex_init(struct mutex *m)
{
    m->held = 0;
}
static inline void mutex_lock(struct mutex *m)
{
    if (m->held++)
        dde_lock_misuse("mutex_lock of a held mutex (deadlock on one thread)", m);
}
static inline void mutex_unlock(struct mutex *m)
{
    if (m->held-- != 1)
        dde_lock_misuse("mutex_unlock of a free mutex", m);
}
#define rcu_read_lock() barrier()
#define rcu_read_unlock() barrier()
#define synchronize_rcu() barrier()
#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))
#define might_sleep() ((void)0)
/* One thread, no preemption to yield to: the event loop regains control
 * when the driver returns. */
#define cond_resched() ((void)0)

/* ---- errno (Linux's numbers: the driver returns them) ---- */
#include <kaal/linux_errno.h>
#define EPERM LINUX_EPERM
#define ENOENT LINUX_ENOENT
#define EIO LINUX_EIO
#define E2BIG LINUX_E2BIG
#define EAGAIN LINUX_EAGAIN
#define ENOMEM LINUX_ENOMEM
#define EFAULT LINUX_EFAULT
#define EBUSY LINUX_EBUSY
#define ENODEV LINUX_ENODEV
#define EINVAL LINUX_EINVAL
#define ENOSPC LINUX_ENOSPC
#define ERANGE LINUX_ERANGE
#define ENOSYS LINUX_ENOSYS
#define EOPNOTSUPP LINUX_EOPNOTSUPP
#define EADDRNOTAVAIL LINUX_EADDRNOTAVAIL
#define ETIMEDOUT LINUX_ETIMEDOUT
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e)
{
    return (void *)e;
}
static inline long PTR_ERR(const void *p)
{
    return (long)p;
}
static inline bool IS_ERR(const void *p)
{
    return IS_ERR_VALUE((unsigned long)p);
}

/* ---- strings (the platform's C library or libkaal) ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strncpy(char *dst, const char *src, size_t n);
char *strcpy(char *dst, const char *src);
ssize_t strscpy(char *dst, const char *src, size_t size);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- printk: levels as Linux's, one line each on the component's console ---- */
#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_CONT KERN_SOH "c"
/* Messages above this level (numerically) are dropped; KERN_DEBUG is 7. */
extern int dde_console_loglevel;
int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)
void dde_warn(const char *file, int line, const char *cond);
#define WARN_ON(c) ({ int __dde_c = !!(c); if (unlikely(__dde_c)) dde_warn(__FILE__, __LINE__, #c); unlikely(__dde_c); })
#define WARN_ON_ONCE(c) WARN_ON(c)
#define WARN(c, fmt, ...) ({ int __dde_c = !!(c); if (unlikely(__dde_c)) printk(KERN_WARNING fmt, ##__VA_ARGS__); unlikely(__dde_c); })
_Noreturn void dde_bug(const char *file, int line);
#define BUG() dde_bug(__FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) BUG(); } while (0)
enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
void print_hex_dump(const char *level, const char *prefix_str, int prefix_type, int rowsize,
                    int groupsize, const void *buf, size_t len, bool ascii);
int net_ratelimit(void);
