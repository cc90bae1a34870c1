// SPDX-License-Identifier: BSD-2-Clause
/*
 * The VFS server's disk: ext2 (services/vfs/ext2) on the block cache
 * (services/vfs/bcache) on the client of a disk driver's rings
 * (services/vfs/blkclient, <kaal/blk.h>), mounted at start where the
 * system says:
 *
 *   [component.config]                 on the vfs_server instance
 *   blk0_mount = "/mnt"                where (the ends blk0, blk0_req and
 *                                      blk0_data wired to the driver)
 *   blk0_read_only = true              optional: never write
 *   blk0_force = true                  optional: read-write although the
 *                                      file system is not clean / has errors
 *   blk0_cache_pages = 256             optional: the cache's 4 KiB pages
 *
 * Policy: a file system that is not clean, has errors or orphans, or has
 * features ext2 only reads (an ext3 journal, ...) is mounted read-only with
 * its reason on the console, unless forced; one that cannot be mounted at
 * all leaves the mount point an empty directory. The console line users
 * look for goes out raw (no "[vfs] " prefix), as the net server's
 * "[Network]" line does: "[VFS] Mounted ext2 /dev/vda at /mnt".
 *
 * Durability: there is no shutdown path (poweroff is init's ACPI S5, at
 * any moment), so the mount is synchronous: before a request's reply,
 * what it changed is on the disk and the file system is marked clean there
 * until the next change (vfs_server_disk_sync, ext2_mark_clean). A request
 * that wrote nothing costs nothing more. Waiting for the disk blocks the
 * server: it is single threaded, like every request it serves.
 */
#include "disk.h"

#include <kaal/bcache.h>
#include <kaal/blk_client.h>
#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/linux_errno.h>
#include <kaal/stdio.h>
#include <kaal/vfs_ext2.h>

#include "vfs_server_caps.h"

#define DEFAULT_CACHE_PAGES 256
#define READAHEAD_PAGES 32

static kaal_blk_client_t client;
static kaal_bcache_t *cache;
static vfs_fs_t *disk_fs;
static bool writable;

static void notify(void *ctx)
{
    (void)ctx;
    seL4_Signal(KAAL_CAP_BLK0_REQ);
}

/* Waits in the middle of a request: seL4_Wait stores MR0..MR3 of what it
 * received into the IPC buffer, where the request's bytes (write data,
 * paths) and the reply being built live, so they are put back. */
static void wait(void *ctx)
{
    (void)ctx;
    seL4_Word mr[4];
    for (unsigned i = 0; i < 4; i++)
        mr[i] = seL4_GetMR(i);
    seL4_Wait(KAAL_CAP_EVENTS, NULL);
    for (unsigned i = 0; i < 4; i++)
        seL4_SetMR(i, mr[i]);
}

static bool driver_info(kaal_blk_info_t *in)
{
    seL4_MessageInfo_t r =
        seL4_Call(KAAL_CAP_BLK0, seL4_MessageInfo_new(KAAL_BLK_RPC_INFO, 0, 0, 0));
    kaal_error_t err = (kaal_error_t)seL4_MessageInfo_get_label(r);
    if (err) {
        printf("vfs: disk blk0: its driver does not answer (%s): nothing mounted\n",
               kaal_strerror(err));
        return false;
    }
    uint64_t w[KAAL_BLK_INFO_WORDS];
    for (unsigned i = 0; i < KAAL_BLK_INFO_WORDS; i++)
        w[i] = seL4_GetMR(i);
    *in = kaal_blk_info_unpack(w);
    return true;
}

/* ext2 read-write if allowed, else read-only with the reason printed
 * (*read_only says which it became). */
static vfs_fs_t *mount_ext2(vfs_t *vfs, const vfs_blockdev_t *dev, bool *read_only, bool force)
{
    char msg[160], why[160];
    unsigned flags = (*read_only ? EXT2_MOUNT_READ_ONLY : 0) | (force ? EXT2_MOUNT_FORCE : 0);
    ext2_mount_ret_t r = ext2_mount(vfs, dev, flags, msg, sizeof msg);
    if (r.err && !*read_only && (r.err == -LINUX_EINVAL || r.err == -LINUX_EROFS)) {
        kaal_snprintf(why, sizeof why, "%s", msg);
        r = ext2_mount(vfs, dev, EXT2_MOUNT_READ_ONLY, msg, sizeof msg);
        if (!r.err) {
            *read_only = true;
            printf("vfs: /dev/vda mounted read-only: %s\n", why);
        }
    }
    if (r.err) {
        printf("vfs: /dev/vda: cannot mount ext2 (errno %d): %s\n", -r.err, msg);
        return NULL;
    }
    return r.fs;
}

/* The cache the config asks for (dev filled in later). */
static kaal_bcache_config_t cache_config(const vfs_blockdev_t *disk)
{
    int64_t pages = kaal_component_config_int("blk0_cache_pages", DEFAULT_CACHE_PAGES);
    kaal_bcache_config_t bc = {
        .dev = disk,
        .n_pages = pages >= 2 && pages <= (1 << 20) ? (uint32_t)pages : DEFAULT_CACHE_PAGES,
        .readahead_pages = READAHEAD_PAGES,
        /* ext2 takes sectors up to 1 KiB; the cache offers 512 over bigger ones */
        .sector_bytes = disk && disk->sector_bytes > 1024 ? 512 : 0,
    };
    if (bc.readahead_pages > bc.n_pages / 2)
        bc.readahead_pages = bc.n_pages / 2;
    return bc;
}

size_t vfs_server_disk_reserve_bytes(void)
{
    if (!kaal_component_ring("blk0_req") || !kaal_component_config_str("blk0_mount"))
        return 0;
    static const vfs_blockdev_t model = {.sector_bytes = 512, .n_sectors = 1};
    kaal_bcache_config_t bc = cache_config(&model);
    return kaal_bcache_arena_bytes(&bc);
}

void vfs_server_mount_disk(vfs_t *vfs, vfs_proc_t *setup, const vfs_allocator_t *alloc)
{
    const char *where = kaal_component_config_str("blk0_mount");
    const kaal_component_ring_t *req = kaal_component_ring("blk0_req");
    const kaal_component_ring_t *data = kaal_component_ring("blk0_data");
    if (!req || !data) {
        if (where)
            printf("vfs: blk0_mount says %s, but no disk driver is wired (blk0_req, "
                   "blk0_data)\n", where);
        return;
    }
    if (!where) {
        printf("vfs: a disk is wired but blk0_mount does not say where: not mounted\n");
        return;
    }
    kaal_blk_info_t in;
    if (!driver_info(&in))
        return;
    kaal_blk_client_config_t cc = {
        .req_queues = (void *)KAAL_RING_BLK0_REQ_QUEUE_VADDR,
        .req_data = (void *)KAAL_RING_BLK0_REQ_DATA_VADDR,
        .req_data_bytes = KAAL_RING_BLK0_REQ_DATA_SIZE_BYTES,
        .n_records = KAAL_RING_BLK0_REQ_QUEUE_DEPTH,
        .data = (void *)KAAL_RING_BLK0_DATA_DATA_VADDR,
        .data_bytes = KAAL_RING_BLK0_DATA_DATA_SIZE_BYTES,
        .info = in,
        .notify = notify,
        .wait = wait,
    };
    const char *why;
    if (kaal_blk_client_init(&client, &cc, &why)) {
        printf("vfs: disk blk0: %s: nothing mounted\n", why);
        return;
    }
    vfs_blockdev_t disk = kaal_blk_client_dev(&client);
    kaal_bcache_config_t bc = cache_config(&disk);
    cache = kaal_bcache_create(&bc, alloc);
    if (!cache) {
        printf("vfs: disk blk0: no memory for a %u-page cache: nothing mounted\n", bc.n_pages);
        return;
    }
    vfs_blockdev_t cached = kaal_bcache_dev(cache);
    bool read_only = kaal_component_config_int("blk0_read_only", 0) != 0 || disk.read_only;
    bool force = kaal_component_config_int("blk0_force", 0) != 0;
    disk_fs = mount_ext2(vfs, &cached, &read_only, force);
    if (!disk_fs)
        return;
    int r = vfs_mkdir(setup, where, 0755);
    if (r == 0 || r == -LINUX_EEXIST)
        r = vfs_mount(vfs, setup, where, disk_fs);
    if (r < 0) {
        printf("vfs: /dev/vda: cannot mount at %s (errno %d)\n", where, -r);
        vfs_fs_destroy(disk_fs);
        disk_fs = NULL;
        return;
    }
    writable = !read_only;
    vfs_server_disk_sync(); /* clean on the disk until the first change */
    char line[96];
    kaal_snprintf(line, sizeof line, "[VFS] Mounted ext2 /dev/vda at %s\n", where);
    kaal_console_announce(line);
    printf("vfs: /dev/vda: %lu MiB, %s, %u-page cache\n",
           (unsigned long)(in.capacity_sectors >> 11), writable ? "read-write" : "read-only",
           bc.n_pages);
}

void vfs_server_disk_sync(void)
{
    if (!disk_fs || !writable)
        return;
    int r = ext2_mark_clean(disk_fs);
    if (r == -LINUX_EBUSY) /* open unlinked files or errors: synced, not clean */
        r = ext2_sync(disk_fs);
    if (r < 0)
        printf("vfs: /dev/vda: sync failed (errno %d): %s\n", -r, ext2_error(disk_fs));
}
