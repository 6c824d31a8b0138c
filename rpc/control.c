/* help, uptime, stop. */
#include "config.h"

#include <stdlib.h>

#include "rpc/control.h"
#include "rpc/dispatch.h"
#include "util/buf.h"
#include "util/clock.h"

/* A result string from b without its final newline. */
static json_t *rpc_text_result(struct buf *b)
{
	if (!buf_ok(b) || b->data == NULL)
		return NULL;
	while (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	return json_stringn((const char *)b->data, b->len);
}

static void rpc_help(void *ctx, struct rpc_request *req)
{
	(void)ctx;
	const char *name = rpc_param_str(req, 0, NULL);
	const struct rpc_dispatcher *d = rpc_request_dispatcher(req);
	struct buf b = BUF_INIT;
	if (name == NULL) {
		rpc_help_list(d, &b);
	} else if (!rpc_help_method(d, &b, name)) {
		buf_release(&b);
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "help: unknown method '%.64s'", name);
		return;
	}
	rpc_respond(req, rpc_text_result(&b));
	buf_release(&b);
}

static void rpc_uptime(void *ctx, struct rpc_request *req)
{
	const struct rpc_control *c = ctx;
	uint64_t now = clock_mono_ns();
	uint64_t secs = now > c->start_ns ? (now - c->start_ns) / 1000000000u : 0;
	rpc_respond(req, json_integer((json_int_t)secs));
}

static void rpc_stop(void *ctx, struct rpc_request *req)
{
	const struct rpc_control *c = ctx;
	rpc_respond(req, json_string("Rostra server stopping"));
	if (c->stop)
		c->stop(c->stop_arg);
}

const struct rpc_method rpc_control_methods[RPC_CONTROL_COUNT] = {
	{
		.name = "help", .fn = rpc_help, .run = RPC_RUN_WORKER,
		.help = "Lists the methods by area, or gives one method's arguments and result.",
		.params = (const struct rpc_param[]){
			{ "command", RPC_TYPE_STRING, false,
			  "The method to describe; without it, every method is listed." },
			{ NULL, 0, false, NULL },
		},
		.result = "string: the list of methods, or the method's help",
	},
	{
		.name = "stop", .fn = rpc_stop, .run = RPC_RUN_MAIN,
		.help = "Shuts the node down cleanly (as SIGTERM does).",
		.result = "string: \"Rostra server stopping\"",
	},
	{
		.name = "uptime", .fn = rpc_uptime, .run = RPC_RUN_HTTP,
		.help = "Returns how long the node has been running.",
		.result = "integer: the number of whole seconds since the node started",
	},
};
