// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unpacks a newc cpio archive into a VFS tree through the public VFS calls
 * (include/kaal/vfs_cpio.h), as Linux unpacks an initramfs: entries in
 * archive order, parents before children (an entry whose parent does not
 * exist fails with ENOENT), later entries overwriting earlier files.
 *
 * Model: one pass makes each entry and sets its owner and mode (after
 * creation, so the process umask does not matter); a second pass over the
 * entries made sets directory mtimes, since adding children changed them.
 * Hard links: the first entry of an inode (ino, devmajor, devminor with
 * nlink > 1) is remembered by its archive offset; later entries of that
 * inode become links to its path, and whichever carries data writes it
 * (GNU cpio puts the data on the last one). Device nodes, FIFOs and sockets
 * are counted and skipped: the ramfs cannot hold them.
 *
 * Invariant: every path handed to the VFS is "/" + an entry name the cpio
 * reader checked (NUL-terminated, no ".." component).
 */
#include <kaal/linux_errno.h>
#include <kaal/string.h>
#include <kaal/vfs_cpio.h>

#define MAX_LINKED_INODES 128

typedef struct {
    uint32_t ino, devmajor, devminor;
    size_t offset; /* of its first entry in the archive */
} linked_inode_t;

static char path_buf[KAAL_CPIO_PATH_MAX + 1];
static char other_path_buf[KAAL_CPIO_PATH_MAX + 1];
static char target_buf[KAAL_CPIO_PATH_MAX + 1];

/* "/" + name into buf (name_bytes < KAAL_CPIO_PATH_MAX by the reader). */
static const char *abs_path(char *buf, const kaal_cpio_entry_t *e)
{
    buf[0] = '/';
    if (e->name_bytes == 1 && e->name[0] == '.') {
        buf[1] = '\0';
    } else {
        memcpy(buf + 1, e->name, e->name_bytes);
        buf[1 + e->name_bytes] = '\0';
    }
    return buf;
}

static int has_nul(const uint8_t *data, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (data[i] == 0)
            return 1;
    return 0;
}

static int set_owner_mode(vfs_proc_t *p, const char *path, const kaal_cpio_entry_t *e)
{
    int r = vfs_fchownat(p, VFS_AT_FDCWD, path, e->uid, e->gid, VFS_AT_SYMLINK_NOFOLLOW);
    if (r == 0 && !VFS_S_ISLNK(e->mode))
        r = vfs_fchmodat(p, VFS_AT_FDCWD, path, e->mode & 07777, 0);
    return r;
}

static int set_mtime(vfs_proc_t *p, const char *path, const kaal_cpio_entry_t *e)
{
    const vfs_timespec_t times[2] = {{e->mtime, 0}, {e->mtime, 0}};
    return vfs_utimensat(p, VFS_AT_FDCWD, path, times, VFS_AT_SYMLINK_NOFOLLOW);
}

static int write_data(vfs_proc_t *p, const char *path, const kaal_cpio_entry_t *e, int flags)
{
    int fd = vfs_open(p, path, VFS_O_WRONLY | VFS_O_NOFOLLOW | flags, e->mode & 07777);
    if (fd < 0)
        return fd;
    size_t done = 0;
    int r = 0;
    while (done < e->size_bytes) {
        int64_t n = vfs_write(p, fd, e->data + done, e->size_bytes - done);
        if (n <= 0) {
            r = n < 0 ? (int)n : -LINUX_EIO;
            break;
        }
        done += (size_t)n;
    }
    int c = vfs_close(p, fd);
    return r ? r : c;
}

/* The path of the entry at offset (an entry already read once). */
static const char *path_at(const kaal_cpio_t *c, size_t offset)
{
    kaal_cpio_t again = *c;
    kaal_cpio_entry_t e;
    again.offset = offset;
    again.done = 0;
    if (kaal_cpio_next(&again, &e) != KAAL_CPIO_OK)
        return NULL;
    return abs_path(other_path_buf, &e);
}

static int make_regular(vfs_proc_t *p, const kaal_cpio_t *c, const kaal_cpio_entry_t *e,
                        const char *path, linked_inode_t *links, unsigned *n_links)
{
    if (e->nlink > 1) {
        for (unsigned i = 0; i < *n_links; i++) {
            const linked_inode_t *l = &links[i];
            if (l->ino != e->ino || l->devmajor != e->devmajor || l->devminor != e->devminor)
                continue;
            const char *first = path_at(c, l->offset);
            if (!first)
                return -LINUX_EIO;
            int r = vfs_link(p, first, path);
            if (r == 0 && e->size_bytes)
                r = write_data(p, path, e, VFS_O_TRUNC);
            return r;
        }
        if (*n_links == MAX_LINKED_INODES)
            return -LINUX_EMLINK; /* too many hard-linked inodes to track */
        links[(*n_links)++] = (linked_inode_t){e->ino, e->devmajor, e->devminor, e->offset};
    }
    int r = write_data(p, path, e, VFS_O_CREAT | VFS_O_TRUNC);
    return r ? r : set_owner_mode(p, path, e);
}

static int make_entry(vfs_proc_t *p, const kaal_cpio_t *c, const kaal_cpio_entry_t *e,
                      linked_inode_t *links, unsigned *n_links, unsigned *n_skipped)
{
    const char *path = abs_path(path_buf, e);
    int r;
    switch (e->mode & VFS_S_IFMT) {
    case VFS_S_IFDIR:
        r = vfs_mkdir(p, path, e->mode & 07777);
        if (r == -LINUX_EEXIST) {
            struct vfs_stat st;
            r = vfs_lstat(p, path, &st);
            if (r == 0 && !VFS_S_ISDIR(st.mode))
                r = -LINUX_EEXIST;
        }
        return r ? r : set_owner_mode(p, path, e);
    case VFS_S_IFREG:
        r = make_regular(p, c, e, path, links, n_links);
        return r ? r : set_mtime(p, path, e);
    case VFS_S_IFLNK:
        if (e->size_bytes == 0 || e->size_bytes > KAAL_CPIO_PATH_MAX - 1 ||
            has_nul(e->data, e->size_bytes))
            return -LINUX_EINVAL;
        memcpy(target_buf, e->data, e->size_bytes);
        target_buf[e->size_bytes] = '\0';
        r = vfs_symlink(p, target_buf, path);
        if (r == -LINUX_EEXIST && vfs_unlink(p, path) == 0)
            r = vfs_symlink(p, target_buf, path);
        if (r == 0)
            r = set_owner_mode(p, path, e);
        return r ? r : set_mtime(p, path, e);
    default: (*n_skipped)++; return 1; /* not made */
    }
}

int vfs_cpio_unpack(vfs_proc_t *p, const void *archive, size_t size_bytes, vfs_cpio_result_t *out)
{
    linked_inode_t links[MAX_LINKED_INODES];
    unsigned n_links = 0;
    kaal_cpio_t c;
    kaal_cpio_entry_t e;
    *out = (vfs_cpio_result_t){0};

    kaal_cpio_init(&c, archive, size_bytes);
    int err = 0;
    while ((out->status = kaal_cpio_next(&c, &e)) == KAAL_CPIO_OK) {
        int r = make_entry(p, &c, &e, links, &n_links, &out->n_skipped);
        if (r < 0) {
            err = r;
            out->name = e.name;
            out->name_bytes = e.name_bytes;
            out->offset = e.offset;
            break;
        }
        if (r == 0)
            out->n_entries++;
    }
    if (!err && out->status != KAAL_CPIO_END) {
        err = -LINUX_EINVAL;
        out->offset = c.offset;
    }
    out->error = err && out->status == KAAL_CPIO_OK ? err : 0;
    size_t stop = err ? out->offset : size_bytes;

    /* Directory mtimes, now that their children exist. */
    kaal_cpio_init(&c, archive, size_bytes);
    while (kaal_cpio_next(&c, &e) == KAAL_CPIO_OK && e.offset < stop)
        if (VFS_S_ISDIR(e.mode))
            set_mtime(p, abs_path(path_buf, &e), &e);
    return err;
}
