/* SPDX-License-Identifier: BSD-2-Clause */
/* The ext2 on-disk format as ext2.c uses it: byte offsets of the fields it
 * reads or writes (all little-endian), feature bits and constants. Layout
 * per the ext2/ext4 on-disk format documentation (revision 1). */
#pragma once

#include <stdint.h>

#define EXT2_SUPER_OFFSET 1024
#define EXT2_SUPER_BYTES 1024
#define EXT2_MAGIC 0xEF53u
#define EXT2_ROOT_INO 2u
#define EXT2_GOOD_OLD_FIRST_INO 11u
#define EXT2_GOOD_OLD_INODE_BYTES 128u
#define EXT2_DESC_BYTES 32u
#define EXT2_N_DIRECT 12u
#define EXT2_IND 12u
#define EXT2_DIND 13u
#define EXT2_TIND 14u
#define EXT2_N_BLOCKS 15u
#define EXT2_LINK_MAX 32000u
#define EXT2_NAME_MAX 255u
#define EXT2_FAST_LINK_MAX 59u /* target bytes that fit in i_block with the NUL */
#define EXT2_XATTR_MAGIC 0xEA020000u

/* superblock fields */
enum {
    SB_INODES_COUNT = 0,
    SB_BLOCKS_COUNT = 4,
    SB_R_BLOCKS_COUNT = 8,
    SB_FREE_BLOCKS = 12,
    SB_FREE_INODES = 16,
    SB_FIRST_DATA_BLOCK = 20,
    SB_LOG_BLOCK_SIZE = 24,
    SB_LOG_CLUSTER_SIZE = 28,
    SB_BLOCKS_PER_GROUP = 32,
    SB_CLUSTERS_PER_GROUP = 36,
    SB_INODES_PER_GROUP = 40,
    SB_MTIME = 44,
    SB_WTIME = 48,
    SB_MNT_COUNT = 52, /* 16 bits */
    SB_MAGIC = 56,     /* 16 bits */
    SB_STATE = 58,     /* 16 bits */
    SB_REV_LEVEL = 76,
    SB_FIRST_INO = 84,
    SB_INODE_SIZE = 88, /* 16 bits */
    SB_FEATURE_COMPAT = 92,
    SB_FEATURE_INCOMPAT = 96,
    SB_FEATURE_RO_COMPAT = 100,
    SB_UUID = 104,
    SB_RESERVED_GDT_BLOCKS = 206, /* 16 bits */
    SB_LAST_ORPHAN = 232,
    SB_WANT_EXTRA_ISIZE = 350, /* 16 bits */
};

/* s_state */
#define EXT2_STATE_VALID 0x1u
#define EXT2_STATE_ERROR 0x2u

/* features */
#define EXT2_COMPAT_DIR_PREALLOC 0x1u
#define EXT2_COMPAT_IMAGIC_INODES 0x2u
#define EXT2_COMPAT_HAS_JOURNAL 0x4u
#define EXT2_COMPAT_EXT_ATTR 0x8u
#define EXT2_COMPAT_RESIZE_INODE 0x10u
#define EXT2_COMPAT_DIR_INDEX 0x20u
#define EXT2_COMPAT_SPARSE_SUPER2 0x200u
#define EXT2_COMPAT_FAST_COMMIT 0x400u
#define EXT2_COMPAT_ORPHAN_FILE 0x1000u

#define EXT2_INCOMPAT_COMPRESSION 0x1u
#define EXT2_INCOMPAT_FILETYPE 0x2u
#define EXT2_INCOMPAT_RECOVER 0x4u
#define EXT2_INCOMPAT_JOURNAL_DEV 0x8u
#define EXT2_INCOMPAT_META_BG 0x10u
#define EXT2_INCOMPAT_EXTENTS 0x40u
#define EXT2_INCOMPAT_64BIT 0x80u
#define EXT2_INCOMPAT_MMP 0x100u
#define EXT2_INCOMPAT_FLEX_BG 0x200u
#define EXT2_INCOMPAT_EA_INODE 0x400u
#define EXT2_INCOMPAT_DIRDATA 0x1000u
#define EXT2_INCOMPAT_CSUM_SEED 0x2000u
#define EXT2_INCOMPAT_LARGEDIR 0x4000u
#define EXT2_INCOMPAT_INLINE_DATA 0x8000u
#define EXT2_INCOMPAT_ENCRYPT 0x10000u
#define EXT2_INCOMPAT_CASEFOLD 0x20000u

#define EXT2_RO_COMPAT_SPARSE_SUPER 0x1u
#define EXT2_RO_COMPAT_LARGE_FILE 0x2u
#define EXT2_RO_COMPAT_HUGE_FILE 0x8u
#define EXT2_RO_COMPAT_GDT_CSUM 0x10u
#define EXT2_RO_COMPAT_DIR_NLINK 0x20u
#define EXT2_RO_COMPAT_EXTRA_ISIZE 0x40u
#define EXT2_RO_COMPAT_QUOTA 0x100u
#define EXT2_RO_COMPAT_BIGALLOC 0x200u
#define EXT2_RO_COMPAT_METADATA_CSUM 0x400u
#define EXT2_RO_COMPAT_READONLY 0x1000u
#define EXT2_RO_COMPAT_PROJECT 0x2000u
#define EXT2_RO_COMPAT_VERITY 0x8000u
#define EXT2_RO_COMPAT_ORPHAN_PRESENT 0x10000u

/* group descriptor fields */
enum {
    GD_BLOCK_BITMAP = 0,
    GD_INODE_BITMAP = 4,
    GD_INODE_TABLE = 8,
    GD_FREE_BLOCKS = 12, /* 16 bits */
    GD_FREE_INODES = 14, /* 16 bits */
    GD_USED_DIRS = 16,   /* 16 bits */
};

/* inode fields */
enum {
    I_MODE = 0, /* 16 bits */
    I_UID = 2,  /* 16 bits */
    I_SIZE = 4,
    I_ATIME = 8,
    I_CTIME = 12,
    I_MTIME = 16,
    I_DTIME = 20,
    I_GID = 24,         /* 16 bits */
    I_LINKS_COUNT = 26, /* 16 bits */
    I_BLOCKS = 28,      /* 512-byte units */
    I_FLAGS = 32,
    I_BLOCK = 40, /* 15 x 32 bits */
    I_GENERATION = 100,
    I_FILE_ACL = 104,
    I_SIZE_HIGH = 108,
    I_UID_HIGH = 120,    /* 16 bits */
    I_GID_HIGH = 122,    /* 16 bits */
    I_EXTRA_ISIZE = 128, /* 16 bits; the fields below exist if it covers them */
    I_CTIME_EXTRA = 132,
    I_MTIME_EXTRA = 136,
    I_ATIME_EXTRA = 140,
    I_CRTIME = 144,
    I_CRTIME_EXTRA = 148,
};

/* i_flags */
#define EXT2_INDEX_FL 0x1000u    /* hashed (htree) directory */
#define EXT2_EXTENTS_FL 0x80000u /* ext4 */
#define EXT2_INLINE_DATA_FL 0x10000000u

/* directory entry: inode(32) rec_len(16) name_len(8) file_type(8) name */
#define EXT2_DIRENT_HEADER 8u

enum {
    EXT2_FT_UNKNOWN = 0,
    EXT2_FT_REG = 1,
    EXT2_FT_DIR = 2,
    EXT2_FT_CHR = 3,
    EXT2_FT_BLK = 4,
    EXT2_FT_FIFO = 5,
    EXT2_FT_SOCK = 6,
    EXT2_FT_SYMLINK = 7,
};
