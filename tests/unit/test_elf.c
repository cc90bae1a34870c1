// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ELF executable checker (runtime/elf/elf.c) that guards the kernel's
 * root-task loader and init's component loader. A valid image is built in
 * memory, then each test breaks one thing and expects that exact error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/elf.h>

#define IMAGE_BYTES 0x3000

struct image {
    union {
        uint8_t bytes[IMAGE_BYTES];
        kaal_elf64_ehdr_t eh;
    };
};

static kaal_elf64_phdr_t *phdrs(struct image *im)
{
    return (kaal_elf64_phdr_t *)(im->bytes + im->eh.e_phoff);
}

/* Two segments: text at 0x400000 (r-x, 0x1000 bytes), data+bss at 0x401000. */
static void make_valid(struct image *im)
{
    memset(im, 0, sizeof(*im));
    memcpy(im->eh.e_ident, "\x7f" "ELF", 4);
    im->eh.e_ident[4] = 2; /* 64-bit */
    im->eh.e_ident[5] = 1; /* little endian */
    im->eh.e_ident[6] = 1;
    im->eh.e_type = KAAL_ET_EXEC;
    im->eh.e_machine = KAAL_EM_X86_64;
    im->eh.e_version = 1;
    im->eh.e_entry = 0x400100;
    im->eh.e_phoff = sizeof(kaal_elf64_ehdr_t);
    im->eh.e_ehsize = sizeof(kaal_elf64_ehdr_t);
    im->eh.e_phentsize = sizeof(kaal_elf64_phdr_t);
    im->eh.e_phnum = 2;
    kaal_elf64_phdr_t *ph = phdrs(im);
    ph[0] = (kaal_elf64_phdr_t){ .p_type = KAAL_PT_LOAD, .p_flags = KAAL_PF_R | KAAL_PF_X,
                                 .p_offset = 0x1000, .p_vaddr = 0x400000, .p_filesz = 0x1000,
                                 .p_memsz = 0x1000, .p_align = 0x1000 };
    ph[1] = (kaal_elf64_phdr_t){ .p_type = KAAL_PT_LOAD, .p_flags = KAAL_PF_R | KAAL_PF_W,
                                 .p_offset = 0x2000, .p_vaddr = 0x401000, .p_filesz = 0x800,
                                 .p_memsz = 0x3000, .p_align = 0x1000 };
}

static kaal_elf_status_t check(struct image *im, size_t size)
{
    kaal_elf_info_t info;
    return kaal_elf_check(im->bytes, size, &info);
}

static void test_valid_image_is_accepted_with_sorted_segments(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    /* List the segments in reverse: the checker sorts them. */
    kaal_elf64_phdr_t tmp = phdrs(&im)[0];
    phdrs(&im)[0] = phdrs(&im)[1];
    phdrs(&im)[1] = tmp;
    kaal_elf_info_t info;
    assert_int_equal(kaal_elf_check(im.bytes, IMAGE_BYTES, &info), KAAL_ELF_OK);
    assert_int_equal(info.n_segments, 2);
    assert_int_equal(info.entry, 0x400100);
    assert_int_equal(info.segments[0].vaddr, 0x400000);
    assert_int_equal(info.segments[1].vaddr, 0x401000);
    assert_int_equal(info.lowest_vaddr, 0x400000);
    assert_int_equal(info.highest_vaddr, 0x404000);
}

static void test_image_shorter_than_header_is_truncated(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    assert_int_equal(check(&im, 0), KAAL_ELF_TRUNCATED);
    assert_int_equal(check(&im, sizeof(kaal_elf64_ehdr_t) - 1), KAAL_ELF_TRUNCATED);
}

static void test_bad_magic_is_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    im.bytes[1] = 'X';
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_BAD_MAGIC);
}

static void test_32bit_and_big_endian_images_are_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    im.bytes[4] = 1;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_NOT_64BIT);
    make_valid(&im);
    im.bytes[5] = 2;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_NOT_LITTLE_ENDIAN);
}

static void test_wrong_machine_is_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    im.eh.e_machine = 183; /* AArch64 */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_WRONG_MACHINE);
}

static void test_relocatable_and_pie_images_are_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    im.eh.e_type = 3; /* ET_DYN */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_NOT_EXECUTABLE);
}

/* The POSIX server's loader: ET_DYN (static PIE) with segments from 0, the
 * file only partly in memory, PT_TLS and PT_GNU_STACK reported. */
static void test_file_check_accepts_static_pie_and_reports_tls(void **state)
{
    (void)state;
    static struct image im;
    kaal_elf_info_t info;
    make_valid(&im);
    im.eh.e_type = KAAL_ET_DYN;
    im.eh.e_entry = 0x100;
    im.eh.e_phnum = 3;
    kaal_elf64_phdr_t *ph = phdrs(&im);
    ph[0].p_vaddr = 0;
    ph[1].p_vaddr = 0x1000;
    ph[2] = (kaal_elf64_phdr_t){ .p_type = KAAL_PT_TLS, .p_flags = KAAL_PF_R, .p_offset = 0x2000,
                                 .p_vaddr = 0x1000, .p_filesz = 0x10, .p_memsz = 0x40,
                                 .p_align = 8 };
    assert_int_equal(kaal_elf_check_file(im.bytes, 0x200, IMAGE_BYTES, 1, &info), KAAL_ELF_OK);
    assert_int_equal(info.type, KAAL_ET_DYN);
    assert_int_equal(info.phnum, 3);
    assert_true(info.has_tls);
    assert_int_equal(info.tls.memsz, 0x40);
    assert_int_equal(info.stack_flags, KAAL_PF_R | KAAL_PF_W);
    /* Not allowed: ET_DYN is refused as before. */
    assert_int_equal(kaal_elf_check_file(im.bytes, 0x200, IMAGE_BYTES, 0, &info),
                     KAAL_ELF_NOT_EXECUTABLE);
}

static void test_file_check_needs_the_headers_in_memory_and_segments_in_the_file(void **state)
{
    (void)state;
    static struct image im;
    kaal_elf_info_t info;
    make_valid(&im);
    /* Program headers end at 64 + 2 * 56 = 176 bytes. */
    assert_int_equal(kaal_elf_check_file(im.bytes, 175, IMAGE_BYTES, 0, &info),
                     KAAL_ELF_BAD_PHDRS);
    assert_int_equal(kaal_elf_check_file(im.bytes, 176, IMAGE_BYTES, 0, &info), KAAL_ELF_OK);
    assert_int_equal(kaal_elf_check_file(im.bytes, 176, 0x2700, 0, &info),
                     KAAL_ELF_SEGMENT_OUTSIDE_FILE);
    assert_int_equal(kaal_elf_check_file(im.bytes, 0x200, 0x100, 0, &info), KAAL_ELF_TRUNCATED);
}

static void test_program_headers_outside_file_are_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    im.eh.e_phoff = IMAGE_BYTES - 8;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_BAD_PHDRS);
    make_valid(&im);
    im.eh.e_phoff = UINT64_MAX - 8; /* offset + size wraps */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_BAD_PHDRS);
    make_valid(&im);
    im.eh.e_phentsize = 32;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_BAD_PHDRS);
}

static void test_segment_data_past_end_of_file_is_truncated(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    assert_int_equal(check(&im, 0x2000 + 0x7ff), KAAL_ELF_SEGMENT_OUTSIDE_FILE);
    phdrs(&im)[1].p_offset = UINT64_MAX - 0x10;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_SEGMENT_OUTSIDE_FILE);
}

static void test_filesz_larger_than_memsz_is_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    phdrs(&im)[1].p_memsz = 0x400;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_SEGMENT_FILESZ_GT_MEMSZ);
}

static void test_segments_in_kernel_half_or_wrapping_are_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    phdrs(&im)[1].p_vaddr = 0xffffffff80000000ull;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_SEGMENT_BAD_ADDRESS);
    make_valid(&im);
    phdrs(&im)[1].p_vaddr = KAAL_ELF_USER_TOP - 0x1000; /* ends past the user top */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_SEGMENT_BAD_ADDRESS);
    make_valid(&im);
    phdrs(&im)[1].p_vaddr = 0; /* page zero stays unmapped */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_SEGMENT_BAD_ADDRESS);
}

static void test_overlapping_segments_are_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    phdrs(&im)[1].p_vaddr = 0x400800;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_SEGMENTS_OVERLAP);
}

static void test_entry_outside_executable_segments_is_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    im.eh.e_entry = 0x401100; /* inside the data segment, which is not executable */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_ENTRY_OUTSIDE);
    im.eh.e_entry = 0x900000; /* in no segment at all */
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_ENTRY_OUTSIDE);
}

static void test_image_without_loadable_segments_is_rejected(void **state)
{
    (void)state;
    static struct image im;
    make_valid(&im);
    phdrs(&im)[0].p_type = 4; /* PT_NOTE */
    phdrs(&im)[1].p_type = 4;
    assert_int_equal(check(&im, IMAGE_BYTES), KAAL_ELF_NO_SEGMENTS);
}

static void test_every_status_has_a_message(void **state)
{
    (void)state;
    for (int s = KAAL_ELF_OK; s <= KAAL_ELF_ENTRY_OUTSIDE; s++)
        assert_string_not_equal(kaal_elf_strerror((kaal_elf_status_t)s), "unknown ELF error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_image_is_accepted_with_sorted_segments),
        cmocka_unit_test(test_image_shorter_than_header_is_truncated),
        cmocka_unit_test(test_bad_magic_is_rejected),
        cmocka_unit_test(test_32bit_and_big_endian_images_are_rejected),
        cmocka_unit_test(test_wrong_machine_is_rejected),
        cmocka_unit_test(test_relocatable_and_pie_images_are_rejected),
        cmocka_unit_test(test_program_headers_outside_file_are_rejected),
        cmocka_unit_test(test_file_check_accepts_static_pie_and_reports_tls),
        cmocka_unit_test(test_file_check_needs_the_headers_in_memory_and_segments_in_the_file),
        cmocka_unit_test(test_segment_data_past_end_of_file_is_truncated),
        cmocka_unit_test(test_filesz_larger_than_memsz_is_rejected),
        cmocka_unit_test(test_segments_in_kernel_half_or_wrapping_are_rejected),
        cmocka_unit_test(test_overlapping_segments_are_rejected),
        cmocka_unit_test(test_entry_outside_executable_segments_is_rejected),
        cmocka_unit_test(test_image_without_loadable_segments_is_rejected),
        cmocka_unit_test(test_every_status_has_a_message),
    };
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
