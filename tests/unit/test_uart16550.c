// SPDX-License-Identifier: BSD-2-Clause
/* The 16550 UART driver (drivers/uart16550/) through the DDDK, against the
 * register-level 16550A model (tests/unit/dddk/sim16550.c) and the fake
 * platform (edge-triggered IRQ, real ring channels). The test plays the
 * client: it writes the TX stream, reads the RX stream, and plays "time"
 * (bytes leaving the TX FIFO, bytes arriving on the RX line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/dddk.h>
#include <uart16550/uart16550.h>
#include <uart16550/uart16550_regs.h>

#include "dddk/fake_platform.h"
#include "dddk/sim16550.h"

#define TX_BIT 0x2ull
#define RX_BIT 0x4ull

struct fixture {
    sim16550_t uart;
    fake_platform_t fp;
    kaal_dddk_device_t dev;
    unsigned tx, rx; /* fake channel indices */
};

static uint8_t sim_read(void *dev, uint16_t offset)
{
    return sim16550_read(dev, offset);
}

static void sim_write(void *dev, uint16_t offset, uint8_t value)
{
    sim16550_write(dev, offset, value);
}

static bool sim_line(const void *dev)
{
    return sim16550_irq_line(dev);
}

static struct fixture *make_fixture(uint32_t depth, uint32_t buffer_bytes, bool present)
{
    struct fixture *f = calloc(1, sizeof(*f));
    sim16550_reset(&f->uart);
    f->uart.present = present;
    fake_platform_init(&f->fp);
    fake_platform_isa_bundle(&f->fp, 0x3f8, 8, true);
    f->fp.io = (fake_io_device_t){&f->uart, sim_read, sim_write, sim_line};
    f->tx = fake_platform_add_channel(&f->fp, "tx", depth, buffer_bytes, TX_BIT);
    f->rx = fake_platform_add_channel(&f->fp, "rx", depth, buffer_bytes, RX_BIT);
    uart16550_state_t *st = kaal_driver_uart16550.data;
    memset(st, 0, sizeof(*st));
    return f;
}

static int setup(void **state)
{
    struct fixture *f = make_fixture(16, 32, true);
    if (kaal_dddk_start(&f->dev, &kaal_driver_uart16550, &f->fp.ops) != KAAL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    fake_platform_free(&f->fp);
    free(f);
    return 0;
}

/* Runs the driver until nothing is pending, then checks the invariant every
 * handled interrupt must leave: no source pending, the INTR line low. */
static void run(struct fixture *f)
{
    kaal_dddk_run(&f->dev);
    assert_false(f->uart.stuck);
    assert_false(sim16550_irq_line(&f->uart));
    assert_int_equal(f->uart.n_tx_overflow, 0);
}

/* Lets the UART send everything, running the driver on each interrupt;
 * chunk bytes leave the FIFO per step. */
static void drain_tx(struct fixture *f, size_t chunk)
{
    for (int guard = 0; guard < 10000; guard++) {
        run(f);
        if (sim16550_transmit(&f->uart, chunk) == 0)
            return;
    }
    fail_msg("TX never drained");
}

static uart16550_state_t *driver_state(void)
{
    return kaal_driver_uart16550.data;
}

static void test_init_programs_115200_8n1_fifo_and_rx_interrupts(void **state)
{
    struct fixture *f = *state;
    assert_true(f->uart.fifo_enabled);
    assert_int_equal(f->uart.rx_trigger, 1);
    assert_int_equal(f->uart.dll, 1);
    assert_int_equal(f->uart.dlm, 0);
    assert_int_equal(f->uart.lcr, UART_LCR_8N1);
    assert_true(f->uart.mcr & UART_MCR_OUT2);
    assert_int_equal(f->uart.ier, UART_IER_RDA | UART_IER_RLS);
    assert_true(f->fp.irq_bound);
    assert_int_equal(f->fp.last_request.match.kind, KAAL_MATCH_ISA_NAME);
    assert_string_equal(f->fp.last_request.match.name, "com1");
}

static void test_start_fails_when_no_uart_answers(void **state)
{
    (void)state;
    struct fixture *f = make_fixture(16, 32, false);
    assert_int_equal(kaal_dddk_start(&f->dev, &kaal_driver_uart16550, &f->fp.ops), KAAL_ENOENT);
    assert_string_equal(f->dev.failed_step, "the driver's init failed");
    fake_platform_free(&f->fp);
    free(f);
}

static void test_bytes_written_by_client_come_out_in_order(void **state)
{
    struct fixture *f = *state;
    uint8_t msg[300];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 1);
    assert_int_equal(fake_client_write(&f->fp, f->tx, msg, sizeof(msg)), sizeof(msg));
    drain_tx(f, 5);
    assert_int_equal(f->uart.wire_bytes, sizeof(msg));
    assert_memory_equal(f->uart.wire, msg, sizeof(msg));
    /* idle again: THRE interrupt off, TX channel takes input */
    assert_int_equal(f->uart.ier & UART_IER_THRE, 0);
    assert_false(f->dev.channels[UART16550_CH_TX].busy);
}

static void test_tx_fills_fifo_sixteen_bytes_per_thre_interrupt(void **state)
{
    struct fixture *f = *state;
    uint8_t msg[64];
    memset(msg, 'x', sizeof(msg));
    fake_client_write(&f->fp, f->tx, msg, sizeof(msg));
    run(f);
    assert_int_equal(f->uart.tx_count, 16); /* first burst from the client's signal */
    assert_true(f->uart.ier & UART_IER_THRE);
    unsigned irqs_before = f->fp.n_irq_delivered;
    for (int burst = 0; burst < 3; burst++) {
        sim16550_transmit(&f->uart, 16);
        run(f);
        assert_int_equal(f->uart.tx_count, 16);
    }
    assert_int_equal(f->fp.n_irq_delivered - irqs_before, 3);
    sim16550_transmit(&f->uart, 16);
    run(f);
    assert_int_equal(f->uart.wire_bytes, 64);
    assert_int_equal(f->uart.max_tx_level, 16);
    assert_int_equal(f->uart.ier & UART_IER_THRE, 0);
}

static void test_client_signal_while_transmitting_does_not_overfill_fifo(void **state)
{
    struct fixture *f = *state;
    fake_client_write(&f->fp, f->tx, "0123456789abcdefXYZ", 19);
    run(f);
    assert_int_equal(f->uart.tx_count, 16);
    unsigned writes = f->uart.n_thr_writes;
    /* more bytes and another signal while the FIFO is still full */
    fake_client_write(&f->fp, f->tx, "!?", 2);
    f->fp.pending_bits |= TX_BIT; /* even an unsuppressed signal */
    run(f);
    assert_int_equal(f->uart.n_thr_writes, writes);
    drain_tx(f, 16);
    assert_int_equal(f->uart.wire_bytes, 21);
    assert_memory_equal(f->uart.wire, "0123456789abcdefXYZ!?", 21);
}

static void test_tx_stream_stays_in_order_when_ring_wraps(void **state)
{
    (void)state;
    struct fixture *f = make_fixture(4, 8, true); /* 4 buffers of 8 bytes */
    assert_int_equal(kaal_dddk_start(&f->dev, &kaal_driver_uart16550, &f->fp.ops), KAAL_OK);
    uint8_t msg[1000];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i ^ (i >> 3));
    size_t sent = 0;
    for (int guard = 0; sent < sizeof(msg) && guard < 100000; guard++) {
        /* the client writes what fits (at most 32 bytes are in the ring) */
        sent += fake_client_write(&f->fp, f->tx, msg + sent, sizeof(msg) - sent);
        run(f);
        sim16550_transmit(&f->uart, 3);
    }
    assert_int_equal(sent, sizeof(msg));
    drain_tx(f, 7);
    assert_int_equal(f->uart.wire_bytes, sizeof(msg));
    assert_memory_equal(f->uart.wire, msg, sizeof(msg));
    /* the ring's 32-bit indices went round its 4 slots many times */
    assert_true(f->fp.channels[f->tx].client_in.ring.active.tail > 100);
    fake_platform_free(&f->fp);
    free(f);
}

static void test_received_bytes_reach_client_in_order(void **state)
{
    struct fixture *f = *state;
    char got[64];
    /* one byte per interrupt, then a burst that sits in the FIFO */
    sim16550_receive(&f->uart, 'h');
    run(f);
    sim16550_receive(&f->uart, 'i');
    run(f);
    const char *burst = " there, 16550!";
    for (const char *p = burst; *p; p++)
        sim16550_receive(&f->uart, (uint8_t)*p);
    run(f);
    size_t n = fake_client_read(&f->fp, f->rx, got, sizeof(got));
    assert_int_equal(n, 16);
    assert_memory_equal(got, "hi there, 16550!", 16);
    assert_int_equal(driver_state()->dropped, 0);
}

static void test_rx_reads_iir_and_rbr_only_never_polls_lsr(void **state)
{
    struct fixture *f = *state;
    char got[256];
    size_t total = 0;
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 10; i++)
            sim16550_receive(&f->uart, (uint8_t)('a' + (round + i) % 26));
        run(f);
        total += fake_client_read(&f->fp, f->rx, got + total, sizeof(got) - total);
    }
    assert_int_equal(total, 200);
    assert_int_equal(f->uart.n_lsr_reads, 0);
    assert_int_equal(f->uart.n_rbr_reads, 200);
    /* one IIR read per byte plus two "none" per interrupt: COM1's line is
     * edge-triggered, so the DDDK polls once more after the ack */
    assert_int_equal(f->uart.n_iir_reads, 200 + 2 * f->fp.n_irq_delivered);
}

static void test_character_timeout_is_handled_like_received_data(void **state)
{
    struct fixture *f = *state;
    f->uart.rx_trigger = 8; /* as if the FIFO were set to interrupt at 8 bytes */
    sim16550_receive(&f->uart, 'o');
    sim16550_receive(&f->uart, 'k');
    run(f);
    char got[4];
    assert_int_equal(fake_client_read(&f->fp, f->rx, got, sizeof(got)), 0);
    /* The line goes quiet: CTI. Reading RBR restarts the timeout, so each
     * timeout yields one byte (the driver's own trigger level of 1 never
     * leaves bytes below the trigger). */
    sim16550_rx_idle(&f->uart);
    run(f);
    sim16550_rx_idle(&f->uart);
    run(f);
    assert_int_equal(fake_client_read(&f->fp, f->rx, got, sizeof(got)), 2);
    assert_memory_equal(got, "ok", 2);
    assert_int_equal(f->uart.rx_count, 0);
}

static void test_rx_overflow_drops_and_counts_then_recovers(void **state)
{
    (void)state;
    struct fixture *f = make_fixture(4, 8, true); /* the client can hold 32 bytes */
    assert_int_equal(kaal_dddk_start(&f->dev, &kaal_driver_uart16550, &f->fp.ops), KAAL_OK);
    for (int burst = 0; burst < 10; burst++) { /* 80 bytes, the client reads none */
        for (int i = 0; i < 8; i++)
            sim16550_receive(&f->uart, (uint8_t)(burst * 8 + i));
        run(f);
    }
    assert_int_equal(driver_state()->dropped, 48);
    assert_int_equal(f->uart.rx_count, 0); /* the FIFO was drained all the same */
    uint8_t got[64];
    assert_int_equal(fake_client_read(&f->fp, f->rx, got, sizeof(got)), 32);
    for (int i = 0; i < 32; i++)
        assert_int_equal(got[i], i); /* the oldest bytes, in order */
    /* space again: new bytes flow */
    sim16550_receive(&f->uart, 0xaa);
    sim16550_receive(&f->uart, 0xbb);
    run(f);
    assert_int_equal(fake_client_read(&f->fp, f->rx, got, sizeof(got)), 2);
    assert_int_equal(got[0], 0xaa);
    assert_int_equal(got[1], 0xbb);
    assert_int_equal(driver_state()->dropped, 48);
    fake_platform_free(&f->fp);
    free(f);
}

static void test_hardware_fifo_overrun_is_counted_from_line_status(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 20; i++) /* 4 more than the FIFO holds, no interrupt served */
        sim16550_receive(&f->uart, (uint8_t)('A' + i));
    run(f);
    assert_int_equal(driver_state()->overruns, 1);
    assert_int_equal(f->uart.n_lsr_reads, 1); /* the line status interrupt, not a poll */
    char got[32];
    assert_int_equal(fake_client_read(&f->fp, f->rx, got, sizeof(got)), 16);
    assert_memory_equal(got, "ABCDEFGHIJKLMNOP", 16);
}

static void test_echo_of_received_bytes_through_both_rings(void **state)
{
    struct fixture *f = *state;
    const char *typed = "help\r";
    for (const char *p = typed; *p; p++) {
        sim16550_receive(&f->uart, (uint8_t)*p);
        run(f);
        char c;
        assert_int_equal(fake_client_read(&f->fp, f->rx, &c, 1), 1);
        fake_client_write(&f->fp, f->tx, &c, 1); /* the shell echoes */
        run(f);
    }
    drain_tx(f, 1);
    assert_int_equal(f->uart.wire_bytes, 5);
    assert_memory_equal(f->uart.wire, typed, 5);
}

static void test_rx_client_is_signalled_only_when_it_waits(void **state)
{
    struct fixture *f = *state;
    fake_channel_t *rx = &f->fp.channels[f->rx];
    sim16550_receive(&f->uart, '1');
    run(f);
    assert_int_equal(rx->n_signals, 0); /* the client did not arm: no syscall */
    char c;
    fake_client_read(&f->fp, f->rx, &c, 1);
    assert_true(kaal_ring_consumer_arm(&rx->client_out.ring.active)); /* now it waits */
    sim16550_receive(&f->uart, '2');
    run(f);
    assert_int_equal(rx->n_signals, 1);
    assert_int_equal(fake_client_read(&f->fp, f->rx, &c, 1), 1);
    assert_int_equal(c, '2');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_programs_115200_8n1_fifo_and_rx_interrupts, setup,
                                        teardown),
        cmocka_unit_test(test_start_fails_when_no_uart_answers),
        cmocka_unit_test_setup_teardown(test_bytes_written_by_client_come_out_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_fills_fifo_sixteen_bytes_per_thre_interrupt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_client_signal_while_transmitting_does_not_overfill_fifo, setup, teardown),
        cmocka_unit_test(test_tx_stream_stays_in_order_when_ring_wraps),
        cmocka_unit_test_setup_teardown(test_received_bytes_reach_client_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_reads_iir_and_rbr_only_never_polls_lsr, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_character_timeout_is_handled_like_received_data, setup,
                                        teardown),
        cmocka_unit_test(test_rx_overflow_drops_and_counts_then_recovers),
        cmocka_unit_test_setup_teardown(test_hardware_fifo_overrun_is_counted_from_line_status,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_of_received_bytes_through_both_rings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rx_client_is_signalled_only_when_it_waits, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
