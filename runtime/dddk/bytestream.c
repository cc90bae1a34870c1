// SPDX-License-Identifier: BSD-2-Clause
/* Byte streams over a runtime/ring channel (the ring glue of the DDDK).
 *
 * Model: a channel is a free queue and an active queue of buffers in a
 * shared data region (kaal_ring_channel_init). The writer takes a buffer
 * from the free queue, appends bytes to it and sends it on the active queue
 * when it is full or when flushed; the reader reads the bytes of one buffer
 * after the other and gives each back on the free queue once it has read
 * its last byte. Bytes therefore arrive in the order they were put.
 *
 * Both sides agree on buffer_bytes (data_size / queue_depth); the writer
 * never trusts the length the peer left in a free descriptor and checks
 * every buffer against the data region (kaal_ring_data_at). A writer with
 * no free buffer refuses bytes: the caller decides to drop or to wait.
 *
 * `published` / `released` tell the owner (the DDDK loop, or a client) that
 * it may have to signal the peer; signal suppression itself is the ring
 * library's (kaal_ring_*_should_signal).
 */
#include <kaal/dddk.h>
#include <kaal/string.h>

kaal_error_t kaal_bytestream_writer_attach(kaal_bytestream_writer_t *w, void *queues, void *data,
                                           size_t data_bytes, uint32_t buffer_bytes)
{
    if (w == NULL || buffer_bytes == 0 || buffer_bytes > data_bytes)
        return KAAL_EINVAL;
    memset(w, 0, sizeof(*w));
    w->buffer_bytes = buffer_bytes;
    return kaal_ring_sender_attach(&w->ring, queues, data, data_bytes);
}

kaal_error_t kaal_bytestream_reader_attach(kaal_bytestream_reader_t *r, void *queues, void *data,
                                           size_t data_bytes)
{
    if (r == NULL)
        return KAAL_EINVAL;
    memset(r, 0, sizeof(*r));
    return kaal_ring_receiver_attach(&r->ring, queues, data, data_bytes);
}

/* Makes cur a free buffer; false if the free queue is empty. Descriptors
 * that do not fit the data region are dropped (the peer broke the
 * protocol; losing the buffer is its loss). */
static bool writer_take_buffer(kaal_bytestream_writer_t *w)
{
    kaal_ring_desc_t d;
    while (kaal_ring_dequeue(&w->ring.free, &d) == KAAL_OK) {
        d.length_bytes = w->buffer_bytes;
        uint8_t *p = kaal_ring_data_at(w->ring.data, w->ring.data_bytes, &d);
        if (p != NULL) {
            d.length_bytes = 0;
            w->cur = d;
            w->cur_data = p;
            return true;
        }
    }
    return false;
}

void kaal_bytestream_flush(kaal_bytestream_writer_t *w)
{
    if (w->cur_data == NULL || w->cur.length_bytes == 0)
        return;
    /* Cannot fail: the active queue has a slot for every buffer the free
     * queue handed out, and cur lies in the data region. */
    if (kaal_ring_sender_send(&w->ring, &w->cur) == KAAL_OK)
        w->published = true;
    w->cur_data = NULL;
}

bool kaal_bytestream_put(kaal_bytestream_writer_t *w, uint8_t byte)
{
    if (w->cur_data == NULL && !writer_take_buffer(w))
        return false;
    w->cur_data[w->cur.length_bytes++] = byte;
    if (w->cur.length_bytes == w->buffer_bytes)
        kaal_bytestream_flush(w);
    return true;
}

size_t kaal_bytestream_write(kaal_bytestream_writer_t *w, const void *src, size_t n)
{
    const uint8_t *s = src;
    size_t done = 0;
    while (done < n) {
        if (w->cur_data == NULL && !writer_take_buffer(w))
            break;
        size_t chunk = w->buffer_bytes - w->cur.length_bytes;
        if (chunk > n - done)
            chunk = n - done;
        memcpy(w->cur_data + w->cur.length_bytes, s + done, chunk);
        w->cur.length_bytes += (uint32_t)chunk;
        done += chunk;
        if (w->cur.length_bytes == w->buffer_bytes)
            kaal_bytestream_flush(w);
    }
    return done;
}

static void reader_release(kaal_bytestream_reader_t *r)
{
    kaal_ring_receiver_release(&r->ring, &r->cur);
    r->released = true;
    r->cur_data = NULL;
}

/* Makes cur a buffer with unread bytes; false if the stream is empty. */
static bool reader_next(kaal_bytestream_reader_t *r)
{
    while (r->cur_data == NULL || r->pos == r->cur.length_bytes) {
        if (r->cur_data != NULL)
            reader_release(r);
        const uint8_t *p = kaal_ring_receiver_recv(&r->ring, &r->cur);
        if (p == NULL)
            return false;
        r->cur_data = p;
        r->pos = 0;
    }
    return true;
}

int kaal_bytestream_get(kaal_bytestream_reader_t *r)
{
    if (!reader_next(r))
        return -1;
    int byte = r->cur_data[r->pos++];
    if (r->pos == r->cur.length_bytes)
        reader_release(r);
    return byte;
}

size_t kaal_bytestream_read(kaal_bytestream_reader_t *r, void *dst, size_t max)
{
    uint8_t *d = dst;
    size_t done = 0;
    while (done < max && reader_next(r)) {
        size_t chunk = r->cur.length_bytes - r->pos;
        if (chunk > max - done)
            chunk = max - done;
        memcpy(d + done, r->cur_data + r->pos, chunk);
        r->pos += (uint32_t)chunk;
        done += chunk;
        if (r->pos == r->cur.length_bytes)
            reader_release(r);
    }
    return done;
}
