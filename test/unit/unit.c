#include "unit.h"

#include "util/hex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int case_failures;
static int case_checks;

bool unit_check(bool cond, const char *expr, const char *file, int line)
{
	case_checks++;
	if (!cond) {
		case_failures++;
		printf("# FAILED %s:%d: %s\n", file, line, expr);
	}
	return cond;
}

void unit_note(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int unit_run(const struct unit_case *cases, size_t n)
{
	int failed = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		case_failures = 0;
		case_checks = 0;
		cases[i].fn();
		if (case_checks == 0) {
			printf("# %s made no checks\n", cases[i].name);
			case_failures = 1;
		}
		printf("%s %zu - %s\n", case_failures ? "not ok" : "ok", i + 1, cases[i].name);
		if (case_failures)
			failed++;
	}
	return failed ? 1 : 0;
}

bool unit_data_path(char *out, size_t cap, const char *name)
{
	const char *src = getenv("ROSTRA_SRCDIR");
	int n = snprintf(out, cap, "%s/test/data/%s", src ? src : ".", name);
	return n > 0 && (size_t)n < cap;
}

char *unit_read_data(const char *name, size_t *len_out)
{
	char path[4096];
	if (!unit_data_path(path, sizeof(path), name))
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("# cannot open %s\n", path);
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	char *p = malloc(cap);
	size_t got;
	while (p && (got = fread(p + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len - 1 == 0) {
			char *q = realloc(p, cap * 2);
			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
			cap *= 2;
		}
	}
	fclose(f);
	if (p) {
		p[len] = 0;
		if (len_out)
			*len_out = len;
	}
	return p;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

uint64_t unit_rand(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void unit_rand_bytes(void *out, size_t n)
{
	uint8_t *p = out;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(unit_rand() >> 56);
}

size_t unit_unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n;
	if (!hex_decode(out, cap, &n, hex)) {
		fprintf(stderr, "unit_unhex: bad test hex\n");
		abort();
	}
	return n;
}
