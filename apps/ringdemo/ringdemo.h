/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The message format of the ring demo, shared by producer and consumer.
 * A message fills one ring buffer: a header (sequence number, payload
 * length, FNV-1a checksum of the payload) and the payload, whose bytes are
 * a function of the sequence number so the consumer can check each one.
 * The last message carries RINGDEMO_FLAG_LAST in the descriptor's flags.
 */
#pragma once

#include <stdint.h>

#define RINGDEMO_MESSAGES 20000u
#define RINGDEMO_FLAG_LAST 1u

typedef struct {
    uint64_t seq;
    uint32_t payload_bytes;
    uint32_t checksum; /* FNV-1a of the payload */
    uint8_t payload[];
} ringdemo_msg_t;

/* Payload length of message seq: 1 .. 900 bytes, so lengths vary. */
static inline uint32_t ringdemo_payload_bytes(uint64_t seq)
{
    return (uint32_t)(seq * 37u % 900u) + 1u;
}

static inline uint8_t ringdemo_payload_byte(uint64_t seq, uint32_t i)
{
    return (uint8_t)(seq * 131u + i * 7u + (seq >> 8));
}

static inline uint32_t ringdemo_fnv1a(const uint8_t *p, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}
