/* The validators area (doc/rpc.md): the active set, the consensus state
 * of this node, and stakes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/query.h"
#include "rpc/chain_internal.h"

/* The active set: members in set order with their power. */
static json_t *rpc_json_valset(const struct cons_valset *s, const struct chain_id *chain)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < s->n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:I}",
						     "index", (json_int_t)i,
						     "operator", rpc_json_address(chain, &s->operators[i]),
						     "consensuskey", rpc_json_hex(s->keys[i].b, PUBKEY_LEN),
						     "power", (json_int_t)s->power[i]));
	return arr;
}

/* Registered validators (one page, at most LEDGER_PAGE_MAX). */
static json_t *rpc_json_registered(struct ledger_query *q, const struct chain_id *chain)
{
	struct ledger_page *page = malloc(sizeof(*page));
	struct ledger_cursor cur = { .len = 0 };
	struct ledger_error e;
	struct ledger_validator v;
	bool found;
	json_t *arr = json_array();
	if (page == NULL || arr == NULL || !ledger_q_validators(q, page, &e, &cur, 0)) {
		free(page);
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < page->n; i++) {
		const struct pubkey *op = &page->items[i].key;
		if (!ledger_q_validator(q, &found, &v, &e, op) || !found)
			continue;
		json_array_append_new(arr, json_pack("{s:o, s:o, s:s#, s:I, s:I, s:I, s:b, s:b}",
			"operator", rpc_json_address(chain, op),
			"consensuskey", rpc_json_hex(v.consensus_key.b, PUBKEY_LEN),
			"moniker", (const char *)v.moniker, (int)v.moniker_len,
			"commission", (json_int_t)v.commission,
			"selfstake", (json_int_t)v.self_stake,
			"totalbonded", (json_int_t)v.total_bonded,
			"jailed", v.jailed, "tombstoned", v.tombstoned));
	}
	free(page);
	return arr;
}

static void rpc_getvalidators(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct ledger_tip tip;
	struct chain_id chain;
	struct ledger_error e;
	struct hash256 h;
	struct ledger_query *q = rpc_chain_query(req, c);
	if (q == NULL)
		return;
	if (!ledger_q_tip(q, &tip, &chain, NULL, &e)) {
		rpc_chain_fail(req, &e);
		return;
	}
	json_t *reg = rpc_json_registered(q, &chain);
	if (reg == NULL) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read the validators");
		return;
	}
	cons_valset_hash(&h, c->valset);
	rpc_respond(req, json_pack("{s:I, s:o, s:I, s:o, s:o}",
				   "height", (json_int_t)tip.height,
				   "validatorshash", rpc_json_hash(&h),
				   "totalpower", (json_int_t)cons_valset_total(c->valset),
				   "active", rpc_json_valset(c->valset, &chain),
				   "registered", reg));
}

static const char *rpc_step_name(uint8_t step)
{
	static const char *const names[] = { "none", "propose", "prevote", "precommit" };
	return step < 4 ? names[step] : "?";
}

static void rpc_getconsensusstate(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct ledger_tip tip;
	struct cons_sign_state st;
	if (c->ledger == NULL) {
		rpc_no_chain(req);
		return;
	}
	ledger_get_tip(c->ledger, &tip);
	json_t *o = json_pack("{s:I, s:s, s:I, s:o}", "height", (json_int_t)(tip.height + 1),
			      "engine", "single-validator", "validators", (json_int_t)c->valset->n,
			      "proposer", rpc_json_hex(c->valset->keys[0].b, PUBKEY_LEN));
	if (o && c->signer) {
		cons_signer_last(c->signer, &st);
		json_object_set_new(o, "validator", rpc_json_hex(cons_signer_pubkey(c->signer)->b,
								 PUBKEY_LEN));
		json_object_set_new(o, "lastsigned", json_pack("{s:I, s:I, s:s, s:o}",
			"height", (json_int_t)st.height, "round", (json_int_t)st.round,
			"step", rpc_step_name(st.step), "blockhash", rpc_json_hash(&st.block_id)));
	} else if (o) {
		json_object_set_new(o, "validator", json_null());
		json_object_set_new(o, "lastsigned", json_null());
	}
	rpc_respond(req, o);
}

static void rpc_getstakes(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct ledger_tip tip;
	struct chain_id chain;
	struct ledger_error e;
	struct pubkey who;
	struct ledger_page *page = NULL;
	struct ledger_cursor cur = { .len = 0 };
	struct ledger_query *q = rpc_chain_query(req, c);
	if (q == NULL)
		return;
	if (!ledger_q_tip(q, &tip, &chain, NULL, &e)) {
		rpc_chain_fail(req, &e);
		return;
	}
	if (!rpc_param_account(req, &who, 0, &chain))
		return;
	json_t *arr = json_array();
	json_int_t total = 0;
	do {
		if (page == NULL && (page = malloc(sizeof(*page))) == NULL)
			break;
		if (!ledger_q_stakes(q, page, &e, &who, &cur, 0)) {
			free(page);
			json_decref(arr);
			rpc_chain_fail(req, &e);
			return;
		}
		for (size_t i = 0; arr && i < page->n; i++) {
			total += (json_int_t)page->items[i].value;
			json_array_append_new(arr, json_pack("{s:o, s:I}", "validator",
				rpc_json_address(&chain, &page->items[i].key),
				"amount", (json_int_t)page->items[i].value));
		}
		cur = page->next;
	} while (page->more);
	free(page);
	rpc_respond(req, json_pack("{s:o, s:I, s:o}", "address", rpc_json_address(&chain, &who),
				   "total", total, "stakes", arr));
}

#define RPC_END { NULL, 0, false, NULL }
#define RPC_FEND { NULL, NULL, NULL }

const struct rpc_method rpc_validators_methods[] = {
	{
		.name = "getvalidators", .fn = rpc_getvalidators, .run = RPC_RUN_WORKER,
		.help = "Returns the active validator set (the genesis set until the multi-validator "
			"engine lands) and the validators registered in the state.",
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "height", "number", "the tip's height" },
			{ "validatorshash", "string", "the active set's hash (doc/protocol.md 12.1)" },
			{ "totalpower", "number", "the active set's voting power" },
			{ "active", "array", "in set order: index, operator, consensuskey, power" },
			{ "registered", "array", "by operator (first 100): operator, consensuskey, "
			  "moniker, commission, selfstake, totalbonded, jailed, tombstoned" },
			RPC_FEND,
		},
	},
	{
		.name = "getconsensusstate", .fn = rpc_getconsensusstate, .run = RPC_RUN_MAIN,
		.help = "Returns this node's consensus state: the height being decided, the engine, "
			"and what its validator signed last.",
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "height", "number", "the next height (tip + 1)" },
			{ "engine", "string", "single-validator" },
			{ "validators", "number", "members of the active set" },
			{ "proposer", "string", "the consensus key that proposes the next block" },
			{ "validator", "string", "this node's consensus key, or null for a full node" },
			{ "lastsigned", "object", "the signer state: height, round, step, blockhash; "
			  "null for a full node" },
			RPC_FEND,
		},
	},
	{
		.name = "getstakes", .fn = rpc_getstakes, .run = RPC_RUN_WORKER,
		.help = "Returns what an account has staked, per validator.",
		.params = (const struct rpc_param[]){
			{ "address", RPC_TYPE_STRING, true, "the delegator's address; invalid: -5" },
			RPC_END,
		},
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "address", "string", "the account" },
			{ "total", "number", "the sum bonded, base units" },
			{ "stakes", "array", "validator (operator address), amount" },
			RPC_FEND,
		},
	},
};

const size_t rpc_validators_count = sizeof(rpc_validators_methods) / sizeof(rpc_validators_methods[0]);
