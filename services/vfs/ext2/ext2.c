// SPDX-License-Identifier: BSD-2-Clause
/* ext2: the second extended file system, read-write, behind the VFS's vnode
 * interface, on a vfs_blockdev_t.
 *
 * Model. The superblock and all group descriptors live in memory; every
 * operation that changes them marks them dirty and ends with commit(),
 * which writes the dirty ones, so after each operation the image's
 * superblock, descriptors and bitmaps agree. Writes may reach the disk in
 * any order (a block cache below reorders them) except across a barrier;
 * the barriers keep the image repairable by e2fsck after a power cut
 * (docs/storage.md, "Write order"): a new inode and its first block before
 * the entry naming it, a link count up before the new entry, an entry
 * removed before its inode loses the link, a rename's new entry before the
 * old one goes, new blocks' contents (zeroed indirect blocks, data) before
 * the pointers to them (indirect pointers wait in their buffers until
 * publish()), and the pointers to freed blocks and inodes cleared before
 * anything reuses them (commit() of an operation that freed ends with a
 * barrier). Inodes are read into an
 * ext2_inode_t when first named and kept while the VFS references them; the
 * on-disk inode is rewritten whenever an operation changes it, and once
 * more when the last reference goes (the VFS changes mode, owner and times
 * directly in the vnode). Directories hold a reference on their parent, so
 * ".." works after a removal and the parent chain is always in memory.
 *
 * Invariants kept for e2fsck: i_blocks counts data, indirect and xattr
 * blocks in 512-byte units; bytes of the last block beyond i_size are zero
 * (truncate clears the tail), so growing never uncovers old data; no block
 * lies beyond i_size; a directory's entries tile each block exactly. A
 * directory we modify loses its htree flag (EXT2_INDEX_FL): every htree
 * block reads as valid linear entries, so the directory stays valid
 * without its index, and lookups here are linear scans anyway. An inode
 * whose last link goes while it is still open goes on the superblock's
 * orphan list (chained through i_dtime, as ext3/ext4 do) until its last
 * reference goes, when its blocks and the inode are freed.
 *
 * Every value read from the image is checked before use (superblock and
 * descriptors at mount, inode fields at first use, block numbers and
 * directory entries where they are read): a bad one gives -EUCLEAN, sets
 * the error state in the superblock and keeps the first message for
 * ext2_error(); nothing in the image can make this code read or write
 * outside its buffers or loop without end. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/string.h>
#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>
#include <kaal/vfs_fs.h>

#include "ext2_disk.h"

#define E(name) (-LINUX_##name)
#define EXT2_STATFS_MAGIC 0xEF53u

enum {
    B_DIR, /* directory blocks */
    B_IND, /* bmap's indirect blocks, one per level (3) */
    B_DATA = B_IND + 3,
    B_BITMAP, /* the bitmap block last used (cache keyed by block number) */
    B_ITABLE, /* the inode table block last used (cache) */
    B_CHECK,  /* a new directory's first block, checked on load */
    B_FREE,   /* truncate's walk, one per level (3) */
    B_ZERO = B_FREE + 3,
    N_BUF
};

typedef struct ext2_inode ext2_inode_t;

struct ext2_inode {
    vfs_vnode_t vn;
    ext2_inode_t *next;   /* the fs's list of inodes in memory */
    ext2_inode_t *parent; /* directories: referenced (the root: itself, not referenced) */
    uint8_t *raw;         /* the on-disk inode; fields below are decoded from it */
    uint32_t flags, file_acl, dtime, generation;
    uint32_t block[EXT2_N_BLOCKS];
    uint32_t last_alloc; /* goal for the next block */
    char *link;          /* slow symlink target (block_bytes), read on first readlink */
    bool orphan;         /* on the superblock's orphan list */
};

typedef struct {
    vfs_fs_t fs;
    vfs_blockdev_t dev;
    bool read_only;
    uint32_t block_bytes, block_shift, sectors_per_block, ptrs_per_block;
    uint32_t blocks_count, first_data_block, blocks_per_group, inodes_per_group;
    uint32_t inodes_count, n_groups, inode_bytes, first_ino, desc_blocks, itable_blocks;
    uint32_t features_ro_compat;
    bool filetype;
    uint16_t extra_isize; /* for new inodes */
    int64_t max_size_bytes;
    uint8_t sb[EXT2_SUPER_BYTES];
    bool sb_dirty;
    /* ext2_mark_clean() set the on-disk state clean; the next block write
     * first marks it not clean again (reopen_dirty) */
    bool marked_clean;
    uint8_t *gd; /* desc_blocks blocks */
    bool *gd_dirty;
    ext2_inode_t *inodes;
    uint8_t *buf[N_BUF];
    uint32_t cached[N_BUF]; /* block held in buf[i], for B_IND.., B_BITMAP, B_ITABLE (0: none) */
    /* Write order (docs/storage.md): pointers to blocks allocated since the
     * last barrier wait, in the inode and in these indirect buffers, until
     * publish() has put a barrier after the blocks' contents. */
    bool ind_dirty[3]; /* buf[B_IND + i] holds pointers not written yet */
    bool allocated;    /* a block was allocated since the last barrier */
    bool freed;        /* blocks or inodes were freed: commit() ends with a barrier */
    uint32_t next_generation;
    char error[160];
} ext2_t;

static const vfs_vnode_ops_t ext2_dir_ops, ext2_file_ops, ext2_link_ops, ext2_special_ops;

/* ---- little helpers ---------------------------------------------------------- */

static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static ext2_t *fs_of(vfs_vnode_t *vn)
{
    return (ext2_t *)vn->fs;
}

static ext2_inode_t *ei(vfs_vnode_t *vn)
{
    return (ext2_inode_t *)vn;
}

/* A tiny formatter for messages: %s, %u and %x (unsigned int), %U (uint64_t). */
static void vfmt(char *out, size_t n, const char *f, va_list ap)
{
    size_t at = 0;
    if (n == 0)
        return;
    for (; *f && at + 1 < n; f++) {
        if (*f != '%' || !f[1]) {
            out[at++] = *f;
            continue;
        }
        char tmp[24];
        const char *s = tmp;
        size_t len = 0;
        f++;
        if (*f == 's') {
            s = va_arg(ap, const char *);
            len = strlen(s);
        } else {
            uint64_t v = *f == 'U' ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            unsigned base = *f == 'x' ? 16 : 10;
            char rev[24];
            do {
                rev[len++] = "0123456789abcdef"[v % base];
                v /= base;
            } while (v);
            for (size_t i = 0; i < len; i++)
                tmp[i] = rev[len - 1 - i];
        }
        for (size_t i = 0; i < len && at + 1 < n; i++)
            out[at++] = s[i];
    }
    out[at] = 0;
}

static void fmt(char *out, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vfmt(out, n, f, ap);
    va_end(ap);
}

static int write_super(ext2_t *fs);

/* Records the first problem, flags the superblock with errors and returns err. */
static int fs_fail(ext2_t *fs, int err, const char *f, ...)
{
    if (!fs->error[0]) {
        va_list ap;
        va_start(ap, f);
        vfmt(fs->error, sizeof(fs->error), f, ap);
        va_end(ap);
    }
    if (err == E(EUCLEAN) && !(ld16(fs->sb + SB_STATE) & EXT2_STATE_ERROR)) {
        st16(fs->sb + SB_STATE, ld16(fs->sb + SB_STATE) | EXT2_STATE_ERROR);
        if (!fs->read_only)
            write_super(fs);
    }
    return err;
}

#define CORRUPT(fs, ...) fs_fail(fs, E(EUCLEAN), __VA_ARGS__)

/* ---- block I/O ----------------------------------------------------------------- */

static int blk_read(ext2_t *fs, uint32_t blk, void *buf)
{
    if (blk >= fs->blocks_count)
        return CORRUPT(fs, "block %u beyond the end of the file system", blk);
    int err = fs->dev.read(fs->dev.ctx, (uint64_t)blk * fs->sectors_per_block,
                           fs->sectors_per_block, buf);
    return err ? fs_fail(fs, err, "read error at block %u", blk) : 0;
}

static int reopen_dirty(ext2_t *fs);

static int blk_write(ext2_t *fs, uint32_t blk, const void *buf)
{
    if (fs->read_only)
        return E(EROFS);
    if (blk >= fs->blocks_count)
        return CORRUPT(fs, "write beyond the end of the file system (block %u)", blk);
    if (fs->marked_clean) {
        int e = reopen_dirty(fs);
        if (e)
            return e;
    }
    int err = fs->dev.write(fs->dev.ctx, (uint64_t)blk * fs->sectors_per_block,
                            fs->sectors_per_block, buf);
    return err ? fs_fail(fs, err, "write error at block %u", blk) : 0;
}

/* Reads blk into the cached buffer slot b unless it is already there. */
static int blk_read_cached(ext2_t *fs, unsigned b, uint32_t blk)
{
    if (fs->cached[b] == blk && blk)
        return 0;
    fs->cached[b] = 0;
    int err = blk_read(fs, blk, fs->buf[b]);
    if (!err)
        fs->cached[b] = blk;
    return err;
}

/* Every write issued so far reaches the disk before any issued later: the
 * device's barrier, or its flush if it has none. */
static int barrier(ext2_t *fs)
{
    if (fs->read_only)
        return 0;
    int err = 0;
    if (fs->dev.barrier)
        err = fs->dev.barrier(fs->dev.ctx);
    else if (fs->dev.flush)
        err = fs->dev.flush(fs->dev.ctx);
    fs->allocated = false;
    return err ? fs_fail(fs, err, "device barrier failed") : 0;
}

/* Makes new blocks reachable: a barrier after their contents (written by
 * now), then the indirect blocks that point at them. The caller writes the
 * inode after this. */
static int publish(ext2_t *fs)
{
    bool dirty = fs->ind_dirty[0] || fs->ind_dirty[1] || fs->ind_dirty[2];
    if (!dirty && !fs->allocated)
        return 0;
    int err = barrier(fs);
    for (unsigned i = 0; i < 3; i++) {
        if (!fs->ind_dirty[i])
            continue;
        int e = blk_write(fs, fs->cached[B_IND + i], fs->buf[B_IND + i]);
        fs->ind_dirty[i] = false;
        err = err ? err : e;
    }
    return err;
}

static int forget_indirect(ext2_t *fs)
{
    int err = publish(fs);
    for (unsigned i = 0; i < 3; i++)
        fs->cached[B_IND + i] = 0;
    return err;
}

/* The superblock occupies bytes 1024..2047 of the device, whatever its sectors. */
static int super_io(const vfs_blockdev_t *dev, uint8_t *sb, bool write)
{
    uint32_t ss = dev->sector_bytes;
    if (ss <= EXT2_SUPER_OFFSET) {
        uint32_t n = EXT2_SUPER_BYTES / ss;
        uint64_t at = EXT2_SUPER_OFFSET / ss;
        return write ? dev->write(dev->ctx, at, n, sb) : dev->read(dev->ctx, at, n, sb);
    }
    return E(EINVAL); /* sectors above 1 KiB: mount refuses them */
}

static int write_super(ext2_t *fs)
{
    if (fs->read_only)
        return E(EROFS);
    int err = super_io(&fs->dev, fs->sb, true);
    if (err && !fs->error[0])
        fmt(fs->error, sizeof(fs->error), "write error at the superblock");
    if (!err)
        fs->sb_dirty = false;
    return err;
}

static uint8_t *gd_of(ext2_t *fs, uint32_t g)
{
    return fs->gd + (size_t)g * EXT2_DESC_BYTES;
}

static void gd_dirty(ext2_t *fs, uint32_t g)
{
    fs->gd_dirty[(size_t)g * EXT2_DESC_BYTES / fs->block_bytes] = true;
    fs->sb_dirty = true;
}

/* Writes what the operation changed in the superblock and descriptors. */
static int commit(ext2_t *fs)
{
    if (fs->read_only)
        return 0;
    int err = 0;
    for (uint32_t i = 0; i < fs->desc_blocks; i++) {
        if (!fs->gd_dirty[i])
            continue;
        int e = blk_write(fs, fs->first_data_block + 1 + i, fs->gd + (size_t)i * fs->block_bytes);
        if (!e)
            fs->gd_dirty[i] = false;
        err = err ? err : e;
    }
    if (fs->sb_dirty) {
        int e = write_super(fs);
        err = err ? err : e;
    }
    if (fs->freed) {
        /* What pointed at the freed blocks and inodes is cleared on disk
         * before anything that reuses them is written. */
        fs->freed = false;
        int e = barrier(fs);
        err = err ? err : e;
    }
    return err;
}

static int op_end(ext2_t *fs, int err)
{
    int e = commit(fs);
    return err ? err : e;
}

/* ---- allocation ------------------------------------------------------------------ */

static uint32_t group_first_block(ext2_t *fs, uint32_t g)
{
    return fs->first_data_block + g * fs->blocks_per_group;
}

static uint32_t group_n_blocks(ext2_t *fs, uint32_t g)
{
    uint32_t first = group_first_block(fs, g);
    uint32_t left = fs->blocks_count - first;
    return left < fs->blocks_per_group ? left : fs->blocks_per_group;
}

static void add_free(ext2_t *fs, unsigned sb_field, unsigned gd_field, uint32_t g, int delta)
{
    st32(fs->sb + sb_field, ld32(fs->sb + sb_field) + (uint32_t)delta);
    uint8_t *d = gd_of(fs, g);
    st16(d + gd_field, (uint32_t)(ld16(d + gd_field) + delta));
    gd_dirty(fs, g);
}

/* Is blk one of group g's bitmaps or inode table blocks (never handed out)? */
static bool is_group_metadata(ext2_t *fs, uint32_t g, uint32_t blk)
{
    uint8_t *d = gd_of(fs, g);
    uint32_t it = ld32(d + GD_INODE_TABLE);
    return blk == ld32(d + GD_BLOCK_BITMAP) || blk == ld32(d + GD_INODE_BITMAP) ||
           (blk >= it && blk - it < fs->itable_blocks);
}

static int alloc_block(ext2_t *fs, uint32_t goal, uint32_t *out)
{
    if (fs->read_only)
        return E(EROFS);
    if (ld32(fs->sb + SB_FREE_BLOCKS) == 0)
        return E(ENOSPC);
    if (goal < fs->first_data_block || goal >= fs->blocks_count)
        goal = fs->first_data_block;
    uint32_t g0 = (goal - fs->first_data_block) / fs->blocks_per_group;
    for (uint32_t i = 0; i < fs->n_groups; i++) {
        uint32_t g = (g0 + i) % fs->n_groups;
        uint8_t *d = gd_of(fs, g);
        if (ld16(d + GD_FREE_BLOCKS) == 0)
            continue;
        int err = blk_read_cached(fs, B_BITMAP, ld32(d + GD_BLOCK_BITMAP));
        if (err)
            return err;
        uint8_t *bm = fs->buf[B_BITMAP];
        uint32_t n = group_n_blocks(fs, g);
        uint32_t start = i == 0 ? (goal - fs->first_data_block) % fs->blocks_per_group : 0;
        if (start >= n)
            start = 0;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t bit = (start + k) % n;
            if (bm[bit >> 3] & (1u << (bit & 7)))
                continue;
            uint32_t blk = group_first_block(fs, g) + bit;
            if (is_group_metadata(fs, g, blk))
                return CORRUPT(fs, "group %u: block bitmap marks metadata block %u free", g, blk);
            bm[bit >> 3] |= (uint8_t)(1u << (bit & 7));
            err = blk_write(fs, ld32(d + GD_BLOCK_BITMAP), bm);
            if (err)
                return err;
            add_free(fs, SB_FREE_BLOCKS, GD_FREE_BLOCKS, g, -1);
            fs->allocated = true;
            *out = blk;
            return 0;
        }
        return CORRUPT(fs, "group %u: free block count %u but the bitmap is full", g,
                       ld16(d + GD_FREE_BLOCKS));
    }
    return E(ENOSPC);
}

static int free_block(ext2_t *fs, uint32_t blk)
{
    if (blk < fs->first_data_block || blk >= fs->blocks_count)
        return CORRUPT(fs, "freeing block %u out of range", blk);
    uint32_t g = (blk - fs->first_data_block) / fs->blocks_per_group;
    uint32_t bit = (blk - fs->first_data_block) % fs->blocks_per_group;
    uint8_t *d = gd_of(fs, g);
    if (is_group_metadata(fs, g, blk))
        return CORRUPT(fs, "freeing metadata block %u of group %u", blk, g);
    int err = blk_read_cached(fs, B_BITMAP, ld32(d + GD_BLOCK_BITMAP));
    if (err)
        return err;
    uint8_t *bm = fs->buf[B_BITMAP];
    if (!(bm[bit >> 3] & (1u << (bit & 7))))
        return CORRUPT(fs, "freeing block %u which is already free", blk);
    bm[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
    err = blk_write(fs, ld32(d + GD_BLOCK_BITMAP), bm);
    if (err)
        return err;
    add_free(fs, SB_FREE_BLOCKS, GD_FREE_BLOCKS, g, 1);
    fs->freed = true;
    return 0;
}

/* Files go near their directory; directories to the group with most free inodes. */
static int alloc_inode(ext2_t *fs, uint32_t near_ino, bool dir, uint32_t *out)
{
    if (fs->read_only)
        return E(EROFS);
    if (ld32(fs->sb + SB_FREE_INODES) == 0)
        return E(ENOSPC);
    uint32_t g0 = (near_ino - 1) / fs->inodes_per_group;
    if (dir) {
        uint32_t best = 0;
        for (uint32_t g = 0; g < fs->n_groups; g++)
            if (ld16(gd_of(fs, g) + GD_FREE_INODES) > ld16(gd_of(fs, best) + GD_FREE_INODES))
                best = g;
        g0 = best;
    }
    for (uint32_t i = 0; i < fs->n_groups; i++) {
        uint32_t g = (g0 + i) % fs->n_groups;
        uint8_t *d = gd_of(fs, g);
        if (ld16(d + GD_FREE_INODES) == 0)
            continue;
        int err = blk_read_cached(fs, B_BITMAP, ld32(d + GD_INODE_BITMAP));
        if (err)
            return err;
        uint8_t *bm = fs->buf[B_BITMAP];
        for (uint32_t bit = 0; bit < fs->inodes_per_group; bit++) {
            uint32_t ino = g * fs->inodes_per_group + bit + 1;
            if ((bm[bit >> 3] & (1u << (bit & 7))) || ino < fs->first_ino)
                continue;
            bm[bit >> 3] |= (uint8_t)(1u << (bit & 7));
            err = blk_write(fs, ld32(d + GD_INODE_BITMAP), bm);
            if (err)
                return err;
            add_free(fs, SB_FREE_INODES, GD_FREE_INODES, g, -1);
            if (dir) {
                st16(d + GD_USED_DIRS, ld16(d + GD_USED_DIRS) + 1u);
                gd_dirty(fs, g);
            }
            *out = ino;
            return 0;
        }
        return CORRUPT(fs, "group %u: free inode count %u but the bitmap is full", g,
                       ld16(d + GD_FREE_INODES));
    }
    return E(ENOSPC);
}

static int free_inode_bit(ext2_t *fs, uint32_t ino, bool dir)
{
    uint32_t g = (ino - 1) / fs->inodes_per_group, bit = (ino - 1) % fs->inodes_per_group;
    uint8_t *d = gd_of(fs, g);
    int err = blk_read_cached(fs, B_BITMAP, ld32(d + GD_INODE_BITMAP));
    if (err)
        return err;
    uint8_t *bm = fs->buf[B_BITMAP];
    if (!(bm[bit >> 3] & (1u << (bit & 7))))
        return CORRUPT(fs, "freeing inode %u which is already free", ino);
    bm[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
    err = blk_write(fs, ld32(d + GD_INODE_BITMAP), bm);
    if (err)
        return err;
    add_free(fs, SB_FREE_INODES, GD_FREE_INODES, g, 1);
    fs->freed = true;
    if (dir && ld16(d + GD_USED_DIRS)) {
        st16(d + GD_USED_DIRS, ld16(d + GD_USED_DIRS) - 1u);
        gd_dirty(fs, g);
    }
    return 0;
}

/* ---- inodes ------------------------------------------------------------------------ */

static int inode_pos(ext2_t *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
    if (ino == 0 || ino > fs->inodes_count)
        return CORRUPT(fs, "inode number %u out of range", ino);
    uint32_t g = (ino - 1) / fs->inodes_per_group, idx = (ino - 1) % fs->inodes_per_group;
    uint64_t byte = (uint64_t)idx * fs->inode_bytes;
    *blk = ld32(gd_of(fs, g) + GD_INODE_TABLE) + (uint32_t)(byte >> fs->block_shift);
    *off = (uint32_t)(byte & (fs->block_bytes - 1));
    return 0;
}

static int inode_read_raw(ext2_t *fs, uint32_t ino, uint8_t *raw)
{
    uint32_t blk, off;
    int err = inode_pos(fs, ino, &blk, &off);
    if (!err)
        err = blk_read_cached(fs, B_ITABLE, blk);
    if (!err)
        memcpy(raw, fs->buf[B_ITABLE] + off, fs->inode_bytes);
    return err;
}

static int inode_write_raw(ext2_t *fs, uint32_t ino, const uint8_t *raw)
{
    uint32_t blk, off;
    if (fs->read_only)
        return E(EROFS);
    int err = inode_pos(fs, ino, &blk, &off);
    if (!err)
        err = blk_read_cached(fs, B_ITABLE, blk);
    if (!err && memcmp(fs->buf[B_ITABLE] + off, raw, fs->inode_bytes) == 0)
        return 0; /* unchanged: the disk (or the cache below) holds it already */
    if (!err) {
        memcpy(fs->buf[B_ITABLE] + off, raw, fs->inode_bytes);
        err = blk_write(fs, blk, fs->buf[B_ITABLE]);
    }
    return err;
}

static bool has_extra(ext2_t *fs, const uint8_t *raw, unsigned field)
{
    if (fs->inode_bytes <= EXT2_GOOD_OLD_INODE_BYTES)
        return false;
    uint32_t extra = ld16(raw + I_EXTRA_ISIZE);
    return EXT2_GOOD_OLD_INODE_BYTES + extra >= field + 4 &&
           EXT2_GOOD_OLD_INODE_BYTES + extra <= fs->inode_bytes;
}

static vfs_timespec_t time_get(ext2_t *fs, const uint8_t *raw, unsigned field, unsigned extra)
{
    vfs_timespec_t t = {(int32_t)ld32(raw + field), 0};
    if (has_extra(fs, raw, extra)) {
        uint32_t x = ld32(raw + extra);
        t.sec += (int64_t)(x & 3) << 32;
        t.nsec = x >> 2;
        if (t.nsec > 999999999)
            t.nsec = 0;
    }
    return t;
}

/* Seconds from 1901 to 2446 fit (32 bits signed plus two epoch bits). */
static void time_put(ext2_t *fs, uint8_t *raw, unsigned field, unsigned extra, vfs_timespec_t t)
{
    int64_t lo = INT32_MIN, hi = (int64_t)INT32_MAX + ((int64_t)3 << 32);
    if (!has_extra(fs, raw, extra))
        hi = INT32_MAX;
    int64_t sec = t.sec < lo ? lo : t.sec > hi ? hi : t.sec;
    st32(raw + field, (uint32_t)sec);
    if (has_extra(fs, raw, extra)) {
        uint32_t epoch = (uint32_t)(((sec - (int32_t)(uint32_t)sec) >> 32) & 3);
        uint32_t nsec = t.nsec >= 0 && t.nsec <= 999999999 ? (uint32_t)t.nsec : 0;
        st32(raw + extra, nsec << 2 | epoch);
    }
}

static void inode_decode(ext2_t *fs, ext2_inode_t *in)
{
    const uint8_t *r = in->raw;
    vfs_vnode_t *vn = &in->vn;
    vn->mode = ld16(r + I_MODE);
    vn->uid = ld16(r + I_UID) | (uint32_t)ld16(r + I_UID_HIGH) << 16;
    vn->gid = ld16(r + I_GID) | (uint32_t)ld16(r + I_GID_HIGH) << 16;
    vn->size = ld32(r + I_SIZE);
    if (VFS_S_ISREG(vn->mode))
        vn->size |= (int64_t)ld32(r + I_SIZE_HIGH) << 32;
    vn->nlink = ld16(r + I_LINKS_COUNT);
    vn->blocks = ld32(r + I_BLOCKS);
    vn->atime = time_get(fs, r, I_ATIME, I_ATIME_EXTRA);
    vn->mtime = time_get(fs, r, I_MTIME, I_MTIME_EXTRA);
    vn->ctime = time_get(fs, r, I_CTIME, I_CTIME_EXTRA);
    in->flags = ld32(r + I_FLAGS);
    in->file_acl = ld32(r + I_FILE_ACL);
    in->dtime = ld32(r + I_DTIME);
    in->generation = ld32(r + I_GENERATION);
    for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
        in->block[i] = ld32(r + I_BLOCK + 4 * i);
}

static void inode_encode(ext2_t *fs, ext2_inode_t *in)
{
    uint8_t *r = in->raw;
    vfs_vnode_t *vn = &in->vn;
    st16(r + I_MODE, vn->mode);
    st16(r + I_UID, vn->uid & 0xffff);
    st16(r + I_UID_HIGH, vn->uid >> 16);
    st16(r + I_GID, vn->gid & 0xffff);
    st16(r + I_GID_HIGH, vn->gid >> 16);
    st32(r + I_SIZE, (uint32_t)vn->size);
    if (VFS_S_ISREG(vn->mode))
        st32(r + I_SIZE_HIGH, (uint32_t)((uint64_t)vn->size >> 32));
    st16(r + I_LINKS_COUNT, vn->nlink);
    st32(r + I_BLOCKS, (uint32_t)vn->blocks);
    time_put(fs, r, I_ATIME, I_ATIME_EXTRA, vn->atime);
    time_put(fs, r, I_MTIME, I_MTIME_EXTRA, vn->mtime);
    time_put(fs, r, I_CTIME, I_CTIME_EXTRA, vn->ctime);
    st32(r + I_FLAGS, in->flags);
    st32(r + I_FILE_ACL, in->file_acl);
    st32(r + I_DTIME, in->dtime);
    st32(r + I_GENERATION, in->generation);
    for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
        st32(r + I_BLOCK + 4 * i, in->block[i]);
}

/* Writes the in-memory inode back (nothing on a read-only mount). */
static int inode_store(ext2_t *fs, ext2_inode_t *in)
{
    if (fs->read_only)
        return 0;
    inode_encode(fs, in);
    return inode_write_raw(fs, (uint32_t)in->vn.ino, in->raw);
}

static void touch_mc(vfs_vnode_t *vn)
{
    vn->mtime = vn->ctime = vfs_now(vn->fs->vfs);
}

static bool is_fast_symlink(ext2_t *fs, ext2_inode_t *in)
{
    int64_t ea = in->file_acl ? fs->block_bytes / 512 : 0;
    return VFS_S_ISLNK(in->vn.mode) && in->vn.blocks == ea;
}

/* Does i_block hold block numbers (regular files, directories, slow links)? */
static bool has_block_map(ext2_t *fs, ext2_inode_t *in)
{
    vfs_mode_t m = in->vn.mode;
    return VFS_S_ISREG(m) || VFS_S_ISDIR(m) || (VFS_S_ISLNK(m) && !is_fast_symlink(fs, in));
}

static ext2_inode_t *inode_alloc_mem(ext2_t *fs)
{
    vfs_t *vfs = fs->fs.vfs;
    ext2_inode_t *in = vfs_alloc(vfs, sizeof(*in));
    if (!in)
        return NULL;
    memset(in, 0, sizeof(*in));
    in->raw = vfs_alloc(vfs, fs->inode_bytes);
    if (!in->raw) {
        vfs_free(vfs, in, sizeof(*in));
        return NULL;
    }
    memset(in->raw, 0, fs->inode_bytes);
    in->vn.fs = &fs->fs;
    return in;
}

static void inode_free_mem(ext2_t *fs, ext2_inode_t *in)
{
    vfs_t *vfs = fs->fs.vfs;
    for (ext2_inode_t **pp = &fs->inodes; *pp; pp = &(*pp)->next) {
        if (*pp == in) {
            *pp = in->next;
            break;
        }
    }
    if (in->link)
        vfs_free(vfs, in->link, fs->block_bytes);
    vfs_free(vfs, in->raw, fs->inode_bytes);
    vfs_free(vfs, in, sizeof(*in));
}

static void set_ops(ext2_inode_t *in)
{
    vfs_mode_t m = in->vn.mode;
    in->vn.ops = VFS_S_ISDIR(m)   ? &ext2_dir_ops
                 : VFS_S_ISREG(m) ? &ext2_file_ops
                 : VFS_S_ISLNK(m) ? &ext2_link_ops
                                  : &ext2_special_ops;
}

static int bmap(ext2_t *fs, ext2_inode_t *in, uint64_t lblk, bool create, uint32_t *pblk,
                uint64_t *hole_end, bool *fresh);

/* The two first entries of a directory's first block are "." (itself) and
 * ".." (expected_parent): a directory named from elsewhere (a loop, or a
 * second hard link to a directory) fails here. */
static int check_dir_head(ext2_t *fs, ext2_inode_t *in, uint32_t expected_parent)
{
    uint32_t pblk;
    uint64_t hole_end;
    int err = bmap(fs, in, 0, false, &pblk, &hole_end, NULL);
    if (err)
        return err;
    if (!pblk)
        return CORRUPT(fs, "directory %u has no first block", (unsigned)in->vn.ino);
    err = blk_read(fs, pblk, fs->buf[B_CHECK]);
    if (err)
        return err;
    const uint8_t *b = fs->buf[B_CHECK];
    uint32_t rec = ld16(b + 4);
    if (ld32(b) != in->vn.ino || b[6] != 1 || b[8] != '.' || rec < 12 || rec + 12 > fs->block_bytes)
        return CORRUPT(fs, "directory %u: first entry is not \".\"", (unsigned)in->vn.ino);
    const uint8_t *d = b + rec;
    if (d[6] != 2 || d[8] != '.' || d[9] != '.' || ld16(d + 4) + rec > fs->block_bytes ||
        ld16(d + 4) < 12)
        return CORRUPT(fs, "directory %u: second entry is not \"..\"", (unsigned)in->vn.ino);
    if (ld32(d) != expected_parent)
        return CORRUPT(fs,
                       "directory %u: \"..\" is inode %u but it is named in directory %u "
                       "(a directory loop or a second link)",
                       (unsigned)in->vn.ino, ld32(d), expected_parent);
    return 0;
}

/* Checks what the rest of the code relies on in a freshly read inode. */
static int inode_check(ext2_t *fs, ext2_inode_t *in)
{
    unsigned ino = (unsigned)in->vn.ino;
    vfs_mode_t m = in->vn.mode;
    if (in->vn.nlink == 0 && !in->orphan)
        return CORRUPT(fs, "inode %u is named in a directory but deleted (no links)", ino);
    switch (m & VFS_S_IFMT) {
    case VFS_S_IFREG:
    case VFS_S_IFDIR:
    case VFS_S_IFLNK:
    case VFS_S_IFCHR:
    case VFS_S_IFBLK:
    case VFS_S_IFIFO:
    case VFS_S_IFSOCK: break;
    default: return CORRUPT(fs, "inode %u has a bad mode 0%x", ino, m);
    }
    if (in->flags & (EXT2_EXTENTS_FL | EXT2_INLINE_DATA_FL))
        return CORRUPT(fs, "inode %u uses ext4 extents or inline data", ino);
    if (in->vn.blocks % (fs->block_bytes / 512))
        return CORRUPT(fs, "inode %u: i_blocks %U is not whole blocks", ino,
                       (uint64_t)in->vn.blocks);
    if (in->file_acl && (in->file_acl < fs->first_data_block || in->file_acl >= fs->blocks_count))
        return CORRUPT(fs, "inode %u: xattr block %u out of range", ino, in->file_acl);
    if (VFS_S_ISDIR(m) &&
        (in->vn.size == 0 || in->vn.size % fs->block_bytes || in->vn.size > ((int64_t)1 << 30)))
        return CORRUPT(fs, "directory %u has a bad size %U", ino, (uint64_t)in->vn.size);
    if (VFS_S_ISREG(m) && in->vn.size > fs->max_size_bytes)
        return CORRUPT(fs, "inode %u: size %U beyond the largest file", ino, (uint64_t)in->vn.size);
    if (VFS_S_ISLNK(m)) {
        bool fast = is_fast_symlink(fs, in);
        if (in->vn.size == 0 || (fast && in->vn.size > (int64_t)EXT2_FAST_LINK_MAX) ||
            (!fast && in->vn.size >= (int64_t)fs->block_bytes))
            return CORRUPT(fs, "symlink %u has a bad size %U", ino, (uint64_t)in->vn.size);
    }
    if (VFS_S_ISCHR(m) || (m & VFS_S_IFMT) == VFS_S_IFBLK) {
        uint32_t b0 = in->block[0], b1 = in->block[1], major, minor;
        if (b0) {
            major = (b0 >> 8) & 0xff;
            minor = b0 & 0xff;
        } else {
            major = (b1 >> 8) & 0xfff;
            minor = (b1 & 0xff) | ((b1 >> 12) & 0xfff00);
        }
        in->vn.rdev = (uint64_t)((minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12));
    }
    return 0;
}

/* The inode ino in memory, referenced. parent: the directory it was found
 * in (a directory keeps it referenced), NULL only for the root. */
static int iget(ext2_t *fs, uint32_t ino, ext2_inode_t *parent, ext2_inode_t **out)
{
    for (ext2_inode_t *in = fs->inodes; in; in = in->next) {
        if (in->vn.ino == ino) {
            vfs_vnode_get(&in->vn);
            *out = in;
            return 0;
        }
    }
    if (ino != EXT2_ROOT_INO && (ino < fs->first_ino || ino > fs->inodes_count))
        return CORRUPT(fs, "a directory entry names reserved or out-of-range inode %u", ino);
    ext2_inode_t *in = inode_alloc_mem(fs);
    if (!in)
        return E(ENOMEM);
    in->vn.ino = ino;
    int err = inode_read_raw(fs, ino, in->raw);
    if (!err) {
        inode_decode(fs, in);
        err = inode_check(fs, in);
    }
    if (!err && VFS_S_ISDIR(in->vn.mode))
        err = check_dir_head(fs, in, parent ? (uint32_t)parent->vn.ino : ino);
    if (!err && !parent && !VFS_S_ISDIR(in->vn.mode))
        err = CORRUPT(fs, "the root inode is not a directory");
    if (err) {
        inode_free_mem(fs, in);
        return err;
    }
    set_ops(in);
    if (VFS_S_ISDIR(in->vn.mode)) {
        in->parent = parent ? parent : in;
        if (parent)
            vfs_vnode_get(&parent->vn);
    }
    in->vn.refs = 1;
    in->next = fs->inodes;
    fs->inodes = in;
    *out = in;
    return 0;
}

/* ---- block maps ------------------------------------------------------------------------ */

static int check_ptr(ext2_t *fs, ext2_inode_t *in, uint32_t blk)
{
    if (blk && (blk < fs->first_data_block || blk >= fs->blocks_count))
        return CORRUPT(fs, "inode %u: block number %u out of range", (unsigned)in->vn.ino, blk);
    return 0;
}

static int new_block(ext2_t *fs, ext2_inode_t *in, uint32_t *out)
{
    uint32_t goal = in->last_alloc
                        ? in->last_alloc + 1
                        : group_first_block(fs, (uint32_t)(in->vn.ino - 1) / fs->inodes_per_group);
    int err = alloc_block(fs, goal, out);
    if (!err) {
        in->last_alloc = *out;
        in->vn.blocks += fs->block_bytes / 512;
    }
    return err;
}

/* Maps logical block lblk of in to *pblk. A hole gives 0 and *hole_end, the
 * first logical block past the empty subtree it lies in. With create,
 * missing indirect blocks (zeroed) and the data block are allocated; *fresh
 * says the data block is new (its old contents are garbage). */
static int bmap(ext2_t *fs, ext2_inode_t *in, uint64_t lblk, bool create, uint32_t *pblk,
                uint64_t *hole_end, bool *fresh)
{
    uint64_t p = fs->ptrs_per_block, rel = lblk;
    unsigned depth, slot;
    if (fresh)
        *fresh = false;
    if (rel < EXT2_N_DIRECT) {
        depth = 0;
        slot = (unsigned)rel;
    } else if ((rel -= EXT2_N_DIRECT) < p) {
        depth = 1;
        slot = EXT2_IND;
    } else if ((rel -= p) < p * p) {
        depth = 2;
        slot = EXT2_DIND;
    } else if ((rel -= p * p) < p * p * p) {
        depth = 3;
        slot = EXT2_TIND;
    } else {
        return E(EFBIG);
    }
    uint64_t cover = 1;
    for (unsigned i = 0; i < depth; i++)
        cover *= p;
    uint32_t cur = in->block[slot];
    int err = check_ptr(fs, in, cur);
    if (err)
        return err;
    if (!cur) {
        if (!create) {
            *pblk = 0;
            *hole_end = lblk - rel % cover + cover;
            return 0;
        }
        err = new_block(fs, in, &cur);
        if (err)
            return err;
        if (depth > 0) {
            err = blk_write(fs, cur, fs->buf[B_ZERO]);
            if (err)
                return err;
        } else if (fresh) {
            *fresh = true;
        }
        in->block[slot] = cur;
    }
    for (unsigned level = 0; level < depth; level++) {
        cover /= p;
        unsigned b = B_IND + level;
        if (fs->ind_dirty[level] && fs->cached[b] != cur) {
            err = publish(fs); /* the buffer is needed for another indirect block */
            if (err)
                return err;
        }
        err = blk_read_cached(fs, b, cur);
        if (err)
            return err;
        uint8_t *e = fs->buf[b] + 4 * ((rel / cover) % p);
        uint32_t next = ld32(e);
        err = check_ptr(fs, in, next);
        if (err)
            return err;
        if (!next) {
            if (!create) {
                *pblk = 0;
                *hole_end = lblk - rel % cover + cover;
                return 0;
            }
            err = new_block(fs, in, &next);
            if (err)
                return err;
            if (level + 1 < depth) {
                err = blk_write(fs, next, fs->buf[B_ZERO]);
                if (err)
                    return err;
            } else if (fresh) {
                *fresh = true;
            }
            st32(e, next);
            fs->ind_dirty[level] = true; /* written by publish() */
        }
        cur = next;
    }
    *pblk = cur;
    return 0;
}

/* Frees every data block of the subtree at blk (level 0: a data block) whose
 * logical number is >= from; base is the subtree's first logical block.
 * *gone: blk itself was freed. */
static int free_tree(ext2_t *fs, ext2_inode_t *in, uint32_t blk, unsigned level, uint64_t base,
                     uint64_t from, bool *gone)
{
    uint64_t p = fs->ptrs_per_block, span = 1;
    for (unsigned i = 0; i < level; i++)
        span *= p;
    *gone = false;
    if (!blk || from >= base + span)
        return 0;
    int err = check_ptr(fs, in, blk);
    if (err)
        return err;
    if (level > 0) {
        uint8_t *b = fs->buf[B_FREE + level - 1];
        err = blk_read(fs, blk, b);
        if (err)
            return err;
        bool changed = false, empty = true;
        for (uint64_t i = 0; i < p; i++) {
            uint32_t child = ld32(b + 4 * i);
            bool child_gone;
            err = free_tree(fs, in, child, level - 1, base + i * (span / p), from, &child_gone);
            if (err)
                return err;
            if (child_gone) {
                st32(b + 4 * i, 0);
                changed = true;
            } else if (child) {
                empty = false;
            }
        }
        if (!empty) {
            if (changed)
                err = blk_write(fs, blk, b);
            return err;
        }
    }
    err = free_block(fs, blk);
    if (err)
        return err;
    in->vn.blocks -= fs->block_bytes / 512;
    *gone = true;
    return 0;
}

/* Frees the blocks of in from logical block from on. */
static int free_from(ext2_t *fs, ext2_inode_t *in, uint64_t from)
{
    uint64_t p = fs->ptrs_per_block;
    uint64_t base[EXT2_N_BLOCKS];
    unsigned level[EXT2_N_BLOCKS];
    for (unsigned i = 0; i < EXT2_N_DIRECT; i++)
        base[i] = i, level[i] = 0;
    base[EXT2_IND] = EXT2_N_DIRECT, level[EXT2_IND] = 1;
    base[EXT2_DIND] = EXT2_N_DIRECT + p, level[EXT2_DIND] = 2;
    base[EXT2_TIND] = EXT2_N_DIRECT + p + p * p, level[EXT2_TIND] = 3;
    forget_indirect(fs);
    int err = 0;
    for (unsigned i = 0; i < EXT2_N_BLOCKS && !err; i++) {
        bool gone;
        err = free_tree(fs, in, in->block[i], level[i], base[i], from, &gone);
        if (gone)
            in->block[i] = 0;
    }
    in->last_alloc = 0;
    forget_indirect(fs);
    return err;
}

/* Drops the inode's reference on its xattr block (freed with the last one). */
static int release_xattr(ext2_t *fs, ext2_inode_t *in)
{
    if (!in->file_acl)
        return 0;
    uint8_t *b = fs->buf[B_DATA];
    int err = blk_read(fs, in->file_acl, b);
    if (err)
        return err;
    if (ld32(b) != EXT2_XATTR_MAGIC)
        return CORRUPT(fs, "inode %u: xattr block %u has a bad magic", (unsigned)in->vn.ino,
                       in->file_acl);
    uint32_t refs = ld32(b + 4);
    if (refs > 1) {
        st32(b + 4, refs - 1);
        err = blk_write(fs, in->file_acl, b);
    } else {
        err = free_block(fs, in->file_acl);
    }
    if (!err) {
        in->vn.blocks -= fs->block_bytes / 512;
        in->file_acl = 0;
    }
    return err;
}

/* ---- orphans --------------------------------------------------------------------------- */

static void orphan_add(ext2_t *fs, ext2_inode_t *in)
{
    if (in->orphan || fs->read_only)
        return;
    in->dtime = ld32(fs->sb + SB_LAST_ORPHAN);
    st32(fs->sb + SB_LAST_ORPHAN, (uint32_t)in->vn.ino);
    fs->sb_dirty = true;
    in->orphan = true;
}

/* i_dtime of a freed inode: now, but never below s_inodes_count (e2fsck
 * takes a smaller one, e.g. from a VFS without a clock, for a link of the
 * orphan list: "part of a corrupted orphan linked list"). */
static uint32_t deletion_time(ext2_t *fs)
{
    uint32_t now = (uint32_t)vfs_now(fs->fs.vfs).sec;
    return now >= fs->inodes_count ? now : fs->inodes_count;
}

static int orphan_del(ext2_t *fs, ext2_inode_t *in)
{
    if (!in->orphan)
        return 0;
    int err = 0;
    if (ld32(fs->sb + SB_LAST_ORPHAN) == in->vn.ino) {
        st32(fs->sb + SB_LAST_ORPHAN, in->dtime);
        fs->sb_dirty = true;
    } else {
        for (ext2_inode_t *o = fs->inodes; o; o = o->next) {
            if (o->orphan && o->dtime == in->vn.ino) {
                o->dtime = in->dtime;
                err = inode_store(fs, o);
                break;
            }
        }
    }
    in->orphan = false;
    in->dtime = 0;
    return err;
}

/* The inode has no links and no references: free its blocks and itself. */
static int inode_release(ext2_t *fs, ext2_inode_t *in)
{
    int err = 0;
    if (fs->read_only)
        return 0;
    if (has_block_map(fs, in))
        err = free_from(fs, in, 0);
    if (!err)
        err = release_xattr(fs, in);
    int e = orphan_del(fs, in);
    err = err ? err : e;
    in->dtime = deletion_time(fs);
    in->vn.size = 0;
    e = inode_store(fs, in);
    err = err ? err : e;
    if (!err)
        err = free_inode_bit(fs, (uint32_t)in->vn.ino, VFS_S_ISDIR(in->vn.mode));
    return err;
}

static void ext2_inactive(vfs_vnode_t *vn)
{
    ext2_t *fs = fs_of(vn);
    ext2_inode_t *in = ei(vn);
    while (in && in->vn.refs == 0) {
        if (in->vn.nlink == 0)
            inode_release(fs, in);
        else
            inode_store(fs, in);
        commit(fs);
        ext2_inode_t *parent = in->parent;
        if (parent == in)
            parent = NULL;
        inode_free_mem(fs, in);
        in = NULL;
        if (parent && --parent->vn.refs == 0)
            in = parent;
    }
}

/* ---- directories ------------------------------------------------------------------------ */

typedef struct {
    uint32_t ino;
    uint32_t rec_len;
    uint32_t name_len;
    uint8_t type;
    const char *name;
} dirent_t;

static int dirent_parse(ext2_t *fs, ext2_inode_t *dir, uint64_t lblk, const uint8_t *b,
                        uint32_t off, dirent_t *d)
{
    unsigned ino = (unsigned)dir->vn.ino;
    if (off + EXT2_DIRENT_HEADER > fs->block_bytes)
        return CORRUPT(fs, "directory %u block %U: entry header at %u crosses the block", ino, lblk,
                       off);
    d->ino = ld32(b + off);
    d->rec_len = ld16(b + off + 4);
    d->name_len = b[off + 6];
    d->type = fs->filetype ? b[off + 7] : 0;
    d->name = (const char *)b + off + EXT2_DIRENT_HEADER;
    if ((!fs->filetype && b[off + 7]) || d->rec_len < EXT2_DIRENT_HEADER || d->rec_len % 4 ||
        off + d->rec_len > fs->block_bytes || EXT2_DIRENT_HEADER + d->name_len > d->rec_len ||
        (d->ino && d->name_len == 0))
        return CORRUPT(fs, "directory %u block %U: bad entry at offset %u", ino, lblk, off);
    if (d->ino > fs->inodes_count)
        return CORRUPT(fs, "directory %u block %U: entry at %u names inode %u out of range", ino,
                       lblk, off, d->ino);
    return 0;
}

static int dir_block(ext2_t *fs, ext2_inode_t *dir, uint64_t lblk, uint32_t *pblk)
{
    uint64_t hole_end;
    int err = bmap(fs, dir, lblk, false, pblk, &hole_end, NULL);
    if (err)
        return err;
    if (!*pblk)
        return CORRUPT(fs, "directory %u has a hole at block %U", (unsigned)dir->vn.ino, lblk);
    return blk_read(fs, *pblk, fs->buf[B_DIR]);
}

static bool is_dot(const dirent_t *d)
{
    return (d->name_len == 1 && d->name[0] == '.') ||
           (d->name_len == 2 && d->name[0] == '.' && d->name[1] == '.');
}

typedef struct {
    uint64_t lblk;
    uint32_t pblk, off;
    int64_t prev_off; /* entry before it in the block, or -1 */
    dirent_t d;
} dirloc_t;

/* Finds name in dir; the block stays in buf[B_DIR]. */
static int dir_find(ext2_t *fs, ext2_inode_t *dir, const char *name, size_t len, dirloc_t *loc)
{
    uint64_t n_blocks = (uint64_t)dir->vn.size >> fs->block_shift;
    for (uint64_t lblk = 0; lblk < n_blocks; lblk++) {
        uint32_t pblk;
        int err = dir_block(fs, dir, lblk, &pblk);
        if (err)
            return err;
        int64_t prev = -1;
        for (uint32_t off = 0; off < fs->block_bytes;) {
            dirent_t d;
            err = dirent_parse(fs, dir, lblk, fs->buf[B_DIR], off, &d);
            if (err)
                return err;
            if (d.ino && d.name_len == len && memcmp(d.name, name, len) == 0) {
                *loc = (dirloc_t){lblk, pblk, off, prev, d};
                return 0;
            }
            prev = off;
            off += d.rec_len;
        }
    }
    return E(ENOENT);
}

static uint8_t ft_of(vfs_mode_t mode)
{
    switch (mode & VFS_S_IFMT) {
    case VFS_S_IFREG: return EXT2_FT_REG;
    case VFS_S_IFDIR: return EXT2_FT_DIR;
    case VFS_S_IFLNK: return EXT2_FT_SYMLINK;
    case VFS_S_IFCHR: return EXT2_FT_CHR;
    case VFS_S_IFBLK: return EXT2_FT_BLK;
    case VFS_S_IFIFO: return EXT2_FT_FIFO;
    case VFS_S_IFSOCK: return EXT2_FT_SOCK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static unsigned dtype_of_ft(uint8_t ft)
{
    static const unsigned map[] = {VFS_DT_UNKNOWN, VFS_DT_REG,  VFS_DT_DIR,  VFS_DT_CHR,
                                   VFS_DT_BLK,     VFS_DT_FIFO, VFS_DT_SOCK, VFS_DT_LNK};
    return ft < sizeof(map) / sizeof(map[0]) ? map[ft] : VFS_DT_UNKNOWN;
}

static void put_dirent(ext2_t *fs, uint8_t *at, uint32_t ino, uint32_t rec_len, const char *name,
                       size_t len, uint8_t ft)
{
    st32(at, ino);
    st16(at + 4, rec_len);
    at[6] = (uint8_t)len;
    at[7] = fs->filetype ? ft : 0;
    memcpy(at + EXT2_DIRENT_HEADER, name, len);
}

static uint32_t dirent_need(size_t len)
{
    return (EXT2_DIRENT_HEADER + (uint32_t)len + 3) & ~3u;
}

/* A directory we change is no longer a valid htree: drop the index flag. */
static void dir_changed(ext2_inode_t *dir)
{
    dir->flags &= ~EXT2_INDEX_FL;
}

static int dir_add(ext2_t *fs, ext2_inode_t *dir, const char *name, size_t len, uint32_t ino,
                   uint8_t ft)
{
    uint32_t need = dirent_need(len);
    uint64_t n_blocks = (uint64_t)dir->vn.size >> fs->block_shift;
    for (uint64_t lblk = 0; lblk < n_blocks; lblk++) {
        uint32_t pblk;
        int err = dir_block(fs, dir, lblk, &pblk);
        if (err)
            return err;
        uint8_t *b = fs->buf[B_DIR];
        for (uint32_t off = 0; off < fs->block_bytes;) {
            dirent_t d;
            err = dirent_parse(fs, dir, lblk, b, off, &d);
            if (err)
                return err;
            uint32_t used = d.ino ? dirent_need(d.name_len) : 0;
            if (d.rec_len - used >= need) {
                if (used) {
                    st16(b + off + 4, used);
                    off += used;
                }
                put_dirent(fs, b + off, ino, d.rec_len - used, name, len, ft);
                dir_changed(dir);
                return blk_write(fs, pblk, b);
            }
            off += d.rec_len;
        }
    }
    if (dir->vn.size + fs->block_bytes > ((int64_t)1 << 30))
        return E(ENOSPC);
    uint32_t pblk;
    uint64_t hole_end;
    int err = bmap(fs, dir, n_blocks, true, &pblk, &hole_end, NULL);
    if (err)
        return err;
    uint8_t *b = fs->buf[B_DIR];
    memset(b, 0, fs->block_bytes);
    put_dirent(fs, b, ino, fs->block_bytes, name, len, ft);
    err = blk_write(fs, pblk, b);
    if (!err)
        err = publish(fs); /* the caller writes the directory's inode */
    dir->vn.size += fs->block_bytes;
    dir_changed(dir);
    return err;
}

static int dir_del(ext2_t *fs, ext2_inode_t *dir, const dirloc_t *loc)
{
    uint32_t pblk;
    int err = dir_block(fs, dir, loc->lblk, &pblk);
    if (err)
        return err;
    uint8_t *b = fs->buf[B_DIR];
    if (loc->prev_off >= 0)
        st16(b + loc->prev_off + 4, ld16(b + loc->prev_off + 4) + loc->d.rec_len);
    else
        st32(b + loc->off, 0);
    dir_changed(dir);
    return blk_write(fs, pblk, b);
}

static int dir_set(ext2_t *fs, ext2_inode_t *dir, const dirloc_t *loc, uint32_t ino, uint8_t ft)
{
    uint32_t pblk;
    int err = dir_block(fs, dir, loc->lblk, &pblk);
    if (err)
        return err;
    uint8_t *b = fs->buf[B_DIR];
    st32(b + loc->off, ino);
    b[loc->off + 7] = fs->filetype ? ft : 0;
    dir_changed(dir);
    return blk_write(fs, pblk, b);
}

static int dir_is_empty(ext2_t *fs, ext2_inode_t *dir, bool *empty)
{
    uint64_t n_blocks = (uint64_t)dir->vn.size >> fs->block_shift;
    *empty = true;
    for (uint64_t lblk = 0; lblk < n_blocks; lblk++) {
        uint32_t pblk;
        int err = dir_block(fs, dir, lblk, &pblk);
        if (err)
            return err;
        for (uint32_t off = 0; off < fs->block_bytes;) {
            dirent_t d;
            err = dirent_parse(fs, dir, lblk, fs->buf[B_DIR], off, &d);
            if (err)
                return err;
            if (d.ino && !is_dot(&d)) {
                *empty = false;
                return 0;
            }
            off += d.rec_len;
        }
    }
    return 0;
}

/* Points the ".." entry of dir at parent_ino. */
static int dir_set_dotdot(ext2_t *fs, ext2_inode_t *dir, uint32_t parent_ino)
{
    uint32_t pblk;
    int err = dir_block(fs, dir, 0, &pblk);
    if (err)
        return err;
    uint8_t *b = fs->buf[B_DIR];
    dirent_t d;
    err = dirent_parse(fs, dir, 0, b, 0, &d);
    if (!err)
        err = dirent_parse(fs, dir, 0, b, d.rec_len, &d);
    if (err)
        return err;
    if (d.name_len != 2 || d.name[0] != '.' || d.name[1] != '.')
        return CORRUPT(fs, "directory %u: second entry is not \"..\"", (unsigned)dir->vn.ino);
    st32(b + ld16(b + 4), parent_ino);
    return blk_write(fs, pblk, b);
}

static int ext2_lookup(vfs_vnode_t *dirv, const char *name, size_t len, vfs_vnode_t **out)
{
    ext2_t *fs = fs_of(dirv);
    ext2_inode_t *dir = ei(dirv);
    dirloc_t loc;
    int err = dir_find(fs, dir, name, len, &loc);
    if (err)
        return err;
    ext2_inode_t *in;
    err = iget(fs, loc.d.ino, dir, &in);
    if (err)
        return err;
    if (VFS_S_ISDIR(in->vn.mode) && in->parent != dir) { /* known elsewhere already */
        vfs_vnode_put(&in->vn);
        return CORRUPT(fs,
                       "directory %u is named in directory %u but lives in %u "
                       "(a directory loop or a second link)",
                       loc.d.ino, (unsigned)dirv->ino, (unsigned)in->parent->vn.ino);
    }
    *out = &in->vn;
    return 0;
}

static vfs_vnode_t *ext2_parent(vfs_vnode_t *dirv)
{
    vfs_vnode_t *p = &ei(dirv)->parent->vn;
    vfs_vnode_get(p);
    return p;
}

/* Cookies: 0 ".", 1 "..", then 2 + the byte offset of an entry in the directory. */
static int ext2_readdir(vfs_vnode_t *dirv, uint64_t *cookie, vfs_emit_fn emit, void *ctx)
{
    ext2_t *fs = fs_of(dirv);
    ext2_inode_t *dir = ei(dirv);
    if (*cookie == 0) {
        if (!emit(ctx, ".", 1, dirv->ino, VFS_DT_DIR, 1))
            return 1;
        *cookie = 1;
    }
    if (*cookie == 1) {
        if (!emit(ctx, "..", 2, dir->parent->vn.ino, VFS_DT_DIR, 2))
            return 1;
        *cookie = 2;
    }
    forget_indirect(fs);
    uint64_t pos = *cookie - 2, n_blocks = (uint64_t)dirv->size >> fs->block_shift;
    for (uint64_t lblk = pos >> fs->block_shift; lblk < n_blocks; lblk++) {
        uint32_t pblk;
        int err = dir_block(fs, dir, lblk, &pblk);
        if (err)
            return err;
        uint64_t base = lblk << fs->block_shift;
        for (uint32_t off = 0; off < fs->block_bytes;) {
            dirent_t d;
            err = dirent_parse(fs, dir, lblk, fs->buf[B_DIR], off, &d);
            if (err)
                return err;
            uint64_t next = base + off + d.rec_len + 2;
            if (base + off >= pos && d.ino && !is_dot(&d)) {
                unsigned type = dtype_of_ft(d.type);
                if (!emit(ctx, d.name, d.name_len, d.ino, type, next))
                    return 1;
                *cookie = next;
            }
            off += d.rec_len;
        }
    }
    *cookie = VFS_DIR_EOD;
    return 0;
}

static void init_new_inode(ext2_t *fs, ext2_inode_t *in, uint32_t ino, vfs_mode_t mode,
                           vfs_uid_t uid, vfs_gid_t gid)
{
    in->vn.ino = ino;
    in->vn.mode = mode;
    in->vn.uid = uid;
    in->vn.gid = gid;
    in->vn.nlink = VFS_S_ISDIR(mode) ? 2 : 1;
    if (fs->inode_bytes > EXT2_GOOD_OLD_INODE_BYTES)
        st16(in->raw + I_EXTRA_ISIZE, fs->extra_isize);
    vfs_timespec_t now = vfs_now(fs->fs.vfs);
    in->vn.atime = in->vn.mtime = in->vn.ctime = now;
    if (has_extra(fs, in->raw, I_CRTIME_EXTRA))
        time_put(fs, in->raw, I_CRTIME, I_CRTIME_EXTRA, now);
    in->generation = ++fs->next_generation;
    set_ops(in);
}

static int ext2_create(vfs_vnode_t *dirv, const char *name, size_t len, vfs_mode_t mode,
                       vfs_uid_t uid, vfs_gid_t gid, const char *target, vfs_vnode_t **out)
{
    ext2_t *fs = fs_of(dirv);
    ext2_inode_t *dir = ei(dirv);
    bool is_dir = VFS_S_ISDIR(mode);
    size_t tlen = VFS_S_ISLNK(mode) ? strlen(target) : 0;
    if (fs->read_only)
        return E(EROFS);
    if (is_dir && dirv->nlink >= EXT2_LINK_MAX)
        return E(EMLINK);
    if (tlen >= fs->block_bytes)
        return E(ENAMETOOLONG);
    forget_indirect(fs);
    ext2_inode_t *in = inode_alloc_mem(fs);
    if (!in)
        return E(ENOMEM);
    uint32_t ino = 0;
    int err = alloc_inode(fs, (uint32_t)dirv->ino, is_dir, &ino);
    if (err) {
        inode_free_mem(fs, in);
        return op_end(fs, err);
    }
    init_new_inode(fs, in, ino, mode, uid, gid);
    uint32_t pblk;
    uint64_t hole_end;
    if (is_dir) {
        err = bmap(fs, in, 0, true, &pblk, &hole_end, NULL);
        if (!err) {
            uint8_t *b = fs->buf[B_DATA];
            memset(b, 0, fs->block_bytes);
            put_dirent(fs, b, ino, 12, ".", 1, EXT2_FT_DIR);
            put_dirent(fs, b + 12, (uint32_t)dirv->ino, fs->block_bytes - 12, "..", 2, EXT2_FT_DIR);
            err = blk_write(fs, pblk, b);
            in->vn.size = fs->block_bytes;
        }
    } else if (VFS_S_ISLNK(mode)) {
        in->vn.size = (int64_t)tlen;
        if (tlen <= EXT2_FAST_LINK_MAX) {
            memcpy(in->raw + I_BLOCK, target, tlen);
            for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
                in->block[i] = ld32(in->raw + I_BLOCK + 4 * i);
        } else {
            err = bmap(fs, in, 0, true, &pblk, &hole_end, NULL);
            if (!err) {
                uint8_t *b = fs->buf[B_DATA];
                memset(b, 0, fs->block_bytes);
                memcpy(b, target, tlen);
                err = blk_write(fs, pblk, b);
            }
        }
    }
    /* The inode and its first block reach the disk before the entry naming
     * it: a cut between leaves an unattached inode, never an entry to an
     * unused inode or to a directory block of garbage. */
    if (!err)
        err = publish(fs);
    if (!err)
        err = inode_store(fs, in);
    if (!err)
        err = barrier(fs);
    if (!err)
        err = dir_add(fs, dir, name, len, ino, ft_of(mode));
    if (err) {
        if (has_block_map(fs, in))
            free_from(fs, in, 0);
        in->vn.nlink = 0;
        in->dtime = deletion_time(fs);
        inode_store(fs, in);
        free_inode_bit(fs, ino, is_dir);
        inode_free_mem(fs, in);
        inode_store(fs, dir);
        return op_end(fs, err);
    }
    if (is_dir) {
        dirv->nlink++;
        in->parent = dir;
        vfs_vnode_get(dirv);
    }
    touch_mc(dirv);
    err = inode_store(fs, dir);
    in->vn.refs = 1;
    in->next = fs->inodes;
    fs->inodes = in;
    *out = &in->vn;
    return op_end(fs, err);
}

static int ext2_link(vfs_vnode_t *dirv, const char *name, size_t len, vfs_vnode_t *vn)
{
    ext2_t *fs = fs_of(dirv);
    if (fs->read_only)
        return E(EROFS);
    if (vn->nlink >= EXT2_LINK_MAX)
        return E(EMLINK);
    forget_indirect(fs);
    /* The link count goes up on disk before the entry is added: a cut
     * between leaves a count too high (e2fsck lowers it), never too low. */
    vn->nlink++;
    int err = inode_store(fs, ei(vn));
    if (!err)
        err = barrier(fs);
    if (!err)
        err = dir_add(fs, ei(dirv), name, len, (uint32_t)vn->ino, ft_of(vn->mode));
    if (!err) {
        touch_mc(dirv);
        vn->ctime = dirv->mtime;
    } else {
        vn->nlink--;
    }
    int e = inode_store(fs, ei(vn));
    err = err ? err : e;
    e = inode_store(fs, ei(dirv));
    return op_end(fs, err ? err : e);
}

/* The link that a directory entry held on victim is gone. */
static void drop_link(ext2_t *fs, ext2_inode_t *dir, ext2_inode_t *victim)
{
    if (VFS_S_ISDIR(victim->vn.mode)) {
        victim->vn.nlink = 0;
        if (dir->vn.nlink > 2)
            dir->vn.nlink--;
    } else if (victim->vn.nlink) {
        victim->vn.nlink--;
    }
    victim->vn.ctime = vfs_now(fs->fs.vfs);
    if (victim->vn.nlink == 0)
        orphan_add(fs, victim);
}

static int ext2_remove(vfs_vnode_t *dirv, const char *name, size_t len, vfs_vnode_t *victimv)
{
    ext2_t *fs = fs_of(dirv);
    ext2_inode_t *dir = ei(dirv), *victim = ei(victimv);
    if (fs->read_only)
        return E(EROFS);
    forget_indirect(fs);
    dirloc_t loc;
    int err = dir_find(fs, dir, name, len, &loc);
    if (err)
        return err;
    if (loc.d.ino != victimv->ino)
        return E(ENOENT);
    if (VFS_S_ISDIR(victimv->mode)) {
        bool empty;
        err = dir_is_empty(fs, victim, &empty);
        if (err)
            return op_end(fs, err);
        if (!empty)
            return E(ENOTEMPTY);
        err = dir_find(fs, dir, name, len, &loc);
        if (err)
            return op_end(fs, err);
    }
    err = dir_del(fs, dir, &loc);
    if (!err)
        err = barrier(fs); /* the entry is gone on disk before the inode loses its link */
    if (!err) {
        drop_link(fs, dir, victim);
        touch_mc(dirv);
        err = inode_store(fs, victim);
    }
    int e = inode_store(fs, dir);
    return op_end(fs, err ? err : e);
}

static int ext2_rename(vfs_vnode_t *odirv, const char *oname, size_t olen, vfs_vnode_t *ndirv,
                       const char *nname, size_t nlen)
{
    ext2_t *fs = fs_of(odirv);
    ext2_inode_t *odir = ei(odirv), *ndir = ei(ndirv);
    if (fs->read_only)
        return E(EROFS);
    forget_indirect(fs);
    dirloc_t oloc, nloc;
    int err = dir_find(fs, odir, oname, olen, &oloc);
    if (err)
        return err;
    ext2_inode_t *moved, *victim = NULL;
    err = iget(fs, oloc.d.ino, odir, &moved);
    if (err)
        return op_end(fs, err);
    bool moved_dir = VFS_S_ISDIR(moved->vn.mode);
    err = dir_find(fs, ndir, nname, nlen, &nloc);
    if (err == 0) {
        if (nloc.d.ino == moved->vn.ino) { /* two names of one inode: nothing to do */
            vfs_vnode_put(&moved->vn);
            return 0;
        }
        err = iget(fs, nloc.d.ino, ndir, &victim);
        bool empty = true;
        if (!err && VFS_S_ISDIR(victim->vn.mode))
            err = dir_is_empty(fs, victim, &empty);
        if (!err && !empty)
            err = E(ENOTEMPTY);
        if (!err)
            err = dir_find(fs, ndir, nname, nlen, &nloc);
        if (!err)
            err = dir_set(fs, ndir, &nloc, (uint32_t)moved->vn.ino, ft_of(moved->vn.mode));
    } else if (err == E(ENOENT)) {
        if (moved_dir && odir != ndir && ndirv->nlink >= EXT2_LINK_MAX)
            err = E(EMLINK);
        else
            err = dir_add(fs, ndir, nname, nlen, (uint32_t)moved->vn.ino, ft_of(moved->vn.mode));
    }
    if (!err)
        err = barrier(fs); /* the new name is on disk before the old one goes */
    if (!err)
        err = dir_find(fs, odir, oname, olen, &oloc);
    if (!err)
        err = dir_del(fs, odir, &oloc);
    if (!err && victim)
        drop_link(fs, ndir, victim);
    if (!err && moved_dir && odir != ndir) {
        err = dir_set_dotdot(fs, moved, (uint32_t)ndirv->ino);
        if (odirv->nlink > 2)
            odirv->nlink--;
        ndirv->nlink++;
        vfs_vnode_get(ndirv);
        moved->parent = ndir;
        vfs_vnode_put(odirv);
    }
    if (!err) {
        touch_mc(odirv);
        touch_mc(ndirv);
        moved->vn.ctime = odirv->mtime;
    }
    int e = inode_store(fs, moved);
    err = err ? err : e;
    e = inode_store(fs, odir);
    err = err ? err : e;
    e = inode_store(fs, ndir);
    err = err ? err : e;
    if (victim) {
        e = inode_store(fs, victim);
        err = err ? err : e;
    }
    err = op_end(fs, err);
    if (victim)
        vfs_vnode_put(&victim->vn);
    vfs_vnode_put(&moved->vn);
    return err;
}

/* ---- regular files ------------------------------------------------------------------------ */

static int64_t ext2_read(vfs_vnode_t *vn, void *buf, size_t n, int64_t off)
{
    ext2_t *fs = fs_of(vn);
    ext2_inode_t *in = ei(vn);
    if (off >= vn->size)
        return 0;
    if ((uint64_t)(vn->size - off) < n)
        n = (size_t)(vn->size - off);
    forget_indirect(fs);
    uint8_t *dst = buf;
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        uint64_t lblk = pos >> fs->block_shift;
        size_t in_blk = pos & (fs->block_bytes - 1);
        size_t chunk = fs->block_bytes - in_blk;
        uint32_t pblk;
        uint64_t hole_end;
        err = bmap(fs, in, lblk, false, &pblk, &hole_end, NULL);
        if (err)
            break;
        if (!pblk) {
            uint64_t hole_bytes = (hole_end << fs->block_shift) - pos;
            chunk = hole_bytes < n - done ? (size_t)hole_bytes : n - done;
            memset(dst + done, 0, chunk);
        } else if (in_blk == 0 && chunk <= n - done) {
            err = blk_read(fs, pblk, dst + done);
        } else {
            if (chunk > n - done)
                chunk = n - done;
            err = blk_read(fs, pblk, fs->buf[B_DATA]);
            if (!err)
                memcpy(dst + done, fs->buf[B_DATA] + in_blk, chunk);
        }
        if (err)
            break;
        done += chunk;
    }
    if (done == 0 && err)
        return err;
    vn->atime = vfs_now(fs->fs.vfs);
    return (int64_t)done;
}

static void note_large_file(ext2_t *fs, int64_t size)
{
    uint32_t ro = ld32(fs->sb + SB_FEATURE_RO_COMPAT);
    if (size > INT32_MAX && !(ro & EXT2_RO_COMPAT_LARGE_FILE)) {
        st32(fs->sb + SB_FEATURE_RO_COMPAT, ro | EXT2_RO_COMPAT_LARGE_FILE);
        fs->sb_dirty = true;
    }
}

static int64_t ext2_write(vfs_vnode_t *vn, const void *buf, size_t n, int64_t off)
{
    ext2_t *fs = fs_of(vn);
    ext2_inode_t *in = ei(vn);
    if (fs->read_only)
        return E(EROFS);
    if (off >= fs->max_size_bytes)
        return E(EFBIG);
    if ((uint64_t)(fs->max_size_bytes - off) < n)
        n = (size_t)(fs->max_size_bytes - off);
    forget_indirect(fs);
    const uint8_t *src = buf;
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        size_t in_blk = pos & (fs->block_bytes - 1);
        size_t chunk = fs->block_bytes - in_blk;
        if (chunk > n - done)
            chunk = n - done;
        uint32_t pblk;
        uint64_t hole_end;
        bool fresh;
        err = bmap(fs, in, pos >> fs->block_shift, true, &pblk, &hole_end, &fresh);
        if (err)
            break;
        if (chunk == fs->block_bytes) {
            err = blk_write(fs, pblk, src + done);
        } else {
            uint8_t *b = fs->buf[B_DATA];
            if (fresh)
                memset(b, 0, fs->block_bytes);
            else
                err = blk_read(fs, pblk, b);
            if (!err) {
                memcpy(b + in_blk, src + done, chunk);
                err = blk_write(fs, pblk, b);
            }
        }
        if (err)
            break;
        done += chunk;
    }
    /* The data and the bitmaps reach the disk before the indirect blocks
     * and the inode that point at new blocks. */
    int e = publish(fs);
    if (done) {
        if (off + (int64_t)done > vn->size)
            vn->size = off + (int64_t)done;
        note_large_file(fs, vn->size);
        touch_mc(vn);
    }
    int e2 = inode_store(fs, in);
    e = op_end(fs, e ? e : e2);
    if (done == 0)
        return err ? err : e;
    return (int64_t)done;
}

static int ext2_truncate(vfs_vnode_t *vn, int64_t size)
{
    ext2_t *fs = fs_of(vn);
    ext2_inode_t *in = ei(vn);
    if (size == vn->size)
        return 0;
    if (fs->read_only)
        return E(EROFS);
    if (size > fs->max_size_bytes)
        return E(EFBIG);
    forget_indirect(fs);
    int err = 0;
    if (size < vn->size) {
        uint64_t keep = ((uint64_t)size + fs->block_bytes - 1) >> fs->block_shift;
        err = free_from(fs, in, keep);
        size_t tail = (size_t)size & (fs->block_bytes - 1);
        if (!err && tail) {
            uint32_t pblk;
            uint64_t hole_end;
            err = bmap(fs, in, (uint64_t)size >> fs->block_shift, false, &pblk, &hole_end, NULL);
            if (!err && pblk)
                err = blk_read(fs, pblk, fs->buf[B_DATA]);
            if (!err && pblk) {
                memset(fs->buf[B_DATA] + tail, 0, fs->block_bytes - tail);
                err = blk_write(fs, pblk, fs->buf[B_DATA]);
            }
        }
    }
    if (!err) {
        vn->size = size;
        note_large_file(fs, size);
        touch_mc(vn);
    }
    int e = inode_store(fs, in);
    return op_end(fs, err ? err : e);
}

/* SEEK_DATA / SEEK_HOLE at block granularity, skipping empty subtrees. */
static int64_t ext2_seek_data(vfs_vnode_t *vn, int64_t offset, int whence)
{
    ext2_t *fs = fs_of(vn);
    ext2_inode_t *in = ei(vn);
    bool want_data = whence == VFS_SEEK_DATA;
    uint64_t end = ((uint64_t)vn->size + fs->block_bytes - 1) >> fs->block_shift;
    uint64_t lblk = (uint64_t)offset >> fs->block_shift;
    forget_indirect(fs);
    while (lblk < end) {
        uint32_t pblk;
        uint64_t hole_end;
        int err = bmap(fs, in, lblk, false, &pblk, &hole_end, NULL);
        if (err)
            return err;
        if ((pblk != 0) == want_data) {
            int64_t at = (int64_t)(lblk << fs->block_shift);
            return at > offset ? at : offset;
        }
        lblk = pblk ? lblk + 1 : hole_end;
    }
    return want_data ? E(ENXIO) : vn->size;
}

/* ---- symlinks -------------------------------------------------------------------------------- */

static const char *ext2_readlink(vfs_vnode_t *vn, size_t *len)
{
    ext2_t *fs = fs_of(vn);
    ext2_inode_t *in = ei(vn);
    *len = (size_t)vn->size;
    if (is_fast_symlink(fs, in))
        return (const char *)in->raw + I_BLOCK;
    if (!in->link) {
        uint32_t pblk;
        uint64_t hole_end;
        forget_indirect(fs);
        char *text = vfs_alloc(fs->fs.vfs, fs->block_bytes);
        if (!text)
            goto fail;
        if (bmap(fs, in, 0, false, &pblk, &hole_end, NULL) || !pblk || blk_read(fs, pblk, text)) {
            vfs_free(fs->fs.vfs, text, fs->block_bytes);
            goto fail;
        }
        in->link = text;
    }
    return in->link;
fail:
    *len = 0; /* the VFS reads an empty target: ENOENT when followed */
    return "";
}

static const vfs_vnode_ops_t ext2_dir_ops = {
    .lookup = ext2_lookup,
    .parent = ext2_parent,
    .create = ext2_create,
    .link = ext2_link,
    .remove = ext2_remove,
    .rename = ext2_rename,
    .readdir = ext2_readdir,
    .inactive = ext2_inactive,
};

static const vfs_vnode_ops_t ext2_file_ops = {
    .read = ext2_read,
    .write = ext2_write,
    .truncate = ext2_truncate,
    .seek_data = ext2_seek_data,
    .inactive = ext2_inactive,
};

static const vfs_vnode_ops_t ext2_link_ops = {
    .readlink = ext2_readlink,
    .inactive = ext2_inactive,
};

static const vfs_vnode_ops_t ext2_special_ops = {
    .inactive = ext2_inactive,
};

/* ---- the file system
 * ----------------------------------------------------------------------------- */

int ext2_sync(vfs_fs_t *vfs_fs)
{
    ext2_t *fs = (ext2_t *)vfs_fs;
    if (fs->read_only)
        return 0;
    int err = 0;
    for (ext2_inode_t *in = fs->inodes; in; in = in->next) {
        int e = inode_store(fs, in);
        err = err ? err : e;
    }
    fs->sb_dirty = true;
    int e = commit(fs);
    err = err ? err : e;
    if (fs->dev.flush) {
        e = fs->dev.flush(fs->dev.ctx);
        err = err ? err : e;
    }
    return err;
}

/* The superblock says "not clean" again, on the disk before anything that
 * follows it (write_super does not come through blk_write). */
static int reopen_dirty(ext2_t *fs)
{
    fs->marked_clean = false;
    st16(fs->sb + SB_STATE, ld16(fs->sb + SB_STATE) & ~EXT2_STATE_VALID);
    int err = write_super(fs);
    if (!err)
        err = barrier(fs);
    return err ? fs_fail(fs, err, "write error at the superblock") : 0;
}

int ext2_mark_clean(vfs_fs_t *vfs_fs)
{
    ext2_t *fs = (ext2_t *)vfs_fs;
    if (fs->read_only || fs->marked_clean)
        return 0;
    if (ld32(fs->sb + SB_LAST_ORPHAN) || (ld16(fs->sb + SB_STATE) & EXT2_STATE_ERROR))
        return E(EBUSY); /* e2fsck must still see what the orphans hold, or the errors */
    int err = ext2_sync(vfs_fs);
    if (err)
        return err;
    st16(fs->sb + SB_STATE, ld16(fs->sb + SB_STATE) | EXT2_STATE_VALID);
    st32(fs->sb + SB_WTIME, (uint32_t)vfs_now(fs->fs.vfs).sec);
    err = write_super(fs);
    if (!err && fs->dev.flush)
        err = fs->dev.flush(fs->dev.ctx);
    if (err)
        return fs_fail(fs, err, "write error at the superblock");
    fs->marked_clean = true;
    return 0;
}

const char *ext2_error(vfs_fs_t *vfs_fs)
{
    return ((ext2_t *)vfs_fs)->error;
}

static void free_instance(ext2_t *fs)
{
    vfs_t *vfs = fs->fs.vfs;
    for (unsigned i = 0; i < N_BUF; i++)
        vfs_free(vfs, fs->buf[i], fs->block_bytes);
    vfs_free(vfs, fs->gd, (size_t)fs->desc_blocks * fs->block_bytes);
    vfs_free(vfs, fs->gd_dirty, fs->desc_blocks * sizeof(bool));
    vfs_free(vfs, fs, sizeof(*fs));
}

/* Unmount: every vnode but the root is gone (the VFS checked); write the
 * root, mark the file system clean (unless errors were found) and flush. */
static void ext2_destroy(vfs_fs_t *vfs_fs)
{
    ext2_t *fs = (ext2_t *)vfs_fs;
    while (fs->inodes) {
        ext2_inode_t *in = fs->inodes;
        if (in->vn.nlink == 0)
            inode_release(fs, in);
        else
            inode_store(fs, in);
        inode_free_mem(fs, in);
    }
    if (!fs->read_only) {
        uint32_t state = EXT2_STATE_VALID | (ld16(fs->sb + SB_STATE) & EXT2_STATE_ERROR);
        st16(fs->sb + SB_STATE, state);
        st32(fs->sb + SB_WTIME, (uint32_t)vfs_now(fs->fs.vfs).sec);
        fs->sb_dirty = true;
        commit(fs);
        if (fs->dev.flush)
            fs->dev.flush(fs->dev.ctx);
    }
    free_instance(fs);
}

static int ext2_statfs(vfs_fs_t *vfs_fs, struct vfs_statfs *st)
{
    ext2_t *fs = (ext2_t *)vfs_fs;
    /* Like Linux's ext2 (without minixdf): the fixed metadata is not counted. */
    uint64_t overhead = fs->first_data_block;
    uint32_t ro = ld32(fs->sb + SB_FEATURE_RO_COMPAT);
    for (uint32_t g = 0; g < fs->n_groups; g++) {
        bool has_super = g <= 1 || !(ro & EXT2_RO_COMPAT_SPARSE_SUPER);
        for (uint32_t b = 3; !has_super && b <= 7; b += 2) {
            uint64_t p = b;
            while (p < g)
                p *= b;
            has_super = p == g;
        }
        if (has_super)
            overhead += 1 + fs->desc_blocks;
        overhead += 2 + fs->itable_blocks;
    }
    uint64_t free_blocks = ld32(fs->sb + SB_FREE_BLOCKS),
             reserved = ld32(fs->sb + SB_R_BLOCKS_COUNT);
    st->type = EXT2_STATFS_MAGIC;
    st->bsize = st->frsize = fs->block_bytes;
    st->blocks = fs->blocks_count > overhead ? fs->blocks_count - overhead : 0;
    st->bfree = free_blocks;
    st->bavail = free_blocks > reserved ? free_blocks - reserved : 0;
    st->files = fs->inodes_count;
    st->ffree = ld32(fs->sb + SB_FREE_INODES);
    st->fsid = ld32(fs->sb + SB_UUID) ^ ld32(fs->sb + SB_UUID + 4) ^
               (uint64_t)(ld32(fs->sb + SB_UUID + 8) ^ ld32(fs->sb + SB_UUID + 12)) << 32;
    st->namelen = EXT2_NAME_MAX;
    st->flags = fs->read_only ? 1 : 0; /* ST_RDONLY */
    return 0;
}

static const vfs_fs_ops_t ext2_fs_ops = {.destroy = ext2_destroy, .statfs = ext2_statfs};

/* ---- mount: the checks
 * ----------------------------------------------------------------------------- */

typedef struct {
    uint32_t bit;
    const char *what;
} feature_t;

static const feature_t incompat_names[] = {
    {EXT2_INCOMPAT_COMPRESSION, "compression not supported"},
    {EXT2_INCOMPAT_RECOVER, "ext3 journal needs recovery (journal not supported)"},
    {EXT2_INCOMPAT_JOURNAL_DEV, "external journal device, not a file system"},
    {EXT2_INCOMPAT_META_BG, "meta_bg not supported"},
    {EXT2_INCOMPAT_EXTENTS, "ext4 extents not supported"},
    {EXT2_INCOMPAT_64BIT, "ext4 64bit not supported"},
    {EXT2_INCOMPAT_MMP, "multiple mount protection not supported"},
    {EXT2_INCOMPAT_FLEX_BG, "ext4 flex_bg not supported"},
    {EXT2_INCOMPAT_EA_INODE, "ext4 ea_inode not supported"},
    {EXT2_INCOMPAT_DIRDATA, "dirdata not supported"},
    {EXT2_INCOMPAT_CSUM_SEED, "ext4 metadata_csum_seed not supported"},
    {EXT2_INCOMPAT_LARGEDIR, "ext4 large_dir not supported"},
    {EXT2_INCOMPAT_INLINE_DATA, "ext4 inline_data not supported"},
    {EXT2_INCOMPAT_ENCRYPT, "ext4 encryption not supported"},
    {EXT2_INCOMPAT_CASEFOLD, "casefold not supported"},
};

static const feature_t ro_compat_names[] = {
    {EXT2_RO_COMPAT_HUGE_FILE, "ext4 huge_file not supported for writing"},
    {EXT2_RO_COMPAT_GDT_CSUM, "ext4 uninit_bg (gdt checksums) not supported for writing"},
    {EXT2_RO_COMPAT_DIR_NLINK, "ext4 dir_nlink not supported for writing"},
    {EXT2_RO_COMPAT_EXTRA_ISIZE, "ext4 extra_isize not supported for writing"},
    {EXT2_RO_COMPAT_QUOTA, "quota not supported for writing"},
    {EXT2_RO_COMPAT_BIGALLOC, "ext4 bigalloc not supported for writing"},
    {EXT2_RO_COMPAT_METADATA_CSUM, "ext4 metadata_csum not supported for writing"},
    {EXT2_RO_COMPAT_READONLY, "the file system is marked read-only"},
    {EXT2_RO_COMPAT_PROJECT, "project quota not supported for writing"},
    {EXT2_RO_COMPAT_VERITY, "verity not supported for writing"},
    {EXT2_RO_COMPAT_ORPHAN_PRESENT, "ext4 orphan file not supported for writing"},
};

static const feature_t compat_rw_names[] = {
    {EXT2_COMPAT_HAS_JOURNAL, "ext3 journal not supported for writing"},
    {EXT2_COMPAT_SPARSE_SUPER2, "sparse_super2 not supported for writing"},
    {EXT2_COMPAT_FAST_COMMIT, "ext4 fast_commit not supported for writing"},
    {EXT2_COMPAT_ORPHAN_FILE, "ext4 orphan file not supported for writing"},
};

#define SUPPORTED_INCOMPAT EXT2_INCOMPAT_FILETYPE
#define SUPPORTED_RO_COMPAT (EXT2_RO_COMPAT_SPARSE_SUPER | EXT2_RO_COMPAT_LARGE_FILE)

/* 0 if every bit of have is in ok; else the message of the lowest bad bit. */
static const char *bad_feature(uint32_t have, uint32_t ok, const feature_t *names, size_t n,
                               uint32_t *bit)
{
    uint32_t bad = have & ~ok;
    if (!bad)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (bad & names[i].bit) {
            *bit = names[i].bit;
            return names[i].what;
        }
    }
    *bit = bad & -bad;
    return "unknown feature";
}

/* Is [b, b + n) inside [lo, hi)? */
static bool in_range(uint64_t b, uint64_t n, uint64_t lo, uint64_t hi)
{
    return b >= lo && b + n <= hi && n <= hi - lo;
}

static int check_super(ext2_t *fs, unsigned flags, char *msg, size_t msg_bytes)
{
    const uint8_t *sb = fs->sb;
    if (ld16(sb + SB_MAGIC) != EXT2_MAGIC) {
        fmt(msg, msg_bytes, "not an ext2 file system (magic 0x%x, want 0xef53)",
            ld16(sb + SB_MAGIC));
        return E(EINVAL);
    }
    uint32_t rev = ld32(sb + SB_REV_LEVEL);
    if (rev > 1) {
        fmt(msg, msg_bytes, "revision %u not supported (0 or 1)", rev);
        return E(EINVAL);
    }
    uint32_t log = ld32(sb + SB_LOG_BLOCK_SIZE);
    if (log > 2) {
        fmt(msg, msg_bytes, "block size 2^(10+%u) not supported (1024 to 4096 bytes)", log);
        return E(EINVAL);
    }
    fs->block_shift = 10 + log;
    fs->block_bytes = 1u << fs->block_shift;
    if (ld32(sb + SB_LOG_CLUSTER_SIZE) != log) {
        fmt(msg, msg_bytes, "fragment/cluster size differs from the block size (not supported)");
        return E(EINVAL);
    }
    if (rev >= 1) {
        uint32_t incompat = ld32(sb + SB_FEATURE_INCOMPAT);
        uint32_t ro = ld32(sb + SB_FEATURE_RO_COMPAT);
        uint32_t compat = ld32(sb + SB_FEATURE_COMPAT);
        uint32_t bit;
        const char *why = bad_feature(incompat, SUPPORTED_INCOMPAT, incompat_names,
                                      sizeof(incompat_names) / sizeof(incompat_names[0]), &bit);
        if (why) {
            fmt(msg, msg_bytes, "%s (incompat feature 0x%x)", why, bit);
            return E(EINVAL);
        }
        if (!(flags & EXT2_MOUNT_READ_ONLY)) {
            why = bad_feature(ro, SUPPORTED_RO_COMPAT, ro_compat_names,
                              sizeof(ro_compat_names) / sizeof(ro_compat_names[0]), &bit);
            if (why) {
                fmt(msg, msg_bytes, "%s (ro_compat feature 0x%x); mount read-only", why, bit);
                return E(EROFS);
            }
            why = bad_feature(compat,
                              ~(uint32_t)(EXT2_COMPAT_HAS_JOURNAL | EXT2_COMPAT_SPARSE_SUPER2 |
                                          EXT2_COMPAT_FAST_COMMIT | EXT2_COMPAT_ORPHAN_FILE),
                              compat_rw_names, sizeof(compat_rw_names) / sizeof(compat_rw_names[0]),
                              &bit);
            if (why) {
                fmt(msg, msg_bytes, "%s (compat feature 0x%x); mount read-only", why, bit);
                return E(EROFS);
            }
        }
        fs->filetype = incompat & EXT2_INCOMPAT_FILETYPE;
        fs->features_ro_compat = ro;
        fs->inode_bytes = ld16(sb + SB_INODE_SIZE);
        fs->first_ino = ld32(sb + SB_FIRST_INO);
    } else {
        fs->inode_bytes = EXT2_GOOD_OLD_INODE_BYTES;
        fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    }
    uint32_t isz = fs->inode_bytes;
    if (isz < EXT2_GOOD_OLD_INODE_BYTES || isz > fs->block_bytes || (isz & (isz - 1))) {
        fmt(msg, msg_bytes, "bad inode size %u (a power of two from 128 to the block size)", isz);
        return E(EINVAL);
    }
    fs->blocks_count = ld32(sb + SB_BLOCKS_COUNT);
    fs->first_data_block = ld32(sb + SB_FIRST_DATA_BLOCK);
    fs->blocks_per_group = ld32(sb + SB_BLOCKS_PER_GROUP);
    fs->inodes_per_group = ld32(sb + SB_INODES_PER_GROUP);
    fs->inodes_count = ld32(sb + SB_INODES_COUNT);
    uint32_t bits = 8 * fs->block_bytes;
    if (fs->first_data_block != (fs->block_bytes == 1024 ? 1u : 0u)) {
        fmt(msg, msg_bytes, "bad first data block %u for %u-byte blocks", fs->first_data_block,
            fs->block_bytes);
        return E(EINVAL);
    }
    if (fs->blocks_per_group == 0 || fs->blocks_per_group > bits || fs->blocks_per_group % 8) {
        fmt(msg, msg_bytes, "bad blocks per group %u (1 to %u, a multiple of 8)",
            fs->blocks_per_group, bits);
        return E(EINVAL);
    }
    if (fs->inodes_per_group == 0 || fs->inodes_per_group > bits ||
        ((uint64_t)fs->inodes_per_group * isz) % fs->block_bytes) {
        fmt(msg, msg_bytes, "bad inodes per group %u", fs->inodes_per_group);
        return E(EINVAL);
    }
    uint64_t dev_blocks = fs->dev.n_sectors * fs->dev.sector_bytes / fs->block_bytes;
    if (fs->blocks_count <= fs->first_data_block + 1 || fs->blocks_count > dev_blocks) {
        fmt(msg, msg_bytes, "bad block count %u (the device has %U blocks)", fs->blocks_count,
            dev_blocks);
        return E(EINVAL);
    }
    fs->n_groups =
        (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) / fs->blocks_per_group;
    if ((uint64_t)fs->n_groups * fs->inodes_per_group != fs->inodes_count) {
        fmt(msg, msg_bytes, "inode count %u is not %u groups of %u", fs->inodes_count, fs->n_groups,
            fs->inodes_per_group);
        return E(EINVAL);
    }
    if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO || fs->first_ino >= fs->inodes_count) {
        fmt(msg, msg_bytes, "bad first inode %u", fs->first_ino);
        return E(EINVAL);
    }
    if (ld32(sb + SB_FREE_BLOCKS) > fs->blocks_count ||
        ld32(sb + SB_FREE_INODES) > fs->inodes_count ||
        ld32(sb + SB_R_BLOCKS_COUNT) > fs->blocks_count) {
        fmt(msg, msg_bytes, "free or reserved counts exceed the totals");
        return E(EINVAL);
    }
    fs->desc_blocks = (fs->n_groups * EXT2_DESC_BYTES + fs->block_bytes - 1) / fs->block_bytes;
    fs->itable_blocks = (uint32_t)((uint64_t)fs->inodes_per_group * isz / fs->block_bytes);
    fs->ptrs_per_block = fs->block_bytes / 4;
    /* Largest file: the block tree's reach, and i_blocks (32 bits of 512-byte
     * units) covering the data plus the indirect blocks a full tree needs. */
    uint64_t p = fs->ptrs_per_block;
    uint64_t reach = EXT2_N_DIRECT + p + p * p + p * p * p;
    uint64_t meta = 1 + (1 + p) + (1 + p + p * p);
    uint64_t by_iblocks = (((uint64_t)1 << 32) - 1) / (fs->block_bytes / 512) - meta;
    uint64_t max_blocks = reach < by_iblocks ? reach : by_iblocks;
    fs->max_size_bytes = (int64_t)(max_blocks << fs->block_shift);
    if (!(fs->features_ro_compat & EXT2_RO_COMPAT_LARGE_FILE) && rev == 0)
        fs->max_size_bytes = INT32_MAX;
    uint16_t want = ld16(sb + SB_WANT_EXTRA_ISIZE);
    fs->extra_isize = (want >= 4 && want % 4 == 0 && EXT2_GOOD_OLD_INODE_BYTES + want <= isz)
                          ? want
                          : (isz >= 160 ? 32 : 0);
    return 0;
}

static int check_groups(ext2_t *fs, char *msg, size_t msg_bytes)
{
    uint64_t free_blocks = 0, free_inodes = 0;
    uint32_t ro = fs->features_ro_compat;
    uint32_t reserved_gdt = ld16(fs->sb + SB_RESERVED_GDT_BLOCKS);
    for (uint32_t g = 0; g < fs->n_groups; g++) {
        const uint8_t *d = gd_of(fs, g);
        uint32_t lo = group_first_block(fs, g), hi = lo + group_n_blocks(fs, g);
        bool has_super = g <= 1 || !(ro & EXT2_RO_COMPAT_SPARSE_SUPER);
        for (uint32_t b = 3; !has_super && b <= 7; b += 2) {
            uint64_t pw = b;
            while (pw < g)
                pw *= b;
            has_super = pw == g;
        }
        uint32_t meta_end = lo + (has_super ? 1 + fs->desc_blocks + reserved_gdt : 0);
        uint32_t bb = ld32(d + GD_BLOCK_BITMAP), ib = ld32(d + GD_INODE_BITMAP);
        uint32_t it = ld32(d + GD_INODE_TABLE);
        if (!in_range(bb, 1, meta_end, hi) || !in_range(ib, 1, meta_end, hi) ||
            !in_range(it, fs->itable_blocks, meta_end, hi) || bb == ib ||
            (bb >= it && bb - it < fs->itable_blocks) ||
            (ib >= it && ib - it < fs->itable_blocks)) {
            fmt(msg, msg_bytes,
                "group %u: bitmaps (%u, %u) or inode table (%u, %u blocks) outside the group's "
                "blocks %u..%u or overlapping",
                g, bb, ib, it, fs->itable_blocks, meta_end, hi - 1);
            return E(EINVAL);
        }
        uint32_t fb = ld16(d + GD_FREE_BLOCKS), fi = ld16(d + GD_FREE_INODES);
        if (fb > hi - lo || fi > fs->inodes_per_group ||
            ld16(d + GD_USED_DIRS) > fs->inodes_per_group) {
            fmt(msg, msg_bytes, "group %u: counts out of range (free blocks %u, free inodes %u)", g,
                fb, fi);
            return E(EINVAL);
        }
        free_blocks += fb;
        free_inodes += fi;
    }
    /* The descriptors are the truth (Linux sums them too). */
    st32(fs->sb + SB_FREE_BLOCKS, (uint32_t)free_blocks);
    st32(fs->sb + SB_FREE_INODES, (uint32_t)free_inodes);
    return 0;
}

ext2_mount_ret_t ext2_mount(vfs_t *vfs, const vfs_blockdev_t *dev, unsigned flags, char *msg,
                            size_t msg_bytes)
{
    char dummy[8];
    if (!msg || msg_bytes == 0)
        msg = dummy, msg_bytes = sizeof(dummy);
    msg[0] = 0;
    ext2_mount_ret_t ret = {E(EINVAL), NULL};
    uint32_t ss = dev->sector_bytes;
    if (ss < 512 || ss > EXT2_SUPER_OFFSET || (ss & (ss - 1)) || !dev->read || !dev->write) {
        fmt(msg, msg_bytes, "unsupported device (sector size %u)", ss);
        return ret;
    }
    if (dev->read_only && !(flags & EXT2_MOUNT_READ_ONLY)) {
        fmt(msg, msg_bytes, "the device is read-only; mount read-only");
        ret.err = E(EROFS);
        return ret;
    }
    if (dev->n_sectors * ss < 2 * EXT2_SUPER_OFFSET) {
        fmt(msg, msg_bytes, "device too small for a superblock");
        return ret;
    }
    ext2_t *fs = vfs_alloc(vfs, sizeof(*fs));
    if (!fs) {
        ret.err = E(ENOMEM);
        return ret;
    }
    memset(fs, 0, sizeof(*fs));
    fs->fs.ops = &ext2_fs_ops;
    fs->fs.vfs = vfs;
    fs->dev = *dev;
    fs->read_only = flags & EXT2_MOUNT_READ_ONLY;
    int err = super_io(dev, fs->sb, false);
    if (err) {
        fmt(msg, msg_bytes, "read error at the superblock");
        vfs_free(vfs, fs, sizeof(*fs));
        ret.err = err;
        return ret;
    }
    err = check_super(fs, flags, msg, msg_bytes);
    if (err) {
        vfs_free(vfs, fs, sizeof(*fs));
        ret.err = err;
        return ret;
    }
    fs->sectors_per_block = fs->block_bytes / ss;
    fs->gd = vfs_alloc(vfs, (size_t)fs->desc_blocks * fs->block_bytes);
    fs->gd_dirty = vfs_alloc(vfs, fs->desc_blocks * sizeof(bool));
    bool ok = fs->gd && fs->gd_dirty;
    for (unsigned i = 0; i < N_BUF; i++)
        ok = (fs->buf[i] = vfs_alloc(vfs, fs->block_bytes)) && ok;
    if (!ok) {
        free_instance(fs);
        ret.err = E(ENOMEM);
        return ret;
    }
    memset(fs->gd_dirty, 0, fs->desc_blocks * sizeof(bool));
    memset(fs->buf[B_ZERO], 0, fs->block_bytes);
    for (uint32_t i = 0; i < fs->desc_blocks && !err; i++)
        err = blk_read(fs, fs->first_data_block + 1 + i, fs->gd + (size_t)i * fs->block_bytes);
    if (err) {
        fmt(msg, msg_bytes, "read error in the group descriptors");
    } else {
        err = check_groups(fs, msg, msg_bytes);
    }
    uint32_t state = ld16(fs->sb + SB_STATE);
    if (!err && !fs->read_only && !(flags & EXT2_MOUNT_FORCE)) {
        if (state & EXT2_STATE_ERROR) {
            fmt(msg, msg_bytes, "the file system has errors: run e2fsck (or mount read-only)");
            err = E(EINVAL);
        } else if (!(state & EXT2_STATE_VALID)) {
            fmt(msg, msg_bytes,
                "the file system was not cleanly unmounted: run e2fsck (or mount "
                "read-only)");
            err = E(EINVAL);
        } else if (ld32(fs->sb + SB_LAST_ORPHAN)) {
            fmt(msg, msg_bytes, "the file system has orphan inodes: run e2fsck");
            err = E(EINVAL);
        }
    }
    if (!err && !fs->read_only && (flags & EXT2_MOUNT_FORCE) && ld32(fs->sb + SB_LAST_ORPHAN)) {
        /* Forced over a crash: the orphan chain cannot be trusted; e2fsck frees them. */
        st32(fs->sb + SB_LAST_ORPHAN, 0);
    }
    fs->next_generation = ld32(fs->sb + SB_WTIME) ^ ld32(fs->sb + SB_MTIME);
    ext2_inode_t *root = NULL;
    if (!err) {
        err = iget(fs, EXT2_ROOT_INO, NULL, &root);
        if (err)
            fmt(msg, msg_bytes, "bad root directory: %s", fs->error);
    }
    if (!err && !fs->read_only) {
        st16(fs->sb + SB_STATE, state & ~EXT2_STATE_VALID);
        st16(fs->sb + SB_MNT_COUNT, ld16(fs->sb + SB_MNT_COUNT) + 1u);
        st32(fs->sb + SB_MTIME, (uint32_t)vfs_now(vfs).sec);
        err = write_super(fs);
        if (!err && fs->dev.flush)
            err = fs->dev.flush(fs->dev.ctx);
        if (err)
            fmt(msg, msg_bytes, "write error at the superblock");
    }
    if (err) {
        if (root)
            inode_free_mem(fs, root);
        free_instance(fs);
        ret.err = err;
        return ret;
    }
    fs->error[0] = 0;
    fs->fs.root = &root->vn;
    fs->fs.dev = vfs_new_dev(vfs);
    ret.err = 0;
    ret.fs = &fs->fs;
    return ret;
}
