/* Entry of the oracle probe as a seL4 (or KaaL) root task on x86_64.
 * The kernel starts the initial thread at the ELF entry with rdi = the
 * seL4_BootInfo address and no usable stack: switch to one in .bss. */
    .text
    .global _start
_start:
    leaq __probe_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call probe_main
1:  jmp 1b

    /* linked first, so this is the first word of .data: seL4's x86_64 ELF
     * loader also "loads" PT_TLS, whose memsz bytes of zeros land here */
    .data
    .balign 8
    .global __probe_data_first
__probe_data_first:
    .quad 0x5a5a5a5a5a5a5a5a

    .section .bss
    .balign 16
__probe_stack:
    .skip 65536
__probe_stack_top:
    .section .note.GNU-stack,"",@progbits
