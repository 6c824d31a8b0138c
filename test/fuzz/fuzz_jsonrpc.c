/* Fuzz target: the JSON-RPC request parser and dispatcher
 * (rpc_dispatch_sync) over a fixed test method table; no network.
 *
 * Properties checked (abort() on violation):
 *   - the HTTP status is one the rules allow (200, 204, 400, 404, 500), a
 *     204 has no body and every other status has one JSON value and a
 *     newline;
 *   - every reply object has the form of its version: 2.0 is jsonrpc,
 *     id and exactly one of result and error; 1.1 is result, error and id
 *     with at most one of them non-null; an error is {code, message} with
 *     an integer code and a string message;
 *   - a batch's reply is an array no longer than the batch, and the ids
 *     of its replies appear in the order of the batch's ids (a null id
 *     matching any element);
 *   - dispatching the same bytes twice gives the same reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/control.h"
#include "rpc/dispatch.h"
#include "util/buf.h"

#define REQUIRE(c)                                                           \
	do {                                                                 \
		if (!(c)) {                                                  \
			fprintf(stderr, "fuzz_jsonrpc: %s:%d: %s\n", __FILE__, \
			        __LINE__, #c);                               \
			abort();                                             \
		}                                                            \
	} while (0)

static void f_echo(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	rpc_respond(req, json_pack("[O?, O?]", (json_t *)rpc_param(req, 0),
	                           (json_t *)rpc_param(req, 1)));
}

static void f_add(void *ctx, struct rpc_request *req)
{
	int64_t x, y;
	(void)ctx;
	if (rpc_param_int(req, &x, 0, 0, -1000000, 1000000) &&
	    rpc_param_int(req, &y, 1, 7, -1000000, 1000000))
		rpc_respond(req, json_integer(x + y));
}

static void f_name(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	const char *s = rpc_param_str(req, 0, "");
	if (rpc_param_bool(req, 1, false))
		rpc_respond_error(req, RPC_NOT_FOUND, "no account %.40s", s);
	else
		rpc_respond(req, json_string(s));
}

static void f_count(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	const json_t *o = rpc_param(req, 0), *a = rpc_param(req, 1);
	rpc_respond(req, json_integer((json_int_t)(json_object_size(o) + json_array_size(a))));
}

static const struct rpc_method fuzz_methods[] = {
	{ .name = "echo", .fn = f_echo, .help = "h", .result = "r",
	  .params = (const struct rpc_param[]){ { "a", RPC_TYPE_ANY, false, "h" },
		{ "b", RPC_TYPE_ANY, false, "h" }, { NULL, 0, false, NULL } } },
	{ .name = "add", .fn = f_add, .help = "h", .result = "r",
	  .params = (const struct rpc_param[]){ { "x", RPC_TYPE_INT, true, "h" },
		{ "y", RPC_TYPE_INT, false, "h" }, { NULL, 0, false, NULL } } },
	{ .name = "name", .fn = f_name, .run = RPC_RUN_MAIN, .help = "h", .result = "r",
	  .params = (const struct rpc_param[]){ { "s", RPC_TYPE_STRING | RPC_TYPE_INT, true, "h" },
		{ "fail", RPC_TYPE_BOOL, false, "h" }, { NULL, 0, false, NULL } } },
	{ .name = "count", .fn = f_count, .help = "h", .result = "r",
	  .params = (const struct rpc_param[]){ { "o", RPC_TYPE_OBJECT, false, "h" },
		{ "a", RPC_TYPE_ARRAY, false, "h" }, { NULL, 0, false, NULL } } },
};

static struct rpc_control fuzz_control;

static const struct rpc_dispatcher *fuzz_dispatcher(void)
{
	static struct rpc_dispatcher *d;
	if (d == NULL) {
		d = rpc_dispatcher_create();
		REQUIRE(d != NULL);
		REQUIRE(rpc_dispatcher_add(d, "control", rpc_control_methods, RPC_CONTROL_COUNT,
		                           &fuzz_control));
		REQUIRE(rpc_dispatcher_add(d, "test", fuzz_methods,
		                           sizeof(fuzz_methods) / sizeof(fuzz_methods[0]), NULL));
	}
	return d;
}

static void check_error_object(const json_t *err)
{
	REQUIRE(json_is_object(err) && json_object_size(err) == 2);
	REQUIRE(json_is_integer(json_object_get(err, "code")));
	REQUIRE(json_is_string(json_object_get(err, "message")));
}

static void check_reply_object(const json_t *r)
{
	REQUIRE(json_is_object(r));
	REQUIRE(json_object_get(r, "id") != NULL);
	const json_t *ver = json_object_get(r, "jsonrpc");
	const json_t *res = json_object_get(r, "result"), *err = json_object_get(r, "error");
	if (ver) {
		REQUIRE(json_is_string(ver) && strcmp(json_string_value(ver), "2.0") == 0);
		REQUIRE(json_object_size(r) == 3 && (res == NULL) != (err == NULL));
	} else {
		REQUIRE(json_object_size(r) == 3 && res && err);
		REQUIRE(json_is_null(res) || json_is_null(err));
	}
	if (err && !json_is_null(err))
		check_error_object(err);
}

/* The reply ids appear in the order of the batch's ids. */
static void check_batch_ids(const json_t *batch, const json_t *reply)
{
	size_t j = 0;
	for (size_t i = 0; i < json_array_size(reply); i++) {
		const json_t *id = json_object_get(json_array_get(reply, i), "id");
		if (json_is_null(id))
			continue;
		while (j < json_array_size(batch) &&
		       !json_equal(json_object_get(json_array_get(batch, j), "id"), id))
			j++;
		REQUIRE(j < json_array_size(batch));
		j++;
	}
}

static void check_reply(const uint8_t *data, size_t size, const struct buf *reply, int status)
{
	REQUIRE(status == 200 || status == 204 || status == 400 || status == 404 || status == 500);
	if (status == 204) {
		REQUIRE(reply->len == 0);
		return;
	}
	REQUIRE(reply->len > 1 && reply->data[reply->len - 1] == '\n');
	json_t *r = json_loadb((const char *)reply->data, reply->len, 0, NULL);
	REQUIRE(r != NULL);
	json_t *req = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (json_is_array(r)) {
		REQUIRE(json_is_array(req) && json_array_size(r) <= json_array_size(req));
		REQUIRE(status == 200);
		for (size_t i = 0; i < json_array_size(r); i++)
			check_reply_object(json_array_get(r, i));
		check_batch_ids(req, r);
	} else {
		check_reply_object(r);
	}
	json_decref(req);
	json_decref(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rpc_dispatcher *d = fuzz_dispatcher();
	struct buf a = BUF_INIT, b = BUF_INIT;
	int sa = 0, sb = 0;
	if (size > 1 << 16)
		return 0;
	if (rpc_dispatch_sync(d, &a, &sa, data, size)) {
		check_reply(data, size, &a, sa);
		REQUIRE(rpc_dispatch_sync(d, &b, &sb, data, size));
		REQUIRE(sa == sb && a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
	}
	buf_release(&a);
	buf_release(&b);
	return 0;
}
