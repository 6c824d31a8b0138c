/* Hidden methods registered on regtest only, for the functional tests:
 *   echo a b c d   returns [a, b, c, d] (null for absent), on a worker:
 *                  shows how arguments arrive (rostra-cli's JSON rule,
 *                  -named);
 *   delay ms       answers ms after ms milliseconds, from a timer on the
 *                  main loop (no thread sleeps): a request that stays in
 *                  progress, to fill the work queue in tests.
 * Not listed by help; doc/rpc.md describes them. */
#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "node/node_internal.h"
#include "rpc/dispatch.h"

/* A delayed answer waiting for its timer. */
struct node_delay {
	struct node_test_rpc *owner;
	struct rpc_request *req;
	struct event *ev;
	int64_t ms;
	struct node_delay *prev, *next;
};

struct node_test_rpc {
	struct node *n;
	struct node_delay *pending;
};

static void node_delay_unlink(struct node_delay *d)
{
	if (d->prev)
		d->prev->next = d->next;
	else
		d->owner->pending = d->next;
	if (d->next)
		d->next->prev = d->prev;
}

static void node_delay_free(struct node_delay *d)
{
	node_delay_unlink(d);
	event_free(d->ev);
	free(d);
}

static void node_delay_fire(evutil_socket_t fd, short what, void *arg)
{
	struct node_delay *d = arg;
	(void)fd;
	(void)what;
	rpc_respond(d->req, json_integer(d->ms));
	node_delay_free(d); /* a non-persistent timer may free itself here */
}

static void node_rpc_delay(void *ctx, struct rpc_request *req)
{
	struct node_test_rpc *t = ctx;
	int64_t ms;
	if (!rpc_param_int(req, &ms, 0, 0, 0, 60000))
		return;
	struct node_delay *d = calloc(1, sizeof(*d));
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	if (d == NULL || (d->ev = evtimer_new(t->n->base, node_delay_fire, d)) == NULL ||
	    evtimer_add(d->ev, &tv) != 0) {
		if (d && d->ev)
			event_free(d->ev);
		free(d);
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot set a timer");
		return;
	}
	d->owner = t;
	d->req = req;
	d->ms = ms;
	d->next = t->pending;
	if (t->pending)
		t->pending->prev = d;
	t->pending = d;
}

static void node_rpc_echo(void *ctx, struct rpc_request *req)
{
	json_t *arr = json_array();
	(void)ctx;
	for (size_t i = 0; arr && i < 4; i++) {
		const json_t *v = rpc_param(req, i);
		json_array_append_new(arr, v ? json_deep_copy(v) : json_null());
	}
	rpc_respond(req, arr);
}

#define NODE_ANY(name) { name, RPC_TYPE_ANY, false, "any value" }

static const struct rpc_method node_test_methods[] = {
	{
		.name = "delay", .fn = node_rpc_delay, .run = RPC_RUN_MAIN, .hidden = true,
		.help = "Answers after ms milliseconds (a main-loop timer). Regtest only, for tests.",
		.params = (const struct rpc_param[]){
			{ "ms", RPC_TYPE_INT, true, "milliseconds, 0 to 60000" },
			{ NULL, 0, false, NULL },
		},
		.result = "integer: ms",
	},
	{
		.name = "echo", .fn = node_rpc_echo, .run = RPC_RUN_WORKER, .hidden = true,
		.help = "Returns its arguments. Regtest only, for tests.",
		.params = (const struct rpc_param[]){
			NODE_ANY("a"), NODE_ANY("b"), NODE_ANY("c"), NODE_ANY("d"),
			{ NULL, 0, false, NULL },
		},
		.result = "array: [a, b, c, d], null for those not given",
	},
};

bool node_test_rpc_register(struct node *n)
{
	n->test_rpc = calloc(1, sizeof(*n->test_rpc));
	if (n->test_rpc == NULL)
		return false;
	n->test_rpc->n = n;
	return rpc_dispatcher_add(n->dispatcher, "test", node_test_methods,
	                          sizeof(node_test_methods) / sizeof(node_test_methods[0]),
	                          n->test_rpc);
}

void node_test_rpc_cancel(struct node *n)
{
	if (n->test_rpc == NULL)
		return;
	while (n->test_rpc->pending) {
		struct node_delay *d = n->test_rpc->pending;
		rpc_respond_error(d->req, RPC_INTERNAL_ERROR, "shutting down");
		node_delay_free(d);
	}
}

void node_test_rpc_free(struct node *n)
{
	node_test_rpc_cancel(n);
	free(n->test_rpc);
	n->test_rpc = NULL;
}
