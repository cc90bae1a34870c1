// SPDX-License-Identifier: BSD-2-Clause
/* ramfs: an in-memory file system with tmpfs's visible behaviour.
 *
 * Model. Inodes live as long as a directory entry names them (nlink > 0) or
 * the VFS holds a reference (vn.refs > 0); the last of the two to go frees
 * them, so an unlinked file stays readable through open descriptors.
 * Regular files keep their data in 4 KiB pages found through a radix tree
 * (512 slots a node, height grows with the highest page index), so files
 * may be sparse: holes have no page and read as zeros; reads and writes
 * step along a leaf node from page to page rather than walking the tree for
 * each (and a page a write fills whole is not cleared). Invariant: bytes of
 * an allocated page beyond i_size are zero (truncate clears the tail), so
 * extending a file never uncovers old data. Data pages count against the
 * mount's limit; a write that runs out stops at the last page it got
 * (short write, or ENOSPC when nothing was written) and leaves the file
 * consistent. Directories keep entries in a list ordered by a per-directory
 * cookie that only grows, so readdir positions survive removals. A
 * directory holds a reference on its parent (for ".." after removal).
 * Sizes follow tmpfs: a directory is 40 bytes plus 20 per entry. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/string.h>
#include <kaal/vfs.h>
#include <kaal/vfs_fs.h>

#define E(name) (-LINUX_##name)

#define RADIX_BITS 9
#define RADIX_FANOUT (1u << RADIX_BITS)
#define RADIX_NODE_SIZE (RADIX_FANOUT * sizeof(void *))
#define PAGE_SHIFT 12
#define BOGO_DIRENT 20
#define SHORT_SYMLINK 128 /* tmpfs keeps shorter targets (with NUL) inline */

typedef struct ramfs_inode ramfs_inode_t;

typedef struct ramfs_dirent {
    struct ramfs_dirent *next, *prev;
    uint64_t cookie;
    ramfs_inode_t *inode;
    size_t alloc_size;
    uint16_t len;
    char name[];
} ramfs_dirent_t;

struct ramfs_inode {
    vfs_vnode_t vn;
    union {
        struct {
            void *root;      /* radix node, or the page itself at height 0 */
            unsigned height; /* root covers 512^height pages */
            uint64_t n_pages;
        } file;
        struct {
            ramfs_dirent_t *head, *tail;
            uint64_t next_cookie;
            ramfs_inode_t *parent; /* referenced; the root points at itself */
            uint64_t n_entries;
        } dir;
        struct {
            char *target;
            size_t len;
        } link;
    } u;
};

typedef struct {
    vfs_fs_t fs;
    ramfs_options_t options;
    uint64_t n_pages;  /* data pages in use */
    uint64_t n_inodes; /* inodes in use */
    uint64_t next_ino;
} ramfs_t;

static const vfs_vnode_ops_t ramfs_dir_ops, ramfs_file_ops, ramfs_link_ops;

static ramfs_t *fs_of(vfs_vnode_t *vn)
{
    return (ramfs_t *)vn->fs;
}

static ramfs_inode_t *ri(vfs_vnode_t *vn)
{
    return (ramfs_inode_t *)vn;
}

static vfs_t *vfs_of(vfs_vnode_t *vn)
{
    return vn->fs->vfs;
}

static void touch_mc(vfs_vnode_t *vn)
{
    vn->mtime = vn->ctime = vfs_now(vfs_of(vn));
}

/* ---- page storage --------------------------------------------------------- */

static uint64_t radix_capacity(unsigned height)
{
    return height >= 7 ? UINT64_MAX : (uint64_t)1 << (RADIX_BITS * height);
}

static void free_subtree(ramfs_t *fs, void *node, unsigned level, uint64_t *n_pages)
{
    if (!node)
        return;
    vfs_t *vfs = fs->fs.vfs;
    if (level == 0) {
        vfs_free(vfs, node, VFS_PAGE_SIZE);
        fs->n_pages--;
        (*n_pages)--;
        return;
    }
    void **slots = node;
    for (unsigned i = 0; i < RADIX_FANOUT; i++)
        free_subtree(fs, slots[i], level - 1, n_pages);
    vfs_free(vfs, node, RADIX_NODE_SIZE);
}

/* The slot holding page idx; with create, missing nodes are made. */
static void **radix_slot(ramfs_t *fs, ramfs_inode_t *f, uint64_t idx, bool create)
{
    vfs_t *vfs = fs->fs.vfs;
    if (idx >= radix_capacity(f->u.file.height)) {
        if (!create)
            return NULL;
        while (idx >= radix_capacity(f->u.file.height)) {
            if (f->u.file.root) {
                void **node = vfs_alloc(vfs, RADIX_NODE_SIZE);
                if (!node)
                    return NULL;
                memset(node, 0, RADIX_NODE_SIZE);
                node[0] = f->u.file.root;
                f->u.file.root = node;
            }
            f->u.file.height++;
        }
    }
    void **slot = &f->u.file.root;
    for (unsigned level = f->u.file.height; level >= 1; level--) {
        if (!*slot) {
            if (!create)
                return NULL;
            void *node = vfs_alloc(vfs, RADIX_NODE_SIZE);
            if (!node)
                return NULL;
            memset(node, 0, RADIX_NODE_SIZE);
            *slot = node;
        }
        slot = &((void **)*slot)[(idx >> (RADIX_BITS * (level - 1))) & (RADIX_FANOUT - 1)];
    }
    return slot;
}

static uint8_t *page_get(ramfs_t *fs, ramfs_inode_t *f, uint64_t idx)
{
    void **slot = radix_slot(fs, f, idx, false);
    return slot ? *slot : NULL;
}

/* The slot of page idx when prev is the slot of page idx - 1 (or NULL):
 * neighbours in one leaf node sit side by side, so a sequential transfer
 * walks the tree once per 512 pages instead of once per page. */
static void **radix_next_slot(ramfs_t *fs, ramfs_inode_t *f, void **prev, uint64_t idx,
                              bool create)
{
    if (prev && f->u.file.height >= 1 && (idx & (RADIX_FANOUT - 1)) != 0)
        return prev + 1;
    return radix_slot(fs, f, idx, create);
}

/* The page in *slot (of page idx), allocated if missing; with whole the
 * caller overwrites all of it, so a new page is not cleared first. */
static int page_get_or_alloc(ramfs_t *fs, ramfs_inode_t *f, void **slot, bool whole,
                             uint8_t **out)
{
    if (!slot)
        return E(ENOMEM);
    if (!*slot) {
        uint64_t limit = fs->options.limit_bytes / VFS_PAGE_SIZE;
        if (fs->options.limit_bytes && fs->n_pages >= limit)
            return E(ENOSPC);
        void *page = vfs_alloc(fs->fs.vfs, VFS_PAGE_SIZE);
        if (!page)
            return E(ENOMEM);
        if (!whole)
            memset(page, 0, VFS_PAGE_SIZE);
        *slot = page;
        fs->n_pages++;
        f->u.file.n_pages++;
        f->vn.blocks = (int64_t)f->u.file.n_pages * (VFS_PAGE_SIZE / 512);
    }
    *out = *slot;
    return 0;
}

/* Frees every page with index >= from below *slot; true if *slot emptied. */
static bool radix_trim(ramfs_t *fs, void **slot, unsigned level, uint64_t base, uint64_t from,
                       uint64_t *n_pages)
{
    if (!*slot)
        return true;
    uint64_t span = radix_capacity(level);
    if (from <= base) {
        free_subtree(fs, *slot, level, n_pages);
        *slot = NULL;
        return true;
    }
    if (level == 0 || from - base >= span)
        return false;
    void **node = *slot;
    uint64_t child_span = span >> RADIX_BITS;
    bool empty = true;
    for (unsigned i = 0; i < RADIX_FANOUT; i++) {
        uint64_t cb = base + i * child_span;
        if (cb + child_span > from)
            radix_trim(fs, &node[i], level - 1, cb, from, n_pages);
        if (node[i])
            empty = false;
    }
    if (empty) {
        vfs_free(fs->fs.vfs, node, RADIX_NODE_SIZE);
        *slot = NULL;
    }
    return empty;
}

static void file_trim(ramfs_t *fs, ramfs_inode_t *f, uint64_t from_page)
{
    radix_trim(fs, &f->u.file.root, f->u.file.height, 0, from_page, &f->u.file.n_pages);
    if (!f->u.file.root)
        f->u.file.height = 0;
    f->vn.blocks = (int64_t)f->u.file.n_pages * (VFS_PAGE_SIZE / 512);
}

/* ---- inodes ------------------------------------------------------------------ */

static ramfs_inode_t *inode_new(ramfs_t *fs, vfs_mode_t mode, vfs_uid_t uid, vfs_gid_t gid)
{
    if (fs->options.max_inodes && fs->n_inodes >= fs->options.max_inodes)
        return NULL;
    ramfs_inode_t *in = vfs_alloc(fs->fs.vfs, sizeof(*in));
    if (!in)
        return NULL;
    memset(in, 0, sizeof(*in));
    in->vn.fs = &fs->fs;
    in->vn.ino = ++fs->next_ino;
    in->vn.mode = mode;
    in->vn.uid = uid;
    in->vn.gid = gid;
    in->vn.atime = in->vn.mtime = in->vn.ctime = vfs_now(fs->fs.vfs);
    if (VFS_S_ISDIR(mode)) {
        in->vn.ops = &ramfs_dir_ops;
        in->vn.nlink = 2;
        in->vn.size = 2 * BOGO_DIRENT;
        in->u.dir.next_cookie = 2;
    } else if (VFS_S_ISLNK(mode)) {
        in->vn.ops = &ramfs_link_ops;
        in->vn.nlink = 1;
    } else {
        in->vn.ops = &ramfs_file_ops;
        in->vn.nlink = 1;
    }
    fs->n_inodes++;
    return in;
}

/* Frees one inode; returns its parent directory if that lost its last
 * reference and must be freed too (iteration instead of recursion). */
static ramfs_inode_t *inode_free(ramfs_t *fs, ramfs_inode_t *in)
{
    vfs_t *vfs = fs->fs.vfs;
    ramfs_inode_t *next = NULL;
    if (VFS_S_ISREG(in->vn.mode)) {
        file_trim(fs, in, 0);
    } else if (VFS_S_ISLNK(in->vn.mode)) {
        vfs_free(vfs, in->u.link.target, in->u.link.len + 1);
    } else if (VFS_S_ISDIR(in->vn.mode)) {
        ramfs_inode_t *parent = in->u.dir.parent;
        if (parent && parent != in && --parent->vn.refs == 0 && parent->vn.nlink == 0)
            next = parent;
    }
    fs->n_inodes--;
    vfs_free(vfs, in, sizeof(*in));
    return next;
}

static void ramfs_inactive(vfs_vnode_t *vn)
{
    ramfs_inode_t *in = ri(vn);
    ramfs_t *fs = fs_of(vn);
    while (in && in->vn.nlink == 0 && in->vn.refs == 0)
        in = inode_free(fs, in);
}

/* ---- directories ---------------------------------------------------------------- */

static ramfs_dirent_t *dir_find(ramfs_inode_t *dir, const char *name, size_t len)
{
    for (ramfs_dirent_t *d = dir->u.dir.head; d; d = d->next)
        if (d->len == len && memcmp(d->name, name, len) == 0)
            return d;
    return NULL;
}

static int dir_add(ramfs_inode_t *dir, const char *name, size_t len, ramfs_inode_t *in)
{
    size_t size = sizeof(ramfs_dirent_t) + len + 1;
    ramfs_dirent_t *d = vfs_alloc(vfs_of(&dir->vn), size);
    if (!d)
        return E(ENOMEM);
    memset(d, 0, sizeof(*d));
    d->alloc_size = size;
    d->len = (uint16_t)len;
    memcpy(d->name, name, len);
    d->name[len] = 0;
    d->inode = in;
    d->cookie = dir->u.dir.next_cookie++;
    d->prev = dir->u.dir.tail;
    if (dir->u.dir.tail)
        dir->u.dir.tail->next = d;
    else
        dir->u.dir.head = d;
    dir->u.dir.tail = d;
    dir->u.dir.n_entries++;
    dir->vn.size += BOGO_DIRENT;
    return 0;
}

static void dir_del(ramfs_inode_t *dir, ramfs_dirent_t *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else
        dir->u.dir.head = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        dir->u.dir.tail = d->prev;
    dir->u.dir.n_entries--;
    dir->vn.size -= BOGO_DIRENT;
    vfs_free(vfs_of(&dir->vn), d, d->alloc_size);
}

static int ramfs_lookup(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t **out)
{
    ramfs_dirent_t *d = dir_find(ri(dir), name, len);
    if (!d)
        return E(ENOENT);
    vfs_vnode_get(&d->inode->vn);
    *out = &d->inode->vn;
    return 0;
}

static vfs_vnode_t *ramfs_parent(vfs_vnode_t *dir)
{
    vfs_vnode_t *p = &ri(dir)->u.dir.parent->vn;
    vfs_vnode_get(p);
    return p;
}

static int ramfs_dir_create(vfs_vnode_t *dirv, const char *name, size_t len, vfs_mode_t mode,
                            vfs_uid_t uid, vfs_gid_t gid, const char *target, vfs_vnode_t **out)
{
    ramfs_t *fs = fs_of(dirv);
    ramfs_inode_t *dir = ri(dirv);
    ramfs_inode_t *in = inode_new(fs, mode, uid, gid);
    if (!in)
        return (fs->options.max_inodes && fs->n_inodes >= fs->options.max_inodes) ? E(ENOSPC)
                                                                                  : E(ENOMEM);
    if (VFS_S_ISLNK(mode)) {
        size_t tlen = strlen(target);
        in->u.link.target = vfs_alloc(fs->fs.vfs, tlen + 1);
        if (!in->u.link.target) {
            in->vn.nlink = 0;
            inode_free(fs, in);
            return E(ENOMEM);
        }
        memcpy(in->u.link.target, target, tlen + 1);
        in->u.link.len = tlen;
        in->vn.size = (int64_t)tlen;
        in->vn.blocks = (tlen + 1 > SHORT_SYMLINK) ? VFS_PAGE_SIZE / 512 : 0;
    }
    int err = dir_add(dir, name, len, in);
    if (err) {
        in->vn.nlink = 0;
        inode_free(fs, in);
        return err;
    }
    if (VFS_S_ISDIR(mode)) {
        in->u.dir.parent = dir;
        vfs_vnode_get(&dir->vn);
        dir->vn.nlink++;
    }
    touch_mc(dirv);
    vfs_vnode_get(&in->vn);
    *out = &in->vn;
    return 0;
}

static int ramfs_link(vfs_vnode_t *dirv, const char *name, size_t len, vfs_vnode_t *vn)
{
    int err = dir_add(ri(dirv), name, len, ri(vn));
    if (err)
        return err;
    vn->nlink++;
    touch_mc(dirv);
    vn->ctime = dirv->mtime;
    return 0;
}

/* Drops the entry d (of dir) and the link it holds. */
static void drop_entry(ramfs_inode_t *dir, ramfs_dirent_t *d)
{
    ramfs_inode_t *victim = d->inode;
    if (VFS_S_ISDIR(victim->vn.mode)) {
        victim->vn.nlink = 0;
        dir->vn.nlink--;
    } else {
        victim->vn.nlink--;
    }
    dir_del(dir, d);
    victim->vn.ctime = vfs_now(vfs_of(&dir->vn));
    if (victim->vn.nlink == 0 && victim->vn.refs == 0)
        ramfs_inactive(&victim->vn);
}

static int ramfs_remove(vfs_vnode_t *dirv, const char *name, size_t len, vfs_vnode_t *victim)
{
    ramfs_inode_t *dir = ri(dirv);
    ramfs_dirent_t *d = dir_find(dir, name, len);
    if (!d || &d->inode->vn != victim)
        return E(ENOENT);
    if (VFS_S_ISDIR(victim->mode) && ri(victim)->u.dir.n_entries)
        return E(ENOTEMPTY);
    drop_entry(dir, d);
    touch_mc(dirv);
    return 0;
}

static int ramfs_rename(vfs_vnode_t *odirv, const char *oname, size_t olen, vfs_vnode_t *ndirv,
                        const char *nname, size_t nlen)
{
    ramfs_inode_t *odir = ri(odirv), *ndir = ri(ndirv);
    ramfs_dirent_t *od = dir_find(odir, oname, olen);
    ramfs_dirent_t *nd = dir_find(ndir, nname, nlen);
    if (!od)
        return E(ENOENT);
    ramfs_inode_t *moved = od->inode;
    if (nd && VFS_S_ISDIR(nd->inode->vn.mode) && nd->inode->u.dir.n_entries)
        return E(ENOTEMPTY);
    /* Add the new name first so a failed allocation changes nothing. */
    int err = dir_add(ndir, nname, nlen, moved);
    if (err)
        return err;
    if (nd)
        drop_entry(ndir, nd);
    dir_del(odir, od);
    if (VFS_S_ISDIR(moved->vn.mode) && odir != ndir) {
        odir->vn.nlink--;
        ndir->vn.nlink++;
        vfs_vnode_get(&ndir->vn);
        moved->u.dir.parent = ndir;
        vfs_vnode_put(&odir->vn);
    }
    touch_mc(odirv);
    touch_mc(ndirv);
    moved->vn.ctime = odirv->mtime;
    return 0;
}

static unsigned dtype_of(vfs_mode_t mode)
{
    switch (mode & VFS_S_IFMT) {
    case VFS_S_IFDIR: return VFS_DT_DIR;
    case VFS_S_IFREG: return VFS_DT_REG;
    case VFS_S_IFLNK: return VFS_DT_LNK;
    case VFS_S_IFCHR: return VFS_DT_CHR;
    default: return VFS_DT_UNKNOWN;
    }
}

static int ramfs_readdir(vfs_vnode_t *dirv, uint64_t *cookie, vfs_emit_fn emit, void *ctx)
{
    ramfs_inode_t *dir = ri(dirv);
    if (*cookie == 0) {
        if (!emit(ctx, ".", 1, dirv->ino, VFS_DT_DIR, 1))
            return 1;
        *cookie = 1;
    }
    if (*cookie == 1) {
        if (!emit(ctx, "..", 2, dir->u.dir.parent->vn.ino, VFS_DT_DIR, 2))
            return 1;
        *cookie = 2;
    }
    for (ramfs_dirent_t *d = dir->u.dir.head; d; d = d->next) {
        if (d->cookie < *cookie)
            continue;
        if (!emit(ctx, d->name, d->len, d->inode->vn.ino, dtype_of(d->inode->vn.mode),
                  d->cookie + 1))
            return 1;
        *cookie = d->cookie + 1;
    }
    *cookie = VFS_DIR_EOD;
    return 0;
}

/* ---- regular files ----------------------------------------------------------------- */

static int64_t ramfs_read(vfs_vnode_t *vn, void *buf, size_t n, int64_t off)
{
    ramfs_inode_t *f = ri(vn);
    ramfs_t *fs = fs_of(vn);
    if (off >= vn->size)
        return 0;
    if ((uint64_t)(vn->size - off) < n)
        n = (size_t)(vn->size - off);
    uint8_t *dst = buf;
    size_t done = 0;
    void **slot = NULL;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        size_t in_page = pos & (VFS_PAGE_SIZE - 1);
        size_t chunk = VFS_PAGE_SIZE - in_page;
        if (chunk > n - done)
            chunk = n - done;
        slot = radix_next_slot(fs, f, slot, pos >> PAGE_SHIFT, false);
        uint8_t *page = slot ? *slot : NULL;
        if (page)
            memcpy(dst + done, page + in_page, chunk);
        else
            memset(dst + done, 0, chunk);
        done += chunk;
    }
    vn->atime = vfs_now(fs->fs.vfs);
    return (int64_t)n;
}

static int64_t ramfs_write(vfs_vnode_t *vn, const void *buf, size_t n, int64_t off)
{
    ramfs_inode_t *f = ri(vn);
    ramfs_t *fs = fs_of(vn);
    const uint8_t *src = buf;
    size_t done = 0;
    int err = 0;
    void **slot = NULL;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        size_t in_page = pos & (VFS_PAGE_SIZE - 1);
        size_t chunk = VFS_PAGE_SIZE - in_page;
        if (chunk > n - done)
            chunk = n - done;
        uint8_t *page;
        slot = radix_next_slot(fs, f, slot, pos >> PAGE_SHIFT, true);
        err = page_get_or_alloc(fs, f, slot, chunk == VFS_PAGE_SIZE, &page);
        if (err)
            break;
        memcpy(page + in_page, src + done, chunk);
        done += chunk;
    }
    if (done == 0)
        return err ? err : 0;
    if (off + (int64_t)done > vn->size)
        vn->size = off + (int64_t)done;
    touch_mc(vn);
    return (int64_t)done;
}

static int ramfs_truncate(vfs_vnode_t *vn, int64_t size)
{
    ramfs_inode_t *f = ri(vn);
    ramfs_t *fs = fs_of(vn);
    if (size == vn->size)
        return 0;
    if (size < vn->size) {
        file_trim(fs, f, ((uint64_t)size + VFS_PAGE_SIZE - 1) >> PAGE_SHIFT);
        size_t tail = (size_t)size & (VFS_PAGE_SIZE - 1);
        uint8_t *page = tail ? page_get(fs, f, (uint64_t)size >> PAGE_SHIFT) : NULL;
        if (page)
            memset(page + tail, 0, VFS_PAGE_SIZE - tail);
    }
    vn->size = size;
    touch_mc(vn);
    return 0;
}

/* The first page index >= idx that is present (want_present) or absent,
 * skipping whole empty subtrees, so a sparse terabyte costs a few steps. */
static uint64_t radix_next(ramfs_inode_t *f, uint64_t idx, uint64_t end, bool want_present)
{
    while (idx < end) {
        if (idx >= radix_capacity(f->u.file.height))
            return want_present ? end : idx;
        void *node = f->u.file.root;
        unsigned level = f->u.file.height;
        for (;;) {
            if (!node) {
                if (!want_present)
                    return idx;
                uint64_t span = radix_capacity(level);
                idx = (idx | (span - 1)) + 1; /* next subtree at this level */
                break;
            }
            if (level == 0) {
                if (want_present)
                    return idx;
                idx++;
                break;
            }
            level--;
            node = ((void **)node)[(idx >> (RADIX_BITS * level)) & (RADIX_FANOUT - 1)];
        }
    }
    return end;
}

/* SEEK_DATA / SEEK_HOLE at page granularity, like tmpfs. */
static int64_t ramfs_seek_data(vfs_vnode_t *vn, int64_t offset, int whence)
{
    ramfs_inode_t *f = ri(vn);
    uint64_t end_idx = ((uint64_t)vn->size + VFS_PAGE_SIZE - 1) >> PAGE_SHIFT;
    uint64_t idx = radix_next(f, (uint64_t)offset >> PAGE_SHIFT, end_idx, whence == VFS_SEEK_DATA);
    if (idx >= end_idx)
        return whence == VFS_SEEK_DATA ? E(ENXIO) : vn->size;
    int64_t at = (int64_t)(idx << PAGE_SHIFT);
    return at > offset ? at : offset;
}

/* ---- symlinks ---------------------------------------------------------------------- */

static const char *ramfs_readlink(vfs_vnode_t *vn, size_t *len)
{
    *len = ri(vn)->u.link.len;
    return ri(vn)->u.link.target;
}

static const vfs_vnode_ops_t ramfs_dir_ops = {
    .lookup = ramfs_lookup,
    .parent = ramfs_parent,
    .create = ramfs_dir_create,
    .link = ramfs_link,
    .remove = ramfs_remove,
    .rename = ramfs_rename,
    .readdir = ramfs_readdir,
    .inactive = ramfs_inactive,
};

static const vfs_vnode_ops_t ramfs_file_ops = {
    .read = ramfs_read,
    .write = ramfs_write,
    .truncate = ramfs_truncate,
    .seek_data = ramfs_seek_data,
    .inactive = ramfs_inactive,
};

static const vfs_vnode_ops_t ramfs_link_ops = {
    .readlink = ramfs_readlink,
    .inactive = ramfs_inactive,
};

/* ---- the file system --------------------------------------------------------------- */

/* Frees the whole tree without recursion: descend into the first entry of
 * each directory, free leaves, climb back through parent pointers. Only
 * inodes reachable from the root can exist here (umount checked that
 * nothing is referenced). */
static void ramfs_destroy(vfs_fs_t *vfs_fs)
{
    ramfs_t *fs = (ramfs_t *)vfs_fs;
    ramfs_inode_t *root = ri(fs->fs.root), *cur = root;
    vfs_t *vfs = fs->fs.vfs;
    for (;;) {
        ramfs_dirent_t *d = cur->u.dir.head;
        if (d) {
            ramfs_inode_t *child = d->inode;
            cur->u.dir.head = d->next;
            vfs_free(vfs, d, d->alloc_size);
            if (VFS_S_ISDIR(child->vn.mode)) {
                cur = child;
            } else if (--child->vn.nlink == 0) {
                child->vn.refs = 0;
                inode_free(fs, child);
            }
            continue;
        }
        ramfs_inode_t *parent = cur->u.dir.parent;
        cur->u.dir.parent = NULL;
        inode_free(fs, cur);
        if (cur == root)
            break;
        cur = parent;
    }
    vfs_free(vfs, fs, sizeof(*fs));
}

static int ramfs_statfs(vfs_fs_t *vfs_fs, struct vfs_statfs *st)
{
    ramfs_t *fs = (ramfs_t *)vfs_fs;
    st->type = VFS_TMPFS_MAGIC;
    st->bsize = st->frsize = VFS_PAGE_SIZE;
    st->blocks = fs->options.limit_bytes / VFS_PAGE_SIZE;
    st->bfree = st->bavail = st->blocks > fs->n_pages ? st->blocks - fs->n_pages : 0;
    st->files = fs->options.max_inodes;
    st->ffree = st->files > fs->n_inodes ? st->files - fs->n_inodes : 0;
    st->namelen = VFS_NAME_MAX;
    return 0;
}

static const vfs_fs_ops_t ramfs_fs_ops = {.destroy = ramfs_destroy, .statfs = ramfs_statfs};

vfs_fs_t *ramfs_create(vfs_t *vfs, const ramfs_options_t *options)
{
    ramfs_t *fs = vfs_alloc(vfs, sizeof(*fs));
    if (!fs)
        return NULL;
    memset(fs, 0, sizeof(*fs));
    fs->fs.ops = &ramfs_fs_ops;
    fs->fs.vfs = vfs;
    fs->fs.dev = vfs_new_dev(vfs);
    if (options)
        fs->options = *options;
    vfs_mode_t mode = options && options->root_mode ? options->root_mode : 0755;
    ramfs_inode_t *root = inode_new(fs, VFS_S_IFDIR | (mode & 07777), 0, 0);
    if (!root) {
        vfs_free(vfs, fs, sizeof(*fs));
        return NULL;
    }
    root->u.dir.parent = root;
    root->vn.refs = 1; /* the file system's own reference */
    fs->fs.root = &root->vn;
    return &fs->fs;
}
