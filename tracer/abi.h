/*
 * abi.h - which system call ABI a syscall stop belongs to, from
 * PTRACE_GET_SYSCALL_INFO's arch (AUDIT_ARCH_*), and what follows from it:
 * the number renacer keys the call by and the arguments as that ABI sees
 * them. A 64-bit process can issue i386 calls (int $0x80): their numbers
 * mean other calls, so they are tagged RN_NR_I386 (syscalls.h) and never
 * named from the x86-64 table, and their arguments are the low 32 bits of
 * the registers ptrace reports whole. Pure functions, for the tracer thread
 * and the unit tests.
 */
#ifndef RENACER_ABI_H
#define RENACER_ABI_H

#include <linux/audit.h>
#include <stdint.h>

#include "syscalls/syscalls.h"

/* The number as renacer keys it: x86-64's as it comes (x32's bit kept: a
 * number past the table), any other ABI's tagged. */
static inline uint64_t rn_abi_nr(uint32_t arch, uint64_t nr)
{
	if (arch == AUDIT_ARCH_X86_64)
		return nr;
	return RN_NR_I386 | (nr & RN_NR_I386_MASK);
}

/* The arguments as the call's ABI sees them, in place. */
static inline void rn_abi_args(uint32_t arch, uint64_t args[6])
{
	if (arch != AUDIT_ARCH_X86_64)
		for (int i = 0; i < 6; i++)
			args[i] &= 0xffffffffu;
}

#endif /* RENACER_ABI_H */
