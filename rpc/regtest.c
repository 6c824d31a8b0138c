/* The regtest area (doc/rpc.md): blocks on demand and mock time. Both
 * run on the main loop. */
#include "config.h"

#include "rpc/chain_internal.h"

#define RPC_GENERATE_MAX 1000

static void rpc_generate(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct cons_produced out;
	char err[RPC_MAX_MESSAGE];
	int64_t n;
	if (!rpc_param_int(req, &n, 0, 1, 1, RPC_GENERATE_MAX))
		return;
	if (c->ledger == NULL) {
		rpc_no_chain(req);
		return;
	}
	json_t *arr = json_array();
	for (int64_t i = 0; arr && i < n; i++) {
		if (!c->produce(c->produce_arg, &out, err, sizeof(err))) {
			json_decref(arr);
			rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot make a block: %s", err);
			return;
		}
		json_array_append_new(arr, rpc_json_hash(&out.block_id));
	}
	rpc_respond(req, arr);
}

static void rpc_setmocktime(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	int64_t t;
	if (!rpc_param_int(req, &t, 0, 0, 0, (INT64_C(1) << 62) / 1000 - 1))
		return;
	clock_set_mock_ms(c->clock, t * 1000);
	rpc_respond(req, json_null());
}

#define RPC_END { NULL, 0, false, NULL }

static const struct rpc_method rpc_regtest_methods[] = {
	{
		.name = "generate", .fn = rpc_generate, .run = RPC_RUN_MAIN,
		.help = "Makes blocks now, each with the waiting transactions that fit, signed by "
			"this node's validator. Regtest only.",
		.params = (const struct rpc_param[]){
			{ "nblocks", RPC_TYPE_INT, false, "how many, 1 (default) to 1000" },
			RPC_END,
		},
		.result = "array of strings: the new blocks' hashes, in order",
	},
	{
		.name = "setmocktime", .fn = rpc_setmocktime, .run = RPC_RUN_MAIN,
		.help = "Sets the node's clock (block times, mempool expiry) to a fixed time; 0 goes "
			"back to the system clock. A block's time is still above its parent's. "
			"Regtest only.",
		.params = (const struct rpc_param[]){
			{ "timestamp", RPC_TYPE_INT, true, "seconds since the Unix epoch, or 0" },
			RPC_END,
		},
		.result = "null",
	},
};

bool rpc_regtest_register(struct rpc_dispatcher *d, struct rpc_chain *ctx)
{
	return rpc_dispatcher_add(d, "regtest", rpc_regtest_methods,
				  sizeof(rpc_regtest_methods) / sizeof(rpc_regtest_methods[0]), ctx);
}
