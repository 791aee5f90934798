/*
 * test_abi - the decision a syscall stop's ABI makes (tracer/abi.h): an
 * x86-64 call keeps its number and registers; an i386 call from a 64-bit
 * process (int $0x80) is tagged, is never named from the x86-64 table
 * (its 20 is getpid, not writev), is shown as syscall_0x14@32, and its
 * arguments are the low 32 bits. This kernel has no ia32 emulation, so
 * these cases cannot all be produced by a real tracee here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sinks/calls.h"
#include "syscalls/syscalls.h"
#include "tracer/abi.h"

static void test_x86_64_as_it_comes(void **state)
{
	(void)state;
	assert_int_equal(rn_abi_nr(AUDIT_ARCH_X86_64, 39), 39);
	assert_false(rn_nr_is_i386((long)rn_abi_nr(AUDIT_ARCH_X86_64, 39)));
	/* x32's bit stays: a number past the table, never an x86-64 name */
	uint64_t x32 = rn_abi_nr(AUDIT_ARCH_X86_64, 0x40000027);
	assert_int_equal(x32, 0x40000027);
	assert_null(rn_syscall_get((long)x32));
	uint64_t a[6] = { 1ull << 40, 2, 3, 4, 5, UINT64_MAX };
	rn_abi_args(AUDIT_ARCH_X86_64, a);
	assert_true(a[0] == 1ull << 40 && a[5] == UINT64_MAX);
}

static void test_i386_tagged(void **state)
{
	(void)state;
	uint64_t nr = rn_abi_nr(AUDIT_ARCH_I386, 20);
	assert_true(rn_nr_is_i386((long)nr));
	assert_int_equal(nr & RN_NR_I386_MASK, 20);
	assert_null(rn_syscall_get((long)nr));
	char scratch[32];
	assert_string_equal(rn_call_name((int32_t)nr, scratch), "syscall_0x14@32");
	/* any ABI but x86-64 is tagged, whatever the number */
	assert_true(rn_nr_is_i386((long)rn_abi_nr(0, UINT64_MAX)));
	uint64_t a[6] = { 0xffffffff00000001ull, 0x100000000ull, 7, 0, 0, UINT64_MAX };
	rn_abi_args(AUDIT_ARCH_I386, a);
	assert_true(a[0] == 1 && a[1] == 0 && a[2] == 7 && a[5] == 0xffffffffu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64_as_it_comes),
		cmocka_unit_test(test_i386_tagged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
