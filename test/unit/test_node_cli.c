/* Unit tests for rostra-cli's parts (src/node/cli*.c): the JSON argument
 * rule, positional and -named parameters with every rejection, the
 * request body, -stdin lines with every rejection, result printing, and
 * a POST that finds no server. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cli.h"
#include "test_node.h"
#include "util/buf.h"

static bool json_text_is(const json_t *v, const char *want)
{
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
	bool ok = v && w && json_equal(v, w);
	json_decref(w);
	return ok;
}

static void test_arg_rule(void)
{
	static const struct { const char *arg, *json; } v[] = {
		{ "5", "5" }, { "-3", "-3" }, { "\"5\"", "\"5\"" }, { "true", "true" },
		{ "false", "false" }, { "null", "null" }, { "[1,\"a\"]", "[1,\"a\"]" },
		{ "{\"k\":{}}", "{\"k\":{}}" }, { " 7 ", "7" }, { "1.5", "1.5" },
		{ "abc", "\"abc\"" }, { "", "\"\"" }, { "00ab", "\"00ab\"" }, { "1 2", "\"1 2\"" },
		{ "{\"a\":1,\"a\":2}", "\"{\\\"a\\\":1,\\\"a\\\":2}\"" }, /* duplicate keys: text */
		{ "[1,", "\"[1,\"" }, { "True", "\"True\"" }, { "@alice", "\"@alice\"" },
		{ "99999999999999999999", "\"99999999999999999999\"" },
		{ "\"a\" \"b\"", "\"\\\"a\\\" \\\"b\\\"\"" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		json_t *got = node_cli_arg_value(v[i].arg);
		if (!CHECK(json_text_is(got, v[i].json)))
			unit_note("argument '%s'", v[i].arg);
		json_decref(got);
	}
}

static void test_params(void)
{
	char err[256];
	const char *pos[] = { "1", "x", "{\"a\":[]}" };
	json_t *p = node_cli_params(err, sizeof(err), pos, 3, false);
	CHECK(json_text_is(p, "[1,\"x\",{\"a\":[]}]"));
	json_decref(p);
	p = node_cli_params(err, sizeof(err), NULL, 0, false);
	CHECK(json_text_is(p, "[]"));
	json_decref(p);
	const char *named[] = { "a=1", "b=x=y", "c=", "d=\"q\"" };
	p = node_cli_params(err, sizeof(err), named, 4, true);
	CHECK(json_text_is(p, "{\"a\":1,\"b\":\"x=y\",\"c\":\"\",\"d\":\"q\"}"));
	json_decref(p);
	static const struct { const char *args[2]; size_t n; const char *err; } bad[] = {
		{ { "noequals" }, 1, "-named: expected name=value, found 'noequals'" },
		{ { "=1" }, 1, "-named: expected name=value, found '=1'" },
		{ { "a=1", "a=2" }, 2, "-named: parameter 'a' given twice" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		p = node_cli_params(err, sizeof(err), bad[i].args, bad[i].n, true);
		if (!CHECK(p == NULL && strcmp(err, bad[i].err) == 0))
			unit_note("case %zu: %s", i, err);
	}
	char longname[400];
	memset(longname, 'n', 300);
	memcpy(longname + 300, "=1", 3);
	const char *lp[] = { longname };
	CHECK(node_cli_params(err, sizeof(err), lp, 1, true) == NULL && strstr(err, "too long"));
}

static void test_request(void)
{
	char *s = node_cli_request("echo", json_pack("[i]", 1));
	json_t *r = s ? json_loads(s, 0, NULL) : NULL;
	CHECK(json_text_is(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1]}"));
	json_decref(r);
	free(s);
}

static bool read_lines(struct node_cli_args *a, char *err, size_t errcap, const char *data, size_t len)
{
	FILE *f = fmemopen((void *)data, len, "r");
	if (f == NULL)
		return false;
	bool ok = node_cli_read_lines(a, err, errcap, f);
	fclose(f);
	return ok;
}

static void test_stdin_lines(void)
{
	static const struct { const char *in; size_t len; size_t n; const char *args[3]; } v[] = {
		{ "", 0, 0, { NULL } },
		{ "a", 1, 1, { "a" } },
		{ "a\n", 2, 1, { "a" } },
		{ "a\r\nb", 4, 2, { "a", "b" } },
		{ "\n\n", 2, 2, { "", "" } },
		{ " x y \n{\"k\":1}\n", 14, 2, { " x y ", "{\"k\":1}" } },
	};
	char err[256];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct node_cli_args a = { 0 };
		bool ok = read_lines(&a, err, sizeof(err), v[i].in, v[i].len) && a.n == v[i].n;
		for (size_t j = 0; ok && j < a.n; j++)
			ok = strcmp(a.v[j], v[i].args[j]) == 0;
		if (!CHECK(ok))
			unit_note("input %zu", i);
		node_cli_args_release(&a);
	}
	/* Appends after what is there already. */
	struct node_cli_args a = { 0 };
	CHECK(node_cli_args_add(&a, "cmd", 3));
	CHECK(read_lines(&a, err, sizeof(err), "x\n", 2) && a.n == 2 && strcmp(a.v[1], "x") == 0);
	node_cli_args_release(&a);
	/* Rejections. */
	CHECK(!read_lines(&a, err, sizeof(err), "a\0b\n", 4) && strstr(err, "NUL byte"));
	node_cli_args_release(&a);
	size_t big = NODE_CLI_MAX_LINE + 2;
	char *line = malloc(big);
	if (CHECK(line != NULL)) {
		memset(line, 'a', big);
		CHECK(!read_lines(&a, err, sizeof(err), line, big) && strstr(err, "longer than"));
		node_cli_args_release(&a);
		memset(line, '\n', NODE_CLI_MAX_ARGS + 1);
		CHECK(!read_lines(&a, err, sizeof(err), line, NODE_CLI_MAX_ARGS + 1) &&
		      strstr(err, "more than 1000 arguments"));
		node_cli_args_release(&a);
		CHECK(read_lines(&a, err, sizeof(err), line, NODE_CLI_MAX_ARGS) && a.n == NODE_CLI_MAX_ARGS);
		node_cli_args_release(&a);
		free(line);
	}
}

static void test_format(void)
{
	static const struct { const char *json, *out; } v[] = {
		{ "\"text\\nmore\"", "text\nmore\n" },
		{ "\"\"", "\n" },
		{ "null", "" },
		{ "5", "5\n" },
		{ "true", "true\n" },
		{ "[]", "[]\n" },
		{ "[1,{\"a\":\"b\"}]", "[\n  1,\n  {\n    \"a\": \"b\"\n  }\n]\n" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf b = BUF_INIT;
		json_t *j = json_loads(v[i].json, JSON_DECODE_ANY, NULL);
		CHECK(node_cli_format_result(&b, j));
		bool ok = strlen(v[i].out) == b.len && (b.len == 0 || memcmp(b.data, v[i].out, b.len) == 0);
		if (!CHECK(ok))
			unit_note("result %s printed as '%s'", v[i].json, b.data ? (char *)b.data : "");
		json_decref(j);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	CHECK(node_cli_format_result(&b, NULL) && b.len == 0);
	buf_release(&b);
}

static void test_post_no_server(void)
{
	struct node_cli_reply r = { 0, BUF_INIT };
	char err[256] = "";
	/* Port 1 on loopback: nothing listens there. */
	CHECK(!node_cli_post(&r, err, sizeof(err), "127.0.0.1", 1, NULL, "{}", 2, 5));
	CHECK(r.status == 0 && strstr(err, "cannot connect to 127.0.0.1:1") != NULL);
	buf_release(&r.body);
}

const struct unit_case node_cli_cases[] = {
	UNIT_CASE(test_arg_rule),
	UNIT_CASE(test_params),
	UNIT_CASE(test_request),
	UNIT_CASE(test_stdin_lines),
	UNIT_CASE(test_format),
	UNIT_CASE(test_post_no_server),
};
const size_t node_cli_ncases = UNIT_COUNT(node_cli_cases);
