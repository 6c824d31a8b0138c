/* Unit tests for rpc/: JSON-RPC request parsing and dispatch (every error
 * path, 1.1 and 2.0 replies and their HTTP statuses, notifications,
 * batches, named and positional parameters), help, snapshot hooks, and
 * the programmer errors that abort. The credential and subnet tests are in
 * test_rpc_auth.c. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "rpc/control.h"
#include "rpc/dispatch.h"
#include "rpc/kept.h"
#include "test_rpc.h"
#include "util/buf.h"

/* ------------------------------------------------------ the test table */

static void m_echo(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	json_t *a = (json_t *)rpc_param(req, 0), *b = (json_t *)rpc_param(req, 1);
	rpc_respond(req, json_pack("[O?, O?]", a, b));
}

static void m_add(void *ctx, struct rpc_request *req)
{
	int64_t x, y;
	(void)ctx;
	if (!rpc_param_int(req, &x, 0, 0, 0, 1000) || !rpc_param_int(req, &y, 1, 0, 0, 1000))
		return;
	rpc_respond(req, json_integer(x + y));
}

static int greet_calls;

static void m_greet(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	greet_calls++;
	const char *name = rpc_param_str(req, 0, "?");
	bool loud = rpc_param_bool(req, 1, false);
	rpc_respond(req, json_sprintf("%s %s", loud ? "HELLO" : "hello", name));
}

static void m_fail(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	rpc_respond_error(req, RPC_NOT_FOUND, "nothing %s", "here");
}

static void m_types(void *ctx, struct rpc_request *req)
{
	json_int_t given = 0;
	(void)ctx;
	for (size_t i = 0; i < 7; i++)
		given += rpc_param(req, i) != NULL;
	rpc_respond(req, json_integer(given));
}

static void m_snap(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	void *s1 = rpc_request_snapshot(req);
	void *s2 = rpc_request_snapshot(req);
	rpc_respond(req, json_boolean(s1 != NULL && s1 == s2));
}

#define END_PARAMS { NULL, 0, false, NULL }

static const struct rpc_method test_methods[] = {
	{ .name = "echo", .fn = m_echo, .help = "Returns its two parameters.",
	  .params = (const struct rpc_param[]){
		{ "a", RPC_TYPE_ANY, false, "anything" },
		{ "b", RPC_TYPE_ANY, false, "anything" },
		END_PARAMS },
	  .result = "array: [a, b]" },
	{ .name = "add", .fn = m_add, .help = "Adds two small integers.",
	  .params = (const struct rpc_param[]){
		{ "x", RPC_TYPE_INT, true, "0 to 1000" },
		{ "y", RPC_TYPE_INT, true, "0 to 1000" },
		END_PARAMS },
	  .result = "integer: x + y" },
	{ .name = "greet", .fn = m_greet, .run = RPC_RUN_MAIN, .help = "Greets.",
	  .params = (const struct rpc_param[]){
		{ "name", RPC_TYPE_STRING, true, "who" },
		{ "loud", RPC_TYPE_BOOL, false, "shout" },
		END_PARAMS },
	  .result = "string: the greeting",
	  .fields = (const struct rpc_field[]){ { "unused", "string", "a field" },
		{ NULL, NULL, NULL } } },
	{ .name = "fail", .fn = m_fail, .help = "Always fails.", .result = "nothing" },
	{ .name = "types", .fn = m_types, .help = "Counts its parameters.",
	  .params = (const struct rpc_param[]){
		{ "s", RPC_TYPE_STRING, false, "a string" },
		{ "i", RPC_TYPE_INT, false, "an integer" },
		{ "b", RPC_TYPE_BOOL, false, "a boolean" },
		{ "o", RPC_TYPE_OBJECT, false, "an object" },
		{ "a", RPC_TYPE_ARRAY, false, "an array" },
		{ "si", RPC_TYPE_STRING | RPC_TYPE_INT, false, "a string or an integer" },
		{ "any", RPC_TYPE_ANY, false, "anything" },
		END_PARAMS },
	  .result = "integer: how many were given" },
	{ .name = "snap", .fn = m_snap, .hidden = true, .help = "Reads the snapshot.",
	  .result = "boolean" },
};

static struct rpc_control control_ctx;

static struct rpc_dispatcher *make_dispatcher(void)
{
	struct rpc_dispatcher *d = rpc_dispatcher_create();
	if (d == NULL ||
	    !rpc_dispatcher_add(d, "control", rpc_control_methods, RPC_CONTROL_COUNT, &control_ctx) ||
	    !rpc_dispatcher_add(d, "test", test_methods, sizeof(test_methods) / sizeof(test_methods[0]), NULL)) {
		rpc_dispatcher_destroy(d);
		return NULL;
	}
	return d;
}

/* ------------------------------------------------------ matching replies */

/* json_equal, except that the string "*" in expected matches any value. */
static bool match(const json_t *expected, const json_t *actual)
{
	if (json_is_string(expected) && strcmp(json_string_value(expected), "*") == 0)
		return actual != NULL;
	if (actual == NULL || json_typeof(expected) != json_typeof(actual))
		return false;
	if (json_is_object(expected)) {
		const char *k;
		const json_t *v;
		if (json_object_size(expected) != json_object_size(actual))
			return false;
		json_object_foreach((json_t *)expected, k, v)
			if (!match(v, json_object_get(actual, k)))
				return false;
		return true;
	}
	if (json_is_array(expected)) {
		if (json_array_size(expected) != json_array_size(actual))
			return false;
		for (size_t i = 0; i < json_array_size(expected); i++)
			if (!match(json_array_get(expected, i), json_array_get(actual, i)))
				return false;
		return true;
	}
	return json_equal(expected, actual);
}

struct dispatch_case {
	const char *name;
	const char *body;
	int status;
	const char *reply; /* expected JSON (with "*" wildcards), NULL: no body */
};

#define E11(code, id) "{\"result\":null,\"error\":{\"code\":" #code ",\"message\":\"*\"},\"id\":" id "}"
#define E20(code, id) "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" #code ",\"message\":\"*\"},\"id\":" id "}"
#define R11(res, id) "{\"result\":" res ",\"error\":null,\"id\":" id "}"
#define R20(res, id) "{\"jsonrpc\":\"2.0\",\"result\":" res ",\"id\":" id "}"

static const struct dispatch_case dispatch_cases[] = {
	/* The body as a whole: 1.1 form, 1.1 statuses. */
	{ "not json", "{", 500, E11(-32700, "null") },
	{ "empty body", "", 500, E11(-32700, "null") },
	{ "trailing garbage", "{\"method\":\"uptime\"} x", 500, E11(-32700, "null") },
	{ "duplicate key", "{\"method\":\"uptime\",\"method\":\"help\"}", 500, E11(-32700, "null") },
	{ "NUL escape", "{\"method\":\"up\\u0000time\"}", 500, E11(-32700, "null") },
	{ "a number", "42", 400, E11(-32600, "null") },
	{ "a string", "\"uptime\"", 400, E11(-32600, "null") },
	{ "null", "null", 400, E11(-32600, "null") },
	{ "empty batch", "[]", 400, E11(-32600, "null") },
	/* Invalid requests (1.1: HTTP 400; 2.0: HTTP 200). */
	{ "missing method", "{\"id\":1}", 400, E11(-32600, "1") },
	{ "method not a string", "{\"method\":1,\"id\":1}", 400, E11(-32600, "1") },
	{ "method null", "{\"method\":null,\"id\":1}", 400, E11(-32600, "1") },
	{ "params a number", "{\"method\":\"echo\",\"params\":5,\"id\":1}", 400, E11(-32600, "1") },
	{ "params a string", "{\"method\":\"echo\",\"params\":\"x\",\"id\":1}", 400, E11(-32600, "1") },
	{ "params true", "{\"method\":\"echo\",\"params\":true,\"id\":1}", 400, E11(-32600, "1") },
	{ "bad version", "{\"jsonrpc\":\"3.0\",\"method\":\"echo\",\"id\":1}", 400, E11(-32600, "null") },
	{ "version not a string", "{\"jsonrpc\":2,\"method\":\"echo\",\"id\":1}", 400, E11(-32600, "null") },
	{ "2.0 missing method", "{\"jsonrpc\":\"2.0\",\"id\":1}", 200, E20(-32600, "1") },
	{ "2.0 id an array", "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":[1]}", 200, E20(-32600, "null") },
	{ "2.0 id an object", "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":{}}", 200, E20(-32600, "null") },
	{ "2.0 id a boolean", "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":true}", 200, E20(-32600, "null") },
	{ "2.0 invalid notification answered", "{\"jsonrpc\":\"2.0\",\"method\":7}", 200, E20(-32600, "null") },
	/* Unknown methods. */
	{ "1.1 unknown method", "{\"method\":\"nope\",\"id\":1}", 404, E11(-32601, "1") },
	{ "2.0 unknown method", "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}", 200, E20(-32601, "1") },
	{ "method case matters", "{\"method\":\"Uptime\",\"id\":1}", 404, E11(-32601, "1") },
	/* Parameters. */
	{ "too many positional", "{\"method\":\"echo\",\"params\":[1,2,3],\"id\":1}", 500, E11(-32602, "1") },
	{ "params for a method with none", "{\"method\":\"uptime\",\"params\":[1],\"id\":1}", 500, E11(-32602, "1") },
	{ "wrong type positional", "{\"method\":\"add\",\"params\":[\"1\",2],\"id\":1}", 500, E11(-32602, "1") },
	{ "wrong type named", "{\"method\":\"add\",\"params\":{\"x\":1,\"y\":true},\"id\":1}", 500, E11(-32602, "1") },
	{ "a real is not an integer", "{\"method\":\"add\",\"params\":[1,2.0],\"id\":1}", 500, E11(-32602, "1") },
	{ "unknown named", "{\"method\":\"add\",\"params\":{\"x\":1,\"z\":2},\"id\":1}", 500, E11(-32602, "1") },
	{ "missing required named", "{\"method\":\"add\",\"params\":{\"x\":1},\"id\":1}", 500, E11(-32602, "1") },
	{ "missing required positional", "{\"method\":\"add\",\"params\":[1],\"id\":1}", 500, E11(-32602, "1") },
	{ "no params, some required", "{\"method\":\"add\",\"id\":1}", 500, E11(-32602, "1") },
	{ "null is absent", "{\"method\":\"add\",\"params\":[1,null],\"id\":1}", 500, E11(-32602, "1") },
	{ "2.0 wrong type", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,[]],\"id\":1}", 200, E20(-32602, "1") },
	{ "value out of range (-8)", "{\"method\":\"add\",\"params\":[1,2000],\"id\":1}", 500, E11(-8, "1") },
	{ "negative out of range", "{\"method\":\"add\",\"params\":[-1,2],\"id\":1}", 500, E11(-8, "1") },
	{ "string for int|string ok", "{\"method\":\"types\",\"params\":{\"si\":\"x\"},\"id\":1}", 200, R11("1", "1") },
	{ "int for int|string ok", "{\"method\":\"types\",\"params\":{\"si\":3},\"id\":1}", 200, R11("1", "1") },
	{ "bool for int|string", "{\"method\":\"types\",\"params\":{\"si\":false},\"id\":1}", 500, E11(-32602, "1") },
	{ "object for string", "{\"method\":\"types\",\"params\":[{}],\"id\":1}", 500, E11(-32602, "1") },
	{ "string for object", "{\"method\":\"types\",\"params\":{\"o\":\"x\"},\"id\":1}", 500, E11(-32602, "1") },
	{ "object for array", "{\"method\":\"types\",\"params\":{\"a\":{}},\"id\":1}", 500, E11(-32602, "1") },
	{ "int for bool", "{\"method\":\"types\",\"params\":{\"b\":1},\"id\":1}", 500, E11(-32602, "1") },
	{ "every type right", "{\"method\":\"types\",\"params\":[\"s\",1,true,{},[],2,null],\"id\":1}", 200, R11("6", "1") },
	{ "any takes a real", "{\"method\":\"types\",\"params\":{\"any\":1.5},\"id\":1}", 200, R11("1", "1") },
	/* Results and errors in both versions. */
	{ "1.1 result", "{\"method\":\"add\",\"params\":[1,2],\"id\":7}", 200, R11("3", "7") },
	{ "1.1 named", "{\"method\":\"add\",\"params\":{\"y\":2,\"x\":1},\"id\":\"a\"}", 200, R11("3", "\"a\"") },
	{ "1.1 no id", "{\"method\":\"add\",\"params\":[1,2]}", 200, R11("3", "null") },
	{ "1.1 any id echoed", "{\"method\":\"add\",\"params\":[1,2],\"id\":{\"k\":[1]}}", 200, R11("3", "{\"k\":[1]}") },
	{ "1.0 is 1.1", "{\"jsonrpc\":\"1.0\",\"method\":\"add\",\"params\":[1,2],\"id\":1}", 200, R11("3", "1") },
	{ "1.1 explicit", "{\"jsonrpc\":\"1.1\",\"method\":\"add\",\"params\":[1,2],\"id\":1}", 200, R11("3", "1") },
	{ "1.1 error", "{\"method\":\"fail\",\"id\":7}", 500, "{\"result\":null,\"error\":{\"code\":-5,\"message\":\"nothing here\"},\"id\":7}" },
	{ "2.0 result", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":7}", 200, R20("3", "7") },
	{ "2.0 error", "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"id\":7}", 200, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-5,\"message\":\"nothing here\"},\"id\":7}" },
	{ "2.0 null id", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":null}", 200, R20("3", "null") },
	{ "2.0 string id", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":\"x\"}", 200, R20("3", "\"x\"") },
	{ "2.0 real id", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":1.5}", 200, R20("3", "1.5") },
	{ "params null", "{\"method\":\"echo\",\"params\":null,\"id\":1}", 200, R11("[null,null]", "1") },
	{ "named null", "{\"method\":\"echo\",\"params\":{\"a\":null,\"b\":2},\"id\":1}", 200, R11("[null,2]", "1") },
	{ "empty named", "{\"method\":\"echo\",\"params\":{},\"id\":1}", 200, R11("[null,null]", "1") },
	{ "unknown members ignored", "{\"method\":\"echo\",\"x\":1,\"id\":1}", 200, R11("[null,null]", "1") },
	{ "main-loop method", "{\"method\":\"greet\",\"params\":[\"bob\"],\"id\":1}", 200, R11("\"hello bob\"", "1") },
	{ "main-loop named", "{\"method\":\"greet\",\"params\":{\"loud\":true,\"name\":\"bob\"},\"id\":1}", 200, R11("\"HELLO bob\"", "1") },
	/* Notifications: no reply body, whatever happens. */
	{ "2.0 notification", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2]}", 204, NULL },
	{ "2.0 notification unknown method", "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}", 204, NULL },
	{ "2.0 notification bad params", "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1]}", 204, NULL },
	{ "2.0 notification failing", "{\"jsonrpc\":\"2.0\",\"method\":\"fail\"}", 204, NULL },
	/* Batches: 200, each element answered in order in its own version. */
	{ "batch mixed",
	  "[{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":1},"
	  " 5,"
	  " {\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":2},"
	  " {\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2]},"
	  " {\"method\":\"add\",\"params\":[2,2],\"id\":3},"
	  " {\"method\":\"add\",\"params\":[\"x\"],\"id\":4},"
	  " {\"jsonrpc\":\"9\",\"method\":\"add\",\"id\":5},"
	  " {\"jsonrpc\":\"2.0\",\"method\":\"greet\",\"params\":[\"al\"],\"id\":6}]",
	  200,
	  "[" R20("3", "1") "," E20(-32600, "null") "," E20(-32601, "2") "," R11("4", "3") ","
	  E11(-32602, "4") "," E20(-32600, "null") "," R20("\"hello al\"", "6") "]" },
	{ "batch of one", "[{\"method\":\"add\",\"params\":[1,1],\"id\":1}]", 200, "[" R11("2", "1") "]" },
	{ "batch of invalid", "[1,\"x\",null]", 200,
	  "[" E20(-32600, "null") "," E20(-32600, "null") "," E20(-32600, "null") "]" },
	{ "batch of notifications", "[{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2]},"
	  "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}]", 204, NULL },
	{ "nested batch", "[[]]", 200, "[" E20(-32600, "null") "]" },
};

static void test_dispatch_table(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	if (!CHECK(d != NULL))
		return;
	for (size_t i = 0; i < sizeof(dispatch_cases) / sizeof(dispatch_cases[0]); i++) {
		const struct dispatch_case *c = &dispatch_cases[i];
		int status = 0;
		bool ok = rpc_dispatch_sync(d, &reply, &status, c->body, strlen(c->body));
		json_t *want = c->reply ? json_loads(c->reply, 0, NULL) : NULL;
		json_t *got = reply.len ? json_loadb((const char *)reply.data, reply.len, 0, NULL) : NULL;
		bool good = ok && status == c->status &&
		            (c->reply ? want && match(want, got) : reply.len == 0);
		if (!CHECK(good))
			unit_note("case '%s': status %d, reply %s", c->name, status,
			          reply.len ? (const char *)reply.data : "(none)");
		json_decref(want);
		json_decref(got);
	}
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

/* The messages a person reads, for a few error paths. */
static void test_error_messages(void)
{
	static const struct { const char *body, *message; } cases[] = {
		{ "{\"method\":\"add\",\"params\":[\"1\",2],\"id\":1}",
		  "parameter 'x' of 'add' must be an integer, not a string" },
		{ "{\"method\":\"types\",\"params\":{\"si\":[]},\"id\":1}",
		  "parameter 'si' of 'types' must be a string or an integer, not an array" },
		{ "{\"method\":\"add\",\"params\":{\"x\":1,\"zz\":2},\"id\":1}",
		  "unknown parameter 'zz' for 'add'" },
		{ "{\"method\":\"add\",\"params\":{\"x\":1},\"id\":1}",
		  "missing required parameter 'y' of 'add'" },
		{ "{\"method\":\"echo\",\"params\":[1,2,3],\"id\":1}",
		  "too many parameters for 'echo': 3 given, it takes at most 2" },
		{ "{\"method\":\"add\",\"params\":[1,1001],\"id\":1}", "y must be from 0 to 1000" },
		{ "{\"method\":\"no\\npe\",\"id\":1}", "method not found: 'no\\x0ape'" },
		{ "{\"method\":1,\"id\":1}", "method must be a string" },
		{ "{\"id\":1}", "missing method" },
		{ "{\"method\":\"x\",\"params\":1}", "params must be an array or an object" },
		{ "[]", "empty batch" },
		{ "7", "request must be a JSON object or an array of them" },
	};
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	if (!CHECK(d != NULL))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status;
		rpc_dispatch_sync(d, &reply, &status, cases[i].body, strlen(cases[i].body));
		json_t *got = json_loadb((const char *)reply.data, reply.len, 0, NULL);
		const char *msg = json_string_value(json_object_get(json_object_get(got, "error"), "message"));
		if (!CHECK(msg && strcmp(msg, cases[i].message) == 0))
			unit_note("body %s: message %s", cases[i].body, msg ? msg : "(none)");
		json_decref(got);
	}
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

static void test_batch_limit(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf body = BUF_INIT, reply = BUF_INIT;
	int status;
	if (!CHECK(d != NULL))
		return;
	for (size_t n = 1000; n <= 1001; n++) {
		buf_reset(&body);
		buf_put_u8(&body, '[');
		for (size_t i = 0; i < n; i++)
			buf_printf(&body, "%s{\"method\":\"add\",\"params\":[1,1],\"id\":%zu}", i ? "," : "", i);
		buf_put_u8(&body, ']');
		CHECK(rpc_dispatch_sync(d, &reply, &status, body.data, body.len));
		json_t *got = json_loadb((const char *)reply.data, reply.len, 0, NULL);
		if (n == 1000)
			CHECK(status == 200 && json_array_size(got) == 1000 &&
			      json_integer_value(json_object_get(json_array_get(got, 999), "id")) == 999);
		else
			CHECK(status == 400 && json_integer_value(json_object_get(
			          json_object_get(got, "error"), "code")) == RPC_INVALID_REQUEST);
		json_decref(got);
	}
	buf_release(&body);
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

static void test_deep_nesting(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf body = BUF_INIT, reply = BUF_INIT;
	int status = 0;
	if (!CHECK(d != NULL))
		return;
	buf_puts(&body, "{\"method\":\"echo\",\"params\":[");
	for (int i = 0; i < 5000; i++)
		buf_put_u8(&body, '[');
	for (int i = 0; i < 5000; i++)
		buf_put_u8(&body, ']');
	buf_puts(&body, "]}");
	CHECK(rpc_dispatch_sync(d, &reply, &status, body.data, body.len));
	CHECK(status == 500 && strstr((const char *)reply.data, "-32700") != NULL);
	buf_release(&body);
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

/* A main-loop method runs through rpc_dispatch_sync on the caller's
 * thread, once per call. */
static void test_main_method_runs_once(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	int status;
	const char *body = "[{\"method\":\"greet\",\"params\":[\"a\"]},{\"method\":\"greet\",\"params\":[\"b\"]}]";
	if (!CHECK(d != NULL))
		return;
	greet_calls = 0;
	rpc_dispatch_sync(d, &reply, &status, body, strlen(body));
	CHECK(greet_calls == 2 && status == 200);
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

/* ------------------------------------------------------------ help */

static void test_help(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf b = BUF_INIT;
	if (!CHECK(d != NULL))
		return;
	CHECK(rpc_help_list(d, &b));
	CHECK(strcmp((const char *)b.data,
	             "== Control ==\nhelp ( \"command\" )\nstop\nuptime\n\n"
	             "== Test ==\nadd x y\necho ( a b )\nfail\ngreet \"name\" ( loud )\n"
	             "types ( \"s\" i b o a si any )\n") == 0);
	buf_reset(&b);
	CHECK(rpc_help_method(d, &b, "greet"));
	CHECK(strcmp((const char *)b.data,
	             "greet \"name\" ( loud )\n\nGreets.\n\nArguments:\n"
	             "1. name (string, required) who\n2. loud (boolean, optional) shout\n\n"
	             "Result: string: the greeting\n  unused (string) a field\n") == 0);
	buf_reset(&b);
	CHECK(rpc_help_method(d, &b, "types"));
	CHECK(strstr((const char *)b.data, "6. si (string or integer, optional)") != NULL);
	CHECK(strstr((const char *)b.data, "7. any (any, optional)") != NULL);
	buf_reset(&b);
	CHECK(rpc_help_method(d, &b, "snap")); /* hidden, yet described */
	CHECK(!rpc_help_method(d, &b, "nope"));
	buf_release(&b);
	rpc_dispatcher_destroy(d);
}

/* help through the dispatcher, as a client calls it. */
static void test_help_method(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	int status;
	static const char *const bodies[] = {
		"{\"method\":\"help\",\"id\":1}",
		"{\"method\":\"help\",\"params\":[\"add\"],\"id\":1}",
		"{\"method\":\"help\",\"params\":{\"command\":\"nope\"},\"id\":1}",
	};
	if (!CHECK(d != NULL))
		return;
	rpc_dispatch_sync(d, &reply, &status, bodies[0], strlen(bodies[0]));
	json_t *got = json_loadb((const char *)reply.data, reply.len, 0, NULL);
	const char *text = json_string_value(json_object_get(got, "result"));
	CHECK(status == 200 && text && strncmp(text, "== Control ==\n", 14) == 0 &&
	      text[strlen(text) - 1] != '\n');
	json_decref(got);
	rpc_dispatch_sync(d, &reply, &status, bodies[1], strlen(bodies[1]));
	CHECK(status == 200 && strstr((const char *)reply.data, "add x y") != NULL);
	rpc_dispatch_sync(d, &reply, &status, bodies[2], strlen(bodies[2]));
	CHECK(status == 500 && strstr((const char *)reply.data, "-8") != NULL);
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

static void test_find(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	const char *area = "x";
	if (!CHECK(d != NULL))
		return;
	const struct rpc_method *m = rpc_dispatcher_find(d, &area, "greet");
	CHECK(m && m->run == RPC_RUN_MAIN && strcmp(area, "test") == 0);
	CHECK(rpc_dispatcher_find(d, &area, "stop") && strcmp(area, "control") == 0);
	CHECK(rpc_dispatcher_find(d, &area, "nope") == NULL && area == NULL);
	CHECK(rpc_dispatcher_find(d, NULL, "") == NULL);
	rpc_dispatcher_destroy(d);
}

/* uptime counts from start_ns; stop answers first, then asks to stop. */
static int stop_calls;
static void on_stop(void *arg) { stop_calls += arg == &stop_calls; }

static void test_control(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	int status;
	if (!CHECK(d != NULL))
		return;
	control_ctx.start_ns = 0;
	control_ctx.stop = on_stop;
	control_ctx.stop_arg = &stop_calls;
	const char *up = "{\"method\":\"uptime\",\"id\":1}";
	rpc_dispatch_sync(d, &reply, &status, up, strlen(up));
	json_t *got = json_loadb((const char *)reply.data, reply.len, 0, NULL);
	CHECK(status == 200 && json_is_integer(json_object_get(got, "result")) &&
	      json_integer_value(json_object_get(got, "result")) >= 0);
	json_decref(got);
	stop_calls = 0;
	const char *stop = "{\"jsonrpc\":\"2.0\",\"method\":\"stop\",\"id\":1}";
	rpc_dispatch_sync(d, &reply, &status, stop, strlen(stop));
	CHECK(stop_calls == 1 && strstr((const char *)reply.data, "Rostra server stopping"));
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

/* -------------------------------------------------- snapshot hooks */

static int snap_opens, snap_closes;
static int snap_token;
static void *snap_open(void *arg) { snap_opens++; return arg; }
static void snap_close(void *arg, void *snap) { snap_closes += arg == snap; }

static void test_snapshot_hooks(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	int status;
	if (!CHECK(d != NULL))
		return;
	rpc_dispatcher_set_snapshot(d, snap_open, snap_close, &snap_token);
	snap_opens = snap_closes = 0;
	const char *batch = "[{\"method\":\"snap\",\"id\":1},{\"method\":\"snap\",\"id\":2},{\"method\":\"uptime\",\"id\":3}]";
	rpc_dispatch_sync(d, &reply, &status, batch, strlen(batch));
	CHECK(status == 200 && snap_opens == 1 && snap_closes == 1);
	CHECK(strstr((const char *)reply.data, "\"result\":true") != NULL);
	const char *none = "{\"method\":\"uptime\",\"id\":1}";
	rpc_dispatch_sync(d, &reply, &status, none, strlen(none));
	CHECK(snap_opens == 1 && snap_closes == 1); /* opened only when asked */
	buf_release(&reply);
	rpc_dispatcher_destroy(d);

	d = make_dispatcher(); /* without hooks: NULL */
	const char *one = "{\"method\":\"snap\",\"id\":1}";
	rpc_dispatch_sync(d, &reply, &status, one, strlen(one));
	CHECK(strstr((const char *)reply.data, "\"result\":false") != NULL);
	buf_release(&reply);
	rpc_dispatcher_destroy(d);
}

/* ------------------------------------------------- programmer errors */

bool rpc_test_aborts(void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
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

static void m_twice(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	rpc_respond(req, json_null());
	rpc_respond(req, json_null());
}
static void m_silent(void *ctx, struct rpc_request *req) { (void)ctx; (void)req; }
static void m_bad_index(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	rpc_respond(req, json_integer(rpc_param(req, 5) != NULL));
}

static const struct rpc_method bad_methods[] = {
	{ .name = "twice", .fn = m_twice, .help = "h", .result = "r" },
	{ .name = "silent", .fn = m_silent, .help = "h", .result = "r" },
	{ .name = "silentmain", .fn = m_silent, .run = RPC_RUN_MAIN, .help = "h", .result = "r" },
	{ .name = "badindex", .fn = m_bad_index, .help = "h", .result = "r" },
};

static void call_bad(const char *name)
{
	struct rpc_dispatcher *d = rpc_dispatcher_create();
	struct buf reply = BUF_INIT;
	char body[128];
	int status;
	rpc_dispatcher_add(d, "bad", bad_methods, 4, NULL);
	snprintf(body, sizeof(body), "{\"method\":\"%s\"}", name);
	rpc_dispatch_sync(d, &reply, &status, body, strlen(body));
}

static void bad_twice(void) { call_bad("twice"); }
static void bad_silent(void) { call_bad("silent"); }
static void bad_silent_main(void) { call_bad("silentmain"); }
static void bad_index(void) { call_bad("badindex"); }

#define BAD_TABLE(fn, ...)                                                   \
	static void fn(void)                                                 \
	{                                                                    \
		const struct rpc_method t[] = { __VA_ARGS__ };               \
		rpc_dispatcher_add(rpc_dispatcher_create(), "bad", t,        \
		                   sizeof(t) / sizeof(t[0]), NULL);          \
	}
BAD_TABLE(bad_name, { .name = "Bad", .fn = m_silent, .help = "h", .result = "r" })
BAD_TABLE(bad_no_fn, { .name = "x", .help = "h", .result = "r" })
BAD_TABLE(bad_no_help, { .name = "x", .fn = m_silent, .result = "r" })
BAD_TABLE(bad_dup, { .name = "x", .fn = m_silent, .help = "h", .result = "r" },
          { .name = "x", .fn = m_silent, .help = "h", .result = "r" })
BAD_TABLE(bad_param_order, { .name = "x", .fn = m_silent, .help = "h", .result = "r",
	.params = (const struct rpc_param[]){ { "a", RPC_TYPE_INT, false, "h" },
		{ "b", RPC_TYPE_INT, true, "h" }, END_PARAMS } })
BAD_TABLE(bad_param_type, { .name = "x", .fn = m_silent, .help = "h", .result = "r",
	.params = (const struct rpc_param[]){ { "a", 0, false, "h" }, END_PARAMS } })
BAD_TABLE(bad_param_dup, { .name = "x", .fn = m_silent, .help = "h", .result = "r",
	.params = (const struct rpc_param[]){ { "a", RPC_TYPE_INT, false, "h" },
		{ "a", RPC_TYPE_INT, false, "h" }, END_PARAMS } })
BAD_TABLE(bad_param_name, { .name = "x", .fn = m_silent, .help = "h", .result = "r",
	.params = (const struct rpc_param[]){ { "A", RPC_TYPE_INT, false, "h" }, END_PARAMS } })

static void bad_too_many_params(void)
{
	static struct rpc_param p[RPC_MAX_PARAMS + 2];
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i",
		"j", "k", "l", "m", "n", "o", "p", "q" };
	for (size_t i = 0; i <= RPC_MAX_PARAMS; i++)
		p[i] = (struct rpc_param){ names[i], RPC_TYPE_INT, false, "h" };
	struct rpc_method m = { .name = "x", .fn = m_silent, .help = "h", .result = "r", .params = p };
	rpc_dispatcher_add(rpc_dispatcher_create(), "bad", &m, 1, NULL);
}

static void bad_late_registration(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	struct buf reply = BUF_INIT;
	int status;
	rpc_dispatch_sync(d, &reply, &status, "{}", 2);
	rpc_dispatcher_add(d, "late", bad_methods, 1, NULL);
}

static void bad_duplicate_across_tables(void)
{
	struct rpc_dispatcher *d = make_dispatcher();
	rpc_dispatcher_add(d, "again", rpc_control_methods, 1, NULL);
}

static void test_programmer_errors(void)
{
	static void (*const fns[])(void) = {
		bad_twice, bad_silent, bad_silent_main, bad_index, bad_name, bad_no_fn,
		bad_no_help, bad_dup, bad_param_order, bad_param_type, bad_param_dup,
		bad_param_name, bad_too_many_params, bad_late_registration,
		bad_duplicate_across_tables,
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!CHECK(rpc_test_aborts(fns[i])))
			unit_note("programmer error %zu did not abort", i);
	/* The same calls made right do not abort. */
	CHECK(!rpc_test_aborts(test_find));
}

/* rpc/kept.h: a thread's kept object is handed out only while nobody
 * else holds it; set replaces it; each thread has its own; a thread's
 * objects are released when it ends (a leak shows under LeakSanitizer). */
static void *kept_thread_main(void *arg)
{
	json_t *mine = json_integer(2);
	bool *ok = arg;
	*ok = rpc_kept_get(RPC_KEPT_ACCOUNT) == NULL; /* not the main thread's */
	rpc_kept_set(RPC_KEPT_ACCOUNT, mine);
	json_t *again = rpc_kept_get(RPC_KEPT_ACCOUNT);
	*ok = *ok && again == NULL; /* mine is still held here */
	json_decref(mine);
	again = rpc_kept_get(RPC_KEPT_ACCOUNT);
	*ok = *ok && again == mine;
	json_decref(again);
	return NULL;
}

static void test_kept(void)
{
	json_t *a = json_integer(1), *b = json_integer(2);
	rpc_kept_set(RPC_KEPT_ACCOUNT, a);
	CHECK(rpc_kept_get(RPC_KEPT_ACCOUNT) == NULL); /* a is held by this test */
	json_decref(a);
	json_t *got = rpc_kept_get(RPC_KEPT_ACCOUNT);
	CHECK(got == a && a->refcount == 2);
	CHECK(rpc_kept_get(RPC_KEPT_ACCOUNT) == NULL); /* handed out, held again */
	rpc_kept_set(RPC_KEPT_ACCOUNT, b);            /* a is now only got's */
	CHECK(a->refcount == 1 && b->refcount == 2);
	json_decref(got);
	json_decref(b);
	CHECK(rpc_kept_get(RPC_KEPT_ACCOUNT) == b);
	json_decref(b);
	pthread_t th;
	bool ok = false;
	if (CHECK(pthread_create(&th, NULL, kept_thread_main, &ok) == 0))
		CHECK(pthread_join(th, NULL) == 0 && ok);
	CHECK(b->refcount == 1); /* the other thread's set left this thread's slot alone */
}

static const struct unit_case main_cases[] = {
	UNIT_CASE(test_dispatch_table),
	UNIT_CASE(test_error_messages),
	UNIT_CASE(test_batch_limit),
	UNIT_CASE(test_deep_nesting),
	UNIT_CASE(test_main_method_runs_once),
	UNIT_CASE(test_help),
	UNIT_CASE(test_help_method),
	UNIT_CASE(test_find),
	UNIT_CASE(test_control),
	UNIT_CASE(test_snapshot_hooks),
	UNIT_CASE(test_programmer_errors),
	UNIT_CASE(test_kept),
};

int main(void)
{
	size_t nmain = UNIT_COUNT(main_cases);
	size_t n = nmain + rpc_auth_ncases;
	struct unit_case *all = malloc(n * sizeof(*all));
	if (all == NULL || !crypto_init())
		return 1;
	memcpy(all, main_cases, sizeof(main_cases));
	memcpy(all + nmain, rpc_auth_cases, rpc_auth_ncases * sizeof(*all));
	int rc = unit_run(all, n);
	free(all);
	crypto_cleanup();
	return rc;
}
