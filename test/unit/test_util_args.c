/* Unit tests for src/util/args: the command line, rostra.conf (every error
 * path), sections and precedence, multi values, positional arguments,
 * network selection, help, and the programmer-error aborts. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "util/args.h"
#include "util/buf.h"

static const char *const level_choices[] = {
	"error", "warning", "info", "debug", "trace", NULL,
};
static const char *const category_choices[] = {
	"net", "p2p", "rpc", "1", "all", "0", "none", NULL,
};

static const struct args_option opts[] = {
	{ .kind = ARGS_HEADING, .help = "Options:" },
	{ .name = "conf", .kind = ARGS_STRING, .flags = ARGS_CLI_ONLY,
	  .def = "rostra.conf", .meta = "file", .help = "The config file." },
	{ .name = "datadir", .kind = ARGS_STRING, .flags = ARGS_CLI_ONLY,
	  .meta = "dir", .help = "The data directory." },
	ARGS_CHAIN_OPTIONS,
	{ .kind = ARGS_HEADING, .help = "Connection options:" },
	{ .name = "port", .kind = ARGS_INT, .min = 1, .max = 65535,
	  .meta = "port", .help = "Listen on this port." },
	{ .name = "rpcport", .kind = ARGS_INT, .min = 1, .max = 65535,
	  .meta = "port", .help = "RPC port." },
	{ .name = "maxconnections", .kind = ARGS_INT, .min = 0, .max = 1000,
	  .def = "125", .help = "Peers at most." },
	{ .name = "offset", .kind = ARGS_INT, .min = -100, .max = 100,
	  .def = "-5", .help = "A signed value." },
	{ .name = "listen", .kind = ARGS_BOOL, .def = "1", .help = "Accept peers." },
	{ .name = "daemon", .kind = ARGS_BOOL, .help = "Run in the background." },
	{ .name = "connect", .kind = ARGS_MULTI, .meta = "ip",
	  .help = "Connect only to this node." },
	{ .name = "addnode", .kind = ARGS_MULTI, .meta = "ip", .help = "Add a node." },
	{ .name = "debug", .kind = ARGS_MULTI, .choices = category_choices,
	  .meta = "category", .help = "Log this category." },
	{ .name = "rpcuser", .kind = ARGS_STRING, .help = "RPC user." },
	{ .name = "loglevel", .kind = ARGS_STRING, .choices = level_choices,
	  .def = "debug", .help = "Threshold." },
	{ .name = "secret", .kind = ARGS_STRING, .flags = ARGS_HIDDEN,
	  .help = "Hidden." },
	{ .name = "nodes", .kind = ARGS_INT, .min = 1, .max = 9,
	  .help = "An option whose name starts with 'no'." },
};

#define MAXARGV 8

/* strcmp that treats NULL as different from every string, so that a wrong
 * NULL fails a check instead of crashing the test. */
static bool streq(const char *x, const char *y)
{
	return x && y && strcmp(x, y) == 0;
}

/* argv from a NULL-terminated list (argv[0] is the program). */
static int make_argv(char **argv, const char *const *list)
{
	int argc = 0;
	argv[argc++] = (char *)"rostrad";
	for (; list && *list && argc < MAXARGV; list++)
		argv[argc++] = (char *)*list;
	argv[argc] = NULL;
	return argc;
}

static struct args *parse(const char *const *list, char *err, size_t errcap)
{
	char *argv[MAXARGV + 1];
	int argc = make_argv(argv, list);
	struct args *a = args_create(opts, ARGS_COUNT(opts));
	if (a == NULL)
		return NULL;
	if (!args_parse_argv(a, argc, argv, err, errcap)) {
		args_destroy(a);
		return NULL;
	}
	return a;
}

/* ------------------------------------------------------------ argv errors */

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct argv_case {
	const char *const *argv;
	const char *err; /* NULL: accepted */
} argv_cases[] = {
	{ L("-port=7370"), NULL },
	{ L("--port=7370"), NULL },
	{ L("-port=1", "-port=65535"), NULL },
	{ L("-foo"), "unknown option -foo" },
	{ L("-foo=secret"), "unknown option -foo" },      /* no value echoed */
	{ L("--foo"), "unknown option -foo" },
	{ L("---port=1"), "unknown option --port" },
	{ L("-Port=1"), "unknown option -Port" },
	{ L("-="), "unknown option -" },
	{ L("-no"), "unknown option -no" },
	{ L("-nofoo"), "unknown option -nofoo" },
	{ L("-port\x1b[31m=1"), "unknown option -port\\x1b[31m" },
	{ L("-port=abc"), "invalid value for -port: 'abc' (expected an integer from 1 to 65535)" },
	{ L("-port=0"), "invalid value for -port: '0' (expected an integer from 1 to 65535)" },
	{ L("-port=65536"), "invalid value for -port: '65536' (expected an integer from 1 to 65535)" },
	{ L("-port="), "invalid value for -port: '' (expected an integer from 1 to 65535)" },
	{ L("-port= 1"), "invalid value for -port: ' 1' (expected an integer from 1 to 65535)" },
	{ L("-port=01"), "invalid value for -port: '01' (expected an integer from 1 to 65535)" },
	{ L("-port=99999999999999999999999"),
	  "invalid value for -port: '99999999999999999999999' (expected an integer from 1 to 65535)" },
	{ L("-port=1\n2"), "invalid value for -port: '1\\x0a2' (expected an integer from 1 to 65535)" },
	{ L("-offset=-101"), "invalid value for -offset: '-101' (expected an integer from -100 to 100)" },
	{ L("-offset=-100"), NULL },
	{ L("-port"), "option -port needs a value (an integer from 1 to 65535)" },
	{ L("-rpcuser"), "option -rpcuser needs a value (a value)" },
	{ L("-connect"), "option -connect needs a value (a value)" },
	{ L("-noport"), "-noport cannot be negated (-port takes a value)" },
	{ L("-norpcuser"), "-norpcuser cannot be negated (-rpcuser takes a value)" },
	{ L("-listen=yes"), "invalid value for -listen: 'yes' (expected 0, 1, true or false)" },
	{ L("-listen="), "invalid value for -listen: '' (expected 0, 1, true or false)" },
	{ L("-listen=TRUE"), "invalid value for -listen: 'TRUE' (expected 0, 1, true or false)" },
	{ L("-nolisten=maybe"), "invalid value for -nolisten: 'maybe' (expected 0, 1, true or false)" },
	{ L("-noconnect=x"), "invalid value for -noconnect: 'x' (expected 0, 1, true or false)" },
	{ L("-loglevel=loud"),
	  "invalid value for -loglevel: 'loud' (expected one of error, warning, info, debug, trace)" },
	{ L("-debug=nett"),
	  "invalid value for -debug: 'nett' (expected one of net, p2p, rpc, 1, all, 0, none)" },
	{ L("-chain=foo"), "invalid value for -chain: 'foo' (expected one of main, testnet, regtest)" },
	{ L("-rpcuser="), NULL },                          /* an empty string is a value */
	{ L("-datadir=/tmp", "-conf=x.conf"), NULL },      /* command-line-only options */
	{ L("-nodes=3"), NULL },                           /* not a negation of "des" */
	{ L("-port=1", "-bad"), "unknown option -bad" },
	{ L("-rpcuser=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "-port=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
	  "invalid value for -port: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...'"
	  " (expected an integer from 1 to 65535)" },
};

static void test_argv_errors(void)
{
	for (size_t i = 0; i < UNIT_COUNT(argv_cases); i++) {
		const struct argv_case *c = &argv_cases[i];
		char err[512] = "";
		struct args *a = parse(c->argv, err, sizeof(err));
		bool ok = a != NULL;
		if (!CHECK(ok == (c->err == NULL)) ||
		    !CHECK(ok || strcmp(err, c->err) == 0))
			unit_note("argv case %zu: got \"%s\"", i, err);
		args_destroy(a);
	}
}

/* A failed parse keeps nothing from that call. */
static void test_argv_atomic(void)
{
	char *argv[MAXARGV + 1];
	char err[256];
	struct args *a = args_create(opts, ARGS_COUNT(opts));
	if (!CHECK(a != NULL))
		return;
	int argc = make_argv(argv, L("-port=5", "cmd"));
	CHECK(args_parse_argv(a, argc, argv, err, sizeof(err)));
	argc = make_argv(argv, L("-port=6", "-connect=x", "-listen=2"));
	CHECK(!args_parse_argv(a, argc, argv, err, sizeof(err)));
	CHECK(args_get_int(a, "port") == 5);
	CHECK(args_get_multi_count(a, "connect") == 0);
	CHECK(args_positional_count(a) == 1);
	argc = make_argv(argv, L("more", "-x"));
	CHECK(args_parse_argv(a, argc, argv, err, sizeof(err)));
	CHECK(args_positional_count(a) == 3);
	args_destroy(a);
}

/* ----------------------------------------------------------- argv values */

static const struct bool_case {
	const char *const *argv;
	bool listen;
} bool_cases[] = {
	{ L("-daemon"), true },            /* listen untouched: its default */
	{ L("-listen"), true },
	{ L("-nolisten"), false },
	{ L("-listen=0"), false },
	{ L("-listen=false"), false },
	{ L("-listen=1"), true },
	{ L("-listen=true"), true },
	{ L("-nolisten=0"), true },
	{ L("-nolisten=false"), true },
	{ L("-nolisten=1"), false },
	{ L("-nolisten=true"), false },
	{ L("-nolisten", "-listen"), true }, /* the last wins */
	{ L("-listen", "--nolisten"), false },
};

static void test_argv_bools(void)
{
	for (size_t i = 0; i < UNIT_COUNT(bool_cases); i++) {
		char err[256];
		struct args *a = parse(bool_cases[i].argv, err, sizeof(err));
		if (!CHECK(a != NULL))
			continue;
		if (!CHECK(args_get_bool(a, "listen") == bool_cases[i].listen))
			unit_note("bool case %zu", i);
		args_destroy(a);
	}
}

static void test_argv_values(void)
{
	char err[256];
	struct args *a = parse(L("-port=7370", "-port=7371", "-rpcuser=alice=bob",
	                         "-offset=-100", "-daemon", "-loglevel=trace"),
	                       err, sizeof(err));
	if (!CHECK(a != NULL))
		return;
	CHECK(args_is_set(a, "port") && args_get_int(a, "port") == 7371);
	CHECK(streq(args_get_str(a, "rpcuser"), "alice=bob"));
	CHECK(args_get_int(a, "offset") == -100);
	CHECK(args_get_bool(a, "daemon"));
	CHECK(streq(args_get_str(a, "loglevel"), "trace"));
	/* Defaults. */
	CHECK(!args_is_set(a, "maxconnections") && args_get_int(a, "maxconnections") == 125);
	CHECK(!args_is_set(a, "listen") && args_get_bool(a, "listen"));
	CHECK(!args_is_set(a, "rpcport") && args_get_int(a, "rpcport") == 0);
	CHECK(args_get_str(a, "datadir") == NULL);
	CHECK(streq(args_get_str(a, "conf"), "rostra.conf"));
	CHECK(args_positional_count(a) == 0);
	args_destroy(a);

	a = parse(NULL, err, sizeof(err));
	if (!CHECK(a != NULL))
		return;
	CHECK(args_get_int(a, "offset") == -5);
	CHECK(!args_get_bool(a, "daemon"));
	CHECK(streq(args_get_str(a, "loglevel"), "debug"));
	args_destroy(a);
}

static const struct multi_case {
	const char *const *argv;
	const char *want[3];
	bool set;
} multi_cases[] = {
	{ L("-port=1"), { NULL }, false },
	{ L("-connect=a"), { "a" }, true },
	{ L("-connect=a", "-connect=b", "-addnode=z"), { "a", "b" }, true },
	{ L("-connect=a", "-noconnect", "-connect=c"), { "c" }, true },
	{ L("-connect=a", "-noconnect"), { NULL }, true },
	{ L("-connect=a", "-noconnect=0", "-connect=b"), { "a", "b" }, true },
	{ L("-connect=a", "-noconnect=1", "-connect=b"), { "b" }, true },
	{ L("-connect="), { "" }, true },
};

static void test_argv_multi(void)
{
	for (size_t i = 0; i < UNIT_COUNT(multi_cases); i++) {
		const struct multi_case *c = &multi_cases[i];
		char err[256];
		struct args *a = parse(c->argv, err, sizeof(err));
		if (!CHECK(a != NULL))
			continue;
		size_t n = 0;
		while (n < 3 && c->want[n])
			n++;
		bool same = args_get_multi_count(a, "connect") == n;
		for (size_t k = 0; same && k < n; k++)
			same = streq(args_get_multi(a, "connect", k), c->want[k]);
		if (!CHECK(same) || !CHECK(args_is_set(a, "connect") == c->set))
			unit_note("multi case %zu", i);
		args_destroy(a);
	}
}

static const struct pos_case {
	const char *const *argv;
	const char *want[4];
	long port; /* -1: not set */
} pos_cases[] = {
	{ L("getblock", "00ff"), { "getblock", "00ff" }, -1 },
	{ L("-port=1", "getblock", "-1", "--x"), { "getblock", "-1", "--x" }, 1 },
	{ L("--", "-port=1"), { "-port=1" }, -1 },
	{ L("-port=2", "--", "--", "a"), { "--", "a" }, 2 },
	{ L("-", "-port=3"), { "-", "-port=3" }, -1 },
	{ L("cmd", "-foo"), { "cmd", "-foo" }, -1 },       /* not an unknown option */
	{ L(""), { "" }, -1 },
};

static void test_argv_positional(void)
{
	for (size_t i = 0; i < UNIT_COUNT(pos_cases); i++) {
		const struct pos_case *c = &pos_cases[i];
		char err[256];
		struct args *a = parse(c->argv, err, sizeof(err));
		if (!CHECK(a != NULL))
			continue;
		size_t n = 0;
		while (n < 4 && c->want[n])
			n++;
		bool same = args_positional_count(a) == n;
		for (size_t k = 0; same && k < n; k++)
			same = streq(args_positional(a, k), c->want[k]);
		CHECK(same);
		CHECK(c->port < 0 ? !args_is_set(a, "port")
		                  : args_get_int(a, "port") == c->port);
		args_destroy(a);
	}
}

/* ---------------------------------------------------------- config errors */

static const struct conf_case {
	const char *text;
	size_t len; /* 0: strlen(text) */
	const char *err; /* NULL: accepted */
} conf_cases[] = {
	{ "", 0, NULL },
	{ "\n\n\n", 0, NULL },
	{ "# only a comment\n", 0, NULL },
	{ "   # an indented comment", 0, NULL },
	{ "#port=abc\n", 0, NULL },
	{ "port=7370", 0, NULL },                          /* no final newline */
	{ "  port = 7370  \n", 0, NULL },
	{ "\tport\t=\t7370\t\n", 0, NULL },
	{ "port=1\r\nrpcport=2\r\n", 0, NULL },            /* CRLF */
	{ "\xef\xbb\xbfport=1\n", 0, NULL },               /* a byte-order mark */
	{ "rpcuser=\n", 0, NULL },
	{ "rpcuser=a=b#c\n", 0, NULL },
	{ "[main]\nport=1\n[testnet]\nport=2\n[regtest]\nport=3\n", 0, NULL },
	{ "nolisten=1\nnoconnect=1\n", 0, NULL },
	{ "rpcprot=1\n", 0, "test.conf:1: unknown option 'rpcprot'" },
	{ "\n# c\nrpcport=abc\n", 0,
	  "test.conf:3: invalid value for 'rpcport': 'abc' (expected an integer from 1 to 65535)" },
	{ "port=1 # p2p\n", 0,
	  "test.conf:1: invalid value for 'port': '1 # p2p' (expected an integer from 1 to 65535)" },
	{ "rpcport=1\n\n\nfoo=1\n", 0, "test.conf:4: unknown option 'foo'" },
	{ "-port=1\n", 0, "test.conf:1: unknown option '-port'" },
	{ "rpc port=1\n", 0, "test.conf:1: unknown option 'rpc port'" },
	{ "\x1b[31m=1\n", 0, "test.conf:1: unknown option '\\x1b[31m'" },
	{ "[foo]\n", 0,
	  "test.conf:1: unknown section '[foo]' (expected [main], [testnet] or [regtest])" },
	{ "[]\n", 0, "test.conf:1: unknown section '[]' (expected [main], [testnet] or [regtest])" },
	{ "[ testnet ]\n", 0,
	  "test.conf:1: unknown section '[ testnet ]' (expected [main], [testnet] or [regtest])" },
	{ "[testnet\n", 0, "test.conf:1: malformed section header '[testnet'" },
	{ "[\n", 0, "test.conf:1: malformed section header '['" },
	{ "port\n", 0, "test.conf:1: expected key=value, found 'port'" },
	{ "listen\n", 0, "test.conf:1: expected key=value, found 'listen'" },
	{ "=5\n", 0, "test.conf:1: missing key before '='" },
	{ " = \n", 0, "test.conf:1: missing key before '='" },
	{ "datadir=/x\n", 0, "test.conf:1: option 'datadir' can only be given on the command line" },
	{ "conf=other.conf\n", 0, "test.conf:1: option 'conf' can only be given on the command line" },
	{ "[regtest]\ntestnet=1\n", 0,
	  "test.conf:2: option 'testnet' cannot be set inside a network section" },
	{ "[testnet]\nchain=main\n", 0,
	  "test.conf:2: option 'chain' cannot be set inside a network section" },
	{ "[main]\nnoregtest=1\n", 0,
	  "test.conf:2: option 'regtest' cannot be set inside a network section" },
	{ "listen=\n", 0, "test.conf:1: invalid value for 'listen': '' (expected 0, 1, true or false)" },
	{ "listen=yes\n", 0,
	  "test.conf:1: invalid value for 'listen': 'yes' (expected 0, 1, true or false)" },
	{ "noport=1\n", 0, "test.conf:1: 'noport' cannot be negated ('port' takes a value)" },
	{ "nolisten=2\n", 0,
	  "test.conf:1: invalid value for 'nolisten': '2' (expected 0, 1, true or false)" },
	{ "noconnect=\n", 0,
	  "test.conf:1: invalid value for 'noconnect': '' (expected 0, 1, true or false)" },
	{ "chain=foo\n", 0,
	  "test.conf:1: invalid value for 'chain': 'foo' (expected one of main, testnet, regtest)" },
	{ "port=1\0\n", 8, "test.conf:1: NUL byte in line" },
	{ "port=1\nport=2\0", 14, "test.conf:2: NUL byte in line" },
	{ "\0", 1, "test.conf:1: NUL byte in line" },
	{ "\xef\xbb\xbf\xef\xbb\xbfport=1\n", 0,
	  "test.conf:1: unknown option '\\xef\\xbb\\xbfport'" },        /* one BOM only */
	{ "port=\xff\n", 0,
	  "test.conf:1: invalid value for 'port': '\\xff' (expected an integer from 1 to 65535)" },
};

static void test_config_errors(void)
{
	for (size_t i = 0; i < UNIT_COUNT(conf_cases); i++) {
		const struct conf_case *c = &conf_cases[i];
		char err[512] = "";
		struct args *a = args_create(opts, ARGS_COUNT(opts));
		if (!CHECK(a != NULL))
			return;
		size_t len = c->len ? c->len : strlen(c->text);
		bool ok = args_read_config_string(a, "test.conf", c->text, len, err, sizeof(err));
		if (!CHECK(ok == (c->err == NULL)) ||
		    !CHECK(ok || strcmp(err, c->err) == 0))
			unit_note("config case %zu: got \"%s\"", i, err);
		CHECK(strchr(err, '\n') == NULL);
		args_destroy(a);
	}
}

static void test_config_limits(void)
{
	char err[256];
	struct args *a = args_create(opts, ARGS_COUNT(opts));
	struct buf b = BUF_INIT;
	if (!CHECK(a != NULL))
		return;
	/* A line of exactly ARGS_MAX_LINE bytes is read, one more is not. */
	buf_puts(&b, "port=1\nrpcuser=");
	while (b.len < 7 + ARGS_MAX_LINE)
		buf_put_u8(&b, 'u');
	CHECK(args_read_config_string(a, "c", (char *)b.data, b.len, err, sizeof(err)));
	CHECK(strlen(args_get_str(a, "rpcuser")) == ARGS_MAX_LINE - 8);
	buf_puts(&b, "u\n");
	CHECK(!args_read_config_string(a, "c", (char *)b.data, b.len, err, sizeof(err)));
	CHECK(strcmp(err, "c:2: line too long (more than 4096 bytes)") == 0);
	/* A file larger than ARGS_MAX_CONFIG. */
	buf_reset(&b);
	while (b.len <= ARGS_MAX_CONFIG)
		buf_puts(&b, "# padding padding padding padding padding padding\n");
	CHECK(!args_read_config_string(a, "c", (char *)b.data, b.len, err, sizeof(err)));
	CHECK(strcmp(err, "c: file too large (more than 1048576 bytes)") == 0);
	/* Small errcap: truncated, still terminated. */
	char tiny[8];
	CHECK(!args_read_config_string(a, "c", "foo=1", 5, tiny, sizeof(tiny)));
	CHECK(strcmp(tiny, "c:1: un") == 0);
	CHECK(!args_read_config_string(a, "c", "foo=1", 5, NULL, 0));
	buf_release(&b);
	args_destroy(a);
}

/* A failed file keeps none of its lines. */
static void test_config_atomic(void)
{
	char err[256];
	struct args *a = args_create(opts, ARGS_COUNT(opts));
	if (!CHECK(a != NULL))
		return;
	static const char good[] = "port=5\nconnect=a\n";
	static const char bad[] = "port=6\nconnect=b\n[testnet]\nrpcport=x\n";
	CHECK(args_read_config_string(a, "good", good, strlen(good), err, sizeof(err)));
	CHECK(!args_read_config_string(a, "bad", bad, strlen(bad), err, sizeof(err)));
	CHECK(strcmp(err, "bad:4: invalid value for 'rpcport': 'x' "
	                  "(expected an integer from 1 to 65535)") == 0);
	CHECK(args_get_int(a, "port") == 5);
	CHECK(args_get_multi_count(a, "connect") == 1);
	args_destroy(a);
}

/* ------------------------------------------------- sections and precedence */

static const char layered_conf[] =
	"port=1\n"
	"connect=top\n"
	"rpcport=10\n"
	"rpcport=11\n"              /* the last in a layer wins */
	"listen=0\n"
	"[testnet]\n"
	"port=2\n"
	"connect=tn\n"
	"[regtest]\n"
	"port=3\n"
	"noconnect=1\n"
	"connect=rt\n"
	"[main]\n"
	"port=4\n"
	"noconnect=0\n";            /* a no-op */

static const struct layer_case {
	const char *const *argv;
	const char *chain;
	long port, rpcport;
	bool listen;
	const char *connect[3];
} layer_cases[] = {
	{ NULL, "main", 4, 11, false, { "top" } },
	{ L("-testnet"), "testnet", 2, 11, false, { "top", "tn" } },
	{ L("-chain=testnet", "-connect=cli"), "testnet", 2, 11, false, { "top", "tn", "cli" } },
	{ L("-regtest"), "regtest", 3, 11, false, { "rt" } },
	{ L("-regtest", "-port=9", "-rpcport=12"), "regtest", 9, 12, false, { "rt" } },
	{ L("-testnet", "-noconnect", "-listen"), "testnet", 2, 11, true, { NULL } },
	{ L("-chain=main", "-nolisten=0"), "main", 4, 11, true, { "top" } },
};

static void test_config_layers(void)
{
	for (size_t i = 0; i < UNIT_COUNT(layer_cases); i++) {
		const struct layer_case *c = &layer_cases[i];
		char err[256];
		const char *chain = "x";
		struct args *a = parse(c->argv, err, sizeof(err));
		if (!CHECK(a != NULL))
			continue;
		CHECK(args_read_config_string(a, "t.conf", layered_conf,
		                              strlen(layered_conf), err, sizeof(err)));
		/* Before a network is chosen, no section applies. */
		CHECK(args_chain(a) == NULL);
		CHECK(args_get_int(a, "port") == (args_is_set(a, "port") && c->port == 9 ? 9 : 1));
		if (!CHECK(args_select_chain(a, &chain, err, sizeof(err)))) {
			args_destroy(a);
			continue;
		}
		CHECK(streq(chain, c->chain) && streq(args_chain(a), c->chain));
		CHECK(args_get_int(a, "port") == c->port);
		CHECK(args_get_int(a, "rpcport") == c->rpcport);
		CHECK(args_get_bool(a, "listen") == c->listen);
		size_t n = 0;
		while (n < 3 && c->connect[n])
			n++;
		bool same = args_get_multi_count(a, "connect") == n;
		for (size_t k = 0; same && k < n; k++)
			same = streq(args_get_multi(a, "connect", k), c->connect[k]);
		if (!CHECK(same))
			unit_note("layer case %zu", i);
		args_destroy(a);
	}
}

/* ---------------------------------------------------------------- chain */

static const struct chain_case {
	const char *const *argv;
	const char *conf;
	const char *chain; /* NULL: error */
	const char *err;
} chain_cases[] = {
	{ NULL, "", "main", NULL },
	{ L("-testnet"), "", "testnet", NULL },
	{ L("-regtest"), "", "regtest", NULL },
	{ L("-chain=regtest"), "", "regtest", NULL },
	{ L("-chain=main"), "", "main", NULL },
	{ L("-chain=testnet", "-testnet"), "", "testnet", NULL },
	{ L("-testnet=0", "-regtest"), "", "regtest", NULL },
	{ L("-notestnet"), "testnet=1\n", "main", NULL },
	{ NULL, "testnet=1\n", "testnet", NULL },
	{ NULL, "chain=regtest\n", "regtest", NULL },
	{ L("-chain=regtest"), "chain=testnet\n", "regtest", NULL },   /* command line wins */
	{ L("-notestnet", "-chain=regtest"), "testnet=1\n", "regtest", NULL },
	{ L("-testnet", "-regtest"), "", NULL,
	  "conflicting network options: -testnet and -regtest (use one)" },
	{ L("-chain=main", "-testnet"), "", NULL,
	  "conflicting network options: -testnet and -chain=main (use one)" },
	{ L("-chain=testnet", "-regtest"), "", NULL,
	  "conflicting network options: -regtest and -chain=testnet (use one)" },
	{ L("-chain=regtest"), "testnet=1\n", NULL,
	  "conflicting network options: -testnet and -chain=regtest (use one)" },
	{ L("-testnet", "-regtest", "-chain=main"), "", NULL,
	  "conflicting network options: -testnet and -regtest and -chain=main (use one)" },
};

static void test_select_chain(void)
{
	for (size_t i = 0; i < UNIT_COUNT(chain_cases); i++) {
		const struct chain_case *c = &chain_cases[i];
		char err[256] = "";
		const char *chain = "x";
		struct args *a = parse(c->argv, err, sizeof(err));
		if (!CHECK(a != NULL))
			continue;
		CHECK(args_read_config_string(a, "c", c->conf, strlen(c->conf), err, sizeof(err)));
		bool ok = args_select_chain(a, &chain, err, sizeof(err));
		if (!CHECK(ok == (c->chain != NULL)))
			unit_note("chain case %zu: %s", i, err);
		else if (ok)
			CHECK(streq(chain, c->chain));
		else
			CHECK(chain == NULL && strcmp(err, c->err) == 0 && args_chain(a) == NULL);
		args_destroy(a);
	}
}

/* ---------------------------------------------------------------- files */

static void test_config_files(void)
{
	char dir[] = "/tmp/rostra-test-args-XXXXXX", path[128], err[512];
	if (!CHECK(mkdtemp(dir) != NULL))
		return;
	snprintf(path, sizeof(path), "%s/rostra.conf", dir);
	struct args *a = args_create(opts, ARGS_COUNT(opts));
	if (!CHECK(a != NULL))
		return;

	/* Missing: an error for args_read_config, nothing for _if_exists. */
	CHECK(!args_read_config(a, path, err, sizeof(err)));
	char want[256];
	snprintf(want, sizeof(want), "cannot open config file %s: No such file or directory", path);
	CHECK(strcmp(err, want) == 0);
	CHECK(args_read_config_if_exists(a, path, err, sizeof(err)));

	FILE *f = fopen(path, "w");
	if (CHECK(f != NULL)) {
		fputs("# test\nport=7370\n[regtest]\nport=27370\nrpcprot=1\n", f);
		fclose(f);
	}
	CHECK(!args_read_config(a, path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:5: unknown option 'rpcprot'", path);
	CHECK(strcmp(err, want) == 0);
	CHECK(!args_read_config_if_exists(a, path, err, sizeof(err)));
	CHECK(!args_is_set(a, "port"));

	f = fopen(path, "w");
	if (CHECK(f != NULL)) {
		fputs("port=7370\n[regtest]\nport=27370\n", f);
		fclose(f);
	}
	CHECK(args_read_config(a, path, err, sizeof(err)));
	CHECK(args_get_int(a, "port") == 7370);

	/* A directory is not a config file, even for _if_exists. */
	CHECK(!args_read_config_if_exists(a, dir, err, sizeof(err)));
	CHECK(strstr(err, dir) != NULL && strchr(err, '\n') == NULL);

	/* Too large on disk. */
	f = fopen(path, "w");
	if (CHECK(f != NULL)) {
		for (size_t n = 0; n <= ARGS_MAX_CONFIG; n += 10)
			fputs("#23456789\n", f);
		fclose(f);
	}
	CHECK(!args_read_config(a, path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: file too large (more than 1048576 bytes)", path);
	CHECK(strcmp(err, want) == 0);

	unlink(path);
	rmdir(dir);
	args_destroy(a);
}

/* ------------------------------------------------------------------ help */

static void test_help(void)
{
	static const struct args_option small[] = {
		{ .kind = ARGS_HEADING, .help = "General:" },
		{ .name = "port", .kind = ARGS_INT, .min = 1, .max = 65535, .def = "7370",
		  .meta = "port", .help = "Listen for peers on <port>." },
		{ .name = "listen", .kind = ARGS_BOOL, .def = "1",
		  .help = "Accept connections from outside. This sentence is long enough "
		          "that the help text must wrap onto a second line." },
		{ .name = "secret", .kind = ARGS_STRING, .flags = ARGS_HIDDEN, .help = "x" },
		{ .kind = ARGS_HEADING, .help = "Lists:" },
		{ .name = "connect", .kind = ARGS_MULTI, .help = "Connect." },
		{ .name = "loglevel", .kind = ARGS_STRING, .choices = level_choices,
		  .help = "Threshold." },
	};
	struct buf b = BUF_INIT;
	CHECK(args_help(&b, small, ARGS_COUNT(small)));
	const char *want =
		"General:\n"
		"\n"
		"  -port=<port>\n"
		"       Listen for peers on <port>. (default: 7370)\n"
		"  -listen\n"
		"       Accept connections from outside. This sentence is long enough that the\n"
		"       help text must wrap onto a second line. (default: 1)\n"
		"\n"
		"Lists:\n"
		"\n"
		"  -connect=<value>\n"
		"       Connect. May be given more than once.\n"
		"  -loglevel=<value>\n"
		"       Threshold. One of: error, warning, info, debug, trace.\n";
	if (!CHECK(b.data && strcmp((char *)b.data, want) == 0))
		unit_note("%s", b.data ? (char *)b.data : "(null)");
	/* Every line fits in 79 columns for the full table too. */
	buf_reset(&b);
	CHECK(args_help(&b, opts, ARGS_COUNT(opts)));
	bool fits = true;
	for (const char *p = (char *)b.data; *p;) {
		size_t n = strcspn(p, "\n");
		fits &= n <= 79;
		p += n + (p[n] != 0);
	}
	CHECK(fits);
	CHECK(strstr((char *)b.data, "-secret") == NULL);
	CHECK(strstr((char *)b.data, "  -chain=<name>\n") != NULL);
	/* A full buffer reports failure. */
	buf_reset(&b);
	buf_set_max(&b, 16);
	CHECK(!args_help(&b, small, ARGS_COUNT(small)));
	buf_release(&b);
}

/* ------------------------------------------------------ programmer errors */

/* Run fn in a child; true when it aborted. */
static bool aborts(void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* Silence the expected message. */
		FILE *null = freopen("/dev/null", "w", stderr);
		(void)null;
		fn();
		_exit(0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static struct args *fresh(void)
{
	return args_create(opts, ARGS_COUNT(opts));
}

static void bad_unknown_name(void) { args_get_int(fresh(), "nope"); }
static void bad_wrong_kind(void) { args_get_int(fresh(), "rpcuser"); }
static void bad_wrong_kind_bool(void) { args_get_bool(fresh(), "port"); }
static void bad_multi_index(void) { args_get_multi(fresh(), "connect", 0); }
static void bad_positional(void) { args_positional(fresh(), 0); }
static void bad_is_set(void) { args_is_set(fresh(), "nope"); }

#define BAD_TABLE(fn, ...)                                                   \
	static void fn(void)                                                 \
	{                                                                    \
		static const struct args_option t[] = { __VA_ARGS__ };       \
		args_create(t, ARGS_COUNT(t));                               \
	}
BAD_TABLE(bad_dup, { .name = "a", .kind = ARGS_BOOL, .help = "" },
          { .name = "a", .kind = ARGS_INT, .min = 0, .max = 1, .help = "" })
BAD_TABLE(bad_name, { .name = "Port", .kind = ARGS_BOOL, .help = "" })
BAD_TABLE(bad_empty_name, { .name = "", .kind = ARGS_BOOL, .help = "" })
BAD_TABLE(bad_no_help, { .name = "a", .kind = ARGS_BOOL })
BAD_TABLE(bad_heading_name, { .name = "a", .kind = ARGS_HEADING, .help = "" })
BAD_TABLE(bad_range, { .name = "a", .kind = ARGS_INT, .min = 5, .max = 5, .help = "" })
BAD_TABLE(bad_range_bool, { .name = "a", .kind = ARGS_BOOL, .max = 5, .help = "" })
BAD_TABLE(bad_default_int, { .name = "a", .kind = ARGS_INT, .min = 0, .max = 5,
                             .def = "6", .help = "" })
BAD_TABLE(bad_default_bool, { .name = "a", .kind = ARGS_BOOL, .def = "yes", .help = "" })
BAD_TABLE(bad_default_choice, { .name = "a", .kind = ARGS_STRING, .def = "x",
                                .choices = level_choices, .help = "" })
BAD_TABLE(bad_default_multi, { .name = "a", .kind = ARGS_MULTI, .def = "x", .help = "" })
BAD_TABLE(bad_choices_int, { .name = "a", .kind = ARGS_INT, .min = 0, .max = 5,
                             .choices = level_choices, .help = "" })
BAD_TABLE(bad_kind, { .name = "a", .kind = (enum args_kind)9, .help = "" })

static void bad_chain_missing(void)
{
	static const struct args_option t[] = {
		{ .name = "a", .kind = ARGS_BOOL, .help = "" },
	};
	const char *chain;
	args_select_chain(args_create(t, 1), &chain, NULL, 0);
}

static void good_table(void)
{
	static const struct args_option t[] = {
		{ .name = "a", .kind = ARGS_BOOL, .help = "" },
		{ .kind = ARGS_HEADING, .help = "h" },
		{ .kind = ARGS_HEADING, .help = "h" },
		{ .name = "b", .kind = ARGS_INT, .min = -1, .max = 0, .def = "-1", .help = "" },
	};
	args_destroy(args_create(t, ARGS_COUNT(t)));
}

static void test_programmer_errors(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} bugs[] = {
		{ "unknown name", bad_unknown_name },
		{ "wrong kind", bad_wrong_kind },
		{ "wrong kind bool", bad_wrong_kind_bool },
		{ "multi index", bad_multi_index },
		{ "positional index", bad_positional },
		{ "is_set unknown", bad_is_set },
		{ "duplicate", bad_dup },
		{ "name", bad_name },
		{ "empty name", bad_empty_name },
		{ "no help", bad_no_help },
		{ "heading name", bad_heading_name },
		{ "range", bad_range },
		{ "range on bool", bad_range_bool },
		{ "int default", bad_default_int },
		{ "bool default", bad_default_bool },
		{ "choice default", bad_default_choice },
		{ "multi default", bad_default_multi },
		{ "choices on int", bad_choices_int },
		{ "kind", bad_kind },
		{ "chain options missing", bad_chain_missing },
	};
	for (size_t i = 0; i < UNIT_COUNT(bugs); i++)
		if (!CHECK(aborts(bugs[i].fn)))
			unit_note("did not abort: %s", bugs[i].name);
	CHECK(!aborts(good_table));
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_argv_errors),
	UNIT_CASE(test_argv_atomic),
	UNIT_CASE(test_argv_bools),
	UNIT_CASE(test_argv_values),
	UNIT_CASE(test_argv_multi),
	UNIT_CASE(test_argv_positional),
	UNIT_CASE(test_config_errors),
	UNIT_CASE(test_config_limits),
	UNIT_CASE(test_config_atomic),
	UNIT_CASE(test_config_layers),
	UNIT_CASE(test_select_chain),
	UNIT_CASE(test_config_files),
	UNIT_CASE(test_help),
	UNIT_CASE(test_programmer_errors),
};

int main(void)
{
	return unit_run(cases, UNIT_COUNT(cases));
}
