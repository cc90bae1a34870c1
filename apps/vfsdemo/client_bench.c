// SPDX-License-Identifier: BSD-2-Clause
/*
 * Benchmark client of the VFS server (tests/system/systems/vfsbench.toml,
 * run by tests/bench/bench_vfs_guest.py): sequential write and read of
 * VFSBENCH_TOTAL_BYTES through the server in 64 KiB kaal_vfs_write/read
 * calls, first with data in message registers (the client library splits
 * each into 936-byte RPCs), then through the 64 KiB region shared with the
 * server (one RPC per call), each moving VFSBENCH_TOTAL_BYTES as passes
 * over one VFSBENCH_FILE_BYTES file (the first write pass allocates its
 * pages, the later ones overwrite them). Then the workload through
 * the shared region: a new file of VFSBENCH_BIG_BYTES written once (every
 * page allocated by the write) and read back once, every block checked.
 * Then the same with the block inside the shared region (`_in_place`:
 * the client library copies nothing, the server copies once).
 * Prints TSC cycles per phase: `vfsbench: <name> <cycles> cycles <bytes> bytes`.
 */
#include <stdbool.h>

#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/timing.h>
#include <kaal/string.h>
#include <kaal/vfs_client.h>
#include <kaal/vfs_rpc.h>

#include "vfs_client_bench_caps.h"

#define EP KAAL_CAP_VFS
#define VFSBENCH_BLOCK_BYTES (64u * 1024u)
#define VFSBENCH_FILE_BYTES (512u * 1024u)
#define VFSBENCH_TOTAL_BYTES (8u * 1024u * 1024u)
#define VFSBENCH_BIG_BYTES (256u * 1024u * 1024u)

static char block[VFSBENCH_BLOCK_BYTES];

/* One phase: total_bytes moved in passes over file_bytes of the file from
 * or into buf; cycles or 0 on an error (printed). */
static uint64_t run_phase_with(char *buf, int fd, bool write, uint32_t file_bytes,
                               uint32_t total_bytes)
{
    uint64_t t0 = kaal_rdtsc();
    for (uint32_t done = 0; done < total_bytes; done += file_bytes) {
        if (kaal_vfs_lseek(EP, fd, 0, VFS_SEEK_SET) != 0) {
            printf("vfsbench: lseek failed\n");
            return 0;
        }
        for (uint32_t off = 0; off < file_bytes; off += VFSBENCH_BLOCK_BYTES) {
            /* a read must put back what the write left: start from another byte */
            buf[0] = (char)(write ? off >> 16 : ~(off >> 16));
            int64_t n = write ? kaal_vfs_write(EP, fd, buf, VFSBENCH_BLOCK_BYTES)
                              : kaal_vfs_read(EP, fd, buf, VFSBENCH_BLOCK_BYTES);
            if (n != VFSBENCH_BLOCK_BYTES || (!write && buf[0] != (char)(off >> 16))) {
                printf("vfsbench: %s at %u gave %ld\n", write ? "write" : "read", off, (long)n);
                return 0;
            }
        }
    }
    return kaal_rdtsc() - t0;
}

/* The same with the static block. */
static uint64_t run_phase(int fd, bool write, uint32_t file_bytes, uint32_t total_bytes)
{
    return run_phase_with(block, fd, write, file_bytes, total_bytes);
}

int main(void)
{
    for (uint32_t i = 0; i < VFSBENCH_BLOCK_BYTES; i++)
        block[i] = (char)i;
    kaal_vfs_reset(EP);
    int fd = kaal_vfs_open(EP, "/bench", VFS_O_CREAT | VFS_O_RDWR | VFS_O_TRUNC, 0644);
    if (fd < 0) {
        printf("vfsbench: open failed (%d)\n", fd);
        return 1;
    }
    uint64_t w = run_phase(fd, true, VFSBENCH_FILE_BYTES, VFSBENCH_TOTAL_BYTES);
    uint64_t r = w ? run_phase(fd, false, VFSBENCH_FILE_BYTES, VFSBENCH_TOTAL_BYTES) : 0;
    if (!w || !r)
        return 1;
    kaal_vfs_use_shm(EP, (void *)KAAL_RING_VFS_SHM_DATA_VADDR, KAAL_RING_VFS_SHM_DATA_SIZE_BYTES);
    uint64_t w_shm = run_phase(fd, true, VFSBENCH_FILE_BYTES, VFSBENCH_TOTAL_BYTES);
    uint64_t r_shm = w_shm ? run_phase(fd, false, VFSBENCH_FILE_BYTES, VFSBENCH_TOTAL_BYTES) : 0;
    if (!w_shm || !r_shm)
        return 1;
    int big = kaal_vfs_open(EP, "/big", VFS_O_CREAT | VFS_O_RDWR | VFS_O_TRUNC, 0644);
    if (big < 0) {
        printf("vfsbench: open /big failed (%d)\n", big);
        return 1;
    }
    uint64_t w_big = run_phase(big, true, VFSBENCH_BIG_BYTES, VFSBENCH_BIG_BYTES);
    uint64_t r_big = w_big ? run_phase(big, false, VFSBENCH_BIG_BYTES, VFSBENCH_BIG_BYTES) : 0;
    if (!w_big || !r_big)
        return 1;
    kaal_vfs_close(EP, big);
    kaal_vfs_unlink(EP, "/big");
    /* Again with the block inside the shared region: copied once, by the server. */
    char *in_region = (char *)KAAL_RING_VFS_SHM_DATA_VADDR;
    memcpy(in_region, block, VFSBENCH_BLOCK_BYTES);
    big = kaal_vfs_open(EP, "/big", VFS_O_CREAT | VFS_O_RDWR | VFS_O_TRUNC, 0644);
    uint64_t w_in = big < 0 ? 0
                            : run_phase_with(in_region, big, true, VFSBENCH_BIG_BYTES,
                                             VFSBENCH_BIG_BYTES);
    uint64_t r_in = w_in ? run_phase_with(in_region, big, false, VFSBENCH_BIG_BYTES,
                                          VFSBENCH_BIG_BYTES)
                         : 0;
    if (!w_in || !r_in)
        return 1;
    kaal_vfs_close(EP, big);
    kaal_vfs_unlink(EP, "/big");
    /* One small RPC for the per-call cost: lseek, median-free mean of 1000. */
    uint64_t t0 = kaal_rdtsc();
    for (int i = 0; i < 1000; i++)
        kaal_vfs_lseek(EP, fd, 0, VFS_SEEK_CUR);
    uint64_t call = (kaal_rdtsc() - t0) / 1000;
    printf("vfsbench: seq_write %lu cycles %u bytes\n", (unsigned long)w, VFSBENCH_TOTAL_BYTES);
    printf("vfsbench: seq_read %lu cycles %u bytes\n", (unsigned long)r, VFSBENCH_TOTAL_BYTES);
    printf("vfsbench: seq_write_shm %lu cycles %u bytes\n", (unsigned long)w_shm,
           VFSBENCH_TOTAL_BYTES);
    printf("vfsbench: seq_read_shm %lu cycles %u bytes\n", (unsigned long)r_shm,
           VFSBENCH_TOTAL_BYTES);
    printf("vfsbench: seq_write_shm_256m %lu cycles %u bytes\n", (unsigned long)w_big,
           VFSBENCH_BIG_BYTES);
    printf("vfsbench: seq_read_shm_256m %lu cycles %u bytes\n", (unsigned long)r_big,
           VFSBENCH_BIG_BYTES);
    printf("vfsbench: seq_write_shm_256m_in_place %lu cycles %u bytes\n", (unsigned long)w_in,
           VFSBENCH_BIG_BYTES);
    printf("vfsbench: seq_read_shm_256m_in_place %lu cycles %u bytes\n", (unsigned long)r_in,
           VFSBENCH_BIG_BYTES);
    printf("vfsbench: lseek_call %lu cycles 1 calls\n", (unsigned long)call);
    kaal_vfs_close(EP, fd);
    kaal_vfs_unlink(EP, "/bench");
    return 0;
}
