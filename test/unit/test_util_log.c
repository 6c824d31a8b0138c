/* Unit tests for src/util/log: line format, level and category filtering,
 * escaping, file reopen after rename, the console, threads, a NULL logger. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

/* 2024-02-29T12:34:56.789Z */
#define T0 INT64_C(1709210096789)

/* A scratch directory for one case, removed with its files by tmp_done. */
struct tmp {
	char dir[64];
	char path[128];
};

static bool tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/rostra-test-log-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return false;
	snprintf(t->path, sizeof(t->path), "%s/debug.log", t->dir);
	return true;
}

static void tmp_done(struct tmp *t)
{
	char p[160];
	unlink(t->path);
	snprintf(p, sizeof(p), "%s.1", t->path);
	unlink(p);
	rmdir(t->dir);
}

/* The whole file as a NUL-terminated string (malloc'd), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	return (char *)buf_detach(&b, NULL);
}

/* A logger writing to a fresh file in t, with a mock clock at T0. */
static struct logger *open_logger(struct tmp *t, struct clock *c)
{
	char err[256];
	clock_init(c);
	clock_set_mock_ms(c, T0);
	if (!tmp_make(t))
		return NULL;
	struct logger *lg = log_create();
	if (lg == NULL)
		return NULL;
	log_set_clock(lg, c);
	if (!log_open_file(lg, t->path, err, sizeof(err))) {
		log_destroy(lg);
		return NULL;
	}
	return lg;
}

static void test_log_format(void)
{
	struct tmp t;
	struct clock c;
	struct logger *lg = open_logger(&t, &c);
	if (!CHECK(lg != NULL))
		return;
	log_enable_category(lg, LOG_CAT_NET);
	LOG_INFO(lg, 0, "hello %d", 42);
	LOG_WARNING(lg, LOG_CAT_P2P, "peer %s misbehaved\n", "1.2.3.4");
	LOG_ERROR(lg, 0, "disk full");
	LOG_DEBUG(lg, LOG_CAT_NET, "debug net");
	clock_set_mock_ms(&c, T0 + 1211);
	log_printf(lg, LOG_LEVEL_INFO, LOG_CAT_NET | LOG_CAT_RPC, "two categories");
	LOG_INFO(lg, 0, "ctl\x01 tab\t nl\n in \x7f the middle");
	LOG_INFO(lg, 0, "%s", "");
	char *got = slurp(t.path);
	if (!CHECK(got != NULL && strcmp(got,
		"2024-02-29T12:34:56.789Z [info] hello 42\n"
		"2024-02-29T12:34:56.789Z [p2p:warning] peer 1.2.3.4 misbehaved\n"
		"2024-02-29T12:34:56.789Z [error] disk full\n"
		"2024-02-29T12:34:56.789Z [net:debug] debug net\n"
		"2024-02-29T12:34:58.000Z [net:info] two categories\n"
		"2024-02-29T12:34:58.000Z [info] ctl\\x01 tab\t nl\\x0a in \\x7f the middle\n"
		"2024-02-29T12:34:58.000Z [info] \n") == 0) && got)
		unit_note("%s", got);
	free(got);
	log_destroy(lg);
	tmp_done(&t);
}

static const struct filter_case {
	enum log_level threshold;
	uint32_t enabled;
	enum log_level level;
	uint32_t category;
	bool written;
} filter_cases[] = {
	/* error, warning and info: always, whatever the category */
	{ LOG_LEVEL_DEBUG, 0, LOG_LEVEL_ERROR, 0, true },
	{ LOG_LEVEL_DEBUG, 0, LOG_LEVEL_WARNING, LOG_CAT_RPC, true },
	{ LOG_LEVEL_DEBUG, 0, LOG_LEVEL_INFO, LOG_CAT_STORE, true },
	/* debug: only for an enabled category */
	{ LOG_LEVEL_DEBUG, 0, LOG_LEVEL_DEBUG, LOG_CAT_NET, false },
	{ LOG_LEVEL_DEBUG, LOG_CAT_NET, LOG_LEVEL_DEBUG, LOG_CAT_NET, true },
	{ LOG_LEVEL_DEBUG, LOG_CAT_NET, LOG_LEVEL_DEBUG, LOG_CAT_P2P, false },
	{ LOG_LEVEL_DEBUG, LOG_CAT_ALL, LOG_LEVEL_DEBUG, LOG_CAT_BENCH, true },
	/* an uncategorised debug message: only with every category */
	{ LOG_LEVEL_DEBUG, LOG_CAT_NET, LOG_LEVEL_DEBUG, 0, false },
	{ LOG_LEVEL_DEBUG, LOG_CAT_ALL, LOG_LEVEL_DEBUG, 0, true },
	/* trace needs the threshold as well as the category */
	{ LOG_LEVEL_DEBUG, LOG_CAT_ALL, LOG_LEVEL_TRACE, LOG_CAT_NET, false },
	{ LOG_LEVEL_TRACE, LOG_CAT_NET, LOG_LEVEL_TRACE, LOG_CAT_NET, true },
	{ LOG_LEVEL_TRACE, LOG_CAT_P2P, LOG_LEVEL_TRACE, LOG_CAT_NET, false },
	/* a lower threshold silences info and warning */
	{ LOG_LEVEL_WARNING, LOG_CAT_ALL, LOG_LEVEL_INFO, 0, false },
	{ LOG_LEVEL_WARNING, LOG_CAT_ALL, LOG_LEVEL_WARNING, 0, true },
	{ LOG_LEVEL_ERROR, LOG_CAT_ALL, LOG_LEVEL_WARNING, LOG_CAT_NET, false },
	{ LOG_LEVEL_ERROR, 0, LOG_LEVEL_ERROR, LOG_CAT_NET, true },
	{ LOG_LEVEL_INFO, LOG_CAT_ALL, LOG_LEVEL_DEBUG, LOG_CAT_NET, false },
};

static void test_log_filter(void)
{
	for (size_t i = 0; i < UNIT_COUNT(filter_cases); i++) {
		const struct filter_case *f = &filter_cases[i];
		struct tmp t;
		struct clock c;
		struct logger *lg = open_logger(&t, &c);
		if (!CHECK(lg != NULL))
			return;
		log_set_level(lg, f->threshold);
		log_enable_category(lg, f->enabled);
		CHECK(log_enabled(lg, f->level, f->category) == f->written);
		log_printf(lg, f->level, f->category, "x");
		char *got = slurp(t.path);
		if (!CHECK(got != NULL && (strlen(got) > 0) == f->written))
			unit_note("filter case %zu", i);
		free(got);
		log_destroy(lg);
		tmp_done(&t);
	}
}

static int side_effects;

static int bump(void)
{
	return ++side_effects;
}

static void test_log_macros_lazy(void)
{
	struct logger *lg = log_create();
	if (!CHECK(lg != NULL))
		return;
	side_effects = 0;
	LOG_DEBUG(lg, LOG_CAT_NET, "%d", bump());   /* category off */
	LOG_TRACE(lg, LOG_CAT_NET, "%d", bump());
	LOG_INFO(NULL, 0, "%d", bump());            /* no logger */
	CHECK(side_effects == 0);
	log_enable_category(lg, LOG_CAT_NET);
	LOG_DEBUG(lg, LOG_CAT_NET, "%d", bump());   /* on (no output: fine) */
	LOG_INFO(lg, 0, "%d", bump());
	CHECK(side_effects == 2);
	log_disable_category(lg, LOG_CAT_NET);
	CHECK(log_categories(lg) == 0);
	LOG_DEBUG(lg, LOG_CAT_NET, "%d", bump());
	CHECK(side_effects == 2);
	log_destroy(lg);
}

static void test_log_null(void)
{
	char err[64] = "untouched";
	CHECK(!log_enabled(NULL, LOG_LEVEL_ERROR, 0));
	CHECK(log_open_file(NULL, "/nonexistent/x", err, sizeof(err)));
	CHECK(strcmp(err, "untouched") == 0);
	CHECK(log_reopen(NULL));
	log_set_console(NULL, true);
	log_set_clock(NULL, NULL);
	log_enable_category(NULL, LOG_CAT_ALL);
	log_disable_category(NULL, LOG_CAT_ALL);
	log_set_level(NULL, LOG_LEVEL_TRACE);
	log_printf(NULL, LOG_LEVEL_ERROR, 0, "nothing");
	log_close_file(NULL);
	CHECK(log_categories(NULL) == 0);
	log_destroy(NULL);
}

static void test_log_reopen(void)
{
	struct tmp t;
	struct clock c;
	char rotated[160];
	struct logger *lg = open_logger(&t, &c);
	if (!CHECK(lg != NULL))
		return;
	snprintf(rotated, sizeof(rotated), "%s.1", t.path);
	LOG_INFO(lg, 0, "one");
	CHECK(rename(t.path, rotated) == 0);
	LOG_INFO(lg, 0, "two");               /* still the renamed file */
	CHECK(log_reopen(lg));
	LOG_INFO(lg, 0, "three");             /* a fresh file at the path */
	char *old = slurp(rotated), *cur = slurp(t.path);
	CHECK(old && strcmp(old, "2024-02-29T12:34:56.789Z [info] one\n"
	                         "2024-02-29T12:34:56.789Z [info] two\n") == 0);
	CHECK(cur && strcmp(cur, "2024-02-29T12:34:56.789Z [info] three\n") == 0);
	free(old);
	free(cur);

	/* The directory is gone: reopen fails and the open file stays in use. */
	CHECK(unlink(t.path) == 0 && unlink(rotated) == 0 && rmdir(t.dir) == 0);
	CHECK(!log_reopen(lg));
	LOG_INFO(lg, 0, "into the unlinked file");
	log_close_file(lg);
	CHECK(log_reopen(lg));                /* no file: nothing to do */
	log_destroy(lg);
}

static void test_log_open_errors(void)
{
	struct logger *lg = log_create();
	char err[256] = "";
	if (!CHECK(lg != NULL))
		return;
	CHECK(!log_open_file(lg, "/nonexistent-rostra-dir/debug.log", err, sizeof(err)));
	CHECK(strstr(err, "/nonexistent-rostra-dir/debug.log") != NULL);
	CHECK(strchr(err, '\n') == NULL);
	/* Opening a second file replaces the first. */
	struct tmp t;
	if (CHECK(tmp_make(&t))) {
		char other[160];
		snprintf(other, sizeof(other), "%s.1", t.path);
		CHECK(log_open_file(lg, other, err, sizeof(err)));
		CHECK(log_open_file(lg, t.path, err, sizeof(err)));
		CHECK(!log_open_file(lg, "/nonexistent-rostra-dir/x", err, sizeof(err)));
		LOG_ERROR(lg, 0, "here");     /* the failed open kept t.path */
		char *a = slurp(other), *b = slurp(t.path);
		CHECK(a && a[0] == 0);
		CHECK(b && strstr(b, "[error] here\n") != NULL);
		free(a);
		free(b);
		log_destroy(lg);
		tmp_done(&t);
	} else {
		log_destroy(lg);
	}
}

static void test_log_console(void)
{
	struct tmp t;
	struct clock c;
	if (!CHECK(tmp_make(&t)))
		return;
	struct logger *lg = log_create();
	clock_init(&c);
	clock_set_mock_ms(&c, T0);
	log_set_clock(lg, &c);
	FILE *f = fopen(t.path, "w");
	int saved = dup(STDERR_FILENO);
	if (!CHECK(lg && f && saved >= 0))
		return;
	fflush(stderr);
	dup2(fileno(f), STDERR_FILENO);
	LOG_INFO(lg, 0, "not on the console");
	log_set_console(lg, true);
	LOG_INFO(lg, LOG_CAT_RPC, "on the console");
	log_set_console(lg, false);
	LOG_INFO(lg, 0, "off again");
	dup2(saved, STDERR_FILENO);
	close(saved);
	fclose(f);
	char *got = slurp(t.path);
	CHECK(got && strcmp(got, "2024-02-29T12:34:56.789Z [rpc:info] on the console\n") == 0);
	free(got);
	log_destroy(lg);
	tmp_done(&t);
}

static void test_log_too_long(void)
{
	struct tmp t;
	struct clock c;
	struct logger *lg = open_logger(&t, &c);
	if (!CHECK(lg != NULL))
		return;
	size_t n = LOG_MAX_MESSAGE + 1;
	char *big = malloc(n + 1);
	if (CHECK(big != NULL)) {
		memset(big, 'x', n);
		big[n] = 0;
		LOG_INFO(lg, 0, "%s", big);
		big[n - 1] = 0;
		LOG_INFO(lg, 0, "%s", big);    /* exactly the maximum: written */
	}
	char *got = slurp(t.path);
	CHECK(got && strncmp(got, "2024-02-29T12:34:56.789Z [info] (message dropped", 48) == 0);
	CHECK(got && strlen(got) > LOG_MAX_MESSAGE);
	free(got);
	free(big);
	log_destroy(lg);
	tmp_done(&t);
}

#define THREADS 4
#define LINES 500

static void *log_thread(void *arg)
{
	struct logger *lg = arg;
	for (int i = 0; i < LINES; i++)
		LOG_INFO(lg, LOG_CAT_RPC, "thread line %04d %s", i,
		         "padding-padding-padding-padding-padding-padding-padding");
	return NULL;
}

static void test_log_threads(void)
{
	struct tmp t;
	struct clock c;
	pthread_t th[THREADS];
	struct logger *lg = open_logger(&t, &c);
	if (!CHECK(lg != NULL))
		return;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, log_thread, lg);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	char *got = slurp(t.path);
	int lines = 0;
	bool intact = got != NULL;
	for (char *p = got; intact && *p; lines++) {
		char *nl = strchr(p, '\n');
		intact = nl && nl - p == 24 + 24 + 5 + 55 &&
		         strncmp(p + 24, " [rpc:info] thread line ", 24) == 0;
		p = nl ? nl + 1 : p;
	}
	CHECK(intact);
	CHECK(lines == THREADS * LINES);
	free(got);
	log_destroy(lg);
	tmp_done(&t);
}

static void test_log_names(void)
{
	static const struct {
		const char *name;
		bool ok;
		uint32_t mask;
	} cats[] = {
		{ "net", true, LOG_CAT_NET }, { "p2p", true, LOG_CAT_P2P },
		{ "rpc", true, LOG_CAT_RPC }, { "mempool", true, LOG_CAT_MEMPOOL },
		{ "ledger", true, LOG_CAT_LEDGER }, { "store", true, LOG_CAT_STORE },
		{ "consensus", true, LOG_CAT_CONSENSUS },
		{ "validation", true, LOG_CAT_VALIDATION },
		{ "wallet", true, LOG_CAT_WALLET }, { "bench", true, LOG_CAT_BENCH },
		{ "all", true, LOG_CAT_ALL }, { "1", true, LOG_CAT_ALL },
		{ "none", true, 0 }, { "0", true, 0 },
		{ "NET", false, 0 }, { "", false, 0 }, { "net ", false, 0 },
		{ "2", false, 0 }, { "netx", false, 0 },
	};
	for (size_t i = 0; i < UNIT_COUNT(cats); i++) {
		uint32_t m = 77;
		CHECK(log_category_parse(&m, cats[i].name) == cats[i].ok);
		CHECK(m == cats[i].mask);
		if (cats[i].ok && cats[i].mask && cats[i].mask != LOG_CAT_ALL)
			CHECK(log_category_name(m) != NULL &&
			      strcmp(log_category_name(m), cats[i].name) == 0);
	}
	CHECK(log_category_name(0) == NULL);
	CHECK(log_category_name(LOG_CAT_NET | LOG_CAT_P2P) == NULL);
	CHECK(log_category_name(1u << 10) == NULL);

	struct buf b = BUF_INIT;
	CHECK(log_category_list(&b));
	CHECK(strcmp((char *)b.data, "net, p2p, rpc, mempool, ledger, store, consensus, "
	                             "validation, wallet, bench") == 0);
	buf_release(&b);

	static const char *const levels[] = { "error", "warning", "info", "debug", "trace" };
	for (int i = 0; i < 5; i++) {
		enum log_level l;
		CHECK(log_level_parse(&l, levels[i]) && (int)l == i);
		CHECK(strcmp(log_level_name(l), levels[i]) == 0);
	}
	enum log_level l = LOG_LEVEL_TRACE;
	CHECK(!log_level_parse(&l, "warn") && l == LOG_LEVEL_INFO);
	CHECK(!log_level_parse(&l, "") && l == LOG_LEVEL_INFO);
	CHECK(strcmp(log_level_name((enum log_level)99), "?") == 0);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_log_format),
	UNIT_CASE(test_log_filter),
	UNIT_CASE(test_log_macros_lazy),
	UNIT_CASE(test_log_null),
	UNIT_CASE(test_log_reopen),
	UNIT_CASE(test_log_open_errors),
	UNIT_CASE(test_log_console),
	UNIT_CASE(test_log_too_long),
	UNIT_CASE(test_log_threads),
	UNIT_CASE(test_log_names),
};

int main(void)
{
	return unit_run(cases, UNIT_COUNT(cases));
}
