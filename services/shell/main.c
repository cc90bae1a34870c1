// SPDX-License-Identifier: BSD-2-Clause
/* The shell component: the shell core (kaal_shell_*) on the console server
 * (services/console).
 *
 * Model: keystrokes arrive on the ring channel "rx" (console -> shell, this
 * side the reader) with one events notification. The loop reads every byte
 * waiting on rx and feeds it to the shell, gives the buffers back
 * (signalling the console only if it asked), then arms rx and waits.
 * Output goes through console_write: RAW calls to the console
 * (<kaal/console.h>), which passes prompt and echo through at once.
 *
 * System ops: uptime from the TSC (QEMU's TSC counts from machine start;
 * its rate is measured once, on first use, across two CMOS RTC second
 * edges), date from the RTC (drivers/rtc's rtc_read through the "rtc"
 * device grant), poweroff by asking init for ACPI S5 (QEMU exits with
 * status 0) and, should the machine stay on, through QEMU's isa-debug-exit
 * port ("debug-exit" grant: writing 0 makes QEMU exit with status 1, which
 * `make run` and the test harness read as success). ps, caps, mem and
 * start/stop/restart/kill are supervisor requests to init over the
 * component's init endpoint (<kaal/component.h>; system.toml gives the
 * shell `supervisor = true`), and so is crash (init resumes the component at
 * address 0; no name: the default system's "demo"), and so is lspci (one
 * KAAL_INIT_LABEL_PCI request per PCI device init found). The file
 * commands are calls to the VFS server component (<kaal/vfs_client.h>) on
 * the "vfs" endpoint, bulk data through the data region of the "vfs_shm"
 * ring the two share.
 */
#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/dddk_sel4.h>
#include <kaal/heap.h>
#include <kaal/shell.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/vfs_client.h>

#include "rtc/rtc.h"
#include "shell_caps.h"

static kaal_bytestream_reader_t rx;
static kaal_shell_t shell;

/* The RTC's ports through the DDDK's seL4 platform (range 0). */
static kaal_dddk_sel4_t rtc_cfg = {
    .n_io = 1,
    .io = {{KAAL_CAP_RTC_IOPORT, KAAL_DEV_RTC_PORT_BASE, KAAL_DEV_RTC_PORT_COUNT}},
};
static kaal_dddk_platform_t rtc_platform;
static kaal_dddk_io_t rtc_io;

/* ---- console output ---- */

/* Prompt and echo go to the console server at once (RAW: no prefix, not
 * held back until the line ends). */
static void console_write(void *ctx, const char *bytes, size_t n)
{
    (void)ctx;
    kaal_console_write(bytes, n, 1);
}

/* ---- system ops ---- */

static kaal_error_t init_call(seL4_Word label, unsigned n_words);

static uint8_t rtc_seconds(void)
{
    kaal_dddk_out8(&rtc_io, 0, 0x00); /* register 0: seconds */
    return kaal_dddk_in8(&rtc_io, 1);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t tsc_hz;

/* TSC ticks between two RTC second edges (at most ~2 s, once). */
static uint64_t measure_tsc_hz(void)
{
    uint8_t s = rtc_seconds();
    while (rtc_seconds() == s)
        seL4_Yield();
    uint64_t t0 = rdtsc();
    s = rtc_seconds();
    while (rtc_seconds() == s)
        seL4_Yield();
    return rdtsc() - t0;
}

static uint64_t sys_uptime_ns(void *ctx)
{
    (void)ctx;
    if (tsc_hz == 0)
        tsc_hz = measure_tsc_hz();
    uint64_t t = rdtsc();
    return t / tsc_hz * 1000000000ull + t % tsc_hz * 1000000000ull / tsc_hz;
}

static kaal_error_t sys_date(void *ctx, kaal_shell_date_t *out)
{
    (void)ctx;
    rtc_time_t t;
    kaal_error_t err = rtc_read(&rtc_io, &t);
    if (err != KAAL_OK)
        return err;
    *out = (kaal_shell_date_t){.year = t.year,
                               .month = t.month,
                               .day = t.day,
                               .hour = t.hour,
                               .minute = t.minute,
                               .second = t.second};
    return KAAL_OK;
}

static kaal_error_t sys_poweroff(void *ctx)
{
    (void)ctx;
    kaal_console_sync(); /* "powering off" reaches the UART before the machine stops */
    init_call(KAAL_INIT_LABEL_POWEROFF, 0); /* ACPI S5: QEMU exits with status 0 */
    /* Still running (no ACPI S5 here): QEMU's debug-exit port, status 1. */
    seL4_X86_IOPort_Out8(KAAL_CAP_DEBUG_EXIT_IOPORT, KAAL_DEV_DEBUG_EXIT_PORT_BASE, 0);
    return KAAL_ESEL4; /* still running: the port did not stop the machine */
}

/* One supervisor request to init (<kaal/component.h>); the reply's label
 * is its error. */
static kaal_error_t init_call(seL4_Word label, unsigned n_words)
{
    seL4_MessageInfo_t reply =
        seL4_Call(KAAL_SYSDESC_SLOT_INIT_EP, seL4_MessageInfo_new(label, 0, 0, n_words));
    return (kaal_error_t)seL4_MessageInfo_get_label(reply);
}

static size_t sys_components(void *ctx, kaal_shell_component_t *out, size_t max)
{
    (void)ctx;
    size_t n = 0;
    for (size_t i = 0; i < max; i++) {
        seL4_SetMR(0, i);
        if (init_call(KAAL_INIT_LABEL_PS, 1) != KAAL_OK)
            break;
        n = seL4_GetMR(0);
        kaal_shell_component_t *c = &out[i];
        memset(c, 0, sizeof(*c));
        c->state = seL4_GetMR(1) ? "running" : "stopped";
        c->priority = (uint8_t)seL4_GetMR(2);
        c->restarts = (uint32_t)seL4_GetMR(3);
        c->n_caps = (uint32_t)seL4_GetMR(4);
        for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS && w * 8 < sizeof(c->name); w++) {
            seL4_Word v = seL4_GetMR(5 + w);
            memcpy(c->name + w * 8, &v, 8);
        }
        c->name[sizeof(c->name) - 1] = 0;
    }
    return n;
}

static kaal_error_t sys_mem(void *ctx, kaal_shell_mem_t *out)
{
    (void)ctx;
    kaal_error_t err = init_call(KAAL_INIT_LABEL_MEM, 0);
    if (err != KAAL_OK)
        return err;
    out->untyped_total_bytes = seL4_GetMR(0);
    out->untyped_free_bytes = seL4_GetMR(1);
    kaal_heap_stats_t h = kaal_heap_stats(kaal_malloc_heap());
    out->heap_total_bytes = h.total_bytes;
    out->heap_used_bytes = h.in_use_bytes;
    return KAAL_OK;
}

/* A KAAL_INIT_LABEL_LIFECYCLE request: operation and component name. */
static kaal_error_t sys_request(void *ctx, seL4_Word init_op, const char *name)
{
    (void)ctx;
    char buf[KAAL_COMPONENT_NAME_MAX];
    size_t len = strlen(name);
    if (len >= sizeof(buf))
        return KAAL_ENOENT;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, name, len);
    seL4_SetMR(0, init_op);
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++) {
        seL4_Word v;
        memcpy(&v, buf + w * 8, 8);
        seL4_SetMR(1 + w, v);
    }
    return init_call(KAAL_INIT_LABEL_LIFECYCLE, 1 + KAAL_INIT_NAME_WORDS);
}

static kaal_error_t sys_lifecycle(void *ctx, kaal_shell_lifecycle_t op, const char *name)
{
    seL4_Word init_op = op == KAAL_SHELL_START     ? KAAL_INIT_OP_START
                        : op == KAAL_SHELL_STOP    ? KAAL_INIT_OP_STOP
                        : op == KAAL_SHELL_RESTART ? KAAL_INIT_OP_RESTART
                                                   : KAAL_INIT_OP_KILL;
    return sys_request(ctx, init_op, name);
}

/* No name: the default system's demo component, "demo". */
static kaal_error_t sys_crash(void *ctx, const char *name)
{
    return sys_request(ctx, KAAL_INIT_OP_CRASH, name != NULL ? name : "demo");
}

/* lspci: the PCI devices init's broker found, one supervisor request
 * (KAAL_INIT_LABEL_PCI) per device, fetched afresh for every call. */
#define SHELL_MAX_PCI 32
static kaal_device_t pci_storage[SHELL_MAX_PCI];
static kaal_device_list_t pci_list;

static const kaal_device_list_t *sys_devices(void *ctx)
{
    (void)ctx;
    kaal_devices_init(&pci_list, pci_storage, SHELL_MAX_PCI);
    for (seL4_Word i = 0;; i++) {
        seL4_SetMR(0, i);
        kaal_error_t err = init_call(KAAL_INIT_LABEL_PCI, 1);
        if (err == KAAL_ENOENT)
            break;
        if (err != KAAL_OK)
            return NULL;
        seL4_Word n_pci = seL4_GetMR(0);
        uint64_t words[KAAL_DEVICE_WIRE_WORDS];
        for (unsigned w = 0; w < KAAL_DEVICE_WIRE_WORDS; w++)
            words[w] = seL4_GetMR(1 + w);
        kaal_device_t *dev = kaal_devices_add(&pci_list, KAAL_BUS_PCI);
        if (dev != NULL && kaal_device_decode(words, KAAL_DEVICE_WIRE_WORDS, dev) != KAAL_OK)
            return NULL;
        if (i + 1 >= n_pci)
            break;
    }
    return &pci_list;
}

/* ---- file system: the VFS server ---- */

static int fs_open(void *ctx, const char *path, int flags, vfs_mode_t mode)
{
    (void)ctx;
    return kaal_vfs_open(KAAL_CAP_VFS, path, flags, mode);
}

static int fs_close(void *ctx, int fd)
{
    (void)ctx;
    return kaal_vfs_close(KAAL_CAP_VFS, fd);
}

static int64_t fs_read(void *ctx, int fd, void *buf, size_t n_bytes)
{
    (void)ctx;
    return kaal_vfs_read(KAAL_CAP_VFS, fd, buf, n_bytes);
}

static int64_t fs_write(void *ctx, int fd, const void *buf, size_t n_bytes)
{
    (void)ctx;
    return kaal_vfs_write(KAAL_CAP_VFS, fd, buf, n_bytes);
}

static int64_t fs_getdents64(void *ctx, int fd, void *buf, size_t n_bytes)
{
    (void)ctx;
    return kaal_vfs_getdents64(KAAL_CAP_VFS, fd, buf, n_bytes);
}

static int fs_stat(void *ctx, const char *path, struct vfs_stat *st)
{
    (void)ctx;
    return kaal_vfs_stat(KAAL_CAP_VFS, path, st);
}

static int fs_mkdir(void *ctx, const char *path, vfs_mode_t mode)
{
    (void)ctx;
    return kaal_vfs_mkdir(KAAL_CAP_VFS, path, mode);
}

static int fs_unlink(void *ctx, const char *path)
{
    (void)ctx;
    return kaal_vfs_unlink(KAAL_CAP_VFS, path);
}

static int fs_rmdir(void *ctx, const char *path)
{
    (void)ctx;
    return kaal_vfs_rmdir(KAAL_CAP_VFS, path);
}

static int fs_statfs(void *ctx, const char *path, struct vfs_statfs *st)
{
    (void)ctx;
    return kaal_vfs_statfs(KAAL_CAP_VFS, path, st);
}

static int fs_chdir(void *ctx, const char *path)
{
    (void)ctx;
    return kaal_vfs_chdir(KAAL_CAP_VFS, path);
}

static int fs_getcwd(void *ctx, char *buf, size_t n_bytes)
{
    (void)ctx;
    return kaal_vfs_getcwd(KAAL_CAP_VFS, buf, n_bytes);
}

static const kaal_shell_fs_ops_t fs_ops = {
    .open = fs_open,
    .close = fs_close,
    .read = fs_read,
    .write = fs_write,
    .getdents64 = fs_getdents64,
    .stat = fs_stat,
    .mkdir = fs_mkdir,
    .unlink = fs_unlink,
    .rmdir = fs_rmdir,
    .statfs = fs_statfs,
    .chdir = fs_chdir,
    .getcwd = fs_getcwd,
};

static const kaal_shell_system_ops_t sys_ops = {
    .fs = &fs_ops,
    .crash = sys_crash,
    .devices = sys_devices,
    .components = sys_components,
    .mem = sys_mem,
    .lifecycle = sys_lifecycle,
    .uptime_ns = sys_uptime_ns,
    .date = sys_date,
    .poweroff = sys_poweroff,
};

int main(void)
{
    kaal_dddk_sel4_platform(&rtc_cfg, &rtc_platform);
    rtc_io = (kaal_dddk_io_t){.platform = &rtc_platform,
                              .range = 0,
                              .base = KAAL_DEV_RTC_PORT_BASE,
                              .n_ports = KAAL_DEV_RTC_PORT_COUNT};
    kaal_error_t err = kaal_bytestream_reader_attach(&rx, (void *)KAAL_RING_RX_QUEUE_VADDR,
                                                     (void *)KAAL_RING_RX_DATA_VADDR,
                                                     KAAL_RING_RX_DATA_SIZE_BYTES);
    if (err != KAAL_OK) {
        printf("shell: console input ring: %s\n", kaal_strerror(err));
        return 1;
    }
    /* A restarted shell starts with a fresh fd table and cwd at the server;
     * bulk data goes through the shared region. */
    kaal_vfs_reset(KAAL_CAP_VFS);
    kaal_vfs_use_shm(KAAL_CAP_VFS, (void *)KAAL_RING_VFS_SHM_DATA_VADDR,
                     KAAL_RING_VFS_SHM_DATA_SIZE_BYTES);
    kaal_shell_init(&shell, console_write, NULL, &sys_ops);
    kaal_shell_start(&shell);
    for (;;) {
        uint8_t buf[64];
        size_t n;
        while ((n = kaal_bytestream_read(&rx, buf, sizeof(buf))) > 0)
            kaal_shell_feed(&shell, buf, n);
        if (rx.released) {
            rx.released = false;
            if (kaal_ring_producer_should_signal(&rx.ring.free))
                seL4_Signal(KAAL_CAP_RX);
        }
        if (kaal_ring_consumer_arm(&rx.ring.active)) {
            seL4_Word bits;
            seL4_Wait(KAAL_CAP_EVENTS, &bits);
        }
    }
}
