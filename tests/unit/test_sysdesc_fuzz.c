// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer target for the KSYS reader (runtime/sysdesc/sysdesc.c). Each
 * input is tried twice: as is (exercising the header and checksum checks),
 * and with its checksum recomputed, so mutations reach the table, string and
 * reference checks behind it. Third, the input is read as a patch list
 * (offset, byte) applied to a valid blob the Python compiler made at build
 * time (sysdesc_fixture.c), which reaches deep checks quickly without a
 * corpus directory. Whatever kaal_sysdesc_open() accepts is then walked like
 * init would, which must stay inside the blob (ASan checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/sysdesc.h>

/* From the generated sysdesc_fixture.c (runtime/sysdesc/module.mk). */
extern const uint8_t sysdesc_fixture_blob[];
extern const size_t sysdesc_fixture_size;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const kaal_sysdesc_t *sd)
{
    volatile size_t sum = 0;
    for (uint32_t i = 0; i < sd->n_components; i++) {
        const kaal_sysdesc_component_t *c = &sd->components[i];
        sum += strlen(kaal_sysdesc_string(sd, c->name));
        sum += sd->modules[c->module].size_bytes;
        for (uint32_t k = 0; k < c->n_caps; k++) {
            const kaal_sysdesc_cap_t *cap = &sd->caps[c->first_cap + k];
            sum += strlen(kaal_sysdesc_string(sd, cap->name));
            if (cap->object != KAAL_SYSDESC_NONE)
                sum += sd->objects[cap->object].kind;
        }
        for (uint32_t r = 0; r < c->n_regions; r++)
            sum += sd->objects[sd->regions[c->first_region + r].object].size_bytes;
        for (uint32_t k = 0; k < c->n_config; k++) {
            const kaal_sysdesc_config_t *cfg = &sd->config[c->first_config + k];
            if (cfg->type == KAAL_SYSDESC_CONFIG_STRING)
                sum += strlen(kaal_sysdesc_string(sd, (uint32_t)cfg->value));
        }
        sum += kaal_sysdesc_find_cap(sd, c, "events") != 0;
    }
    for (uint32_t i = 0; i < sd->n_channels; i++)
        sum += sd->components[sd->channels[i].component[1]].priority;
    (void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = aligned_alloc(8, size / 8 * 8 + 8);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    kaal_sysdesc_t sd;
    if (kaal_sysdesc_open(&sd, copy, size) == KAAL_SYSDESC_OK)
        walk(&sd);
    if (size >= sizeof(kaal_sysdesc_header_t)) {
        kaal_sysdesc_header_t *h = (kaal_sysdesc_header_t *)copy;
        if (h->total_size_bytes >= 16 && h->total_size_bytes <= size) {
            h->crc32 = 0;
            h->crc32 = kaal_sysdesc_crc32(0, copy, h->total_size_bytes);
            if (kaal_sysdesc_open(&sd, copy, size) == KAAL_SYSDESC_OK)
                walk(&sd);
        }
    }
    free(copy);

    /* Patch mode: 3 bytes per patch, little-endian u16 offset then value. */
    uint8_t *blob = aligned_alloc(8, (sysdesc_fixture_size + 7) / 8 * 8);
    if (!blob)
        return 0;
    memcpy(blob, sysdesc_fixture_blob, sysdesc_fixture_size);
    for (size_t i = 0; i + 3 <= size; i += 3) {
        size_t off = (size_t)(data[i] | data[i + 1] << 8) % sysdesc_fixture_size;
        if (off >= 12 && off < 16)
            continue; /* the checksum is recomputed below */
        blob[off] = data[i + 2];
    }
    kaal_sysdesc_header_t *h = (kaal_sysdesc_header_t *)blob;
    if (h->total_size_bytes >= 16 && h->total_size_bytes <= sysdesc_fixture_size) {
        h->crc32 = 0;
        h->crc32 = kaal_sysdesc_crc32(0, blob, h->total_size_bytes);
    }
    if (kaal_sysdesc_open(&sd, blob, sysdesc_fixture_size) == KAAL_SYSDESC_OK)
        walk(&sd);
    free(blob);
    return 0;
}
