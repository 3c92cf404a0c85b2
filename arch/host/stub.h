/*
 * The stub's fixed layout, shared by the stub program (stub.c) and the
 * ptrace backend (trace.c).  The stub is linked at STUB_BASE, above every
 * address a guest may map: the guest address space ends there.
 */
#ifndef HOST_STUB_H
#define HOST_STUB_H

#define STUB_BASE 0x7fffe0000000UL
/* "syscall; int3": the backend runs host syscalls in a guest process here. */
#define STUB_SYSCALL_GADGET STUB_BASE
/* "lock cmpxchg %esi, (%rdi); int3": atomic updates of guest memory. */
#define STUB_CMPXCHG_GADGET (STUB_BASE + 16)
/* A page the backend fills with arguments for those syscalls. */
#define STUB_SCRATCH (STUB_BASE + 0x2000UL)
#define STUB_SIZE 0x10000UL
/* The stub's end of the kernel's fd-passing socket. */
#define STUB_SOCK_FD 3

#endif
