// SPDX-License-Identifier: BSD-2-Clause
/* The DDDK core (runtime/dddk/dddk.c) and its byte streams
 * (runtime/dddk/bytestream.c): descriptors found through the linker
 * section, start-up against the bundle the broker gives, every failure step
 * named, IO bounds, event dispatch order, RPC replies, the event loop's
 * handling of waiting input and busy channels, signal suppression, and the
 * byte stream's order, buffer handling and distrust of the peer. Two toy
 * drivers declared here with KAAL_DRIVER are the subjects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/dddk.h>

#include "dddk/fake_platform.h"

/* ---- toy driver "toy": records every op call ---- */

#define CALL_LOG_MAX 32

struct toy_state {
    char log[CALL_LOG_MAX][16];
    unsigned n_log;
    kaal_error_t init_result;
    bool consume_input; /* channel op reads the IN stream */
    bool go_busy;       /* channel op marks IN busy instead */
    char consumed[256];
    size_t n_consumed;
};

static struct toy_state toy;

static void toy_log(const char *what)
{
    if (toy.n_log < CALL_LOG_MAX)
        strncpy(toy.log[toy.n_log++], what, sizeof(toy.log[0]) - 1);
}

static kaal_error_t toy_init(kaal_dddk_device_t *dev)
{
    assert_ptr_equal(kaal_dddk_data(dev), &toy);
    toy_log("init");
    return toy.init_result;
}

/* Logs "irq<acks so far>", so tests see where the ack fell. */
static void toy_irq(kaal_dddk_device_t *dev)
{
    const fake_platform_t *fp = dev->platform->ctx;
    char name[16];
    snprintf(name, sizeof(name), "irq%u", fp->n_acks);
    toy_log(name);
}

static void toy_channel(kaal_dddk_device_t *dev, unsigned ch)
{
    char name[16];
    snprintf(name, sizeof(name), "ch%u", ch);
    toy_log(name);
    kaal_bytestream_reader_t *in = kaal_dddk_in(dev, ch);
    if (in == NULL)
        return;
    if (toy.go_busy)
        kaal_dddk_channel_busy(dev, ch, true);
    else if (toy.consume_input)
        toy.n_consumed += kaal_bytestream_read(in, toy.consumed + toy.n_consumed,
                                               sizeof(toy.consumed) - toy.n_consumed);
}

static kaal_error_t toy_rpc(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                            kaal_dddk_msg_t *reply)
{
    (void)dev;
    toy_log("rpc");
    if (req->label != 7)
        return KAAL_EINVAL;
    reply->n_words = 9; /* more than a message holds: the DDDK clips it */
    reply->words[0] = badge * 10;
    return KAAL_OK;
}

KAAL_DRIVER(
    toy, .name = "toy", .match = KAAL_DDDK_MATCH_PCI(0x1234, 0x5678),
    .resources = {.n_io = 1, .io_ports = {4}, .irq = true, .mmio_bars = 0x4, .dma_bytes = 4096},
    .service = {.name = "toy",
                .n_channels = 2,
                .channels = {{"in", KAAL_DDDK_CHANNEL_IN}, {"out", KAAL_DDDK_CHANNEL_OUT}}},
    .ops = {toy_init, toy_irq, toy_channel, toy_rpc}, .data = &toy);

/* ---- toy driver "bare": no ops, no resources ---- */

KAAL_DRIVER(bare, .name = "bare", .match = KAAL_DDDK_MATCH_ISA("bare0"));

/* A driver with its own rings: bits nobody claims reach its signal op. */
static uint64_t signalled_bits;
static void rings_signal(kaal_dddk_device_t *dev, uint64_t bits)
{
    (void)dev;
    signalled_bits |= bits;
}
KAAL_DRIVER(rings, .name = "rings", .match = KAAL_DDDK_MATCH_ISA("bare0"),
            .ops = {.signal = rings_signal});

/* ---- fixture ---- */

#define IN_BIT 0x10ull
#define OUT_BIT 0x20ull

struct fixture {
    fake_platform_t fp;
    kaal_dddk_device_t dev;
};

static void toy_bundle(fake_platform_t *fp)
{
    fake_platform_isa_bundle(fp, 0xc000, 8, true);
    static kaal_device_t pci_dev = {.bus = KAAL_BUS_PCI};
    fp->bundle.device = &pci_dev;
    fp->bundle.n_mmio = 2;
    fp->bundle.mmio[0] =
        (kaal_bundle_mmio_t){.paddr = 0xfe000000, .n_pages = 1, .bar = 0, .size_bytes = 128};
    fp->bundle.mmio[1] =
        (kaal_bundle_mmio_t){.paddr = 0xfe001000, .n_pages = 1, .bar = 2, .size_bytes = 256};
    fp->bundle.dma_n_pages = 1;
}

static int setup_unstarted(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    memset(&toy, 0, sizeof(toy));
    toy.consume_input = true;
    fake_platform_init(&f->fp);
    toy_bundle(&f->fp);
    fake_platform_add_channel(&f->fp, "in", 8, 16, IN_BIT);
    fake_platform_add_channel(&f->fp, "out", 8, 16, OUT_BIT);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    setup_unstarted(state);
    struct fixture *f = *state;
    return kaal_dddk_start(&f->dev, &kaal_driver_toy, &f->fp.ops) == KAAL_OK ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    fake_platform_free(&f->fp);
    free(f);
    return 0;
}

static void assert_log(const char *const *expected, unsigned n)
{
    assert_int_equal(toy.n_log, n);
    for (unsigned i = 0; i < n; i++)
        assert_string_equal(toy.log[i], expected[i]);
}

/* ---- descriptors ---- */

static void test_descriptors_are_found_in_the_linker_section(void **state)
{
    (void)state;
    assert_int_equal(kaal_dddk_driver_count(), 3);
    assert_ptr_equal(kaal_dddk_find("toy"), &kaal_driver_toy);
    assert_ptr_equal(kaal_dddk_find("bare"), &kaal_driver_bare);
    assert_null(kaal_dddk_find("nope"));
    assert_null(kaal_dddk_find(NULL)); /* three linked in: no "only" driver */
    bool seen_toy = false, seen_bare = false;
    for (size_t i = 0; i < kaal_dddk_driver_count(); i++) {
        seen_toy |= kaal_dddk_driver_at(i) == &kaal_driver_toy;
        seen_bare |= kaal_dddk_driver_at(i) == &kaal_driver_bare;
    }
    assert_true(seen_toy && seen_bare);
    assert_null(kaal_dddk_driver_at(3));
}

static void test_main_reports_a_missing_driver(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(kaal_dddk_main(&f->dev, &f->fp.ops, "nope"), KAAL_ENOENT);
    assert_string_equal(f->dev.failed_step, "no such driver linked in");
}

/* ---- start ---- */

static void test_start_requests_the_declared_match_and_dma(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->fp.last_request.match.kind, KAAL_MATCH_PCI_ID);
    assert_int_equal(f->fp.last_request.match.vendor_id, 0x1234);
    assert_int_equal(f->fp.last_request.match.device_id, 0x5678);
    assert_int_equal(f->fp.last_request.dma_size_bytes, 4096);
    const char *expected[] = {"init"};
    assert_log(expected, 1);
}

static void test_start_maps_declared_bars_only_and_allocates_dma(void **state)
{
    struct fixture *f = *state;
    assert_ptr_equal(kaal_dddk_mmio(&f->dev, 2), f->fp.mmio_mem[2]);
    assert_null(kaal_dddk_mmio(&f->dev, 0)); /* present in the bundle, not declared */
    assert_null(kaal_dddk_mmio(&f->dev, 9));
    assert_ptr_equal(f->dev.dma.vaddr, f->fp.dma_mem);
    assert_int_equal(f->dev.dma.size_bytes, 4096);
    assert_int_equal(f->dev.irq_bit, FAKE_IRQ_BIT);
}

static void expect_start_failure(struct fixture *f, kaal_error_t err, const char *step)
{
    assert_int_equal(kaal_dddk_start(&f->dev, &kaal_driver_toy, &f->fp.ops), err);
    assert_string_equal(f->dev.failed_step, step);
    assert_int_equal(toy.n_log, 0); /* init never ran */
}

static void test_start_fails_when_the_broker_refuses(void **state)
{
    struct fixture *f = *state;
    f->fp.bundle_err = KAAL_EBUSY;
    expect_start_failure(f, KAAL_EBUSY, "the broker refused the device");
}

static void test_start_fails_when_bundle_lacks_irq(void **state)
{
    struct fixture *f = *state;
    f->fp.bundle.has_irq = false;
    expect_start_failure(f, KAAL_ENOENT, "bundle has no IRQ");
}

static void test_start_fails_when_io_range_is_too_small(void **state)
{
    struct fixture *f = *state;
    f->fp.bundle.io[0].n_ports = 2;
    expect_start_failure(f, KAAL_ERANGE, "bundle IO port range too small");
}

static void test_start_fails_when_bundle_lacks_a_bar(void **state)
{
    struct fixture *f = *state;
    f->fp.bundle.mmio[1].bar = 3;
    expect_start_failure(f, KAAL_ENOENT, "bundle lacks an MMIO BAR");
}

static void test_start_fails_when_dma_region_is_too_small(void **state)
{
    struct fixture *f = *state;
    f->fp.bundle.dma_n_pages = 0;
    expect_start_failure(f, KAAL_ERANGE, "bundle DMA region too small");
}

static void test_start_fails_when_a_channel_is_missing(void **state)
{
    struct fixture *f = *state;
    f->fp.channels[1].name = "other";
    expect_start_failure(f, KAAL_ENOENT, "opening a channel failed");
}

static void test_start_fails_when_platform_cannot_bind_irqs(void **state)
{
    struct fixture *f = *state;
    f->fp.ops.bind_irq = NULL;
    expect_start_failure(f, KAAL_ENOSYS, "platform cannot bind IRQs");
}

static void test_start_reports_init_failure(void **state)
{
    struct fixture *f = *state;
    toy.init_result = KAAL_EFORMAT;
    assert_int_equal(kaal_dddk_start(&f->dev, &kaal_driver_toy, &f->fp.ops), KAAL_EFORMAT);
    assert_string_equal(f->dev.failed_step, "the driver's init failed");
}

static void test_bare_driver_needs_only_bundle_and_wait(void **state)
{
    (void)state;
    fake_platform_t fp;
    kaal_dddk_device_t dev;
    fake_platform_init(&fp);
    kaal_dddk_platform_t minimal = {
        .ctx = &fp, .request_bundle = fp.ops.request_bundle, .wait = fp.ops.wait};
    assert_int_equal(kaal_dddk_start(&dev, &kaal_driver_bare, &minimal), KAAL_OK);
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = 0x80};
    kaal_dddk_dispatch(&dev, &ev); /* no ops: nothing to call */
    assert_int_equal(dev.n_unknown_bits, 1);
}

static void test_bits_nobody_claims_go_to_the_signal_op(void **state)
{
    (void)state;
    fake_platform_t fp;
    kaal_dddk_device_t dev;
    fake_platform_init(&fp);
    kaal_dddk_platform_t minimal = {
        .ctx = &fp, .request_bundle = fp.ops.request_bundle, .wait = fp.ops.wait};
    assert_int_equal(kaal_dddk_start(&dev, &kaal_driver_rings, &minimal), KAAL_OK);
    signalled_bits = 0;
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = 0x3};
    kaal_dddk_dispatch(&dev, &ev);
    assert_int_equal(signalled_bits, 0x3);
    assert_int_equal(dev.n_unknown_bits, 0);
}

/* ---- IO ---- */

static uint8_t ports[8];

static uint8_t port_read(void *dev, uint16_t offset)
{
    (void)dev;
    return ports[offset];
}

static void port_write(void *dev, uint16_t offset, uint8_t value)
{
    (void)dev;
    ports[offset] = value;
}

static void test_io_goes_to_the_bundle_ports(void **state)
{
    struct fixture *f = *state;
    f->fp.io = (fake_io_device_t){NULL, port_read, port_write, NULL};
    kaal_dddk_io_t *io = kaal_dddk_io(&f->dev, 0);
    kaal_dddk_out8(io, 3, 0x42);
    assert_int_equal(f->fp.last_port, 0xc003);
    assert_int_equal(ports[3], 0x42);
    assert_int_equal(kaal_dddk_in8(io, 3), 0x42);
    assert_null(kaal_dddk_io(&f->dev, 1)); /* only one range declared */
}

static void test_io_outside_the_declared_range_never_reaches_the_platform(void **state)
{
    struct fixture *f = *state;
    kaal_dddk_io_t *io = kaal_dddk_io(&f->dev, 0);
    unsigned ins = f->fp.n_io_in, outs = f->fp.n_io_out;
    kaal_dddk_out8(io, 8, 1);  /* range has 8 ports: 0..7 */
    kaal_dddk_out32(io, 6, 1); /* 6..9 crosses the end */
    assert_int_equal(kaal_dddk_in8(io, 200), 0xff);
    assert_int_equal(kaal_dddk_in16(io, 7), 0xffff);
    assert_int_equal(f->fp.n_io_in, ins);
    assert_int_equal(f->fp.n_io_out, outs);
    assert_int_equal(io->n_bad_access, 4);
    kaal_dddk_out16(io, 6, 1); /* 6..7 is fine */
    assert_int_equal(f->fp.n_io_out, outs + 1);
}

/* ---- dispatch ---- */

static void test_notification_runs_irq_then_ack_then_channels_on_a_level_line(void **state)
{
    struct fixture *f = *state;
    toy.n_log = 0;
    f->dev.bundle.irq.level = true;
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_NOTIFY,
                            .bits = OUT_BIT | IN_BIT | FAKE_IRQ_BIT | 0x1000};
    kaal_dddk_dispatch(&f->dev, &ev);
    const char *expected[] = {"irq0", "ch0", "ch1"};
    assert_log(expected, 3);
    assert_int_equal(f->fp.n_acks, 1);
    assert_int_equal(f->dev.n_irqs, 1);
    assert_int_equal(f->dev.n_unknown_bits, 1);
}

/* An IOAPIC drops an edge while the pin is masked (interrupt to ack), so
 * on an edge line the driver polls its device once more after the ack. */
static void test_edge_line_polls_the_driver_again_after_the_ack(void **state)
{
    struct fixture *f = *state;
    toy.n_log = 0;
    f->dev.bundle.irq.level = false;
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = FAKE_IRQ_BIT | OUT_BIT};
    kaal_dddk_dispatch(&f->dev, &ev);
    const char *expected[] = {"irq0", "irq1", "ch1"};
    assert_log(expected, 3);
    assert_int_equal(f->fp.n_acks, 1);
    assert_int_equal(f->dev.n_irqs, 1);
}

static void test_rpc_reply_carries_the_ops_result_and_clipped_words(void **state)
{
    struct fixture *f = *state;
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_RPC, .badge = 3, .msg = {.label = 7}};
    kaal_dddk_dispatch(&f->dev, &ev);
    ev.msg.label = 8;
    kaal_dddk_dispatch(&f->dev, &ev);
    assert_int_equal(f->fp.n_replies, 2);
    assert_int_equal(f->fp.replies[0].label, KAAL_OK);
    assert_int_equal(f->fp.replies[0].n_words, KAAL_DDDK_MSG_WORDS);
    assert_int_equal(f->fp.replies[0].words[0], 30);
    assert_int_equal(f->fp.replies[1].label, KAAL_EINVAL);
}

static void test_rpc_to_a_driver_without_rpc_is_enosys(void **state)
{
    (void)state;
    fake_platform_t fp;
    kaal_dddk_device_t dev;
    fake_platform_init(&fp);
    assert_int_equal(kaal_dddk_start(&dev, &kaal_driver_bare, &fp.ops), KAAL_OK);
    kaal_dddk_event_t ev = {.kind = KAAL_DDDK_EVENT_RPC, .badge = 1, .msg = {.label = 1}};
    kaal_dddk_dispatch(&dev, &ev);
    assert_int_equal(fp.n_replies, 1);
    assert_int_equal(fp.replies[0].label, KAAL_ENOSYS);
}

/* ---- the loop ---- */

static void test_run_handles_input_that_is_already_waiting(void **state)
{
    struct fixture *f = *state;
    /* written without a signal (the driver had not armed yet) */
    kaal_bytestream_write(&f->fp.channels[0].client_in, "early", 5);
    kaal_bytestream_flush(&f->fp.channels[0].client_in);
    toy.n_log = 0;
    kaal_dddk_run(&f->dev); /* the fake's wait says STOP at once */
    assert_int_equal(toy.n_consumed, 5);
    assert_memory_equal(toy.consumed, "early", 5);
    const char *expected[] = {"ch0"};
    assert_log(expected, 1);
}

static void test_run_waits_for_a_signal_once_input_is_drained(void **state)
{
    struct fixture *f = *state;
    toy.n_log = 0;
    kaal_dddk_run(&f->dev);
    assert_int_equal(toy.n_log, 0);
    /* the driver armed before waiting, so the client's write signals */
    assert_int_equal(fake_client_write(&f->fp, 0, "ping", 4), 4);
    assert_int_equal(f->fp.pending_bits, IN_BIT);
    kaal_dddk_run(&f->dev);
    assert_int_equal(toy.n_consumed, 4);
    /* consumed buffers went back; the client had not armed: no signal */
    assert_int_equal(f->fp.channels[0].n_signals, 0);
}

static void test_busy_channel_is_neither_waited_for_nor_dispatched(void **state)
{
    struct fixture *f = *state;
    toy.go_busy = true;
    fake_client_write(&f->fp, 0, "abc", 3);
    toy.n_log = 0;
    kaal_dddk_run(&f->dev);
    const char *expected[] = {"ch0"}; /* once: then busy, so no spinning */
    assert_log(expected, 1);
    assert_true(f->dev.channels[0].busy);
    f->fp.pending_bits = IN_BIT;
    kaal_dddk_run(&f->dev);
    assert_int_equal(toy.n_log, 1);
    /* not busy any more: the waiting input is handled */
    toy.go_busy = false;
    kaal_dddk_channel_busy(&f->dev, 0, false);
    kaal_dddk_run(&f->dev);
    assert_int_equal(toy.n_consumed, 3);
}

static void test_out_channel_signals_the_client_only_when_it_waits(void **state)
{
    struct fixture *f = *state;
    kaal_bytestream_writer_t *out = kaal_dddk_out(&f->dev, 1);
    assert_null(kaal_dddk_out(&f->dev, 0));
    assert_null(kaal_dddk_in(&f->dev, 1));
    kaal_dddk_event_t nothing = {.kind = KAAL_DDDK_EVENT_NOTIFY, .bits = 0};
    kaal_bytestream_write(out, "a", 1);
    kaal_bytestream_flush(out);
    kaal_dddk_dispatch(&f->dev, &nothing);
    assert_int_equal(f->fp.channels[1].n_signals, 0);
    char buf[4];
    assert_int_equal(kaal_bytestream_read(&f->fp.channels[1].client_out, buf, 4), 1);
    assert_true(kaal_ring_consumer_arm(&f->fp.channels[1].client_out.ring.active));
    kaal_dddk_dispatch(&f->dev, &nothing); /* nothing published: no signal */
    assert_int_equal(f->fp.channels[1].n_signals, 0);
    kaal_bytestream_write(out, "b", 1);
    kaal_bytestream_flush(out);
    kaal_dddk_dispatch(&f->dev, &nothing);
    assert_int_equal(f->fp.channels[1].n_signals, 1);
}

/* ---- byte streams ---- */

struct stream {
    void *queues, *data;
    size_t data_bytes;
    kaal_bytestream_writer_t w;
    kaal_bytestream_reader_t r;
};

static void stream_open(struct stream *s, uint32_t depth, uint32_t buffer_bytes)
{
    size_t qbytes = (kaal_ring_channel_bytes(depth) + 63) & ~(size_t)63;
    s->queues = aligned_alloc(64, qbytes);
    s->data_bytes = (size_t)depth * buffer_bytes;
    s->data = calloc(1, s->data_bytes);
    assert_int_equal(kaal_ring_channel_init(s->queues, qbytes, depth, depth, buffer_bytes),
                     KAAL_OK);
    assert_int_equal(
        kaal_bytestream_writer_attach(&s->w, s->queues, s->data, s->data_bytes, buffer_bytes),
        KAAL_OK);
    assert_int_equal(kaal_bytestream_reader_attach(&s->r, s->queues, s->data, s->data_bytes),
                     KAAL_OK);
}

static void stream_close(struct stream *s)
{
    free(s->queues);
    free(s->data);
}

static void test_bytestream_keeps_order_across_buffers_and_wraps(void **state)
{
    (void)state;
    struct stream s;
    stream_open(&s, 4, 5);
    uint8_t out[997], in[997];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 13);
    size_t written = 0, read = 0;
    while (read < sizeof(in)) {
        written += kaal_bytestream_write(&s.w, out + written, sizeof(out) - written);
        kaal_bytestream_flush(&s.w);
        read += kaal_bytestream_read(&s.r, in + read, 3 + read % 7);
        int c = kaal_bytestream_get(&s.r);
        if (c >= 0)
            in[read++] = (uint8_t)c;
    }
    assert_memory_equal(in, out, sizeof(out));
    assert_int_equal(kaal_bytestream_get(&s.r), -1);
    stream_close(&s);
}

static void test_bytestream_writer_refuses_bytes_when_no_buffer_is_free(void **state)
{
    (void)state;
    struct stream s;
    stream_open(&s, 2, 4);
    assert_int_equal(kaal_bytestream_write(&s.w, "abcdefghij", 10), 8);
    assert_false(kaal_bytestream_put(&s.w, 'z'));
    char buf[16];
    assert_int_equal(kaal_bytestream_read(&s.r, buf, 3), 3); /* first buffer not done */
    assert_false(kaal_bytestream_put(&s.w, 'z'));
    assert_int_equal(kaal_bytestream_read(&s.r, buf + 3, 1), 1); /* now it is released */
    assert_true(kaal_bytestream_put(&s.w, 'z'));
    kaal_bytestream_flush(&s.w);
    assert_int_equal(kaal_bytestream_read(&s.r, buf + 4, 12), 5);
    assert_memory_equal(buf, "abcdefghz", 9);
    stream_close(&s);
}

static void test_bytestream_partial_buffer_waits_for_flush(void **state)
{
    (void)state;
    struct stream s;
    stream_open(&s, 4, 8);
    kaal_bytestream_write(&s.w, "abc", 3);
    assert_int_equal(kaal_bytestream_get(&s.r), -1);
    assert_false(s.w.published);
    kaal_bytestream_flush(&s.w);
    assert_true(s.w.published);
    kaal_bytestream_flush(&s.w); /* nothing more: no empty buffer is sent */
    assert_int_equal(kaal_ring_consumer_available(&s.r.ring.active), 1);
    assert_int_equal(kaal_bytestream_get(&s.r), 'a');
    stream_close(&s);
}

static void test_bytestream_writer_skips_free_descriptors_outside_the_region(void **state)
{
    (void)state;
    struct stream s;
    stream_open(&s, 2, 4);
    /* a hostile reader put back a buffer pointing past the data region */
    kaal_ring_desc_t bad = {.offset = 6, .length_bytes = 4};
    kaal_ring_desc_t d;
    assert_int_equal(kaal_ring_dequeue(&s.w.ring.free, &d), KAAL_OK);
    kaal_ring_producer_t hostile;
    assert_int_equal(kaal_ring_producer_attach(&hostile, s.queues), KAAL_OK);
    assert_int_equal(kaal_ring_enqueue(&hostile, &bad), KAAL_OK);
    /* the one good buffer left is used, the bad one never */
    assert_int_equal(kaal_bytestream_write(&s.w, "12345678", 8), 4);
    kaal_bytestream_flush(&s.w);
    char buf[8];
    assert_int_equal(kaal_bytestream_read(&s.r, buf, 8), 4);
    assert_memory_equal(buf, "1234", 4);
    stream_close(&s);
}

static void test_bytestream_attach_rejects_bad_arguments(void **state)
{
    (void)state;
    struct stream s;
    stream_open(&s, 2, 4);
    kaal_bytestream_writer_t w;
    assert_int_equal(kaal_bytestream_writer_attach(&w, s.queues, s.data, s.data_bytes, 0),
                     KAAL_EINVAL);
    assert_int_equal(kaal_bytestream_writer_attach(&w, s.queues, s.data, 4, 8), KAAL_EINVAL);
    uint8_t junk[1024] __attribute__((aligned(64)));
    memset(junk, 0, sizeof(junk));
    assert_int_equal(kaal_bytestream_writer_attach(&w, junk, s.data, s.data_bytes, 4), KAAL_EINVAL);
    stream_close(&s);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define T_UNSTARTED(name) cmocka_unit_test_setup_teardown(name, setup_unstarted, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptors_are_found_in_the_linker_section),
        T_UNSTARTED(test_main_reports_a_missing_driver),
        T(test_start_requests_the_declared_match_and_dma),
        T(test_start_maps_declared_bars_only_and_allocates_dma),
        T_UNSTARTED(test_start_fails_when_the_broker_refuses),
        T_UNSTARTED(test_start_fails_when_bundle_lacks_irq),
        T_UNSTARTED(test_start_fails_when_io_range_is_too_small),
        T_UNSTARTED(test_start_fails_when_bundle_lacks_a_bar),
        T_UNSTARTED(test_start_fails_when_dma_region_is_too_small),
        T_UNSTARTED(test_start_fails_when_a_channel_is_missing),
        T_UNSTARTED(test_start_fails_when_platform_cannot_bind_irqs),
        T_UNSTARTED(test_start_reports_init_failure),
        cmocka_unit_test(test_bare_driver_needs_only_bundle_and_wait),
        cmocka_unit_test(test_bits_nobody_claims_go_to_the_signal_op),
        T(test_io_goes_to_the_bundle_ports),
        T(test_io_outside_the_declared_range_never_reaches_the_platform),
        T(test_notification_runs_irq_then_ack_then_channels_on_a_level_line),
        T(test_edge_line_polls_the_driver_again_after_the_ack),
        T(test_rpc_reply_carries_the_ops_result_and_clipped_words),
        cmocka_unit_test(test_rpc_to_a_driver_without_rpc_is_enosys),
        T(test_run_handles_input_that_is_already_waiting),
        T(test_run_waits_for_a_signal_once_input_is_drained),
        T(test_busy_channel_is_neither_waited_for_nor_dispatched),
        T(test_out_channel_signals_the_client_only_when_it_waits),
        cmocka_unit_test(test_bytestream_keeps_order_across_buffers_and_wraps),
        cmocka_unit_test(test_bytestream_writer_refuses_bytes_when_no_buffer_is_free),
        cmocka_unit_test(test_bytestream_partial_buffer_waits_for_flush),
        cmocka_unit_test(test_bytestream_writer_skips_free_descriptors_outside_the_region),
        cmocka_unit_test(test_bytestream_attach_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
