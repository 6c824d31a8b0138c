/* Overflow-checked integer arithmetic (header only).
 *
 * Each function computes one operation exactly. It returns true and writes
 * the result, or returns false and writes 0 when the exact result does not
 * fit the type. Used wherever amounts, sizes or counts from outside are
 * combined (the ledger, the mempool, allocation sizes), so that an overflow
 * is an ordinary rejected input and never a wrapped value.
 *
 * Built on the GCC/Clang __builtin_*_overflow intrinsics, which are exact
 * for every operand and compile to a flag test.
 */
#ifndef ROSTRA_UTIL_CHECKED_H
#define ROSTRA_UTIL_CHECKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECKED_DEFINE(name, type, builtin)                                  \
	static inline bool name(type *out, type a, type b)                   \
	{                                                                    \
		type r;                                                      \
		if (builtin(a, b, &r)) {                                     \
			*out = 0;                                            \
			return false;                                        \
		}                                                            \
		*out = r;                                                    \
		return true;                                                 \
	}

/* Out: *out = a + b, a - b or a * b. Returns false (and *out = 0) when the
 * exact result is outside the type's range. */
CHECKED_DEFINE(checked_add_u64, uint64_t, __builtin_add_overflow)
CHECKED_DEFINE(checked_sub_u64, uint64_t, __builtin_sub_overflow)
CHECKED_DEFINE(checked_mul_u64, uint64_t, __builtin_mul_overflow)
CHECKED_DEFINE(checked_add_i64, int64_t, __builtin_add_overflow)
CHECKED_DEFINE(checked_sub_i64, int64_t, __builtin_sub_overflow)
CHECKED_DEFINE(checked_mul_i64, int64_t, __builtin_mul_overflow)
CHECKED_DEFINE(checked_add_size, size_t, __builtin_add_overflow)
CHECKED_DEFINE(checked_mul_size, size_t, __builtin_mul_overflow)

#undef CHECKED_DEFINE

#endif
