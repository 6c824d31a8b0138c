/* Fuzz target: rostra.conf parsing (args_read_config_string) and, on the
 * same bytes split into lines, command-line parsing (args_parse_argv).
 *
 * Properties checked (abort() on violation):
 *   - an error message is one line of printable ASCII, and a failed parse
 *     leaves nothing behind;
 *   - after a success every getter is consistent with the option table:
 *     ints in range, strings within their choices and trimmed, unset options
 *     at their defaults;
 *   - the visible state, written back as a config file, parses again to the
 *     same values (before and after the network is selected).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/args.h"
#include "util/buf.h"

static const char *const level_choices[] = {
	"error", "warning", "info", "debug", "trace", NULL,
};
static const char *const debug_choices[] = {
	"net", "p2p", "rpc", "1", "all", "0", "none", NULL,
};

static const struct args_option opts[] = {
	{ .name = "conf", .kind = ARGS_STRING, .flags = ARGS_CLI_ONLY,
	  .def = "rostra.conf", .help = "c" },
	ARGS_CHAIN_OPTIONS,
	{ .name = "port", .kind = ARGS_INT, .min = 1, .max = 65535, .help = "p" },
	{ .name = "big", .kind = ARGS_INT, .min = INT64_MIN, .max = INT64_MAX, .help = "b" },
	{ .name = "offset", .kind = ARGS_INT, .min = -100, .max = 100, .def = "-5", .help = "o" },
	{ .name = "listen", .kind = ARGS_BOOL, .def = "1", .help = "l" },
	{ .name = "daemon", .kind = ARGS_BOOL, .help = "d" },
	{ .name = "connect", .kind = ARGS_MULTI, .help = "c" },
	{ .name = "debug", .kind = ARGS_MULTI, .choices = debug_choices, .help = "d" },
	{ .name = "rpcuser", .kind = ARGS_STRING, .help = "u" },
	{ .name = "loglevel", .kind = ARGS_STRING, .choices = level_choices,
	  .def = "info", .help = "l" },
	{ .name = "nodes", .kind = ARGS_INT, .min = 0, .max = 9, .help = "n" },
};
#define NOPTS ARGS_COUNT(opts)

#define REQUIRE(c)                                                           \
	do {                                                                 \
		if (!(c)) {                                                  \
			fprintf(stderr, "fuzz_config: %s:%d: %s\n", __FILE__, \
			        __LINE__, #c);                               \
			abort();                                             \
		}                                                            \
	} while (0)

static void check_error(const char *err)
{
	REQUIRE(err[0] != '\0');
	for (const char *p = err; *p; p++)
		REQUIRE(*p >= 0x20 && *p < 0x7f);
}

static bool in_choices(const char *const *choices, const char *v)
{
	if (choices == NULL)
		return true;
	for (; *choices; choices++)
		if (strcmp(*choices, v) == 0)
			return true;
	return false;
}

/* A value read from the file: no NUL (by construction), no newline, no
 * whitespace at either end, and one of its choices. */
static void check_text(const struct args_option *o, const char *v, bool from_file)
{
	size_t n = strlen(v);
	REQUIRE(in_choices(o->choices, v));
	if (!from_file)
		return;
	REQUIRE(strchr(v, '\n') == NULL);
	REQUIRE(n == 0 || (v[0] != ' ' && v[0] != '\t' && v[n - 1] != ' ' &&
	                   v[n - 1] != '\t' && v[n - 1] != '\r'));
}

static void check_getters(const struct args *a, bool from_file)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct args_option *o = &opts[i];
		bool set = args_is_set(a, o->name);
		switch (o->kind) {
		case ARGS_BOOL: {
			bool v = args_get_bool(a, o->name);
			if (!set)
				REQUIRE(v == (o->def && strcmp(o->def, "1") == 0));
			break;
		}
		case ARGS_INT: {
			int64_t v = args_get_int(a, o->name);
			if (set)
				REQUIRE(v >= o->min && v <= o->max);
			else
				REQUIRE(v == (o->def ? strtoll(o->def, NULL, 10) : 0));
			break;
		}
		case ARGS_STRING: {
			const char *v = args_get_str(a, o->name);
			if (set)
				check_text(o, v, from_file);
			else
				REQUIRE(v == o->def);
			break;
		}
		case ARGS_MULTI: {
			size_t n = args_get_multi_count(a, o->name);
			REQUIRE(set || n == 0);
			for (size_t k = 0; k < n; k++)
				check_text(o, args_get_multi(a, o->name, k), from_file);
			break;
		}
		case ARGS_HEADING:
			break;
		}
	}
}

/* Write every visible value as top-level config lines. */
static void dump(struct buf *out, const struct args *a)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct args_option *o = &opts[i];
		if ((o->flags & ARGS_CLI_ONLY) || !args_is_set(a, o->name))
			continue;
		switch (o->kind) {
		case ARGS_BOOL:
			buf_printf(out, "%s=%d\n", o->name, args_get_bool(a, o->name));
			break;
		case ARGS_INT:
			buf_printf(out, "%s=%lld\n", o->name, (long long)args_get_int(a, o->name));
			break;
		case ARGS_STRING:
			buf_printf(out, "%s=%s\n", o->name, args_get_str(a, o->name));
			break;
		case ARGS_MULTI: {
			size_t n = args_get_multi_count(a, o->name);
			if (n == 0)
				buf_printf(out, "no%s=1\n", o->name);
			for (size_t k = 0; k < n; k++)
				buf_printf(out, "%s=%s\n", o->name, args_get_multi(a, o->name, k));
			break;
		}
		case ARGS_HEADING:
			break;
		}
	}
}

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static void require_same(const struct args *x, const struct args *y)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const struct args_option *o = &opts[i];
		if (o->flags & ARGS_CLI_ONLY)
			continue;
		REQUIRE(args_is_set(x, o->name) == args_is_set(y, o->name));
		switch (o->kind) {
		case ARGS_BOOL:
			REQUIRE(args_get_bool(x, o->name) == args_get_bool(y, o->name));
			break;
		case ARGS_INT:
			REQUIRE(args_get_int(x, o->name) == args_get_int(y, o->name));
			break;
		case ARGS_STRING:
			REQUIRE(same_str(args_get_str(x, o->name), args_get_str(y, o->name)));
			break;
		case ARGS_MULTI: {
			size_t n = args_get_multi_count(x, o->name);
			REQUIRE(n == args_get_multi_count(y, o->name));
			for (size_t k = 0; k < n; k++)
				REQUIRE(strcmp(args_get_multi(x, o->name, k),
				               args_get_multi(y, o->name, k)) == 0);
			break;
		}
		case ARGS_HEADING:
			break;
		}
	}
}

/* Dump a's visible state, parse it again, select the same network if a has
 * one, and require the same values. */
static void roundtrip(const struct args *a)
{
	char err[512];
	struct buf text = BUF_INIT;
	struct args *b = args_create(opts, NOPTS);
	REQUIRE(b != NULL);
	dump(&text, a);
	REQUIRE(buf_ok(&text));
	if (!args_read_config_string(b, "dump", (const char *)text.data, text.len,
	                             err, sizeof(err))) {
		fprintf(stderr, "fuzz_config: dump rejected: %s\n", err);
		abort();
	}
	if (args_chain(a) != NULL) {
		const char *chain;
		REQUIRE(args_select_chain(b, &chain, err, sizeof(err)));
		REQUIRE(strcmp(chain, args_chain(a)) == 0);
	}
	require_same(a, b);
	buf_release(&text);
	args_destroy(b);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct args *a = args_create(opts, NOPTS);
	REQUIRE(a != NULL);
	if (!args_read_config_string(a, "fuzz.conf", (const char *)data, size,
	                             err, sizeof(err))) {
		check_error(err);
		for (size_t i = 0; i < NOPTS; i++)
			REQUIRE(!args_is_set(a, opts[i].name));
		args_destroy(a);
		return;
	}
	check_getters(a, true);
	roundtrip(a);
	const char *chain;
	if (args_select_chain(a, &chain, err, sizeof(err))) {
		REQUIRE(chain != NULL && strcmp(chain, args_chain(a)) == 0);
		check_getters(a, true);
		roundtrip(a);
	} else {
		check_error(err);
		REQUIRE(chain == NULL && args_chain(a) == NULL);
	}
	args_destroy(a);
}

/* The same bytes as a command line: one argument per line (at most 32). */
static void fuzz_argv(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[34], err[512] = "";
	int argc = 0;
	REQUIRE(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = (char *)"rostrad";
	for (char *p = copy; argc < 33;) {
		char *nl = strchr(p, '\n');
		argv[argc++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	argv[argc] = NULL;
	struct args *a = args_create(opts, NOPTS);
	REQUIRE(a != NULL);
	if (args_parse_argv(a, argc, argv, err, sizeof(err))) {
		check_getters(a, false);
		for (size_t i = 0; i < args_positional_count(a); i++)
			REQUIRE(args_positional(a, i) != NULL);
	} else {
		check_error(err);
		REQUIRE(args_positional_count(a) == 0);
	}
	args_destroy(a);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_file(data, size);
	fuzz_argv(data, size);
	return 0;
}
