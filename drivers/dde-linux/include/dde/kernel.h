/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DDE-Linux, the kernel services a PCI driver calls: memory (kmalloc & co,
 * vmalloc, pages), MMIO and port I/O, struct device and the PCI core (probe
 * with the real device's config space and BARs), DMA (coherent buffers and
 * streaming mappings with real physical addresses), interrupts, time
 * (jiffies, delays, timers), work items and workqueues, module_init.
 *
 * Implemented in drivers/dde-linux/ (one .c per part) on top of <dde/platform.h>, the few
 * things the host environment (a KaaL component, or a host unit test)
 * provides. docs/dde-linux.md lists every symbol and its model.
 */
#pragma once

#include <dde/base.h>

/* ---- memory ---- */
#define GFP_KERNEL 0x1u
#define GFP_ATOMIC 0x2u
#define GFP_DMA 0x4u
#define __GFP_NOWARN 0x8u
#define __GFP_ZERO 0x10u
#define __GFP_COMP 0x20u
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define SMP_CACHE_BYTES 64
#define L1_CACHE_BYTES 64
#define ZERO_SIZE_PTR ((void *)16)

void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *kmalloc_array(size_t n, size_t size, gfp_t flags);
void *krealloc(const void *p, size_t size, gfp_t flags);
void kfree(const void *p);
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void vfree(const void *p);

struct device;
void *devm_kzalloc(struct device *dev, size_t size, gfp_t flags);
void *devm_kmalloc(struct device *dev, size_t size, gfp_t flags);
void devm_kfree(struct device *dev, const void *p);

/* A page of the DMA-capable page pool (kernel.c): page_address is its
 * mapping, page_to_phys its physical address. */
struct page {
    void *vaddr;
    phys_addr_t paddr;
    unsigned int order;
    int refcount;
};
struct page *alloc_pages(gfp_t flags, unsigned int order);
#define alloc_page(flags) alloc_pages(flags, 0)
void __free_pages(struct page *page, unsigned int order);
void put_page(struct page *page);
void get_page(struct page *page);
static inline void *page_address(const struct page *page)
{
    return page->vaddr;
}
static inline phys_addr_t page_to_phys(const struct page *page)
{
    return page->paddr;
}
#define kmap_atomic(page) page_address(page)
#define kunmap_atomic(addr) ((void)(addr))
#define kmap(page) page_address(page)
#define kunmap(page) ((void)(page))
void *phys_to_virt(phys_addr_t paddr);

/* ---- MMIO (uncached mappings of the BARs) and ports ---- */
static inline u8 readb(const volatile void __iomem *a)
{
    return *(const volatile u8 *)a;
}
static inline u16 readw(const volatile void __iomem *a)
{
    return *(const volatile u16 *)a;
}
static inline u32 readl(const volatile void __iomem *a)
{
    return *(const volatile u32 *)a;
}
/* writeX: earlier stores to normal (DMA) memory reach the device before the
 * register write; x86 keeps stores in order, so a compiler barrier is all
 * Linux's writel guarantee needs here. */
static inline void writeb(u8 v, volatile void __iomem *a)
{
    barrier();
    *(volatile u8 *)a = v;
}
static inline void writew(u16 v, volatile void __iomem *a)
{
    barrier();
    *(volatile u16 *)a = v;
}
static inline void writel(u32 v, volatile void __iomem *a)
{
    barrier();
    *(volatile u32 *)a = v;
}
#define readl_relaxed readl
#define writel_relaxed writel
#define ioread32 readl
#define iowrite32 writel
#define ioread16 readw
#define iowrite16 writew
static inline void ioread16_rep(const volatile void __iomem *a, void *buf, unsigned long n)
{
    u16 *b = (u16 *)buf;
    while (n--)
        *b++ = readw(a);
}
static inline void iowrite16_rep(volatile void __iomem *a, const void *buf, unsigned long n)
{
    const u16 *b = (const u16 *)buf;
    while (n--)
        writew(*b++, a);
}
void __iomem *ioremap(resource_size_t paddr, unsigned long size);
void iounmap(volatile void __iomem *addr);
u8 inb(unsigned long port);
u16 inw(unsigned long port);
u32 inl(unsigned long port);
void outb(u8 v, unsigned long port);
void outw(u16 v, unsigned long port);
void outl(u32 v, unsigned long port);

/* ---- struct device ---- */
struct device_driver {
    const char *name;
};
struct device {
    const char *init_name;
    void *driver_data;
    u64 *dma_mask;
    u64 coherent_dma_mask;
    struct device_driver *driver;
    bool can_wakeup, wakeup_enabled;
};
static inline void *dev_get_drvdata(const struct device *dev)
{
    return dev->driver_data;
}
static inline void dev_set_drvdata(struct device *dev, void *data)
{
    dev->driver_data = data;
}
const char *dev_name(const struct device *dev);
#define dev_printk(level, dev, fmt, ...) printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...) dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)
static inline bool device_can_wakeup(const struct device *dev)
{
    return dev->can_wakeup;
}
int device_set_wakeup_enable(struct device *dev, bool enable);

/* ---- resources and PCI ---- */
#define IORESOURCE_IO 0x00000100ul
#define IORESOURCE_MEM 0x00000200ul
#define IORESOURCE_PREFETCH 0x00002000ul
#define IORESOURCE_MEM_64 0x00100000ul
struct resource {
    resource_size_t start, end;
    unsigned long flags;
    void __iomem *mapped; /* DDE: where the host mapped a memory BAR (uncached) */
};

#define PCI_STD_NUM_BARS 6
#define PCI_ANY_ID (~0u)
#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_VENDOR_ID_VMWARE 0x15ad
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INVALIDATE 0x10
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_CAP_ID_PCIX 0x07
#define PCI_X_CMD 2
#define PCI_X_CMD_MAX_READ 0x000c
#define PCI_X_STATUS 4
#define PCI_D0 0
#define PCI_D3hot 3
#define PCI_D3cold 4
typedef int pci_power_t;
typedef unsigned int pci_channel_state_t;
enum { pci_channel_io_normal = 1, pci_channel_io_frozen = 2, pci_channel_io_perm_failure = 3 };
typedef unsigned int pci_ers_result_t;
enum {
    PCI_ERS_RESULT_NONE = 1,
    PCI_ERS_RESULT_CAN_RECOVER = 2,
    PCI_ERS_RESULT_NEED_RESET = 3,
    PCI_ERS_RESULT_DISCONNECT = 4,
    PCI_ERS_RESULT_RECOVERED = 5,
};

struct pci_device_id {
    u32 vendor, device, subvendor, subdevice, class, class_mask;
    unsigned long driver_data;
};
#define PCI_DEVICE(v, d)                                                                           \
    .vendor = (v), .device = (d), .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define MODULE_DEVICE_TABLE(type, name)

struct pci_dev {
    struct device dev;
    u16 vendor, device, subsystem_vendor, subsystem_device;
    u8 revision;
    u8 bus_number;
    unsigned int devfn;
    unsigned int irq;
    struct resource resource[PCI_STD_NUM_BARS];
    struct pci_driver *driver;
    bool is_busmaster, enabled;
    pci_channel_state_t error_state;
    /* DDE: the function's config space; reads come from it, writes update
     * it (pci.c says which reach the device). */
    u8 config[256];
    char name[16];
};
#define to_pci_dev(d) container_of(d, struct pci_dev, dev)
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn)&0x07)

struct pci_error_handlers {
    pci_ers_result_t (*error_detected)(struct pci_dev *dev, pci_channel_state_t state);
    pci_ers_result_t (*slot_reset)(struct pci_dev *dev);
    void (*resume)(struct pci_dev *dev);
};
struct dev_pm_ops {
    int (*suspend)(struct device *dev);
    int (*resume)(struct device *dev);
    int (*freeze)(struct device *dev);
    int (*thaw)(struct device *dev);
    int (*poweroff)(struct device *dev);
    int (*restore)(struct device *dev);
};
#define SIMPLE_DEV_PM_OPS(name, suspend_fn, resume_fn)                                             \
    const struct dev_pm_ops name = {.suspend = suspend_fn, .resume = resume_fn}
#define DEFINE_SIMPLE_DEV_PM_OPS SIMPLE_DEV_PM_OPS
#define pm_sleep_ptr(p) (p)
#define __maybe_unused_pm __maybe_unused
struct pci_driver {
    const char *name;
    const struct pci_device_id *id_table;
    int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
    void (*remove)(struct pci_dev *dev);
    void (*shutdown)(struct pci_dev *dev);
    const struct pci_error_handlers *err_handler;
    struct {
        const struct dev_pm_ops *pm;
    } driver;
};

static inline const char *pci_name(const struct pci_dev *pdev)
{
    return pdev->name;
}
static inline void *pci_get_drvdata(struct pci_dev *pdev)
{
    return pdev->dev.driver_data;
}
static inline void pci_set_drvdata(struct pci_dev *pdev, void *data)
{
    pdev->dev.driver_data = data;
}
#define pci_resource_start(p, bar) ((p)->resource[(bar)].start)
#define pci_resource_end(p, bar) ((p)->resource[(bar)].end)
#define pci_resource_flags(p, bar) ((p)->resource[(bar)].flags)
#define pci_resource_len(p, bar)                                                                   \
    ((p)->resource[(bar)].end == 0 ? 0 : (p)->resource[(bar)].end - (p)->resource[(bar)].start + 1)
int pci_register_driver(struct pci_driver *drv);
void pci_unregister_driver(struct pci_driver *drv);
int pci_enable_device(struct pci_dev *pdev);
int pci_enable_device_mem(struct pci_dev *pdev);
void pci_disable_device(struct pci_dev *pdev);
void pci_set_master(struct pci_dev *pdev);
void pci_clear_master(struct pci_dev *pdev);
int pci_set_mwi(struct pci_dev *pdev);
void pci_clear_mwi(struct pci_dev *pdev);
int pci_select_bars(struct pci_dev *pdev, unsigned long flags);
int pci_request_selected_regions(struct pci_dev *pdev, int bars, const char *name);
void pci_release_selected_regions(struct pci_dev *pdev, int bars);
void __iomem *pci_ioremap_bar(struct pci_dev *pdev, int bar);
int pci_read_config_byte(const struct pci_dev *pdev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *pdev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *pdev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *pdev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *pdev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *pdev, int where, u32 val);
int pci_find_capability(struct pci_dev *pdev, int cap);
int pcix_get_mmrbc(struct pci_dev *pdev);
int pcix_set_mmrbc(struct pci_dev *pdev, int mmrbc);
int pci_save_state(struct pci_dev *pdev);
void pci_restore_state(struct pci_dev *pdev);
int pci_set_power_state(struct pci_dev *pdev, pci_power_t state);
int pci_enable_wake(struct pci_dev *pdev, pci_power_t state, bool enable);
int pci_wake_from_d3(struct pci_dev *pdev, bool enable);
static inline bool pci_channel_offline(struct pci_dev *pdev)
{
    return pdev->error_state != pci_channel_io_normal;
}
int pci_is_pcie(struct pci_dev *pdev);

/* ---- DMA ---- */
enum dma_data_direction {
    DMA_BIDIRECTIONAL = 0,
    DMA_TO_DEVICE = 1,
    DMA_FROM_DEVICE = 2,
    DMA_NONE = 3,
};
#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ull : ((1ull << (n)) - 1))
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t flags);
void dma_free_coherent(struct device *dev, size_t size, void *vaddr, dma_addr_t handle);
dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
                          enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
                      enum dma_data_direction dir);
dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset, size_t size,
                        enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
                    enum dma_data_direction dir);
static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
    (void)dev;
    return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}
/* x86 DMA is cache-coherent: syncs order memory accesses only. */
static inline void dma_sync_single_for_cpu(struct device *dev, dma_addr_t a, size_t s,
                                           enum dma_data_direction d)
{
    (void)dev, (void)a, (void)s, (void)d;
    barrier();
}
static inline void dma_sync_single_for_device(struct device *dev, dma_addr_t a, size_t s,
                                              enum dma_data_direction d)
{
    (void)dev, (void)a, (void)s, (void)d;
    barrier();
}
int dma_set_mask_and_coherent(struct device *dev, u64 mask);
int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);

/* ---- interrupts ---- */
typedef enum irqreturn { IRQ_NONE = 0, IRQ_HANDLED = 1, IRQ_WAKE_THREAD = 2 } irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *data);
#define IRQF_SHARED 0x80ul
#define IRQF_PROBE_SHARED 0x100ul
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
                void *data);
const void *free_irq(unsigned int irq, void *data);
void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
bool disable_hardirq(unsigned int irq);
void enable_irq(unsigned int irq);
void synchronize_irq(unsigned int irq);

/* ---- time ---- */
#define HZ 1000
#define MSEC_PER_SEC 1000ul
#define USEC_PER_SEC 1000000ul
#define NSEC_PER_SEC 1000000000ul
/* jiffies: milliseconds of the platform's monotonic clock, read fresh on
 * every use (a driver that polls jiffies in a loop sees it advance). */
unsigned long dde_jiffies(void);
#define jiffies dde_jiffies()
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
    return ms;
}
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
    return (unsigned int)j;
}
static inline unsigned long usecs_to_jiffies(unsigned int us)
{
    return (us + 999) / 1000;
}
#define round_jiffies(j) (j)
#define round_jiffies_relative(j) (j)
/* Busy-waits on the clock (the driver thread owns its time slice). */
void udelay(unsigned long us);
void ndelay(unsigned long ns);
void mdelay(unsigned long ms);
/* Sleeping waits: the one driver thread has nothing else to run while the
 * driver is inside a call, so they wait as udelay does (docs/dde-linux.md). */
void msleep(unsigned int ms);
unsigned long msleep_interruptible(unsigned int ms);
void usleep_range(unsigned long min_us, unsigned long max_us);

struct timer_list {
    struct timer_list *next; /* the pending list, by expiry (time.c owns it) */
    unsigned long expires;
    void (*function)(struct timer_list *t);
    bool pending;
};
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags);
int mod_timer(struct timer_list *t, unsigned long expires);
void add_timer(struct timer_list *t);
int del_timer(struct timer_list *t);
int del_timer_sync(struct timer_list *t);
static inline int timer_pending(const struct timer_list *t)
{
    return t->pending;
}
#define from_timer(var, t, field) container_of(t, __typeof__(*var), field)

/* ---- work items (run by the event loop, after the current event) ---- */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
    struct work_struct *next; /* the run queue (time.c owns it) */
    work_func_t func;
    bool queued, running;
};
struct delayed_work {
    struct work_struct work;
    struct timer_list timer;
};
struct workqueue_struct;
#define INIT_WORK(w, f)                                                                            \
    do {                                                                                           \
        (w)->next = NULL;                                                                          \
        (w)->func = (f);                                                                           \
        (w)->queued = false;                                                                       \
        (w)->running = false;                                                                      \
    } while (0)
void dde_init_delayed_work(struct delayed_work *dw, work_func_t fn);
#define INIT_DELAYED_WORK(dw, f) dde_init_delayed_work((dw), (f))
#define to_delayed_work(w) container_of(w, struct delayed_work, work)
bool schedule_work(struct work_struct *w);
bool schedule_delayed_work(struct delayed_work *dw, unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay);
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay);
bool cancel_work_sync(struct work_struct *w);
bool cancel_delayed_work(struct delayed_work *dw);
bool cancel_delayed_work_sync(struct delayed_work *dw);
void flush_work(struct work_struct *w);
bool work_pending(const struct work_struct *w);
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...);
void destroy_workqueue(struct workqueue_struct *wq);
extern struct workqueue_struct *system_wq;

/* Completions and wait queues: a waiter on the one thread cannot be woken
 * by anyone else, so waits run the event machinery until done or timeout. */
struct completion {
    unsigned int done;
};
static inline void init_completion(struct completion *c)
{
    c->done = 0;
}
static inline void complete(struct completion *c)
{
    c->done++;
}
unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout);

/* ---- modules ---- */
typedef int (*dde_initcall_t)(void);
typedef void (*dde_exitcall_t)(void);
#define module_init(fn)                                                                            \
    static dde_initcall_t __dde_initcall_##fn __attribute__((used, section("dde_initcalls"))) = fn
#define module_exit(fn)                                                                            \
    static dde_exitcall_t __dde_exitcall_##fn __attribute__((used, section("dde_exitcalls"))) = fn
#define module_driver(drv, reg, unreg)                                                             \
    static int __init drv##_dde_init(void)                                                         \
    {                                                                                              \
        return reg(&(drv));                                                                        \
    }                                                                                              \
    module_init(drv##_dde_init)
#define module_pci_driver(drv) module_driver(drv, pci_register_driver, pci_unregister_driver)
#define MODULE_AUTHOR(s)
#define MODULE_DESCRIPTION(s)
#define MODULE_LICENSE(s)
#define MODULE_VERSION(s)
#define MODULE_PARM_DESC(v, s)
#define THIS_MODULE ((void *)0)
/* Module parameters keep their compiled-in defaults (no command line). */
#define module_param(name, type, perm)
#define module_param_named(name, var, type, perm)
#define module_param_array_named(name, var, type, nump, perm)                                      \
    static unsigned int *__dde_unused_##name __attribute__((unused)) = nump
/* Runs every module_init of the linked driver files; 0 or the first error. */
int dde_run_initcalls(void);

/* ---- misc ---- */
#define capable(cap) 1
#define CAP_NET_ADMIN 12
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
#define SYS_RESTART 0x0001
#define SYS_HALT 0x0002
#define SYS_POWER_OFF 0x0003
#define system_state 0
#define SYSTEM_POWER_OFF 1
