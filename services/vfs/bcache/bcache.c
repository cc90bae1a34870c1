// SPDX-License-Identifier: BSD-2-Clause
/* The block cache: 4 KiB pages of a vfs_blockdev_t, write-back, LRU, with
 * barriers; itself a vfs_blockdev_t (<kaal/bcache.h>).
 *
 * Model. Page p holds device bytes [p * 4096, p * 4096 + 4096) (the last
 * page of a device whose size is not a multiple of 4 KiB is partly beyond
 * the end: those bytes read as zeros and are never written). Within a page
 * two masks of 512-byte units say which bytes are valid (equal to the
 * device or newer) and dirty (newer). Every page in use is on the LRU list
 * (head: most recent) and in the hash table; a dirty page is also on the
 * dirty list, a FIFO in the order pages became dirty.
 *
 * Ordering. The cache counts epochs; kaal_bcache_barrier() starts a new
 * one if anything was written in the current one. A page becoming dirty
 * takes the current epoch and goes to the tail of the dirty list, so the
 * list is sorted by epoch, and write-back always takes its head: writes
 * leave in epoch order. Before the first write of a newer epoch reaches
 * the device, the device is flushed. A write to a page that is still dirty
 * from an older epoch would mix two epochs in one page, so that page (and,
 * by the FIFO, everything older) is written back first.
 *
 * Invariants: a dirty unit is valid; a dirty unit's whole device sector is
 * dirty (so write-back sends whole device sectors: a write covering part
 * of a bigger device sector reads the page first); dirty pages' epochs are
 * non-decreasing along the dirty list; every device write of epoch e is
 * issued after every write of an older epoch was issued and flushed.
 *
 * Read-ahead: one sequential stream is followed at page granularity. Each
 * read of the page after the last one read doubles the window (up to
 * readahead_pages). A missing page is read with the next window's pages in
 * one device request (into the read-ahead buffer); a cached one starts the
 * next window's request once half of what was read ahead is consumed.
 * Read-ahead takes only free or clean pages (it never writes anything
 * back), and a failure in its part of a request costs only the read-ahead.
 * Any other access ends the stream.
 *
 * Write-back clusters: a wholly dirty page goes out in one request with its
 * wholly dirty neighbours of the same epoch, as many as the read-ahead
 * buffer holds (copied there), so a sequential writer costs few requests. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/bcache.h>
#include <kaal/linux_errno.h>
#include <kaal/string.h>

#define PAGE KAAL_BCACHE_PAGE_BYTES
#define UNIT 512u
#define UNITS (PAGE / UNIT) /* per page: 8, one bit each in the masks */
#define FULL ((uint8_t)0xff)
#define MAX_READAHEAD 256u

typedef struct page page_t;

struct page {
    uint64_t index; /* page number on the device */
    uint64_t epoch; /* when it became dirty */
    uint8_t *data;  /* PAGE bytes in the arena */
    page_t *lru_prev, *lru_next;
    page_t *dirty_prev, *dirty_next;
    page_t *hash_next;    /* bucket chain; also the free list */
    uint8_t valid, dirty; /* masks of 512-byte units */
};

struct kaal_bcache {
    vfs_blockdev_t dev; /* the device below */
    vfs_allocator_t alloc;
    bool owns_arena;
    void *arena;
    size_t arena_bytes;
    uint32_t n_pages, ra_max, up_sector_bytes;
    uint32_t dev_units; /* 512-byte units per device sector */
    uint64_t dev_bytes, up_n_sectors;
    page_t *pages;
    page_t **hash;
    uint32_t hash_bits;
    page_t *free_list;
    page_t lru, dirty; /* list heads (sentinels) */
    uint32_t n_dirty;
    uint64_t epoch;        /* the current epoch */
    bool epoch_written;    /* a page became dirty in the current epoch */
    uint64_t issued_epoch; /* epoch of the last write sent to the device */
    bool unflushed;        /* writes were sent since the last device flush */
    uint8_t *ra_buf;       /* (ra_max + 1) pages */
    bool have_last;
    uint64_t last_page, ra_end; /* the stream: last page read, first page not read ahead */
    uint32_t ra_window;
    kaal_bcache_stats_t st;
};

/* ---- lists and lookup ------------------------------------------------------- */

static void lru_unlink(page_t *pg)
{
    pg->lru_prev->lru_next = pg->lru_next;
    pg->lru_next->lru_prev = pg->lru_prev;
}

static void lru_push_head(kaal_bcache_t *c, page_t *pg)
{
    pg->lru_next = c->lru.lru_next;
    pg->lru_prev = &c->lru;
    c->lru.lru_next->lru_prev = pg;
    c->lru.lru_next = pg;
}

static void dirty_unlink(kaal_bcache_t *c, page_t *pg)
{
    pg->dirty_prev->dirty_next = pg->dirty_next;
    pg->dirty_next->dirty_prev = pg->dirty_prev;
    pg->dirty = 0;
    c->n_dirty--;
}

static void dirty_push_tail(kaal_bcache_t *c, page_t *pg)
{
    pg->dirty_prev = c->dirty.dirty_prev;
    pg->dirty_next = &c->dirty;
    c->dirty.dirty_prev->dirty_next = pg;
    c->dirty.dirty_prev = pg;
    pg->epoch = c->epoch;
    c->n_dirty++;
}

static uint32_t bucket(const kaal_bcache_t *c, uint64_t index)
{
    return (uint32_t)((index * 0x9E3779B97F4A7C15ull) >> (64 - c->hash_bits));
}

static page_t *lookup(const kaal_bcache_t *c, uint64_t index)
{
    for (page_t *pg = c->hash[bucket(c, index)]; pg; pg = pg->hash_next)
        if (pg->index == index)
            return pg;
    return NULL;
}

static void hash_remove(kaal_bcache_t *c, page_t *pg)
{
    page_t **at = &c->hash[bucket(c, pg->index)];
    while (*at != pg)
        at = &(*at)->hash_next;
    *at = pg->hash_next;
}

/* A page not dirty back to the free list. */
static void release(kaal_bcache_t *c, page_t *pg)
{
    hash_remove(c, pg);
    lru_unlink(pg);
    pg->valid = 0;
    pg->hash_next = c->free_list;
    c->free_list = pg;
}

/* ---- the device ------------------------------------------------------------- */

/* 512-byte units of page p that lie on the device (8 but for the last page). */
static uint32_t units_on_dev(const kaal_bcache_t *c, uint64_t p)
{
    uint64_t left = c->dev_bytes - p * PAGE;
    return left >= PAGE ? UNITS : (uint32_t)(left / UNIT);
}

static uint8_t mask_of(uint32_t first, uint32_t n)
{
    return (uint8_t)(((1u << n) - 1u) << first);
}

static int dev_flush(kaal_bcache_t *c)
{
    if (!c->unflushed)
        return 0;
    if (c->dev.flush) {
        c->st.dev_flushes++;
        int err = c->dev.flush(c->dev.ctx);
        if (err)
            return err;
    }
    c->unflushed = false;
    return 0;
}

/* Sends bytes [pos, pos + n_bytes) of the device, of epoch, from buf. */
static int dev_write(kaal_bcache_t *c, uint64_t epoch, uint64_t pos, uint64_t n_bytes,
                     const uint8_t *buf)
{
    if (c->unflushed && c->issued_epoch < epoch) {
        int err = dev_flush(c);
        if (err)
            return err;
    }
    uint32_t sector_bytes = c->dev_units * UNIT;
    c->st.dev_writes++;
    c->unflushed = true;
    c->issued_epoch = epoch;
    return c->dev.write(c->dev.ctx, pos / sector_bytes, (uint32_t)(n_bytes / sector_bytes), buf);
}

static bool clusters_with(const kaal_bcache_t *c, const page_t *q, uint64_t epoch)
{
    return q && q->dirty == FULL && q->epoch == epoch && units_on_dev(c, q->index) == UNITS;
}

/* Writes pg, wholly dirty, in one request with its wholly dirty neighbours
 * of the same epoch (as many as the read-ahead buffer holds); false if it
 * has none. */
static bool writeback_cluster(kaal_bcache_t *c, page_t *pg, int *err)
{
    uint32_t max = c->ra_max + 1;
    if (max < 2 || !clusters_with(c, pg, pg->epoch))
        return false;
    uint64_t first = pg->index, last = pg->index;
    while (last - first + 1 < max && clusters_with(c, lookup(c, last + 1), pg->epoch))
        last++;
    while (last - first + 1 < max && first > 0 && clusters_with(c, lookup(c, first - 1), pg->epoch))
        first--;
    if (first == last)
        return false;
    for (uint64_t q = first; q <= last; q++)
        memcpy(c->ra_buf + (size_t)(q - first) * PAGE, lookup(c, q)->data, PAGE);
    *err = dev_write(c, pg->epoch, first * PAGE, (last - first + 1) * PAGE, c->ra_buf);
    if (!*err)
        for (uint64_t q = first; q <= last; q++)
            dirty_unlink(c, lookup(c, q));
    return true;
}

/* Writes the dirty runs of pg; on failure pg stays dirty. */
static int writeback_page(kaal_bcache_t *c, page_t *pg)
{
    int err;
    if (writeback_cluster(c, pg, &err))
        return err;
    uint32_t u = 0;
    while (u < UNITS) {
        if (!(pg->dirty & (1u << u))) {
            u++;
            continue;
        }
        uint32_t end = u;
        while (end < UNITS && (pg->dirty & (1u << end)))
            end++;
        err = dev_write(c, pg->epoch, pg->index * PAGE + u * UNIT, (end - u) * UNIT,
                        pg->data + u * UNIT);
        if (err)
            return err;
        u = end;
    }
    dirty_unlink(c, pg);
    return 0;
}

/* Writes back from the head of the dirty list until pg is clean. */
static int writeback_through(kaal_bcache_t *c, page_t *pg)
{
    while (pg->dirty) {
        int err = writeback_page(c, c->dirty.dirty_next);
        if (err)
            return err;
    }
    return 0;
}

static int writeback_all(kaal_bcache_t *c)
{
    while (c->dirty.dirty_next != &c->dirty) {
        int err = writeback_page(c, c->dirty.dirty_next);
        if (err)
            return err;
    }
    return 0;
}

/* Reads pages [p, p + n) of the device (clipped to its end) into buf. */
static int dev_read_pages(kaal_bcache_t *c, uint64_t p, uint32_t n, uint8_t *buf)
{
    uint64_t bytes = (uint64_t)(n - 1) * PAGE + units_on_dev(c, p + n - 1) * UNIT;
    uint32_t sector_bytes = c->dev_units * UNIT;
    c->st.dev_reads++;
    int err =
        c->dev.read(c->dev.ctx, p * PAGE / sector_bytes, (uint32_t)(bytes / sector_bytes), buf);
    if (!err && bytes < (uint64_t)n * PAGE)
        memset(buf + bytes, 0, (size_t)((uint64_t)n * PAGE - bytes));
    return err;
}

/* Brings the invalid units of pg in from the device, keeping the valid ones. */
static int fill(kaal_bcache_t *c, page_t *pg)
{
    if (pg->valid == FULL)
        return 0;
    int err = dev_read_pages(c, pg->index, 1, c->ra_buf);
    if (err)
        return err;
    for (uint32_t u = 0; u < UNITS; u++)
        if (!(pg->valid & (1u << u)))
            memcpy(pg->data + u * UNIT, c->ra_buf + u * UNIT, UNIT);
    pg->valid = FULL;
    return 0;
}

/* ---- pages ------------------------------------------------------------------ */

static page_t *take(kaal_bcache_t *c, uint64_t index)
{
    page_t *pg = c->free_list;
    c->free_list = pg->hash_next;
    pg->index = index;
    pg->valid = pg->dirty = 0;
    uint32_t b = bucket(c, index);
    pg->hash_next = c->hash[b];
    c->hash[b] = pg;
    lru_push_head(c, pg);
    return pg;
}

/* A page for index not in the cache, evicting the least recently used one
 * (written back first if dirty, unless clean_only: then NULL). */
static int alloc_page(kaal_bcache_t *c, uint64_t index, bool clean_only, page_t **out)
{
    *out = NULL;
    if (!c->free_list) {
        page_t *victim = c->lru.lru_prev;
        if (victim->dirty) {
            if (clean_only)
                return 0;
            int err = writeback_through(c, victim);
            if (err)
                return err;
        }
        release(c, victim);
        c->st.evictions++;
    }
    *out = take(c, index);
    return 0;
}

/* The cached page for index, most recently used now, or a new empty one. */
static int get_page(kaal_bcache_t *c, uint64_t index, page_t **out)
{
    page_t *pg = lookup(c, index);
    if (pg) {
        lru_unlink(pg);
        lru_push_head(c, pg);
        *out = pg;
        return 0;
    }
    return alloc_page(c, index, false, out);
}

/* Reads page p (a miss) and, for a sequential reader, the missing pages of
 * the window after it, in one device request. */
static int read_miss(kaal_bcache_t *c, page_t *pg, uint32_t ahead)
{
    if (pg->valid || pg->dirty || ahead == 0) {
        int err = fill(c, pg);
        if (err && !pg->valid && !pg->dirty)
            release(c, pg);
        return err;
    }
    uint64_t n_dev_pages = (c->dev_bytes + PAGE - 1) / PAGE;
    page_t *run[MAX_READAHEAD + 1];
    uint32_t n = 0;
    run[n++] = pg;
    for (uint64_t q = pg->index + 1; n <= ahead && q < n_dev_pages && !lookup(c, q); q++) {
        page_t *np;
        alloc_page(c, q, true, &np);
        if (!np)
            break;
        run[n++] = np;
    }
    int err = dev_read_pages(c, pg->index, n, c->ra_buf);
    if (err) {
        /* The read-ahead part may be what failed: the page alone decides. */
        for (uint32_t i = 1; i < n; i++)
            release(c, run[i]);
        err = n > 1 ? fill(c, pg) : err;
        if (err)
            release(c, pg);
        return err;
    }
    for (uint32_t i = 0; i < n; i++) {
        memcpy(run[i]->data, c->ra_buf + (size_t)i * PAGE, PAGE);
        run[i]->valid = FULL;
    }
    c->st.readahead_pages += n - 1;
    c->ra_end = pg->index + n;
    return 0;
}

/* Follows the sequential stream; returns how many pages to read ahead of p
 * if p is missing (and reads ahead now if p is cached but the window is not). */
static uint32_t stream(kaal_bcache_t *c, uint64_t p, bool cached)
{
    if (c->ra_max == 0)
        return 0;
    if (c->have_last && p == c->last_page)
        return 0;
    bool seq = c->have_last && p == c->last_page + 1;
    c->have_last = true;
    c->last_page = p;
    if (!seq) {
        c->ra_window = 0;
        c->ra_end = p + 1;
        return 0;
    }
    c->ra_window = c->ra_window ? c->ra_window * 2 : 2;
    if (c->ra_window > c->ra_max)
        c->ra_window = c->ra_max;
    if (c->ra_end < p + 1)
        c->ra_end = p + 1;
    if (!cached)
        return c->ra_window;
    /* Cached: once half of what was read ahead is consumed, read the next
     * window (so at most 1.5 windows are ahead of the reader). */
    if (c->ra_end <= p + 1 + c->ra_window / 2) {
        uint64_t n_dev_pages = (c->dev_bytes + PAGE - 1) / PAGE;
        uint64_t q = c->ra_end;
        if (q < n_dev_pages && !lookup(c, q)) {
            page_t *np;
            alloc_page(c, q, true, &np);
            if (np && !read_miss(c, np, c->ra_window - 1))
                c->st.readahead_pages++;
        }
    }
    return 0;
}

/* ---- the block-device interface -------------------------------------------- */

static bool in_range(const kaal_bcache_t *c, uint64_t sector, uint32_t n)
{
    return n > 0 && sector < c->up_n_sectors && n <= c->up_n_sectors - sector;
}

static int cache_read(void *ctx, uint64_t sector, uint32_t n, void *buf)
{
    kaal_bcache_t *c = ctx;
    if (!in_range(c, sector, n))
        return -LINUX_EINVAL;
    uint64_t pos = sector * c->up_sector_bytes, end = pos + (uint64_t)n * c->up_sector_bytes;
    uint8_t *dst = buf;
    while (pos < end) {
        uint64_t p = pos / PAGE;
        uint32_t off = (uint32_t)(pos % PAGE);
        uint32_t chunk = end - pos < PAGE - off ? (uint32_t)(end - pos) : PAGE - off;
        uint8_t need = mask_of(off / UNIT, chunk / UNIT);
        page_t *pg = lookup(c, p);
        if (pg && (pg->valid & need) == need) {
            c->st.hits++;
            lru_unlink(pg);
            lru_push_head(c, pg);
            stream(c, p, true);
        } else {
            c->st.misses++;
            uint32_t ahead = stream(c, p, false);
            int err = get_page(c, p, &pg);
            if (!err)
                err = read_miss(c, pg, ahead);
            if (err)
                return err;
        }
        memcpy(dst, pg->data + off, chunk);
        dst += chunk;
        pos += chunk;
    }
    return 0;
}

static int cache_write(void *ctx, uint64_t sector, uint32_t n, const void *buf)
{
    kaal_bcache_t *c = ctx;
    if (c->dev.read_only)
        return -LINUX_EROFS;
    if (!in_range(c, sector, n))
        return -LINUX_EINVAL;
    uint64_t pos = sector * c->up_sector_bytes, end = pos + (uint64_t)n * c->up_sector_bytes;
    const uint8_t *src = buf;
    while (pos < end) {
        uint64_t p = pos / PAGE;
        uint32_t off = (uint32_t)(pos % PAGE);
        uint32_t chunk = end - pos < PAGE - off ? (uint32_t)(end - pos) : PAGE - off;
        uint8_t w = mask_of(off / UNIT, chunk / UNIT);
        /* The written units widened to whole device sectors. */
        uint8_t sectors = 0;
        for (uint32_t u = 0; u < UNITS; u += c->dev_units) {
            uint8_t s = mask_of(u, c->dev_units);
            if (w & s)
                sectors |= s;
        }
        page_t *pg = lookup(c, p);
        if (pg)
            c->st.hits++;
        else
            c->st.misses++;
        int err = get_page(c, p, &pg);
        if (err)
            return err;
        if (pg->dirty && pg->epoch < c->epoch) {
            c->st.barrier_writebacks++;
            err = writeback_through(c, pg);
        }
        /* Device sectors only partly written must be read first. */
        if (!err && (sectors & ~w & ~pg->valid))
            err = fill(c, pg);
        if (err) {
            if (!pg->valid && !pg->dirty)
                release(c, pg);
            return err;
        }
        memcpy(pg->data + off, src, chunk);
        pg->valid |= w;
        if (!pg->dirty)
            dirty_push_tail(c, pg);
        pg->dirty |= sectors;
        c->epoch_written = true;
        src += chunk;
        pos += chunk;
    }
    return 0;
}

int kaal_bcache_barrier(kaal_bcache_t *c)
{
    if (c->epoch_written) {
        c->epoch++;
        c->epoch_written = false;
    }
    return 0;
}

int kaal_bcache_sync(kaal_bcache_t *c)
{
    int err = writeback_all(c);
    if (!err)
        err = dev_flush(c);
    /* The flush ordered everything; a new epoch keeps what follows after it. */
    kaal_bcache_barrier(c);
    return err;
}

int kaal_bcache_drop(kaal_bcache_t *c)
{
    int err = kaal_bcache_sync(c);
    for (page_t *pg = c->lru.lru_next, *next; pg != &c->lru; pg = next) {
        next = pg->lru_next;
        if (!pg->dirty)
            release(c, pg);
    }
    c->have_last = false;
    return err;
}

static int cache_flush(void *ctx)
{
    return kaal_bcache_sync(ctx);
}

static int cache_barrier(void *ctx)
{
    return kaal_bcache_barrier(ctx);
}

vfs_blockdev_t kaal_bcache_dev(kaal_bcache_t *c)
{
    return (vfs_blockdev_t){
        .ctx = c,
        .sector_bytes = c->up_sector_bytes,
        .n_sectors = c->up_n_sectors,
        .read_only = c->dev.read_only,
        .read = cache_read,
        .write = cache_write,
        .flush = cache_flush,
        .barrier = cache_barrier,
    };
}

/* ---- set-up ----------------------------------------------------------------- */

static bool sector_size_ok(uint32_t s)
{
    return s >= 512 && s <= PAGE && (s & (s - 1)) == 0;
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

typedef struct {
    size_t pages_at, hash_at, data_at, ra_at, total;
    uint32_t hash_bits;
} layout_t;

static bool layout(const kaal_bcache_config_t *cfg, layout_t *l)
{
    if (!cfg || !cfg->dev || !cfg->dev->read || !cfg->dev->write || cfg->dev->n_sectors == 0 ||
        cfg->dev->n_sectors > (UINT64_MAX >> 16) || !sector_size_ok(cfg->dev->sector_bytes) ||
        (cfg->sector_bytes && !sector_size_ok(cfg->sector_bytes)) || cfg->n_pages < 2 ||
        cfg->n_pages > (1u << 24) || cfg->readahead_pages > cfg->n_pages / 2 ||
        cfg->readahead_pages > MAX_READAHEAD)
        return false;
    l->hash_bits = 1;
    while ((1u << l->hash_bits) < cfg->n_pages)
        l->hash_bits++;
    l->pages_at = align_up(sizeof(kaal_bcache_t), 16);
    l->hash_at = align_up(l->pages_at + sizeof(page_t) * cfg->n_pages, 16);
    l->data_at = align_up(l->hash_at + sizeof(page_t *) * ((size_t)1 << l->hash_bits), 64);
    l->ra_at = l->data_at + (size_t)PAGE * cfg->n_pages;
    l->total = l->ra_at + (size_t)PAGE * (cfg->readahead_pages + 1);
    return true;
}

size_t kaal_bcache_arena_bytes(const kaal_bcache_config_t *cfg)
{
    layout_t l;
    return layout(cfg, &l) ? l.total : 0;
}

kaal_bcache_t *kaal_bcache_init(void *arena, size_t arena_bytes, const kaal_bcache_config_t *cfg)
{
    layout_t l;
    if (!arena || ((uintptr_t)arena & 15) || !layout(cfg, &l) || arena_bytes < l.total)
        return NULL;
    uint8_t *base = arena;
    memset(base, 0, l.data_at);
    kaal_bcache_t *c = (kaal_bcache_t *)base;
    c->dev = *cfg->dev;
    c->arena = arena;
    c->arena_bytes = arena_bytes;
    c->n_pages = cfg->n_pages;
    c->ra_max = cfg->readahead_pages;
    c->up_sector_bytes = cfg->sector_bytes ? cfg->sector_bytes : cfg->dev->sector_bytes;
    c->dev_units = cfg->dev->sector_bytes / UNIT;
    c->dev_bytes = cfg->dev->n_sectors * cfg->dev->sector_bytes;
    c->up_n_sectors = c->dev_bytes / c->up_sector_bytes;
    c->pages = (page_t *)(base + l.pages_at);
    c->hash = (page_t **)(base + l.hash_at);
    c->hash_bits = l.hash_bits;
    c->ra_buf = base + l.ra_at;
    c->lru.lru_next = c->lru.lru_prev = &c->lru;
    c->dirty.dirty_next = c->dirty.dirty_prev = &c->dirty;
    for (uint32_t i = c->n_pages; i-- > 0;) {
        page_t *pg = &c->pages[i];
        pg->data = base + l.data_at + (size_t)i * PAGE;
        pg->index = UINT64_MAX;
        pg->hash_next = c->free_list;
        c->free_list = pg;
    }
    return c;
}

kaal_bcache_t *kaal_bcache_create(const kaal_bcache_config_t *cfg, const vfs_allocator_t *alloc)
{
    size_t bytes = kaal_bcache_arena_bytes(cfg);
    if (!bytes || !alloc || !alloc->alloc)
        return NULL;
    void *arena = alloc->alloc(alloc->ctx, bytes);
    kaal_bcache_t *c = arena ? kaal_bcache_init(arena, bytes, cfg) : NULL;
    if (!c) {
        if (arena && alloc->free)
            alloc->free(alloc->ctx, arena, bytes);
        return NULL;
    }
    c->alloc = *alloc;
    c->owns_arena = true;
    return c;
}

int kaal_bcache_destroy(kaal_bcache_t *c)
{
    if (!c)
        return 0;
    int err = kaal_bcache_sync(c);
    if (c->owns_arena && c->alloc.free)
        c->alloc.free(c->alloc.ctx, c->arena, c->arena_bytes);
    return err;
}

kaal_bcache_stats_t kaal_bcache_stats(const kaal_bcache_t *c)
{
    return c->st;
}

bool kaal_bcache_cached(const kaal_bcache_t *c, uint64_t page)
{
    page_t *pg = lookup(c, page);
    return pg && pg->valid;
}

uint32_t kaal_bcache_n_dirty(const kaal_bcache_t *c)
{
    return c->n_dirty;
}
