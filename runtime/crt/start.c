// SPDX-License-Identifier: BSD-2-Clause
/* C start-up: give the main thread its TLS block (<kaal/thread.h>), record
 * what the kernel (root task) or init (component, see <kaal/component.h>)
 * passed, run main, exit with its value. */
#include <kaal/component.h>
#include <kaal/elf.h>
#include <kaal/console.h>
#include <kaal/heap.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/thread.h>

static const seL4_BootInfo *bootinfo;
static const kaal_component_start_t *component;

_Noreturn void __kaal_start_c(const void *arg, seL4_Word reason);

/* init is tearing this component down (<kaal/component.h>): answer the call
 * being served, if any, and stop. Registers only: the IPC buffer, the heap
 * and the stack contents may be what made it fail. */
static _Noreturn void abort_pending_call(void)
{
    seL4_Reply(seL4_MessageInfo_new(KAAL_RPC_LABEL_SERVER_GONE, 0, 0, 0));
    seL4_TCB_Suspend(KAAL_SYSDESC_SLOT_TCB);
    for (;;)
        seL4_Yield();
}

void __kaal_start_c(const void *arg, seL4_Word reason)
{
    const kaal_component_start_t *start = arg;
    /* Registers only so far; a restart for an abort comes with fs_base 0. */
    kaal_thread_setup_main(NULL);
    if (reason == KAAL_COMPONENT_ABORT_MAGIC)
        abort_pending_call();
    if (start && start->magic == KAAL_COMPONENT_START_MAGIC) {
        component = start;
        seL4_SetIPCBuffer(start->ipc_buffer);
        /* Asked of the kernel, which decides: a debug call would fault. */
        seL4_TCB_SetFlags_t fl = seL4_TCB_SetFlags(KAAL_SYSDESC_SLOT_TCB, 0, 0);
        kaal_debug_syscalls_withheld =
            fl.error == seL4_NoError && (fl.flags & KAAL_TCBFlag_NoDebugSyscalls);
        if (start->heap_size_bytes)
            kaal_heap_add_region(kaal_malloc_heap(), (void *)start->heap_vaddr,
                                 start->heap_size_bytes);
        kaal_console_attach(start->console_ep, start->name);
    } else if (arg) {
        bootinfo = arg;
        seL4_SetIPCBuffer(bootinfo->ipcBuffer);
    }
    kaal_exit(main());
}

const kaal_component_start_t *kaal_component(void)
{
    return component;
}

const kaal_component_file_t *kaal_component_file(const char *name)
{
    if (!component)
        return 0;
    for (seL4_Word i = 0; i < component->n_files && i < KAAL_COMPONENT_MAX_FILES; i++)
        if (strcmp(component->files[i].name, name) == 0)
            return &component->files[i];
    return 0;
}

const kaal_component_ring_t *kaal_component_ring(const char *name)
{
    if (!component)
        return 0;
    for (seL4_Word i = 0; i < component->n_rings && i < KAAL_COMPONENT_MAX_RINGS; i++)
        if (strncmp(component->rings[i].name, name, KAAL_COMPONENT_NAME_MAX) == 0)
            return &component->rings[i];
    return 0;
}

int64_t kaal_component_config_int(const char *key, int64_t dflt)
{
    if (!component)
        return dflt;
    for (seL4_Word i = 0; i < component->n_config && i < KAAL_COMPONENT_CONFIG_MAX; i++)
        if (strncmp(component->config[i].key, key, KAAL_COMPONENT_NAME_MAX) == 0)
            return component->config[i].value;
    return dflt;
}

const char *kaal_component_config_str(const char *key)
{
    if (!component)
        return 0;
    const char *t = component->config_text, *end = t + sizeof(component->config_text);
    while (t < end && *t) {
        const char *value = t + strnlen(t, (size_t)(end - t)) + 1;
        if (value >= end)
            return 0;
        size_t vl = strnlen(value, (size_t)(end - value));
        if (value + vl >= end)
            return 0; /* no NUL inside the record: not a value */
        if (strcmp(t, key) == 0)
            return value;
        t = value + vl + 1;
    }
    return 0;
}

const seL4_BootInfo *kaal_bootinfo(void)
{
    return bootinfo;
}

/* userImageFrames are the image's pages in address order from the lowest
 * PT_LOAD page (seL4's bootinfo; kernel/boot/root_task.c). */
seL4_CPtr kaal_root_image_frame(const void *addr)
{
    extern const kaal_elf64_ehdr_t __ehdr_start;
    const kaal_elf64_phdr_t *ph =
        (const void *)((const uint8_t *)&__ehdr_start + __ehdr_start.e_phoff);
    uint64_t lowest = UINT64_MAX;
    if (!bootinfo)
        return seL4_CapNull;
    for (unsigned i = 0; i < __ehdr_start.e_phnum; i++)
        if (ph[i].p_type == KAAL_PT_LOAD && ph[i].p_memsz && ph[i].p_vaddr < lowest)
            lowest = ph[i].p_vaddr;
    uint64_t page = (uint64_t)addr & ~0xffful, first = lowest & ~0xffful;
    if (lowest == UINT64_MAX || page < first)
        return seL4_CapNull;
    uint64_t index = (page - first) >> 12;
    const seL4_SlotRegion *frames = &bootinfo->userImageFrames;
    return index < frames->end - frames->start ? frames->start + index : seL4_CapNull;
}

void kaal_exit(int status)
{
    if (component) {
        /* Its last lines are on the UART before init reports the exit. */
        kaal_console_sync();
        /* init hears of it and reclaims the component; nothing returns. */
        seL4_SetMR(0, (seL4_Word)status);
        seL4_Send(KAAL_SYSDESC_SLOT_INIT_EP,
                  seL4_MessageInfo_new(KAAL_INIT_LABEL_EXIT, 0, 0, 1));
        for (;;)
            seL4_Yield();
    }
    printf("exit status %d\n", status);
    for (;;)
        seL4_DebugHalt();
}
