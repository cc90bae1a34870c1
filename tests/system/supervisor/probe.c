// SPDX-License-Identifier: BSD-2-Clause
/*
 * A component that asks init for every supervisor request
 * (<kaal/component.h>) and prints the reply label of each: booted twice by
 * tests/system/test_lspci.py, once as "boss" (system.toml config
 * `supervisor = true`) and once as "nobody" (no config), so the test sees
 * init answer the one and refuse the other (KAAL_EBUSY). Only "nobody"
 * asks for a power-off and a kill, which a refusal must stop.
 */
#include <stdbool.h>

#include <kaal/component.h>
#include <kaal/error.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

static const char *me;

static void ask(const char *what, seL4_Word label, unsigned n_words)
{
    seL4_MessageInfo_t reply =
        seL4_Call(KAAL_SYSDESC_SLOT_INIT_EP, seL4_MessageInfo_new(label, 0, 0, n_words));
    kaal_error_t err = (kaal_error_t)seL4_MessageInfo_get_label(reply);
    printf("probe %s: %s -> %s", me, what, kaal_strerror(err));
    if (err == KAAL_OK && label == KAAL_INIT_LABEL_PCI)
        printf(" (%lu PCI devices, first %04lx:%04lx)", (unsigned long)seL4_GetMR(0),
               (unsigned long)(seL4_GetMR(2) & 0xffff),
               (unsigned long)(seL4_GetMR(2) >> 16 & 0xffff));
    printf("\n");
}

int main(void)
{
    me = kaal_component() ? kaal_component()->name : "?";
    bool boss = strcmp(me, "boss") == 0;
    seL4_SetMR(0, 0);
    ask("ps", KAAL_INIT_LABEL_PS, 1);
    ask("mem", KAAL_INIT_LABEL_MEM, 0);
    seL4_SetMR(0, 0);
    ask("pci", KAAL_INIT_LABEL_PCI, 1);
    seL4_SetMR(0, 1000);
    ask("pci past the end", KAAL_INIT_LABEL_PCI, 1);
    if (!boss) {
        /* KILL "boss": refused, boss must stay alive to say its lines. */
        seL4_SetMR(0, KAAL_INIT_OP_KILL);
        seL4_Word name[KAAL_INIT_NAME_WORDS] = {0};
        memcpy(name, "boss", 5);
        for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
            seL4_SetMR(1 + w, name[w]);
        ask("kill boss", KAAL_INIT_LABEL_LIFECYCLE, 1 + KAAL_INIT_NAME_WORDS);
        ask("poweroff", KAAL_INIT_LABEL_POWEROFF, 0);
    }
    return 0;
}
