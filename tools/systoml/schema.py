# SPDX-License-Identifier: BSD-2-Clause
"""The one place that lists what a system.toml may say and what the binary
description's numbers mean. include/kaal/sysdesc.h mirrors the numbers; the
round-trip fixture (tests/unit/systoml/make_fixture.py) carries a
_Static_assert for each, so the unit-test build fails if they drift.
"""

PAGE_SIZE = 4096

# ---- binary format (docs/system-toml.md, include/kaal/sysdesc.h) ----------
MAGIC = b"KSYS"
VERSION_MAJOR = 1
VERSION_MINOR = 4          # 1.1: files table; 1.2: PCI/DMA caps; 1.3: component flags; 1.4: DMA rings
HEADER_SIZE = 96
N_TABLES = 8
TABLE_COMPONENTS, TABLE_CHANNELS, TABLE_OBJECTS, TABLE_CAPS, TABLE_REGIONS, \
    TABLE_CONFIG, TABLE_MODULES, TABLE_FILES = range(8)
RECORD_SIZES = {
    TABLE_COMPONENTS: 96,
    TABLE_CHANNELS: 48,
    TABLE_OBJECTS: 16,
    TABLE_CAPS: 32,
    TABLE_REGIONS: 32,
    TABLE_CONFIG: 16,
    TABLE_MODULES: 16,
    TABLE_FILES: 32,
}
NONE = 0xFFFFFFFF  # "no object" in a cap record

RESTART = {"never": 0, "always": 1, "on-failure": 2}
# Component record flags (1.3); 0 is what a 1.2 blob means.
COMPONENT_FLAG_NO_DEBUG_SYSCALLS = 1   # debug_syscalls = false
CHANNEL_KIND = {"rpc": 1, "ring": 2}
OBJECT_KIND = {"endpoint": 1, "notification": 2, "memory": 3, "untyped": 4, "asid_pool": 5,
               "dma-memory": 6}
# Region record flags (1.4): REGION_DMA on a ring end's data region over a
# "dma-memory" object: init reports its physical address to the component.
REGION_DMA = 1
CAP_KIND = {"endpoint": 1, "notification": 2, "untyped": 3, "ioport": 4, "irq": 5,
            "pci": 6, "pci_mmio": 7, "pci_ioport": 8, "pci_irq": 9, "dma": 10,
            "asid_pool": 11}
CONFIG_TYPE = {"int": 1, "string": 2, "bool": 3}
RIGHT_READ, RIGHT_WRITE, RIGHT_GRANT, RIGHT_GRANT_REPLY = 1, 2, 4, 8
RIGHTS_ALL = 15

# ---- a component's CSpace: slots init fills before any granted cap -------
SLOT_TCB = 1
SLOT_CNODE = 2
SLOT_VSPACE = 3
SLOT_IPC_BUFFER = 4
SLOT_INIT_EP = 5          # badged endpoint to init (exit, broker requests)
FIRST_GRANTED_SLOT = 16
MIN_CNODE_BITS = 8        # at least 256 slots, the rest free for the component
SPARE_SLOTS = 64          # free slots guaranteed after the granted ones

# ---- a component's address space (all page aligned) ----------------------
HEAP_VADDR = 0x0000_0000_4000_0000           # 1 GiB
REGION_WINDOW = 0x0000_0000_8000_0000        # auto-placed shared regions from 2 GiB
STACK_TOP = 0x0000_7FFF_F000_0000
IPC_BUFFER_VADDR = STACK_TOP + PAGE_SIZE      # one unmapped page above the stack
USER_TOP = 0x0000_8000_0000_0000

# ---- defaults and limits ---------------------------------------------------
DEFAULT_PRIORITY = 100
DEFAULT_HEAP = 64 * 1024
DEFAULT_STACK = 16 * 1024
DEFAULT_MAX_RESTARTS = 3
DEFAULT_QUEUE_DEPTH = 64
DEFAULT_DATA_SIZE = 64 * 1024
# A ring channel's queue region holds the free and the active queue of
# runtime/ring (kaal_ring_channel_bytes): each a kaal_ring_t of three cache
# lines (tail; head; wait flags, capacity, magic) and 16-byte descriptors,
# rounded to a cache line.
QUEUE_HEADER_BYTES = 192
QUEUE_ENTRY_BYTES = 16
QUEUE_ALIGN_BYTES = 64
MAX_NAME = 31
MAX_RING_ENDS = 63            # one notification bit each, bit 63 kept for init
# Boot files ([[component.file]]): read-only mappings of a boot module. The
# header gives each a window of max_size bytes (a function of the toml, so
# headers need no built files); init maps the file's pages at its start and
# tells the component the real size in its start record (<kaal/component.h>).
DEFAULT_FILE_WINDOW = 1 << 20
MAX_FILES = 4                 # per component: KAAL_COMPONENT_MAX_FILES
# Per component: init maps a boot file with one copied 4 KiB frame cap per
# page (the boot module's frames are the kernel's 4 KiB caps), and keeps
# INIT_MAX_COPIES (services/init/system.h) = 4096 for files + 1024 for
# shared regions per component: 16 MiB of windows.
MAX_FILE_WINDOWS = 16 << 20

# ---- devices a component may be granted by name ---------------------------
# kind "isa": fixed I/O ports and an IRQ line; kind "pci": found by the broker
# from vendor:device at boot, with the BARs a driver gets: "bars" maps a BAR
# number to ("mmio", window bytes: a power of two, at least the BAR's size,
# mapped at a vaddr the compiler picks) or ("io", most ports); the broker
# decides where they are at boot, init refuses a BAR larger than its window.
# Every PCI device also gets its INTx IRQ. Names only grow: code refers to them.
DEVICES = {
    "serial0":    {"ioport": (0x3F8, 8), "irq": 4},
    "serial1":    {"ioport": (0x2F8, 8), "irq": 3},
    "rtc":        {"ioport": (0x70, 2), "irq": 8},
    "pit":        {"ioport": (0x40, 4), "irq": 0},
    "debug-exit": {"ioport": (0xF4, 4)},
    # Transitional virtio (QEMU's default): legacy I/O BAR 0, modern
    # capabilities in the 64-bit BAR 4. The MSI-X BAR 1 is not granted: QEMU
    # has it only where MSI works (q35, not pc) and the drivers use INTx.
    "virtio-net": {"pci": (0x1AF4, 0x1000),
                   "bars": {0: ("io", 0x100), 4: ("mmio", 0x4000)}},
    "virtio-blk": {"pci": (0x1AF4, 0x1001),
                   "bars": {0: ("io", 0x100), 4: ("mmio", 0x4000)}},
    # 8254x (QEMU's 82540EM): 128 KiB of registers, 64 ports of IOADDR/IODATA.
    "e1000":      {"pci": (0x8086, 0x100E), "bars": {0: ("mmio", 0x20000), 1: ("io", 0x40)}},
}

# ---- keys each table accepts (for "unknown key" and "did you mean") ---------
TOP_KEYS = {"system", "component", "channel", "machine"}  # machine: tools/systoml/machine.py
SYSTEM_KEYS = {"name", "description", "console", "debug_syscalls"}
COMPONENT_KEYS = {"name", "binary", "priority", "heap_size", "stack_size", "restart",
                  "max_restarts", "devices", "config", "cap", "file", "dma",
                  "debug_syscalls"}
# A [[component]] of a system.toml with `type = "NAME"`: an instance of the
# component.toml that declares NAME (tools/systoml/component.py). Its ends,
# devices, caps, DMA and file windows come from there; the instance sets
# only what may differ between systems.
INSTANCE_KEYS = {"name", "type", "priority", "heap_size", "stack_size", "restart",
                 "max_restarts", "config", "file", "debug_syscalls"}
INSTANCE_FILE_KEYS = {"name", "path"}
CAP_KEYS = {"name", "kind", "size"}
FILE_KEYS = {"name", "path", "vaddr", "max_size"}
CHANNEL_KEYS = {
    "rpc": {"name", "kind", "server", "client", "badge", "grant"},
    "ring": {"name", "kind", "producer", "consumer", "queue_depth", "data_size"},
}
END_KEYS = {"rpc": {"component", "end"}, "ring": {"component", "end", "vaddr"}}
CHANNEL_SIDES = {"rpc": ("server", "client"), "ring": ("producer", "consumer")}
NAMED_CAP_KINDS = ("endpoint", "notification", "untyped", "asid_pool")

# [system] console = "NAME": the compiler adds an rpc channel from every
# other component (client end CONSOLE_CLIENT_END) to the console's server
# end CONSOLE_SERVER_END. Its badges carry CONSOLE_BADGE_CLIENT (as
# <kaal/console.h>), so the console tells them from its ring signals, which
# arrive through the same Recv (bound notification, bits below 62).
CONSOLE_SERVER_END = "clients"
CONSOLE_CLIENT_END = "console"
CONSOLE_BADGE_CLIENT = 1 << 62
# An rpc_server [[end]] with `bound_notification = true` (component.toml):
# the server binds a notification to its thread and takes its signals
# through the same Recv, so, as for the console, every client badge on that
# end carries RPC_BADGE_CLIENT and a notification word never does
# (<kaal/component.h> KAAL_RPC_BADGE_CLIENT); explicit badges stay below it.
RPC_BADGE_CLIENT = 1 << 62

# `dma = SIZE` on a component with a PCI device: one physically contiguous
# block of RAM (found at boot), so bounded.
MAX_DMA = 16 << 20   # KAAL_SYSDESC_DMA_MAX_BYTES

# ---- component.toml (tools/systoml/component.py) ---------------------------
CTYPE_TOP_KEYS = {"component", "end", "cap", "file"}
CTYPE_KEYS = {"name", "binary", "description", "priority", "heap_size", "stack_size",
              "devices", "dma", "cnode_size_bits"}
# cnode_size_bits: a component that makes many objects of its own (the POSIX
# server: frames and paging structures of its processes) asks for a larger
# CNode than its granted caps need; KAAL_SYSDESC_MAX_CNODE_BITS bounds it.
MAX_CNODE_BITS = 20
# An end's type says which side of which channel kind it is.
END_TYPES = {"rpc_server": ("rpc", "server"), "rpc_client": ("rpc", "client"),
             "ring_producer": ("ring", "producer"), "ring_consumer": ("ring", "consumer")}
END_TYPE_KEYS = {"rpc_server": {"name", "type", "optional", "grant", "bound_notification"},
                 "rpc_client": {"name", "type", "optional"},
                 "ring_producer": {"name", "type", "optional", "queue_depth", "data_size",
                                   "vaddr", "dma", "pairs_with"},
                 "ring_consumer": {"name", "type", "optional", "queue_depth", "data_size",
                                   "vaddr", "dma", "pairs_with"}}
# A ring end `pairs_with = { end = "E", badge = N }`: its peer must be the
# component that is the client at badge N of this component's rpc_server
# end E (the VFS server maps client N's region at ring end shmN).
PAIRS_WITH_KEYS = {"end", "badge"}
CTYPE_FILE_KEYS = {"name", "max_size", "vaddr"}
