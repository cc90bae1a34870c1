/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The KSYS binary system description: what tools/systoml-compile makes of a
 * system.toml and init reads at boot (docs/system-toml.md has the full
 * story). Little-endian, fixed-size records, every table 8-byte aligned:
 *
 *   kaal_sysdesc_header_t | components | channels | objects | caps |
 *   regions | config | modules | files | string table (NUL-terminated strings)
 *
 * References between records are indices (a component's caps are
 * caps[first_cap .. first_cap + n_caps)); strings are byte offsets into the
 * string table, 0 being the empty string. Nothing here is trusted until
 * kaal_sysdesc_open() has checked it; after that every index, offset and
 * string it accepted is safe to use without further checks.
 *
 * Freestanding: no libc, no allocation; the blob is only read.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KAAL_SYSDESC_MAGIC 0x5359534bu /* "KSYS" read as a little-endian u32 */
#define KAAL_SYSDESC_VERSION_MAJOR 1   /* readers reject other majors */
#define KAAL_SYSDESC_VERSION_MINOR 4   /* additions only; readers ignore it (1: files, 2: PCI/DMA,
                                          3: component flags, 4: DMA ring memory) */
#define KAAL_SYSDESC_PAGE_SIZE 4096u
#define KAAL_SYSDESC_NONE 0xffffffffu /* cap with no object (device resources) */
#define KAAL_SYSDESC_NAME_MAX 31      /* component, end and cap names */

/* Table directory indices. */
enum {
    KAAL_SYSDESC_TABLE_COMPONENTS = 0,
    KAAL_SYSDESC_TABLE_CHANNELS,
    KAAL_SYSDESC_TABLE_OBJECTS,
    KAAL_SYSDESC_TABLE_CAPS,
    KAAL_SYSDESC_TABLE_REGIONS,
    KAAL_SYSDESC_TABLE_CONFIG,
    KAAL_SYSDESC_TABLE_MODULES,
    KAAL_SYSDESC_TABLE_FILES, /* since 1.1; empty in 1.0 blobs */
    KAAL_SYSDESC_N_TABLES
};

/* kaal_sysdesc_component_t.restart */
#define KAAL_SYSDESC_RESTART_NEVER 0
#define KAAL_SYSDESC_RESTART_ALWAYS 1
#define KAAL_SYSDESC_RESTART_ON_FAILURE 2

/* kaal_sysdesc_component_t.flags (1.3; 0 in older blobs) */
#define KAAL_SYSDESC_COMPONENT_NO_DEBUG_SYSCALLS 1u /* debug_syscalls = false: init sets
                                                       KAAL_TCBFlag_NoDebugSyscalls */

/* kaal_sysdesc_channel_t.kind */
#define KAAL_SYSDESC_CHANNEL_RPC 1
#define KAAL_SYSDESC_CHANNEL_RING 2

/* kaal_sysdesc_object_t.kind: kernel objects init creates once per system */
#define KAAL_SYSDESC_OBJECT_ENDPOINT 1
#define KAAL_SYSDESC_OBJECT_NOTIFICATION 2
#define KAAL_SYSDESC_OBJECT_MEMORY 3  /* zeroed frames, size_bytes page multiple */
#define KAAL_SYSDESC_OBJECT_UNTYPED 4 /* size_bytes a power of two */
/* (1.4) zeroed frames like MEMORY, but physically contiguous (a ring end
 * with `dma = true`: a device reads and writes the ring's buffers); at most
 * KAAL_SYSDESC_DMA_MAX_BYTES */
#define KAAL_SYSDESC_OBJECT_DMA_MEMORY 5

/* kaal_sysdesc_cap_t.kind */
#define KAAL_SYSDESC_CAP_ENDPOINT 1     /* object; arg0 = badge (0: none) */
#define KAAL_SYSDESC_CAP_NOTIFICATION 2 /* object; arg0 = badge (0: none) */
#define KAAL_SYSDESC_CAP_UNTYPED 3      /* object; arg0 = size_bytes */
#define KAAL_SYSDESC_CAP_IOPORT 4       /* arg0 = first port, arg1 = n ports */
#define KAAL_SYSDESC_CAP_IRQ 5          /* arg0 = ISA IRQ line */
#define KAAL_SYSDESC_CAP_PCI 6          /* arg0 = vendor << 16 | device (unused since 1.2) */
/* PCI device grants (1.2): the device is the first with vendor:device
 * (KAAL_SYSDESC_PCI_ID of arg0); init claims it from the broker for the
 * component while it runs. BAR numbers are KAAL_SYSDESC_PCI_BAR of arg0. */
#define KAAL_SYSDESC_CAP_PCI_MMIO 7   /* memory BAR mapped at arg1 (page aligned), window of
                                         2^KAAL_SYSDESC_PCI_SIZE_BITS(arg0) bytes; slot: a
                                         copy of the BAR's first frame cap */
#define KAAL_SYSDESC_CAP_PCI_IOPORT 8 /* I/O BAR: I/O port cap; arg1 = most ports allowed */
#define KAAL_SYSDESC_CAP_PCI_IRQ 9    /* legacy INTx through the IOAPIC: IRQHandler cap */
#define KAAL_SYSDESC_CAP_DMA 10       /* arg0 = size_bytes (page multiple), arg1 = vaddr:
                                         physically contiguous RAM, uncached; slot: a copy
                                         of its first frame cap; paddr in the start record */
#define KAAL_SYSDESC_PCI_ID(arg0) ((uint32_t)(arg0))
#define KAAL_SYSDESC_PCI_BAR(arg0) ((unsigned)((arg0) >> 32) & 0xffu)
#define KAAL_SYSDESC_PCI_SIZE_BITS(arg0) ((unsigned)((arg0) >> 40) & 0xffu)
#define KAAL_SYSDESC_DMA_MAX_BYTES (16ull << 20)

/* kaal_sysdesc_cap_t.rights, kaal_sysdesc_region_t.rights */
#define KAAL_SYSDESC_RIGHT_READ 1u
#define KAAL_SYSDESC_RIGHT_WRITE 2u
#define KAAL_SYSDESC_RIGHT_GRANT 4u
#define KAAL_SYSDESC_RIGHT_GRANT_REPLY 8u
#define KAAL_SYSDESC_RIGHTS_ALL 15u

/* kaal_sysdesc_config_t.type */
#define KAAL_SYSDESC_CONFIG_INT 1    /* value: int64 two's complement */
#define KAAL_SYSDESC_CONFIG_STRING 2 /* value: string table offset */
#define KAAL_SYSDESC_CONFIG_BOOL 3   /* value: 0 or 1 */

/* A component's CSpace: init fills these slots; granted caps start at
 * KAAL_SYSDESC_FIRST_GRANTED_SLOT in the order of the component's caps. */
#define KAAL_SYSDESC_SLOT_TCB 1
#define KAAL_SYSDESC_SLOT_CNODE 2
#define KAAL_SYSDESC_SLOT_VSPACE 3
#define KAAL_SYSDESC_SLOT_IPC_BUFFER 4
#define KAAL_SYSDESC_SLOT_INIT_EP 5 /* badged endpoint to init */
#define KAAL_SYSDESC_FIRST_GRANTED_SLOT 16
#define KAAL_SYSDESC_MAX_CNODE_BITS 20

/* User addresses are below this bound. */
#define KAAL_SYSDESC_USER_TOP 0x0000800000000000ull

typedef struct kaal_sysdesc_table {
    uint32_t offset; /* from the start of the blob; 0 when count is 0 */
    uint32_t count;  /* records */
} kaal_sysdesc_table_t;

typedef struct kaal_sysdesc_header {
    uint32_t magic; /* KAAL_SYSDESC_MAGIC */
    uint16_t version_major;
    uint16_t version_minor;
    uint32_t total_size_bytes; /* blob size, multiple of 8 */
    uint32_t crc32;            /* IEEE CRC-32 of the blob with this field zero */
    uint32_t name;             /* system name (string) */
    uint32_t flags;            /* 0 */
    uint32_t strtab_offset;
    uint32_t strtab_size_bytes; /* last byte is NUL */
    kaal_sysdesc_table_t tables[KAAL_SYSDESC_N_TABLES];
} kaal_sysdesc_header_t;

typedef struct kaal_sysdesc_component {
    uint32_t name;
    uint32_t module; /* index into the modules table */
    uint8_t priority;
    uint8_t restart; /* KAAL_SYSDESC_RESTART_* */
    uint16_t max_restarts;
    uint8_t cnode_size_bits;
    uint8_t flags; /* KAAL_SYSDESC_COMPONENT_* (1.3); other bits are ignored */
    uint8_t reserved0[2];
    uint32_t first_cap, n_caps;
    uint32_t first_region, n_regions;
    uint32_t first_config, n_config;
    uint32_t first_file, n_files; /* boot files init maps read-only (1.1; 0 before) */
    uint64_t heap_vaddr;
    uint64_t heap_size_bytes;
    uint64_t stack_top_vaddr; /* stack is [top - size, top); guard page below */
    uint64_t stack_size_bytes;
    uint64_t ipc_buffer_vaddr;
    uint64_t reserved3;
} kaal_sysdesc_component_t;

typedef struct kaal_sysdesc_channel {
    uint32_t name;
    uint16_t kind; /* KAAL_SYSDESC_CHANNEL_* */
    uint16_t reserved0;
    uint32_t component[2]; /* [0] server/producer, [1] client/consumer */
    uint32_t end[2];       /* end names (strings) in those components */
    uint32_t queue_depth;  /* ring: descriptors per queue */
    uint32_t reserved1;
    uint64_t badge;           /* rpc: the client's badge */
    uint64_t data_size_bytes; /* ring: shared data region */
} kaal_sysdesc_channel_t;

typedef struct kaal_sysdesc_object {
    uint32_t kind; /* KAAL_SYSDESC_OBJECT_* */
    uint32_t name;
    uint64_t size_bytes; /* memory and untyped */
} kaal_sysdesc_object_t;

typedef struct kaal_sysdesc_cap {
    uint32_t name;   /* what the component's code calls it */
    uint16_t kind;   /* KAAL_SYSDESC_CAP_* */
    uint16_t rights; /* KAAL_SYSDESC_RIGHT_* */
    uint32_t slot;   /* in the component's CNode */
    uint32_t object; /* objects index, or KAAL_SYSDESC_NONE */
    uint64_t arg0;
    uint64_t arg1;
} kaal_sysdesc_cap_t;

typedef struct kaal_sysdesc_region {
    uint32_t name;
    uint32_t object;     /* a KAAL_SYSDESC_OBJECT_MEMORY object */
    uint64_t vaddr;      /* page aligned */
    uint64_t size_bytes; /* == the object's size */
    uint32_t rights;     /* READ | WRITE */
    uint32_t flags;      /* KAAL_SYSDESC_REGION_* (1.4; 0 before) */
} kaal_sysdesc_region_t;

/* kaal_sysdesc_region_t.flags */
#define KAAL_SYSDESC_REGION_DMA 1u /* over a DMA_MEMORY object: init tells the component the
                                      physical address (start record, rings[].data_paddr) */

typedef struct kaal_sysdesc_config {
    uint32_t key;
    uint32_t type; /* KAAL_SYSDESC_CONFIG_* */
    uint64_t value;
} kaal_sysdesc_config_t;

/* A component binary: boot module (index + 1) in the bootinfo module list
 * (boot module 0 is this description). */
typedef struct kaal_sysdesc_module {
    uint32_t name;       /* file name, for messages */
    uint32_t size_bytes; /* init checks the boot module has this size */
    uint32_t crc32;      /* ... and this CRC-32 */
    uint32_t reserved;
} kaal_sysdesc_module_t;

/* A boot file ([[component.file]]): boot module (module + 1) mapped
 * read-only at vaddr in one component. The file has size_bytes (== the
 * module's); max_size_bytes of address space are reserved for it. */
typedef struct kaal_sysdesc_file {
    uint32_t name;   /* what the component's code calls it */
    uint32_t module; /* index into the modules table */
    uint64_t vaddr;  /* page aligned */
    uint64_t size_bytes;
    uint64_t max_size_bytes; /* page multiple, >= size_bytes */
} kaal_sysdesc_file_t;

typedef enum {
    KAAL_SYSDESC_OK = 0,
    KAAL_SYSDESC_TRUNCATED,  /* shorter than the header or its total size */
    KAAL_SYSDESC_MISALIGNED, /* blob not 8-byte aligned in memory */
    KAAL_SYSDESC_BAD_MAGIC,
    KAAL_SYSDESC_BAD_VERSION, /* major version not 1 */
    KAAL_SYSDESC_BAD_SIZE,    /* total size not a multiple of 8, or too large */
    KAAL_SYSDESC_BAD_CHECKSUM,
    KAAL_SYSDESC_BAD_TABLE,     /* table outside the blob, misaligned, or overlapping */
    KAAL_SYSDESC_BAD_STRING,    /* string table malformed or offset outside it */
    KAAL_SYSDESC_BAD_REFERENCE, /* index to a record that does not exist */
    KAAL_SYSDESC_BAD_VALUE,     /* unknown kind, unaligned address, slot outside CNode */
    KAAL_SYSDESC_OVERLAP,       /* two regions of one component overlap */
} kaal_sysdesc_status_t;

/* A checked description: the blob plus where its tables are. */
typedef struct kaal_sysdesc {
    const uint8_t *base;
    const kaal_sysdesc_header_t *header;
    const char *strtab;
    uint32_t strtab_size_bytes;
    const kaal_sysdesc_component_t *components;
    const kaal_sysdesc_channel_t *channels;
    const kaal_sysdesc_object_t *objects;
    const kaal_sysdesc_cap_t *caps;
    const kaal_sysdesc_region_t *regions;
    const kaal_sysdesc_config_t *config;
    const kaal_sysdesc_module_t *modules;
    const kaal_sysdesc_file_t *files;
    uint32_t n_components, n_channels, n_objects, n_caps, n_regions, n_config, n_modules;
    uint32_t n_files;
} kaal_sysdesc_t;

/* Checks the whole blob; on KAAL_SYSDESC_OK fills *sd. On error, *sd is
 * zeroed and the status says what was wrong. */
kaal_sysdesc_status_t kaal_sysdesc_open(kaal_sysdesc_t *sd, const void *blob, size_t size_bytes);
const char *kaal_sysdesc_strerror(kaal_sysdesc_status_t status);

/* A string from the table (offset checked by open; "" if out of range). */
const char *kaal_sysdesc_string(const kaal_sysdesc_t *sd, uint32_t offset);

/* Look-ups by name; NULL if there is none. */
const kaal_sysdesc_component_t *kaal_sysdesc_find_component(const kaal_sysdesc_t *sd,
                                                            const char *name);
const kaal_sysdesc_cap_t *kaal_sysdesc_find_cap(const kaal_sysdesc_t *sd,
                                                const kaal_sysdesc_component_t *component,
                                                const char *name);
const kaal_sysdesc_config_t *kaal_sysdesc_find_config(const kaal_sysdesc_t *sd,
                                                      const kaal_sysdesc_component_t *component,
                                                      const char *key);

/* IEEE 802.3 CRC-32 (as zlib's crc32): pass 0 first, then the previous result. */
uint32_t kaal_sysdesc_crc32(uint32_t crc, const void *data, size_t size_bytes);
