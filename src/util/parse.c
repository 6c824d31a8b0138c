#include "util/parse.h"

#include <assert.h>
#include <stdio.h>

/* Read the canonical unsigned digits at *s ("0" or [1-9][0-9]*), stopping
 * at the first non-digit; *s is advanced past them. Out: *out. Returns false
 * when there is no digit, on a leading zero, or on overflow of uint64_t. */
static bool parse_digits(uint64_t *out, const char **s)
{
	const char *p = *s;
	uint64_t v = 0;
	*out = 0;
	if (*p < '0' || *p > '9')
		return false;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	*s = p;
	return true;
}

bool parse_u64(uint64_t *out, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;
	assert(min <= max);
	*out = 0;
	if (!parse_digits(&v, &s) || *s != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool parse_i64(int64_t *out, const char *s, int64_t min, int64_t max)
{
	bool neg = false;
	uint64_t mag;
	int64_t v;
	assert(min <= max);
	*out = 0;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!parse_digits(&mag, &s) || *s != '\0')
		return false;
	if (neg) {
		/* -0 is not canonical; INT64_MIN's magnitude is 2^63. */
		if (mag == 0 || mag > (uint64_t)INT64_MAX + 1)
			return false;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return false;
		v = (int64_t)mag;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool parse_u32(uint32_t *out, const char *s, uint32_t min, uint32_t max)
{
	uint64_t v;
	bool ok = parse_u64(&v, s, min, max);
	*out = (uint32_t)v;
	return ok;
}

bool parse_int(int *out, const char *s, int min, int max)
{
	int64_t v;
	bool ok = parse_i64(&v, s, min, max);
	*out = (int)v;
	return ok;
}

bool parse_amount(uint64_t *units, const char *s)
{
	uint64_t whole, frac = 0;
	*units = 0;
	if (!parse_digits(&whole, &s))
		return false;
	if (*s == '.') {
		int n = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, n++) {
			if (n == PARSE_AMOUNT_DECIMALS)
				return false;
			frac = frac * 10 + (uint64_t)(*s - '0');
		}
		if (n == 0)
			return false;
		for (; n < PARSE_AMOUNT_DECIMALS; n++)
			frac *= 10;
	}
	if (*s != '\0')
		return false;
	/* whole * 10^8 + frac <= 2^53 - 1 without overflow: check whole first. */
	if (whole > PARSE_AMOUNT_MAX / PARSE_UNITS_PER_ROS)
		return false;
	uint64_t v = whole * PARSE_UNITS_PER_ROS + frac;
	if (v > PARSE_AMOUNT_MAX)
		return false;
	*units = v;
	return true;
}

bool parse_amount_format(char *out, size_t cap, uint64_t units)
{
	int n = snprintf(out, cap, "%llu.%08llu",
	                 (unsigned long long)(units / PARSE_UNITS_PER_ROS),
	                 (unsigned long long)(units % PARSE_UNITS_PER_ROS));
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			out[0] = '\0';
		return false;
	}
	return true;
}
