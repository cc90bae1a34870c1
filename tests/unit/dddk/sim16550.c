// SPDX-License-Identifier: BSD-2-Clause
/* A register-level model of the 16550A UART (PC16550D data sheet) for the
 * driver's host tests. It models what a driver can observe:
 *
 *  - DLAB switching offsets 0/1 to the divisor latch;
 *  - 16-byte RX and TX FIFOs (FCR enable/clear, RX trigger levels 1/4/8/14);
 *    a byte arriving at a full RX FIFO is lost and sets LSR.OE;
 *  - interrupt identification in priority order: line status, received
 *    data (FIFO at trigger level), character timeout, THR empty, modem
 *    status (never raised here), each only when enabled in IER;
 *  - THRE semantics: the THRE interrupt is latched when the TX FIFO
 *    becomes empty, and when IER.ETBEI is switched on while it is empty;
 *    reading IIR while THRE is the reported source, or writing THR, clears
 *    it. LSR.THRE/TEMT reflect the TX FIFO (no separate shift register);
 *  - the INTR pin, gated by MCR.OUT2 as on PCs.
 *
 * Time is explicit: sim16550_transmit moves bytes to the wire,
 * sim16550_receive puts them on the RX line, sim16550_rx_idle is a pause.
 */
#include "sim16550.h"

#include <string.h>

#include <uart16550/uart16550_regs.h>

void sim16550_reset(sim16550_t *s)
{
    memset(s, 0, sizeof(*s));
    s->present = true;
    s->rx_trigger = 1;
}

static void rx_clear(sim16550_t *s)
{
    s->rx_head = s->rx_count = 0;
    s->timeout_pending = false;
}

uint8_t sim16550_peek_iir(const sim16550_t *s)
{
    uint8_t fifo = s->fifo_enabled ? UART_IIR_FIFO : 0;
    unsigned trigger = s->fifo_enabled ? s->rx_trigger : 1;
    if ((s->ier & UART_IER_RLS) && s->lsr_errors)
        return fifo | UART_IIR_RLS;
    if ((s->ier & UART_IER_RDA) && s->rx_count >= trigger)
        return fifo | UART_IIR_RDA;
    if ((s->ier & UART_IER_RDA) && s->timeout_pending && s->rx_count > 0)
        return fifo | UART_IIR_CTI;
    if ((s->ier & UART_IER_THRE) && s->thre_pending)
        return fifo | UART_IIR_THRE;
    return fifo | UART_IIR_NONE;
}

bool sim16550_irq_line(const sim16550_t *s)
{
    return s->present && (s->mcr & UART_MCR_OUT2) && !(sim16550_peek_iir(s) & UART_IIR_NONE);
}

uint8_t sim16550_read(sim16550_t *s, uint16_t offset)
{
    if (!s->present)
        return 0xff;
    if (offset != UART_IIR)
        s->same_iir_reads = 0;
    bool dlab = s->lcr & UART_LCR_DLAB;
    switch (offset) {
    case UART_RBR: {
        if (dlab)
            return s->dll;
        s->n_rbr_reads++;
        if (s->rx_count == 0)
            return 0; /* stale: a driver that reads an empty FIFO gets garbage */
        uint8_t b = s->rx_fifo[s->rx_head];
        s->rx_head = (s->rx_head + 1) % SIM16550_FIFO_BYTES;
        s->rx_count--;
        s->timeout_pending = false; /* the timeout restarts on every read */
        return b;
    }
    case UART_IER: return dlab ? s->dlm : s->ier;
    case UART_IIR: {
        s->n_iir_reads++;
        uint8_t iir = sim16550_peek_iir(s);
        if (!(iir & UART_IIR_NONE) && ++s->same_iir_reads > SIM16550_STUCK_READS) {
            s->stuck = true;
            return iir | UART_IIR_NONE;
        }
        if ((iir & UART_IIR_ID) == UART_IIR_THRE && !(iir & UART_IIR_NONE))
            s->thre_pending = false;
        return iir;
    }
    case UART_LCR: return s->lcr;
    case UART_MCR: return s->mcr;
    case UART_LSR: {
        s->n_lsr_reads++;
        uint8_t lsr = s->lsr_errors;
        if (s->rx_count > 0)
            lsr |= UART_LSR_DR;
        if (s->tx_count == 0)
            lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        s->lsr_errors = 0;
        return lsr;
    }
    case UART_MSR: return 0xb0; /* DCD, DSR, CTS asserted, no deltas */
    case UART_SCR: return s->scr;
    default: return 0xff;
    }
}

void sim16550_write(sim16550_t *s, uint16_t offset, uint8_t value)
{
    if (!s->present)
        return;
    s->same_iir_reads = 0;
    bool dlab = s->lcr & UART_LCR_DLAB;
    switch (offset) {
    case UART_THR:
        if (dlab) {
            s->dll = value;
            return;
        }
        s->n_thr_writes++;
        s->thre_pending = false;
        if (s->tx_count == (s->fifo_enabled ? SIM16550_FIFO_BYTES : 1)) {
            s->n_tx_overflow++;
            return;
        }
        s->tx_fifo[(s->tx_head + s->tx_count) % SIM16550_FIFO_BYTES] = value;
        s->tx_count++;
        if (s->tx_count > s->max_tx_level)
            s->max_tx_level = s->tx_count;
        return;
    case UART_IER: {
        if (dlab) {
            s->dlm = value;
            return;
        }
        uint8_t old = s->ier;
        s->ier = value & 0x0f;
        if ((s->ier & UART_IER_THRE) && !(old & UART_IER_THRE) && s->tx_count == 0)
            s->thre_pending = true;
        return;
    }
    case UART_FCR: {
        static const unsigned triggers[4] = {1, 4, 8, 14};
        bool enable = value & UART_FCR_ENABLE;
        if (enable != s->fifo_enabled || (value & UART_FCR_CLEAR_RX))
            rx_clear(s);
        if (enable != s->fifo_enabled || (value & UART_FCR_CLEAR_TX)) {
            s->tx_head = s->tx_count = 0;
            s->thre_pending = true;
        }
        s->fifo_enabled = enable;
        s->rx_trigger = triggers[value >> 6];
        return;
    }
    case UART_LCR: s->lcr = value; return;
    case UART_MCR: s->mcr = value & 0x1f; return;
    case UART_SCR: s->scr = value; return;
    default: return;
    }
}

void sim16550_receive(sim16550_t *s, uint8_t byte)
{
    unsigned depth = s->fifo_enabled ? SIM16550_FIFO_BYTES : 1;
    if (s->rx_count == depth) {
        s->lsr_errors |= UART_LSR_OE;
        s->n_rx_lost++;
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % SIM16550_FIFO_BYTES] = byte;
    s->rx_count++;
}

size_t sim16550_transmit(sim16550_t *s, size_t n)
{
    size_t done = 0;
    while (done < n && s->tx_count > 0) {
        if (s->wire_bytes < SIM16550_WIRE_BYTES)
            s->wire[s->wire_bytes++] = s->tx_fifo[s->tx_head];
        s->tx_head = (s->tx_head + 1) % SIM16550_FIFO_BYTES;
        s->tx_count--;
        done++;
    }
    if (done > 0 && s->tx_count == 0)
        s->thre_pending = true;
    return done;
}

void sim16550_rx_idle(sim16550_t *s)
{
    if (s->rx_count > 0)
        s->timeout_pending = true;
}
