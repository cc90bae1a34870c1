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
 * System ops: uptime from kaal_time_ns() (the TSC, which QEMU counts from
 * machine start, scaled by the frequency the kernel measured at boot),
 * sleep through the timer component (<kaal/timer.h>, the "timer" end and
 * its own notification), date from the rtc driver component (an RPC on the "rtc" end, drivers/rtc/
 * rtc_client.h), poweroff by asking init for ACPI S5 (QEMU exits with
 * status 0) and, should the machine stay on, through QEMU's isa-debug-exit
 * port ("debug-exit" grant: writing 0 makes QEMU exit with status 1, which
 * `make run` and the test harness read as success). ps, caps, mem and
 * start/stop/restart/kill are supervisor requests to init over the
 * component's init endpoint (<kaal/supervisor.h>; system.toml gives the
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
#include <kaal/timer.h>
#include <kaal/heap.h>
#include <kaal/shell.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/supervisor.h>
#include <kaal/sysdesc.h>
#include <kaal/vfs_client.h>

#include "rtc/rtc_client.h"
#include "shell_caps.h"

static kaal_bytestream_reader_t rx;
static kaal_shell_t shell;

/* ---- console output ---- */

/* Prompt and echo go to the console server at once (RAW: no prefix, not
 * held back until the line ends). */
static void console_write(void *ctx, const char *bytes, size_t n)
{
    (void)ctx;
    kaal_console_write(bytes, n, 1);
}

/* ---- system ops ---- */


/* Nanoseconds since machine start: the TSC scaled by the frequency the
 * kernel measured at boot (<kaal/timer.h>); 0 if it reported none. */
static uint64_t sys_uptime_ns(void *ctx)
{
    (void)ctx;
    return kaal_time_ns();
}

/* sleep: one timeout on the timer component, the notification registered
 * on first use (again if the timer restarted and forgot it); a signal left
 * from an earlier sleep only makes the loop look at the clock again. */
static kaal_error_t sys_sleep_ns(void *ctx, uint64_t ns)
{
    (void)ctx;
    static bool registered;
    uint64_t deadline = kaal_time_ns() + ns;
    kaal_error_t err = KAAL_ENOENT;
    for (int tries = 0; tries < 2 && err != KAAL_OK; tries++) {
        if (!registered && (err = kaal_timer_register(KAAL_CAP_TIMER, KAAL_CAP_TIMER_NTFN)) != KAAL_OK)
            return err;
        registered = true;
        err = kaal_timer_set_timeout(KAAL_CAP_TIMER, deadline);
        if (err == KAAL_ENOENT || err == KAAL_EAGAIN)
            registered = false; /* a restarted timer: register again */
    }
    if (err != KAAL_OK)
        return err;
    while (kaal_time_ns() < deadline) {
        seL4_Word bits;
        seL4_Wait(KAAL_CAP_TIMER_NTFN, &bits);
    }
    return KAAL_OK;
}

static kaal_error_t sys_date(void *ctx, kaal_shell_date_t *out)
{
    (void)ctx;
    rtc_time_t t;
    kaal_error_t err = rtc_client_read(KAAL_CAP_RTC, &t);
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
    kaal_supervisor_poweroff(); /* ACPI S5: QEMU exits with status 0 */
    /* Still running (no ACPI S5 here): QEMU's debug-exit port, status 1. */
    seL4_X86_IOPort_Out8(KAAL_CAP_DEBUG_EXIT_IOPORT, KAAL_DEV_DEBUG_EXIT_PORT_BASE, 0);
    return KAAL_ESEL4; /* still running: the port did not stop the machine */
}

static size_t sys_components(void *ctx, kaal_shell_component_t *out, size_t max)
{
    (void)ctx;
    seL4_Word n = 0;
    for (size_t i = 0; i < max; i++) {
        kaal_supervisor_component_t info;
        if (kaal_supervisor_component(i, &info, &n) != KAAL_OK)
            break;
        kaal_shell_component_t *c = &out[i];
        memset(c, 0, sizeof(*c));
        c->state = info.running ? "running" : "stopped";
        c->priority = info.priority;
        c->restarts = info.restarts;
        c->n_caps = info.n_caps;
        snprintf(c->name, sizeof(c->name), "%s", info.name);
    }
    return n;
}

static kaal_error_t sys_mem(void *ctx, kaal_shell_mem_t *out)
{
    (void)ctx;
    kaal_supervisor_mem_t m;
    kaal_error_t err = kaal_supervisor_mem(&m);
    if (err != KAAL_OK)
        return err;
    out->untyped_total_bytes = m.untyped_total_bytes;
    out->untyped_free_bytes = m.untyped_free_bytes;
    kaal_heap_stats_t h = kaal_heap_stats(kaal_malloc_heap());
    out->heap_total_bytes = h.total_bytes;
    out->heap_used_bytes = h.in_use_bytes;
    return KAAL_OK;
}

static kaal_error_t sys_lifecycle(void *ctx, kaal_shell_lifecycle_t op, const char *name)
{
    seL4_Word init_op = op == KAAL_SHELL_START     ? KAAL_INIT_OP_START
                        : op == KAAL_SHELL_STOP    ? KAAL_INIT_OP_STOP
                        : op == KAAL_SHELL_RESTART ? KAAL_INIT_OP_RESTART
                                                   : KAAL_INIT_OP_KILL;
    (void)ctx;
    return kaal_supervisor_lifecycle(init_op, name);
}

/* No name: the default system's demo component, "demo". */
static kaal_error_t sys_crash(void *ctx, const char *name)
{
    (void)ctx;
    return kaal_supervisor_lifecycle(KAAL_INIT_OP_CRASH, name != NULL ? name : "demo");
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
        kaal_device_t dev;
        seL4_Word n_pci = 0;
        kaal_error_t err = kaal_supervisor_pci(i, &dev, &n_pci);
        if (err == KAAL_ENOENT)
            break;
        if (err != KAAL_OK)
            return NULL;
        kaal_device_t *slot = kaal_devices_add(&pci_list, KAAL_BUS_PCI);
        if (slot != NULL)
            *slot = dev;
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
    .sleep_ns = sys_sleep_ns,
    .date = sys_date,
    .poweroff = sys_poweroff,
};

int main(void)
{
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
