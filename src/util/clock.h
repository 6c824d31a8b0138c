/* Clocks, wrapped so that tests can set the time.
 *
 * struct clock is a small value owned by whoever needs wall-clock time (the
 * node context, a logger, a test). Its mock time, when set, replaces the
 * wall clock for that owner alone; there is no process-wide mock time. The
 * mock is stored atomically, so one thread may set it (regtest's
 * setmocktime, on the main loop) while others read it.
 *
 * Consensus code never reads a clock: rules that depend on time use the
 * block header's time. The wall clock is for timestamps, peer time checks
 * and the proposal-time bound; the monotonic clock is for timeouts and
 * benchmarks and is never mocked.
 */
#ifndef ROSTRA_UTIL_CLOCK_H
#define ROSTRA_UTIL_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clock {
	_Atomic int64_t mock_ms; /* 0: not mocked */
};

/* Characters of an ISO-8601 UTC timestamp with milliseconds,
 * "2024-01-02T03:04:05.678Z", with the NUL. */
#define CLOCK_ISO8601_LEN 25

/* Start with no mock time. */
void clock_init(struct clock *c);

/* Milliseconds since the Unix epoch: the mock time if one is set, else the
 * wall clock (CLOCK_REALTIME). c may be NULL (the wall clock). */
int64_t clock_now_ms(const struct clock *c);

/* Set the mock time to ms milliseconds since the epoch; 0 clears it (the
 * wall clock is read again). Negative values are a caller bug. */
void clock_set_mock_ms(struct clock *c, int64_t ms);

/* True when a mock time is set. */
bool clock_is_mocked(const struct clock *c);

/* Nanoseconds of CLOCK_MONOTONIC from an arbitrary origin: for timeouts
 * and benchmarks, never mocked. */
uint64_t clock_mono_ns(void);

/* Format ms since the epoch (UTC, proleptic Gregorian, integer arithmetic,
 * any int64_t whose year has 4 digits) as "YYYY-MM-DDTHH:MM:SS.mmmZ".
 * Out: out (cap bytes; CLOCK_ISO8601_LEN suffices). Returns false, leaving
 * "" when cap > 0, if it does not fit or the year is outside 0000..9999. */
bool clock_format_iso8601(char *out, size_t cap, int64_t ms);

#endif
