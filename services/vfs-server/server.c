// SPDX-License-Identifier: BSD-2-Clause
/*
 * The VFS server component: one vfs_t (services/vfs) served over endpoint
 * RPC with the protocol of <kaal/vfs_rpc.h>.
 *
 * Model: a ramfs is the root, a devfs is mounted at /dev, an ext2 disk
 * where the system says (disk.c); all memory comes
 * from the component heap (malloc), and the ramfs is limited to three
 * quarters of it so a full file system answers ENOSPC before the heap runs
 * dry. Each client is known by the badge of its endpoint cap and owns one
 * vfs_proc_t (fd table, cwd, umask, uid 0), created at its first request.
 * The loop is single threaded: one request at a time, each fully decoded and
 * checked against the message length before the VFS sees it.
 *
 * Data of clients that share a region with the server (the data region of
 * a ring channel whose server end is "shm<badge>") moves through that
 * region: see <kaal/vfs_rpc.h>.
 *
 * Invariants: a reply never carries more than seL4_MsgMaxLength words;
 * every path handed to the VFS is NUL-terminated and free of inner NULs.
 */
#include <stdbool.h>

#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/format.h>
#include <kaal/heap.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/vfs.h>
#include <kaal/vfs_rpc.h>

#include "disk.h"
#include "rootfs.h"
#include "vfs_server_caps.h"

#define VFS_SERVER_MAX_CLIENTS 64
#define VFS_SERVER_MAX_FDS 256
#define WORDS(n_bytes) (((n_bytes) + sizeof(seL4_Word) - 1) / sizeof(seL4_Word))

typedef struct {
    seL4_Word badge;
    vfs_proc_t *proc; /* NULL: slot free */
} vfs_client_t;

/* Memory shared with one client (the data region of ring end shm<badge>). */
typedef struct {
    seL4_Word badge; /* 0: end of the table */
    char *base;
    size_t size_bytes;
} vfs_shm_region_t;

/* The ring ends shm1..shm4 its component.toml declares (all optional), at
 * the addresses of <vfs_server_caps.h>; start() keeps the ones the system
 * wired (kaal_component_ring), so one ELF serves any wiring. */
#define SHM_REGION(n)                                                                              \
    {n, (char *)KAAL_RING_SHM##n##_DATA_VADDR, KAAL_RING_SHM##n##_DATA_SIZE_BYTES},
static const vfs_shm_region_t shm_declared[] = {SHM_REGION(1) SHM_REGION(2) SHM_REGION(3)
                                                    SHM_REGION(4)};
#define N_SHM (sizeof shm_declared / sizeof shm_declared[0])
static vfs_shm_region_t shm_regions[N_SHM + 1]; /* wired ones, then {0} */

static vfs_t *vfs;
static vfs_client_t clients[VFS_SERVER_MAX_CLIENTS];
/* Paths of the request being served, NUL-terminated. */
static char path_a[VFS_PATH_MAX];
static char path_b[VFS_PATH_MAX];

static void *heap_alloc(void *ctx, size_t size_bytes)
{
    (void)ctx;
    return malloc(size_bytes);
}

static void heap_free(void *ctx, void *ptr, size_t size_bytes)
{
    (void)ctx;
    (void)size_bytes;
    free(ptr);
}

static int64_t console_write(void *ctx, const void *buf, size_t n_bytes)
{
    (void)ctx;
    const char *s = buf;
    for (size_t i = 0; i < n_bytes; i++)
        putchar(s[i]);
    return (int64_t)n_bytes;
}

static vfs_proc_t *client_proc(seL4_Word badge)
{
    vfs_client_t *free_slot = NULL;
    for (int i = 0; i < VFS_SERVER_MAX_CLIENTS; i++) {
        if (clients[i].proc && clients[i].badge == badge)
            return clients[i].proc;
        if (!clients[i].proc && !free_slot)
            free_slot = &clients[i];
    }
    if (!free_slot)
        return NULL;
    free_slot->proc = vfs_proc_create(vfs, 0, 0, 022, VFS_SERVER_MAX_FDS);
    free_slot->badge = badge;
    return free_slot->proc;
}

/* Closes every fd of the client with this badge and forgets it. */
static void client_drop(seL4_Word badge)
{
    for (int i = 0; i < VFS_SERVER_MAX_CLIENTS; i++) {
        if (clients[i].proc && clients[i].badge == badge) {
            vfs_proc_destroy(clients[i].proc);
            clients[i].proc = NULL;
        }
    }
}

static int client_reset(seL4_Word badge)
{
    client_drop(badge);
    return client_proc(badge) ? 0 : -LINUX_ENOMEM;
}

static seL4_MessageInfo_t reply(int64_t result, size_t n_bytes)
{
    if (result < 0)
        return seL4_MessageInfo_new((seL4_Word)-result, 0, 0, 0);
    seL4_SetMR(0, (seL4_Word)result);
    return seL4_MessageInfo_new(0, 0, 0, 1 + WORDS(n_bytes));
}

/* Bytes of the request start at message register first_mr. */
static const char *request_bytes(unsigned first_mr)
{
    return (const char *)&seL4_GetIPCBuffer()->msg[first_mr];
}

/* Does the request carry n_bytes after first_mr words of arguments? */
static bool request_has(seL4_MessageInfo_t req, unsigned first_mr, seL4_Word n_bytes)
{
    seL4_Word length = seL4_MessageInfo_get_length(req);
    return length >= first_mr && n_bytes <= (length - first_mr) * sizeof(seL4_Word);
}

static const vfs_shm_region_t *shm_of(seL4_Word badge)
{
    for (const vfs_shm_region_t *r = shm_regions; r->badge; r++)
        if (r->badge == badge)
            return r;
    return NULL;
}

/* Copies one or two paths (back to back from first_mr, or from the start
 * of the client's shared region when their lengths carry
 * VFS_RPC_PATH_IN_SHM) into path_a and path_b; 0 or -errno (EINVAL if they
 * do not fit the message or region or contain a NUL). */
static int take_paths(seL4_MessageInfo_t req, seL4_Word badge, unsigned first_mr, seL4_Word len_a,
                      seL4_Word len_b)
{
    bool in_shm = ((len_a | len_b) & VFS_RPC_PATH_IN_SHM) != 0;
    len_a &= ~VFS_RPC_PATH_IN_SHM;
    len_b &= ~VFS_RPC_PATH_IN_SHM;
    if (len_a >= VFS_PATH_MAX || len_b >= VFS_PATH_MAX)
        return -LINUX_ENAMETOOLONG;
    const char *src;
    if (in_shm) {
        const vfs_shm_region_t *shm = shm_of(badge);
        if (!shm)
            return -LINUX_EOPNOTSUPP;
        if (len_a + len_b > shm->size_bytes)
            return -LINUX_EINVAL;
        src = shm->base;
    } else {
        if (len_a + len_b > VFS_RPC_MAX_PATH_BYTES || !request_has(req, first_mr, len_a + len_b))
            return -LINUX_EINVAL;
        src = request_bytes(first_mr);
    }
    memcpy(path_a, src, len_a);
    path_a[len_a] = '\0';
    memcpy(path_b, src + len_a, len_b);
    path_b[len_b] = '\0';
    if (strlen(path_a) != len_a || strlen(path_b) != len_b)
        return -LINUX_EINVAL;
    return 0;
}

/* READ_SHM / WRITE_SHM: fd, count, shm_offset, file_offset (-1: current). */
static int64_t serve_shm(vfs_proc_t *p, seL4_Word badge, seL4_MessageInfo_t req, bool write)
{
    const vfs_shm_region_t *shm = shm_of(badge);
    if (!shm)
        return -LINUX_EOPNOTSUPP;
    int fd = (int)seL4_GetMR(0);
    seL4_Word count = seL4_GetMR(1), shm_offset = seL4_GetMR(2);
    int64_t file_offset = (int64_t)seL4_GetMR(3);
    if (seL4_MessageInfo_get_length(req) < 4 || shm_offset > shm->size_bytes ||
        count > shm->size_bytes - shm_offset || file_offset < -1)
        return -LINUX_EINVAL;
    char *data = shm->base + shm_offset;
    if (write)
        return file_offset < 0 ? vfs_write(p, fd, data, count)
                               : vfs_pwrite(p, fd, data, count, file_offset);
    return file_offset < 0 ? vfs_read(p, fd, data, count)
                           : vfs_pread(p, fd, data, count, file_offset);
}

/* One request being served: its client, the message, its first three
 * argument words and where the reply's bytes go (MR1 on). */
typedef struct {
    vfs_proc_t *p;
    seL4_Word badge;
    seL4_MessageInfo_t info;
    seL4_Word a0, a1, a2;
    char *out;
} vfs_request_t;

/* A handler decodes and checks its request, calls the VFS and builds the
 * reply in the IPC buffer. */
typedef seL4_MessageInfo_t (*vfs_handler_t)(const vfs_request_t *rq);

static int rq_fd(const vfs_request_t *rq)
{
    return (int)rq->a0;
}

/* A result with bytes from MR1: as many as a non-negative result says. */
static seL4_MessageInfo_t reply_bytes(int64_t n)
{
    return reply(n, n > 0 ? (size_t)n : 0);
}

static seL4_MessageInfo_t handle_open(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 3, rq->a2, 0);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_open(rq->p, path_a, (int)rq->a0, (vfs_mode_t)rq->a1), 0);
}

static seL4_MessageInfo_t handle_close(const vfs_request_t *rq)
{
    return reply(vfs_close(rq->p, rq_fd(rq)), 0);
}

static seL4_MessageInfo_t handle_read(const vfs_request_t *rq)
{
    if (rq->a1 > VFS_RPC_MAX_DATA)
        return reply(-LINUX_EINVAL, 0);
    return reply_bytes(vfs_read(rq->p, rq_fd(rq), rq->out, rq->a1));
}

static seL4_MessageInfo_t handle_write(const vfs_request_t *rq)
{
    if (rq->a1 > VFS_RPC_MAX_DATA || !request_has(rq->info, 2, rq->a1))
        return reply(-LINUX_EINVAL, 0);
    return reply(vfs_write(rq->p, rq_fd(rq), request_bytes(2), rq->a1), 0);
}

static seL4_MessageInfo_t handle_pread(const vfs_request_t *rq)
{
    if (rq->a1 > VFS_RPC_MAX_DATA)
        return reply(-LINUX_EINVAL, 0);
    return reply_bytes(vfs_pread(rq->p, rq_fd(rq), rq->out, rq->a1, (int64_t)rq->a2));
}

static seL4_MessageInfo_t handle_pwrite(const vfs_request_t *rq)
{
    if (rq->a1 > VFS_RPC_MAX_DATA || !request_has(rq->info, 3, rq->a1))
        return reply(-LINUX_EINVAL, 0);
    return reply(vfs_pwrite(rq->p, rq_fd(rq), request_bytes(3), rq->a1, (int64_t)rq->a2), 0);
}

static seL4_MessageInfo_t handle_lseek(const vfs_request_t *rq)
{
    return reply(vfs_lseek(rq->p, rq_fd(rq), (int64_t)rq->a1, (int)rq->a2), 0);
}

static seL4_MessageInfo_t handle_fstat(const vfs_request_t *rq)
{
    struct vfs_stat st;
    int r = vfs_fstat(rq->p, rq_fd(rq), &st);
    if (r == 0)
        memcpy(rq->out, &st, sizeof st);
    return reply(r, sizeof st);
}

static seL4_MessageInfo_t handle_stat(const vfs_request_t *rq)
{
    struct vfs_stat st;
    int r = take_paths(rq->info, rq->badge, 2, rq->a1, 0);
    if (r < 0)
        return reply(r, 0);
    r = vfs_fstatat(rq->p, VFS_AT_FDCWD, path_a, &st, (int)rq->a0);
    if (r == 0)
        memcpy(rq->out, &st, sizeof st);
    return reply(r, sizeof st);
}

static seL4_MessageInfo_t handle_mkdir(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 2, rq->a1, 0);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_mkdir(rq->p, path_a, (vfs_mode_t)rq->a0), 0);
}

static seL4_MessageInfo_t handle_unlink(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 2, rq->a1, 0);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_unlinkat(rq->p, VFS_AT_FDCWD, path_a, (int)rq->a0), 0);
}

static seL4_MessageInfo_t handle_rename(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 3, rq->a1, rq->a2);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_renameat2(rq->p, VFS_AT_FDCWD, path_a, VFS_AT_FDCWD, path_b, (unsigned)rq->a0),
                 0);
}

static seL4_MessageInfo_t handle_getdents64(const vfs_request_t *rq)
{
    if (rq->a1 > VFS_RPC_MAX_DATA)
        return reply(-LINUX_EINVAL, 0);
    return reply_bytes(vfs_getdents64(rq->p, rq_fd(rq), rq->out, rq->a1));
}

static seL4_MessageInfo_t handle_statfs(const vfs_request_t *rq)
{
    struct vfs_statfs st;
    int r = take_paths(rq->info, rq->badge, 1, rq->a0, 0);
    if (r < 0)
        return reply(r, 0);
    r = vfs_statfs(rq->p, path_a, &st);
    if (r == 0)
        memcpy(rq->out, &st, sizeof st);
    return reply(r, sizeof st);
}

static seL4_MessageInfo_t handle_fstatfs(const vfs_request_t *rq)
{
    struct vfs_statfs st;
    int r = vfs_fstatfs(rq->p, rq_fd(rq), &st);
    if (r == 0)
        memcpy(rq->out, &st, sizeof st);
    return reply(r, sizeof st);
}

static seL4_MessageInfo_t handle_ftruncate(const vfs_request_t *rq)
{
    return reply(vfs_ftruncate(rq->p, rq_fd(rq), (int64_t)rq->a1), 0);
}

static seL4_MessageInfo_t handle_truncate(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 2, rq->a1, 0);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_truncate(rq->p, path_a, (int64_t)rq->a0), 0);
}

static seL4_MessageInfo_t handle_dup(const vfs_request_t *rq)
{
    return reply(vfs_dup(rq->p, rq_fd(rq)), 0);
}

static seL4_MessageInfo_t handle_dup2(const vfs_request_t *rq)
{
    return reply(vfs_dup2(rq->p, rq_fd(rq), (int)rq->a1), 0);
}

static seL4_MessageInfo_t handle_chdir(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 1, rq->a0, 0);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_chdir(rq->p, path_a), 0);
}

static seL4_MessageInfo_t handle_getcwd(const vfs_request_t *rq)
{
    size_t room = (seL4_MsgMaxLength - 1) * sizeof(seL4_Word);
    return reply_bytes(vfs_getcwd(rq->p, rq->out, room));
}

static seL4_MessageInfo_t handle_symlink(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 2, rq->a0, rq->a1);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_symlink(rq->p, path_a, path_b), 0);
}

static seL4_MessageInfo_t handle_readlink(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 1, rq->a0, 0);
    if (r < 0)
        return reply(r, 0);
    return reply_bytes(
        vfs_readlink(rq->p, path_a, rq->out, (seL4_MsgMaxLength - 1) * sizeof(seL4_Word)));
}

static seL4_MessageInfo_t handle_link(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 2, rq->a0, rq->a1);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_link(rq->p, path_a, path_b), 0);
}

static seL4_MessageInfo_t handle_chmod(const vfs_request_t *rq)
{
    int r = take_paths(rq->info, rq->badge, 2, rq->a1, 0);
    if (r < 0)
        return reply(r, 0);
    return reply(vfs_chmod(rq->p, path_a, (vfs_mode_t)rq->a0), 0);
}

static seL4_MessageInfo_t handle_reset(const vfs_request_t *rq)
{
    return reply(client_reset(rq->badge), 0);
}

static seL4_MessageInfo_t handle_read_shm(const vfs_request_t *rq)
{
    return reply(serve_shm(rq->p, rq->badge, rq->info, false), 0);
}

static seL4_MessageInfo_t handle_write_shm(const vfs_request_t *rq)
{
    return reply(serve_shm(rq->p, rq->badge, rq->info, true), 0);
}

/* The handler of each operation label (<kaal/vfs_rpc.h>); label 0 has none. */
static const vfs_handler_t handlers[VFS_RPC_N_OPS] = {
    [VFS_RPC_OPEN] = handle_open,
    [VFS_RPC_CLOSE] = handle_close,
    [VFS_RPC_READ] = handle_read,
    [VFS_RPC_WRITE] = handle_write,
    [VFS_RPC_PREAD] = handle_pread,
    [VFS_RPC_PWRITE] = handle_pwrite,
    [VFS_RPC_LSEEK] = handle_lseek,
    [VFS_RPC_FSTAT] = handle_fstat,
    [VFS_RPC_STAT] = handle_stat,
    [VFS_RPC_MKDIR] = handle_mkdir,
    [VFS_RPC_UNLINK] = handle_unlink,
    [VFS_RPC_RENAME] = handle_rename,
    [VFS_RPC_GETDENTS64] = handle_getdents64,
    [VFS_RPC_STATFS] = handle_statfs,
    [VFS_RPC_FSTATFS] = handle_fstatfs,
    [VFS_RPC_FTRUNCATE] = handle_ftruncate,
    [VFS_RPC_TRUNCATE] = handle_truncate,
    [VFS_RPC_DUP] = handle_dup,
    [VFS_RPC_DUP2] = handle_dup2,
    [VFS_RPC_CHDIR] = handle_chdir,
    [VFS_RPC_GETCWD] = handle_getcwd,
    [VFS_RPC_SYMLINK] = handle_symlink,
    [VFS_RPC_READLINK] = handle_readlink,
    [VFS_RPC_LINK] = handle_link,
    [VFS_RPC_CHMOD] = handle_chmod,
    [VFS_RPC_RESET] = handle_reset,
    [VFS_RPC_READ_SHM] = handle_read_shm,
    [VFS_RPC_WRITE_SHM] = handle_write_shm,
};

/* Serves one request of client p: the handler of its label, ENOSYS for a
 * label without one. The reply goes in the IPC buffer. */
static seL4_MessageInfo_t serve(vfs_proc_t *p, seL4_Word badge, seL4_MessageInfo_t req)
{
    seL4_Word label = seL4_MessageInfo_get_label(req);
    if (label >= VFS_RPC_N_OPS || !handlers[label])
        return reply(-LINUX_ENOSYS, 0);
    vfs_request_t rq = {.p = p,
                        .badge = badge,
                        .info = req,
                        .a0 = seL4_GetMR(0),
                        .a1 = seL4_GetMR(1),
                        .a2 = seL4_GetMR(2),
                        .out = (char *)&seL4_GetIPCBuffer()->msg[1]};
    return handlers[label](&rq);
}

/* Root ramfs and /dev; 0 or a negative errno. */
static int mount_filesystems(size_t heap_bytes)
{
    static const vfs_config_t config = {{heap_alloc, heap_free, NULL}, NULL, NULL};
    static const devfs_console_t console = {console_write, NULL, NULL};
    vfs = vfs_create(&config);
    if (!vfs)
        return -LINUX_ENOMEM;
    size_t reserve = vfs_server_disk_reserve_bytes();
    heap_bytes = heap_bytes > reserve ? heap_bytes - reserve : 0;
    ramfs_options_t root_options = {heap_bytes / 4 * 3 / VFS_PAGE_SIZE * VFS_PAGE_SIZE, 0, 0755};
    vfs_fs_t *root = ramfs_create(vfs, &root_options);
    if (!root)
        return -LINUX_ENOMEM;
    int r = vfs_mount(vfs, NULL, "/", root);
    if (r < 0)
        return r;
    vfs_proc_t *setup = vfs_proc_create(vfs, 0, 0, 022, 4);
    if (!setup)
        return -LINUX_ENOMEM;
    vfs_server_prefill_root(setup);
    r = vfs_mkdir(setup, "/dev", 0755);
    if (r == -LINUX_EEXIST) /* the rootfs archive made it */
        r = 0;
    vfs_fs_t *dev = r == 0 ? devfs_create(vfs, &console) : NULL;
    if (r == 0 && !dev)
        r = -LINUX_ENOMEM;
    if (r == 0 && (r = vfs_mount(vfs, setup, "/dev", dev)) < 0)
        vfs_fs_destroy(dev);
    if (r == 0)
        vfs_server_mount_disk(vfs, setup, &config.allocator);
    vfs_proc_destroy(setup);
    return r;
}

/* Keeps the declared shared regions whose ring end the system wired. */
static int find_shm_regions(void)
{
    int n = 0;
    for (unsigned i = 0; i < N_SHM; i++) {
        char name[8];
        kaal_snprintf(name, sizeof name, "shm%lu", (unsigned long)shm_declared[i].badge);
        const kaal_component_ring_t *ring = kaal_component_ring(name);
        if (ring && ring->data_vaddr == (seL4_Word)shm_declared[i].base &&
            ring->data_size_bytes == shm_declared[i].size_bytes)
            shm_regions[n++] = shm_declared[i];
    }
    return n;
}

int main(void)
{
    const kaal_component_start_t *me = kaal_component();
    int n_shm = find_shm_regions();
    size_t heap_bytes = me ? me->heap_size_bytes : 0;
    int r = mount_filesystems(heap_bytes);
    if (r < 0) {
        printf("vfs: cannot mount the root file systems (errno %d)\n", -r);
        return 1;
    }
    kaal_console_announce("[VFS] Mounted ramfs at /\n");
    printf("vfs: serving (ramfs at /, devfs at /dev, heap %lu KiB, %d shared regions)\n",
           (unsigned long)(heap_bytes >> 10), n_shm);

    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_CLIENTS, &badge);
    for (;;) {
        seL4_MessageInfo_t answer;
        if (badge == KAAL_RPC_BADGE_INIT) {
            /* init: a client went (<kaal/component.h>); its files close. */
            if (seL4_MessageInfo_get_label(req) == KAAL_RPC_LABEL_CLIENT_GONE &&
                seL4_MessageInfo_get_length(req) >= 1)
                client_drop(seL4_GetMR(0));
            answer = seL4_MessageInfo_new(0, 0, 0, 0);
        } else {
            vfs_proc_t *p = client_proc(badge);
            answer = p ? serve(p, badge, req) : reply(-LINUX_ENOMEM, 0);
        }
        /* A request's changes are on the disk before its reply (disk.c:
         * there is no shutdown path); nothing to do if it changed nothing. */
        vfs_server_disk_sync();
        req = seL4_ReplyRecv(KAAL_CAP_CLIENTS, answer, &badge);
    }
}
