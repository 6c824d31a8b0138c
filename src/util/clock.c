#include "config.h"

#include "util/clock.h"

#include <assert.h>
#include <stdio.h>
#include <time.h>

void clock_init(struct clock *c)
{
	atomic_init(&c->mock_ms, 0);
}

int64_t clock_now_ms(const struct clock *c)
{
	if (c) {
		int64_t mock = atomic_load_explicit(&((struct clock *)c)->mock_ms,
		                                    memory_order_relaxed);
		if (mock != 0)
			return mock;
	}
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_set_mock_ms(struct clock *c, int64_t ms)
{
	assert(ms >= 0);
	atomic_store_explicit(&c->mock_ms, ms, memory_order_relaxed);
}

bool clock_is_mocked(const struct clock *c)
{
	return atomic_load_explicit(&((struct clock *)c)->mock_ms,
	                            memory_order_relaxed) != 0;
}

uint64_t clock_mono_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Floor division and modulo, for times before the epoch. */
static int64_t clock_floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible
 * low-level date algorithms"): exact in integers over the whole range. */
static void clock_civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = clock_floordiv(z, 146097);
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool clock_format_iso8601(char *out, size_t cap, int64_t ms)
{
	int64_t secs = clock_floordiv(ms, 1000);
	int64_t days = clock_floordiv(secs, 86400);
	unsigned msec = (unsigned)(ms - secs * 1000);
	unsigned sod = (unsigned)(secs - days * 86400);
	int64_t y;
	unsigned m, d;

	clock_civil(days, &y, &m, &d);
	if (y < 0 || y > 9999 || cap < CLOCK_ISO8601_LEN) {
		if (cap)
			out[0] = '\0';
		return false;
	}
	snprintf(out, cap, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
	         (unsigned)y, m, d, sod / 3600, sod / 60 % 60, sod % 60, msec);
	return true;
}
