// SPDX-License-Identifier: BSD-2-Clause
/* The supervisor protocol's client calls (<kaal/supervisor.h>). */
#include <kaal/supervisor.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

/* One request; the reply's label is its error. */
static kaal_error_t call(seL4_Word label, unsigned n_words)
{
    seL4_MessageInfo_t reply =
        seL4_Call(KAAL_SYSDESC_SLOT_INIT_EP, seL4_MessageInfo_new(label, 0, 0, n_words));
    return (kaal_error_t)seL4_MessageInfo_get_label(reply);
}

kaal_error_t kaal_supervisor_component(seL4_Word index, kaal_supervisor_component_t *out,
                                       seL4_Word *n_components)
{
    seL4_SetMR(0, index);
    kaal_error_t err = call(KAAL_INIT_LABEL_PS, 1);
    if (err != KAAL_OK)
        return err;
    *n_components = seL4_GetMR(0);
    out->running = seL4_GetMR(1) != 0;
    out->priority = (uint8_t)seL4_GetMR(2);
    out->restarts = (uint32_t)seL4_GetMR(3);
    out->n_caps = (uint32_t)seL4_GetMR(4);
    uint64_t words[KAAL_INIT_NAME_WORDS];
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
        words[w] = seL4_GetMR(5 + w);
    kaal_supervisor_words_to_name(words, out->name);
    return KAAL_OK;
}

kaal_error_t kaal_supervisor_mem(kaal_supervisor_mem_t *out)
{
    kaal_error_t err = call(KAAL_INIT_LABEL_MEM, 0);
    if (err != KAAL_OK)
        return err;
    out->untyped_total_bytes = seL4_GetMR(0);
    out->untyped_free_bytes = seL4_GetMR(1);
    return KAAL_OK;
}

kaal_error_t kaal_supervisor_lifecycle(seL4_Word op, const char *name)
{
    uint64_t words[KAAL_INIT_NAME_WORDS];
    kaal_error_t err = kaal_supervisor_name_to_words(name, words);
    if (err != KAAL_OK)
        return err;
    seL4_SetMR(0, op);
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
        seL4_SetMR(1 + w, words[w]);
    return call(KAAL_INIT_LABEL_LIFECYCLE, 1 + KAAL_INIT_NAME_WORDS);
}

kaal_error_t kaal_supervisor_pci(seL4_Word index, kaal_device_t *out, seL4_Word *n_devices)
{
    seL4_SetMR(0, index);
    kaal_error_t err = call(KAAL_INIT_LABEL_PCI, 1);
    if (err != KAAL_OK)
        return err;
    *n_devices = seL4_GetMR(0);
    uint64_t words[KAAL_DEVICE_WIRE_WORDS];
    for (unsigned w = 0; w < KAAL_DEVICE_WIRE_WORDS; w++)
        words[w] = seL4_GetMR(1 + w);
    return kaal_device_decode(words, KAAL_DEVICE_WIRE_WORDS, out);
}

kaal_error_t kaal_supervisor_poweroff(void)
{
    return call(KAAL_INIT_LABEL_POWEROFF, 0);
}
