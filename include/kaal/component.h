/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How init starts a component (the KaaL start protocol). The component's
 * thread begins at its ELF entry with rsp just below a kaal_component_start
 * record at the top of its stack and rdi pointing at that record. The
 * runtime (runtime/crt) reads it before main(): IPC buffer, heap region,
 * name. The root task instead gets rdi = seL4_BootInfo and rsp = 0, as in
 * seL4; the magic number tells the two apart.
 *
 * Capabilities are at the slots <kaal/sysdesc.h> fixes (KAAL_SYSDESC_SLOT_*)
 * and the generated <NAME_caps.h> names.
 */
#pragma once

#include <sel4/sel4.h>

#define KAAL_COMPONENT_START_MAGIC 0x504d4f434c41414bull /* "KAALCOMP" */
#define KAAL_COMPONENT_NAME_MAX 32
#define KAAL_COMPONENT_MAX_FILES 4 /* boot files per component (tools/systoml MAX_FILES) */
#define KAAL_COMPONENT_CONFIG_MAX 8 /* int/bool config entries in the start record */
#define KAAL_COMPONENT_CONFIG_TEXT_BYTES 112 /* string config entries (keys and values) */

/* A boot file ([[component.file]] in system.toml) init mapped read-only. */
typedef struct kaal_component_file {
    char name[KAAL_COMPONENT_NAME_MAX];
    const void *data;     /* its <name>_caps.h KAAL_FILE_<NAME>_VADDR */
    seL4_Word size_bytes; /* the file's size; the mapping ends at the page after */
} kaal_component_file_t;

/* An int or bool `[component.config]` entry, for code built once and run
 * in several systems (strings stay in the generated header). */
typedef struct kaal_component_config {
    char key[KAAL_COMPONENT_NAME_MAX];
    int64_t value;
} kaal_component_config_t;

/* A ring end the system wired (its data region, mapped by init). A
 * component.toml may declare optional ends; a component built once for
 * several systems (the VFS server's shm1..shm4) learns which are wired here. */
#define KAAL_COMPONENT_MAX_RINGS 8 /* the first 8 wired ring ends are listed */
typedef struct kaal_component_ring {
    char name[KAAL_COMPONENT_NAME_MAX]; /* the end's name */
    seL4_Word data_vaddr;               /* its header's KAAL_RING_<NAME>_DATA_VADDR */
    seL4_Word data_size_bytes;
    /* The end says `dma = true` in its component.toml: the data region is
     * physically contiguous RAM (mapped cached: x86 DMA is coherent) at this
     * physical address, so a device can read and write the buffers; else 0. */
    seL4_Word data_paddr;
} kaal_component_ring_t;

/* A PCI device init granted (system.toml `devices`): what was decided at
 * boot, when the broker sized and placed the BARs. The header has the
 * vaddrs and caps; this has the physical facts. */
#define KAAL_COMPONENT_MAX_PCI 2
#define KAAL_COMPONENT_PCI_BARS 6
#define KAAL_COMPONENT_PCI_CONFIG_BYTES 256
typedef struct kaal_component_pci {
    uint32_t id; /* vendor << 16 | device; 0: unused entry */
    uint8_t bus, dev, fn;
    uint8_t irq_level; /* 1: level-triggered (INTx), 0: edge */
    uint32_t irq_gsi;  /* IOAPIC input of its INTx, if granted */
    uint32_t reserved;
    /* Per BAR, as granted (0 size: not granted): memory BARs give their
     * physical address and the vaddr init mapped them at (uncached); I/O
     * BARs their first port (vaddr 0). */
    seL4_Word bar_base[KAAL_COMPONENT_PCI_BARS];
    seL4_Word bar_size[KAAL_COMPONENT_PCI_BARS];
    seL4_Word bar_vaddr[KAAL_COMPONENT_PCI_BARS];
    /* The function's standard configuration space (offsets 0..255) as init
     * read it when it claimed the device: the header and the capability
     * list (vendor-specific capabilities such as virtio's locate the
     * device's register blocks inside its BARs). A read-only snapshot: the
     * component gets no access to config space itself. */
    uint8_t config[KAAL_COMPONENT_PCI_CONFIG_BYTES];
} kaal_component_pci_t;

typedef struct kaal_component_start {
    seL4_Word magic;            /* KAAL_COMPONENT_START_MAGIC */
    seL4_IPCBuffer *ipc_buffer;
    seL4_Word heap_vaddr;
    seL4_Word heap_size_bytes;
    char name[KAAL_COMPONENT_NAME_MAX];
    seL4_Word n_files;
    kaal_component_file_t files[KAAL_COMPONENT_MAX_FILES];
    /* The client end of the console channel (cap "console", <kaal/console.h>);
     * 0: none, printf goes through seL4_DebugPutChar. */
    seL4_CPtr console_ep;
    seL4_Word n_config;
    kaal_component_config_t config[KAAL_COMPONENT_CONFIG_MAX]; /* the first n_config */
    seL4_Word n_pci;
    kaal_component_pci_t pci[KAAL_COMPONENT_MAX_PCI];
    /* The DMA region (system.toml `dma`): physically contiguous RAM mapped
     * uncached at dma_vaddr (its header's KAAL_DMA_VADDR); dma_paddr is where
     * init found room at run time (seL4_X86_Page_GetAddress of its first
     * frame). 0 size: none. */
    seL4_Word dma_vaddr, dma_paddr, dma_size_bytes;
    seL4_Word n_rings;
    kaal_component_ring_t rings[KAAL_COMPONENT_MAX_RINGS]; /* the first n_rings */
    /* The TSC's frequency in Hz as the kernel measured it at boot (seL4's
     * x86 extra bootinfo header SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, which
     * gives MHz); 0: unknown. kaal_time_ns() (<kaal/timer.h>) scales by it.
     * New fields go at the end, so code built against an older record
     * reads the fields it knows at the same offsets. */
    uint64_t tsc_hz;
    /* The string `[component.config]` entries that fit, each as its key
     * and its value, NUL-terminated, back to back; an empty key ends the
     * list. kaal_component_config_str() looks them up. */
    char config_text[KAAL_COMPONENT_CONFIG_TEXT_BYTES];
} kaal_component_start_t;
/* init writes it at the top of the stack's top page; main's first frames
 * share that page. */
_Static_assert(sizeof(kaal_component_start_t) <= 2048, "start record too large");

/* Messages a component sends init on its endpoint (slot
 * KAAL_SYSDESC_SLOT_INIT_EP); labels above any seL4 fault label. */
#define KAAL_INIT_LABEL_EXIT 0x4b4100 /* MR0 = exit status; no reply */

/* Supervisor requests (seL4_Call on the same endpoint), answered only for
 * components whose system.toml config says `supervisor = true` (the shell);
 * the reply's label is a kaal_error_t (KAAL_EBUSY: not a supervisor). */
/* MR0 = component index. Reply: MR0 = number of components, MR1 = 1 if
 * running, MR2 = priority, MR3 = restarts, MR4 = granted caps, MR5..MR8 =
 * name (KAAL_COMPONENT_NAME_MAX bytes, NUL padded). KAAL_ENOENT past the end. */
#define KAAL_INIT_LABEL_PS 0x4b4101
/* Reply: MR0 = RAM untyped bytes when the system started, MR1 = free now. */
#define KAAL_INIT_LABEL_MEM 0x4b4102
/* MR0 = operation (KAAL_INIT_OP_*), MR1..MR4 = name as for PS.
 * KAAL_ENOENT: no such component; KAAL_EEXIST: start of a running one. */
#define KAAL_INIT_LABEL_LIFECYCLE 0x4b4103
#define KAAL_INIT_OP_START 1
#define KAAL_INIT_OP_STOP 2
#define KAAL_INIT_OP_RESTART 3
#define KAAL_INIT_OP_KILL 4
#define KAAL_INIT_OP_CRASH 5 /* resume the component at rip 0: a VMFault on purpose */
#define KAAL_INIT_NAME_WORDS (KAAL_COMPONENT_NAME_MAX / 8)
/* ACPI S5: init writes SLP_TYP | SLP_EN into PM1a/b_CNT (from the FADT and
 * the DSDT's \_S5). Returns (KAAL_ENOSYS) only if the machine stays on. */
#define KAAL_INIT_LABEL_POWEROFF 0x4b4104
/* MR0 = index among the PCI devices init found (0, 1, ...). Reply: MR0 =
 * number of PCI devices, MR1..MR(n) = the device as the row of words
 * kaal_device_encode writes (<kaal/devices.h>: location, ids, class /
 * subclass / prog-if, IRQ line and pin, MSI / MSI-X, then per resource
 * (BARs, routed IRQ) kind | flags, base, size); n = 7 + 3 * resources, at
 * most KAAL_DEVICE_WIRE_WORDS. KAAL_ENOENT past the end. */
#define KAAL_INIT_LABEL_PCI 0x4b4105

/* Aborting a component (fault, stop, restart, kill): before init destroys
 * it, it runs the component once more from its ELF entry with rdi = its
 * start record and rsi = KAAL_COMPONENT_ABORT_MAGIC, at init's priority.
 * The runtime (runtime/crt) then answers the seL4_Call it was serving, if
 * any, with label KAAL_RPC_LABEL_SERVER_GONE and no message words, and
 * suspends itself. So a client of a server that dies while handling its
 * call sees that label instead of waiting for ever; callers still queued
 * on the endpoint are served by the next instance; while the server stays
 * stopped, init answers its callers the same way (services/init/README.md). */
#define KAAL_COMPONENT_ABORT_MAGIC 0x54524f424141414bull /* "KAAABORT" */
#define KAAL_RPC_LABEL_SERVER_GONE 0x4b41ff

/* Client exits: when a component that is the client end of an rpc channel
 * stops (exit, fault, stop, restart, kill), init tells the channel's server
 * with a seL4_Call on the server's endpoint: badge KAAL_RPC_BADGE_INIT
 * (system.toml badges stay below it), label KAAL_RPC_LABEL_CLIENT_GONE,
 * MR0 = the badge of the client that went. The server drops what it keeps
 * for that badge (open files, partial lines) and replies (any message).
 * Each server has its own sender thread in init, at init's priority minus
 * one, so the notice is on the endpoint before the restarted client can
 * call, and a server slow to answer delays only its own notices. */
#define KAAL_RPC_BADGE_INIT (1ull << 63)
/* Set in every client badge on an rpc_server end declared with
 * `bound_notification = true` (component.toml, docs/system-toml.md): the
 * server's bound notification reaches the same seL4_Recv with badges below
 * this bit. tools/systoml/schema.py RPC_BADGE_CLIENT mirrors it. */
#define KAAL_RPC_BADGE_CLIENT (1ull << 62)
#define KAAL_RPC_LABEL_CLIENT_GONE 0x4b41fe

/* The record init passed (NULL in the root task). */
const kaal_component_start_t *kaal_component(void);
/* The boot file system.toml gives this component under that name, or NULL
 * (not a component, or the system gives it no such file). A component built
 * for several systems (the VFS server) finds its files this way. */
const kaal_component_file_t *kaal_component_file(const char *name);

/* The ring end `name` if the system wired it (its data region is mapped),
 * else NULL. */
const kaal_component_ring_t *kaal_component_ring(const char *name);

/* The int/bool config value `key` init passed, or dflt. */
int64_t kaal_component_config_int(const char *key, int64_t dflt);
/* The string config value `key` init passed (config_text), or NULL. */
const char *kaal_component_config_str(const char *key);
