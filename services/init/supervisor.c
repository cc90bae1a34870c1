// SPDX-License-Identifier: BSD-2-Clause
/*
 * The supervisor in init: serves init's endpoint for ever. A component's
 * exit message or fault (badge = component index + 1) is reported, the
 * component aborted (its caller answered) and reclaimed, and restarted as
 * its policy says; supervisor requests (KAAL_INIT_LABEL_PS/MEM/LIFECYCLE/
 * POWEROFF/PCI, <kaal/component.h>) from a component with `supervisor =
 * true` are answered.
 */
#include "component.h"
#include "devices.h"
#include "notices.h"
#include "pcigrant.h"
#include "system.h"
#include "vm.h"

#include <kaal/component.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/supervisor.h>
#include <kaal/sysdesc.h>

static const char *fault_name(seL4_Word label)
{
    switch (label) {
    case seL4_Fault_CapFault: return "CapFault";
    case seL4_Fault_UnknownSyscall: return "UnknownSyscall";
    case seL4_Fault_UserException: return "UserException";
    case seL4_Fault_VMFault: return "VMFault";
    default: return "fault";
    }
}

/* What the fault message says about where: (address, rip). */
static void fault_where(seL4_Word label, seL4_Word *addr, seL4_Word *ip)
{
    *addr = 0;
    *ip = 0;
    switch (label) {
    case seL4_Fault_VMFault:
        *ip = seL4_GetMR(seL4_VMFault_IP);
        *addr = seL4_GetMR(seL4_VMFault_Addr);
        break;
    case seL4_Fault_UserException:
        *ip = seL4_GetMR(seL4_UserException_FaultIP);
        *addr = *ip;
        break;
    case seL4_Fault_UnknownSyscall:
        *ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP);
        *addr = seL4_GetMR(seL4_UnknownSyscall_RAX);
        break;
    case seL4_Fault_CapFault:
        *ip = seL4_GetMR(seL4_CapFault_IP);
        *addr = seL4_GetMR(seL4_CapFault_Addr);
        break;
    }
}

/* Lets a running component answer the call it was serving before it is
 * destroyed (the runtime's abort path, <kaal/component.h>): restarted at
 * its entry at init's priority, it runs when init yields, replies and
 * suspends itself. init goes on however that ends (a fault on the way
 * only queues a fault message; an endless loop ends with its time slice):
 * stop() suspends and destroys it next. */
static void abort_component(struct component *c)
{
    if (seL4_TCB_SetPriority(c->tcb, seL4_CapInitThreadTCB, seL4_MaxPrio) == seL4_NoError &&
        init_run_from_entry(c, KAAL_COMPONENT_ABORT_MAGIC) == seL4_NoError)
        seL4_Yield();
}

static void stop(struct component *c)
{
    bool was_running = c->running;
    if (was_running) {
        abort_component(c);
        seL4_TCB_Suspend(c->tcb);
    }
    while (c->n_copies) {
        seL4_CPtr slot = c->copies[--c->n_copies];
        seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
        kaal_cspace_free(&init_cspace, slot, 1);
    }
    init_free_all(&c->objects);
    init_release_pci((uint32_t)(c - init_components) + 1);
    c->running = false;
    if (was_running)
        init_tell_servers((unsigned)(c - init_components));
}

void init_start_component(unsigned index)
{
    struct component *c = &init_components[index];
    init_free_all(&c->graves);
    const char *why = init_build_and_start(index);
    if (why) {
        printf("init: component %s not started: %s\n", c->name, why);
        c->running = false;
        stop(c);
        init_bury(index, &c->graves);
    }
}

/* ---- supervisor requests (KAAL_INIT_LABEL_PS/MEM/LIFECYCLE/POWEROFF/PCI) ---- */

static bool is_supervisor(const struct component *c)
{
    for (uint32_t i = 0; i < c->desc->n_config; i++) {
        const kaal_sysdesc_config_t *cf = &init_sysdesc.config[c->desc->first_config + i];
        if (cf->type == KAAL_SYSDESC_CONFIG_BOOL && cf->value == 1 &&
            strcmp(kaal_sysdesc_string(&init_sysdesc, cf->key), "supervisor") == 0)
            return true;
    }
    return false;
}

static void name_to_mrs(const char *name, unsigned first_mr)
{
    uint64_t words[KAAL_INIT_NAME_WORDS] = { 0 };
    kaal_supervisor_name_to_words(name, words); /* init's names always fit */
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
        seL4_SetMR(first_mr + w, words[w]);
}

static int find_component(unsigned first_mr)
{
    uint64_t words[KAAL_INIT_NAME_WORDS];
    char name[KAAL_COMPONENT_NAME_MAX + 1];
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
        words[w] = seL4_GetMR(first_mr + w);
    kaal_supervisor_words_to_name(words, name);
    for (uint32_t i = 0; i < init_sysdesc.n_components; i++)
        if (strcmp(init_components[i].name, name) == 0)
            return (int)i;
    return -1;
}

static kaal_error_t lifecycle(struct component *caller, seL4_Word op, unsigned index)
{
    struct component *c = &init_components[index];
    if (op == KAAL_INIT_OP_START && c->running)
        return KAAL_EEXIST;
    if (c == caller && op != KAAL_INIT_OP_START)
        return KAAL_EBUSY; /* it could not hear the reply */
    if (op == KAAL_INIT_OP_CRASH) {
        /* Resumed at address 0, it faults there like any buggy program
         * and goes through the fault path (report, reclaim, policy). */
        seL4_UserContext regs;
        const seL4_Word n = sizeof(regs) / sizeof(seL4_Word);
        if (!c->running)
            return KAAL_EINVAL;
        if (seL4_TCB_ReadRegisters(c->tcb, 1, 0, n, &regs) != seL4_NoError) /* suspends it */
            return KAAL_ESEL4;
        regs.rip = 0;
        if (seL4_TCB_WriteRegisters(c->tcb, 1, 0, n, &regs) != seL4_NoError)
            return KAAL_ESEL4;
        return KAAL_OK;
    }
    if (op == KAAL_INIT_OP_STOP || op == KAAL_INIT_OP_KILL || op == KAAL_INIT_OP_RESTART) {
        stop(c);
        printf("init: %s %s, %lu KiB of RAM untyped free\n", c->name,
               op == KAAL_INIT_OP_KILL ? "killed" : "stopped",
               (unsigned long)(init_untyped.free_bytes >> 10));
        if (op != KAAL_INIT_OP_RESTART)
            init_bury(index, &c->graves);
    }
    if (op == KAAL_INIT_OP_START || op == KAAL_INIT_OP_RESTART) {
        init_start_component(index);
        if (!c->running)
            return KAAL_ENOMEM;
    }
    return op >= KAAL_INIT_OP_START && op <= KAAL_INIT_OP_KILL ? KAAL_OK : KAAL_EINVAL;
}

/* PCI device `index` (counting PCI devices only) into MR0 = how many
 * there are and MR1.. = its row (KAAL_INIT_LABEL_PCI); returns the number
 * of words, 0 if there is no such device. */
static unsigned pci_to_mrs(seL4_Word index)
{
    const kaal_device_t *found = NULL;
    seL4_Word n_pci = 0;
    for (size_t i = 0; i < init_devices.n_devices; i++) {
        if (init_devices.devices[i].bus != KAAL_BUS_PCI)
            continue;
        if (n_pci++ == index)
            found = &init_devices.devices[i];
    }
    if (found == NULL)
        return 0;
    uint64_t words[KAAL_DEVICE_WIRE_WORDS];
    size_t n = kaal_device_encode(found, words);
    seL4_SetMR(0, n_pci);
    for (size_t w = 0; w < n; w++)
        seL4_SetMR(1 + w, words[w]);
    return 1 + (unsigned)n;
}

/* Answers one supervisor request from c (its reply cap is waiting). */
static void serve_request(struct component *c, seL4_Word label)
{
    kaal_error_t err = KAAL_OK;
    unsigned n_words = 0;
    if (!is_supervisor(c)) {
        err = KAAL_EBUSY;
    } else if (label == KAAL_INIT_LABEL_PS) {
        seL4_Word i = seL4_GetMR(0);
        if (i >= init_sysdesc.n_components) {
            err = KAAL_ENOENT;
        } else {
            const struct component *p = &init_components[i];
            seL4_SetMR(0, init_sysdesc.n_components);
            seL4_SetMR(1, p->running);
            seL4_SetMR(2, p->desc->priority);
            seL4_SetMR(3, p->restarts);
            seL4_SetMR(4, p->desc->n_caps);
            name_to_mrs(p->name, 5);
            n_words = 5 + KAAL_INIT_NAME_WORDS;
        }
    } else if (label == KAAL_INIT_LABEL_POWEROFF) {
        err = init_poweroff();
    } else if (label == KAAL_INIT_LABEL_PCI) {
        n_words = pci_to_mrs(seL4_GetMR(0));
        err = n_words ? KAAL_OK : KAAL_ENOENT;
    } else if (label == KAAL_INIT_LABEL_MEM) {
        seL4_SetMR(0, init_untyped_at_start_bytes);
        seL4_SetMR(1, init_untyped.free_bytes);
        n_words = 2;
    } else {
        seL4_Word op = seL4_GetMR(0);
        int i = find_component(1);
        err = i < 0 ? KAAL_ENOENT : lifecycle(c, op, (unsigned)i);
    }
    seL4_Reply(seL4_MessageInfo_new((seL4_Word)err, 0, 0, n_words));
}

_Noreturn void init_serve(void)
{
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(init_endpoint, &badge);
        if (badge == 0 || badge > init_sysdesc.n_components)
            continue;
        unsigned index = (unsigned)badge - 1;
        struct component *c = &init_components[index];
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (label >= KAAL_INIT_LABEL_PS && label <= KAAL_INIT_LABEL_PCI) {
            serve_request(c, label);
            continue;
        }
        bool failed = true;
        if (label == KAAL_INIT_LABEL_EXIT) {
            seL4_Word status = seL4_GetMR(0);
            printf("component %s exited with status %ld\n", c->name, (long)status);
            failed = status != 0;
        } else {
            seL4_Word addr, ip;
            fault_where(label, &addr, &ip);
            if (label == seL4_Fault_UnknownSyscall)
                /* The seL4 number (rdx): e.g. a debug call withheld from it. */
                printf("component %s faulted: UnknownSyscall %ld (rip %p)\n", c->name,
                       (long)seL4_GetMR(seL4_UnknownSyscall_Syscall), (void *)ip);
            else
                printf("component %s faulted: %s at %p (rip %p)\n", c->name,
                       fault_name(label), (void *)addr, (void *)ip);
        }
        stop(c);
        printf("init: %s reclaimed, %lu KiB of RAM untyped free\n", c->name,
               (unsigned long)(init_untyped.free_bytes >> 10));
        uint8_t policy = c->desc->restart;
        bool again = policy == KAAL_SYSDESC_RESTART_ALWAYS ||
                     (policy == KAAL_SYSDESC_RESTART_ON_FAILURE && failed);
        if (again && c->restarts < c->desc->max_restarts) {
            c->restarts++;
            printf("init: restarting %s (%u of %u)\n", c->name, c->restarts,
                   c->desc->max_restarts);
            init_start_component(index);
        } else {
            if (again)
                printf("init: %s reached its restart limit (%u): stays stopped\n", c->name,
                       c->desc->max_restarts);
            init_bury(index, &c->graves);
        }
    }
}
