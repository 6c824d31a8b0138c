/* A small unit-test harness that speaks TAP (one test point per case).
 *
 * A test file defines its cases as functions and a table:
 *
 *     static void test_roundtrip(void) { CHECK(x == y); ... }
 *     static const struct unit_case cases[] = { UNIT_CASE(test_roundtrip) };
 *     int main(void) { return unit_run(cases, UNIT_COUNT(cases)); }
 *
 * CHECK records a failure (with file, line and the expression) and goes on;
 * a case passes when none of its checks failed and it made at least one (a
 * case that asserts nothing is reported as failed). unit_run returns the
 * process exit status.
 */
#ifndef ROSTRA_TEST_UNIT_H
#define ROSTRA_TEST_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

#define UNIT_CASE(fn) { #fn, fn }
#define UNIT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

int unit_run(const struct unit_case *cases, size_t n);

/* Record one check. Returns cond so that a case can stop early:
 * `if (!CHECK(p != NULL)) return;` */
bool unit_check(bool cond, const char *expr, const char *file, int line);
#define CHECK(cond) unit_check(!!(cond), #cond, __FILE__, __LINE__)

/* Print a diagnostic line (TAP comment) for the current case. */
void unit_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Path of a file under the source tree's test/data (ROSTRA_SRCDIR from the
 * test environment, else "."). Out: out (size cap). Returns false if it
 * does not fit. */
bool unit_data_path(char *out, size_t cap, const char *name);
/* Read a whole file under test/data into a malloc'd NUL-terminated buffer. */
char *unit_read_data(const char *name, size_t *len_out);

/* Deterministic pseudo-random numbers for tests (xorshift64*). */
uint64_t unit_rand(void);
void unit_rand_bytes(void *out, size_t n);

/* Hex helpers for vectors; abort on malformed hex (test data is trusted). */
size_t unit_unhex(uint8_t *out, size_t cap, const char *hex);

#endif
