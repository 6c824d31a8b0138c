/* Strict, overflow-checked parsing of integers and ROS amounts from text.
 *
 * Integers are decimal only: an optional '-' (signed parsers only), then
 * "0" or a digit 1-9 followed by digits. Rejected: the empty string, any
 * whitespace, '+', leading zeros ("007"), "-0" (for every parser: it is
 * not a canonical number), hex, and anything after the digits. A value
 * outside [min, max] is rejected, as is one that overflows the type.
 * Every parser writes 0 to its output on failure.
 */
#ifndef ROSTRA_UTIL_PARSE_H
#define ROSTRA_UTIL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Base units in one ROS. */
#define PARSE_UNITS_PER_ROS UINT64_C(100000000)
/* Digits after the point in an amount. */
#define PARSE_AMOUNT_DECIMALS 8
/* The largest amount: total supply stays below 2^53 base units, so every
 * amount is exact as a JSON number (an IEEE double). */
#define PARSE_AMOUNT_MAX ((UINT64_C(1) << 53) - 1)
/* Room for any uint64_t formatted by parse_amount_format (12 integer
 * digits, the point, 8 decimals and the NUL need 22). */
#define PARSE_AMOUNT_STRLEN 32

/* Out: *out. In: s (NUL-terminated), the inclusive bounds min <= max.
 * Returns true when s is a canonical decimal integer within [min, max]. */
bool parse_u64(uint64_t *out, const char *s, uint64_t min, uint64_t max);
bool parse_i64(int64_t *out, const char *s, int64_t min, int64_t max);
bool parse_u32(uint32_t *out, const char *s, uint32_t min, uint32_t max);
bool parse_int(int *out, const char *s, int min, int max);

/* Parse a ROS amount into base units: the integer part as above, then
 * optionally '.' and 1 to 8 digits ("1.5" -> 150000000, "0.00000001" -> 1,
 * "2" -> 200000000; trailing zeros after the point are allowed). Rejected:
 * a sign, a missing integer part (".5"), a point with no digits ("1."),
 * more than 8 decimals, exponents, and a total above PARSE_AMOUNT_MAX.
 * Integer arithmetic only. Out: *units (0 on failure). In: s. */
bool parse_amount(uint64_t *units, const char *s);

/* Format base units as a ROS amount with exactly 8 decimals
 * ("1.50000000"); parse_amount reads it back exactly. Any uint64_t is
 * formatted (also above PARSE_AMOUNT_MAX, for diagnostics).
 * Out: out (cap bytes; PARSE_AMOUNT_STRLEN always suffices).
 * Returns false, leaving "" when cap > 0, if it does not fit. */
bool parse_amount_format(char *out, size_t cap, uint64_t units);

#endif
