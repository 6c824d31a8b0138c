/* The chain area (doc/rpc.md): blocks, commits, transactions, the mempool
 * and the state. Readers of stored data run on a worker through the
 * request's snapshot; the mempool's methods run on the main loop. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/query.h"
#include "mempool/mempool.h"
#include "primitives/commit.h"
#include "rpc/chain_internal.h"
#include "util/hex.h"

/* ------------------------------------------------------------ helpers */

/* The tip through q; answers the error itself on failure. */
static bool rpc_tip(struct rpc_request *req, struct ledger_query *q, struct ledger_tip *tip,
		    struct chain_id *chain)
{
	struct ledger_error e;
	if (!ledger_q_tip(q, tip, chain, NULL, &e)) {
		rpc_chain_fail(req, &e);
		return false;
	}
	return true;
}

/* The block with hash id, decoded. Answers -5 when unknown. */
static bool rpc_block_by_id(struct rpc_request *req, struct ledger_query *q, struct block *b,
			    const struct hash256 *id)
{
	struct ledger_error e;
	struct buf raw = BUF_INIT;
	enum prim_err pe;
	bool found = false;
	uint64_t height = 0;
	bool ok = ledger_q_block_height(q, &found, &height, &e, id) &&
		  (!found || ledger_q_block(q, &found, &raw, &e, height));
	if (!ok)
		rpc_chain_fail(req, &e);
	else if (!found)
		rpc_respond_error(req, RPC_NOT_FOUND, "Block not found");
	else if (!(ok = block_decode(b, raw.data, raw.len, &pe)))
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "stored block is malformed");
	buf_release(&raw);
	return ok && found;
}

/* ------------------------------------------------------------ tip */

static void rpc_getblockchaininfo(void *ctx, struct rpc_request *req)
{
	struct ledger_tip tip;
	struct chain_id chain;
	struct hash256 genesis;
	struct ledger_error e;
	char name[CHAIN_ID_MAX_LEN + 1];
	struct ledger_query *q = rpc_chain_query(req, ctx);
	if (q == NULL)
		return;
	if (!ledger_q_tip(q, &tip, &chain, &genesis, &e)) {
		rpc_chain_fail(req, &e);
		return;
	}
	rpc_chain_name(name, sizeof(name), &chain);
	struct rpc_chain *c = ctx;
	uint64_t best = 0;
	bool syncing = c->sync_status != NULL && c->sync_status(c->sync_arg, &best);
	if (best < tip.height)
		best = tip.height;
	/* Progress as a fraction for people; the heights it comes from are
	 * exact integers beside it. */
	double progress = best ? (double)tip.height / (double)best : 1.0;
	rpc_respond(req, json_pack("{s:s, s:s#, s:I, s:o, s:I, s:o, s:o, s:b, s:I, s:f}",
				   "chain", name, "chainid", chain.s, (int)chain.len,
				   "blocks", (json_int_t)tip.height,
				   "bestblockhash", rpc_json_hash(&tip.block_id),
				   "time", (json_int_t)tip.time,
				   "stateroot", rpc_json_hash(&tip.state_root),
				   "genesishash", rpc_json_hash(&genesis),
				   "initialsync", syncing,
				   "bestpeerheight", (json_int_t)best,
				   "progress", progress));
}

/* The one chain method that needs no snapshot: the height the ledger
 * publishes for other threads. */
static void rpc_getblockcount(void *ctx, struct rpc_request *req)
{
	struct rpc_chain *c = ctx;
	if (c->ledger == NULL)
		rpc_no_chain(req);
	else
		rpc_respond(req, json_integer((json_int_t)ledger_tip_height_shared(c->ledger)));
}

static void rpc_getbestblockhash(void *ctx, struct rpc_request *req)
{
	struct ledger_tip tip;
	struct ledger_query *q = rpc_chain_query(req, ctx);
	if (q != NULL && rpc_tip(req, q, &tip, NULL))
		rpc_respond(req, rpc_json_hash(&tip.block_id));
}

static void rpc_getblockhash(void *ctx, struct rpc_request *req)
{
	struct ledger_tip tip;
	struct chain_id chain;
	struct ledger_error e;
	struct buf raw = BUF_INIT;
	enum prim_err pe;
	bool found = false;
	int64_t height;
	struct ledger_query *q = rpc_chain_query(req, ctx);
	if (q == NULL || !rpc_param_int(req, &height, 0, 0, 0, INT64_MAX) ||
	    !rpc_tip(req, q, &tip, &chain))
		return;
	if (height == 0 || (uint64_t)height > tip.height) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "Block height out of range (1 to %" PRIu64
				  ")", tip.height);
		return;
	}
	struct block b;
	if (!ledger_q_block(q, &found, &raw, &e, (uint64_t)height)) {
		rpc_chain_fail(req, &e);
	} else if (!found) {
		rpc_respond_error(req, RPC_NOT_FOUND, "Block not found");
	} else if (!block_decode(&b, raw.data, raw.len, &pe)) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "stored block is malformed");
	} else {
		rpc_respond(req, rpc_json_hash(&b.id));
		block_release(&b);
	}
	buf_release(&raw);
}

/* ------------------------------------------------------------ blocks */

/* The block's transactions: ids (verbosity 1) or decoded with their
 * receipts (2). */
static json_t *rpc_block_txs(struct ledger_query *q, const struct block *b, int64_t verbosity)
{
	json_t *arr = json_array();
	struct ledger_receipt rc;
	struct ledger_error e;
	struct buf raw = BUF_INIT;
	bool found;
	for (size_t i = 0; arr && i < b->ntx; i++) {
		if (verbosity < 2) {
			json_array_append_new(arr, rpc_json_hash(&b->txs[i].txid));
			continue;
		}
		json_t *t = rpc_json_tx(&b->txs[i], false);
		if (t && ledger_q_tx(q, &found, &rc, &raw, &e, &b->txs[i].txid) && found)
			rpc_json_receipt(t, &rc);
		json_array_append_new(arr, t);
	}
	buf_release(&raw);
	return arr;
}

/* The block hash of height + 1, or null. */
static json_t *rpc_next_hash(struct ledger_query *q, uint64_t height)
{
	struct ledger_error e;
	struct buf raw = BUF_INIT;
	struct block b;
	enum prim_err pe;
	bool found = false;
	json_t *j = json_null();
	if (ledger_q_block(q, &found, &raw, &e, height + 1) && found &&
	    block_decode(&b, raw.data, raw.len, &pe)) {
		json_decref(j);
		j = rpc_json_hash(&b.id);
		block_release(&b);
	}
	buf_release(&raw);
	return j;
}

static void rpc_block_common(json_t *o, struct ledger_query *q, const struct block *b,
			     uint64_t tip)
{
	json_object_set_new(o, "confirmations", json_integer((json_int_t)(tip - b->header.height + 1)));
	json_object_set_new(o, "nextblockhash", rpc_next_hash(q, b->header.height));
	json_object_set_new(o, "ntx", json_integer((json_int_t)b->ntx));
}

static void rpc_getblock(void *ctx, struct rpc_request *req)
{
	struct hash256 id;
	struct block b;
	struct ledger_tip tip;
	struct chain_id chain;
	int64_t verbosity;
	struct ledger_query *q = rpc_chain_query(req, ctx);
	if (q == NULL || !rpc_param_hash(req, &id, 0, "blockhash") ||
	    !rpc_param_int(req, &verbosity, 1, 1, 0, 2) || !rpc_tip(req, q, &tip, &chain) ||
	    !rpc_block_by_id(req, q, &b, &id))
		return;
	if (verbosity == 0) {
		rpc_respond(req, rpc_json_hex(b.raw, b.raw_len));
	} else {
		json_t *o = rpc_json_header(&b.header, &b.id);
		if (o) {
			rpc_block_common(o, q, &b, tip.height);
			json_object_set_new(o, "size", json_integer((json_int_t)b.raw_len));
			json_object_set_new(o, "tx", rpc_block_txs(q, &b, verbosity));
			json_object_set_new(o, "nevidence", json_integer((json_int_t)b.nevidence));
		}
		rpc_respond(req, o);
	}
	block_release(&b);
}

static void rpc_getblockheader(void *ctx, struct rpc_request *req)
{
	struct hash256 id;
	struct block b;
	struct ledger_tip tip;
	struct chain_id chain;
	struct buf enc = BUF_INIT;
	struct ledger_query *q = rpc_chain_query(req, ctx);
	if (q == NULL || !rpc_param_hash(req, &id, 0, "blockhash") ||
	    !rpc_tip(req, q, &tip, &chain) || !rpc_block_by_id(req, q, &b, &id))
		return;
	if (!rpc_param_bool(req, 1, true)) {
		if (block_header_encode(&enc, &b.header))
			rpc_respond(req, rpc_json_hex(enc.data, enc.len));
		else
			rpc_respond(req, NULL);
	} else {
		json_t *o = rpc_json_header(&b.header, &b.id);
		if (o)
			rpc_block_common(o, q, &b, tip.height);
		rpc_respond(req, o);
	}
	buf_release(&enc);
	block_release(&b);
}

static void rpc_getcommit(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct ledger_tip tip;
	struct chain_id chain;
	struct ledger_error e;
	struct buf raw = BUF_INIT;
	struct commit *cm = NULL;
	enum prim_err pe;
	bool found = false;
	int64_t height;
	struct ledger_query *q = rpc_chain_query(req, c);
	if (q == NULL || !rpc_tip(req, q, &tip, &chain) ||
	    !rpc_param_int(req, &height, 0, (int64_t)tip.height, 1, INT64_MAX))
		return;
	if ((uint64_t)height > tip.height) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "Block height out of range (1 to %" PRIu64
				  ")", tip.height);
		return;
	}
	if (!ledger_q_commit(q, &found, &raw, &e, (uint64_t)height)) {
		rpc_chain_fail(req, &e);
	} else if (!found) {
		rpc_respond_error(req, RPC_NOT_FOUND, "No commit stored for height %" PRId64, height);
	} else if ((cm = malloc(sizeof(*cm))) == NULL || !commit_decode(cm, raw.data, raw.len, &pe)) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "stored commit is malformed");
	} else {
		json_t *sigs = json_array();
		size_t present = 0;
		for (size_t i = 0; sigs && i < cm->n; i++) {
			json_t *s = json_object();
			if (c->valset && i < c->valset->n)
				json_object_set_new(s, "validator", rpc_json_hex(c->valset->keys[i].b,
										 PUBKEY_LEN));
			json_object_set_new(s, "signed", json_boolean(cm->present[i]));
			if (cm->present[i])
				json_object_set_new(s, "signature", rpc_json_hex(cm->sigs[i], SIG_LEN));
			present += cm->present[i];
			json_array_append_new(sigs, s);
		}
		rpc_respond(req, json_pack("{s:I, s:I, s:o, s:I, s:I, s:o, s:o}",
					   "height", (json_int_t)cm->height, "round", (json_int_t)cm->round,
					   "blockhash", rpc_json_hash(&cm->block_id),
					   "size", (json_int_t)cm->n, "signed", (json_int_t)present,
					   "signatures", sigs, "hex", rpc_json_hex(raw.data, raw.len)));
	}
	free(cm);
	buf_release(&raw);
}

static void rpc_getstateinfo(void *ctx, struct rpc_request *req)
{
	struct ledger_tip tip;
	struct chain_id chain;
	struct ledger_chain lc;
	struct ledger_error e;
	struct ledger_page *page = NULL;
	struct ledger_cursor cur = { .len = 0 };
	json_int_t validators = 0;
	struct ledger_query *q = rpc_chain_query(req, ctx);
	ledger_error_clear(&e);
	if (q == NULL || !rpc_tip(req, q, &tip, &chain))
		return;
	if (!ledger_q_chain(q, &lc, &e) || (page = malloc(sizeof(*page))) == NULL) {
		free(page);
		rpc_chain_fail(req, &e);
		return;
	}
	do {
		if (!ledger_q_validators(q, page, &e, &cur, 0)) {
			free(page);
			rpc_chain_fail(req, &e);
			return;
		}
		validators += (json_int_t)page->n;
		cur = page->next;
	} while (page->more);
	free(page);
	rpc_respond(req, json_pack("{s:I, s:o, s:o, s:I, s:I, s:{s:I, s:I, s:I, s:I}}",
				   "height", (json_int_t)tip.height,
				   "bestblockhash", rpc_json_hash(&tip.block_id),
				   "stateroot", rpc_json_hash(&tip.state_root),
				   "supply", (json_int_t)lc.supply, "validators", validators,
				   "params", "block_reward", (json_int_t)lc.params.block_reward,
				   "reward_era_blocks", (json_int_t)lc.params.reward_era_blocks,
				   "min_fee_per_byte", (json_int_t)lc.params.min_fee_per_byte,
				   "unbonding_ms", (json_int_t)lc.params.unbonding_ms));
}

/* ------------------------------------------------------------ table */

#define RPC_END { NULL, 0, false, NULL }
#define RPC_FEND { NULL, NULL, NULL }

static const struct rpc_field rpc_header_fields[] = {
	{ "hash", "string", "the block hash (hex)" },
	{ "height", "number", "the block's height" },
	{ "version", "number", "the block version" },
	{ "chainid", "string", "the chain id" },
	{ "time", "number", "the header time, milliseconds since the Unix epoch" },
	{ "previousblockhash", "string", "the previous block's hash (the genesis hash at height 1)" },
	{ "txroot", "string", "Merkle root of the txids" },
	{ "stateroot", "string", "the state root after the block" },
	{ "lastcommithash", "string", "hash of the last commit the block carries" },
	{ "evidenceroot", "string", "Merkle root of the evidence" },
	{ "validatorshash", "string", "hash of the validator set that signs this block" },
	{ "nextvalidatorshash", "string", "hash of the validator set of the next height" },
	{ "proposer", "string", "the proposer's consensus key (hex)" },
	{ "confirmations", "number", "1 for the tip, more for older blocks" },
	{ "nextblockhash", "string", "the next block's hash, or null at the tip" },
	{ "ntx", "number", "the number of transactions" },
	RPC_FEND,
};

static const struct rpc_field rpc_block_fields[] = {
	{ "(header)", "object", "every field of getblockheader" },
	{ "size", "number", "the block's encoded size in bytes" },
	{ "tx", "array", "verbosity 1: the txids; 2: each transaction decoded (as "
	  "decoderawtransaction) with its receipt (height, index, status, code, codename, message)" },
	{ "nevidence", "number", "the number of evidence items" },
	RPC_FEND,
};

static const struct rpc_field rpc_tx_fields[] = {
	{ "txid", "string", "the transaction id (hex)" },
	{ "version", "number", "the transaction version" },
	{ "chainid", "string", "the chain id it is signed for" },
	{ "type", "string", "transfer, post, vote, endorse, follow, unfollow, profile, stake, "
	  "unstake, validator or unjail" },
	{ "sender", "string", "the sender's address" },
	{ "nonce", "number", "the sender's nonce" },
	{ "fee", "number", "the fee in base units" },
	{ "(payload)", "various", "the type's fields: to, amount, memo (transfer); parent, body, tags "
	  "(post); post, weight (vote); subject, weight (endorse); target (follow, unfollow); "
	  "handle, name, about, website (profile); validator, amount (stake, unstake); "
	  "consensuskey, moniker, commission (validator)" },
	{ "size", "number", "the encoded size in bytes" },
	RPC_FEND,
};

static const struct rpc_field rpc_gettx_fields[] = {
	{ "(transaction)", "object", "every field of decoderawtransaction, and hex" },
	{ "inmempool", "boolean", "true while it waits in the mempool" },
	{ "status", "string", "ok or failed (included; failed: its action failed, it paid its "
	  "fee), pending (in the mempool)" },
	{ "height", "number", "the block's height, null when pending" },
	{ "index", "number", "its position in the block" },
	{ "code", "number", "the receipt code (0: ok; doc/social.md §3)" },
	{ "codename", "string", "the code's name" },
	{ "message", "string", "what the code means" },
	{ "blockhash", "string", "the block's hash" },
	{ "time", "number", "the block's time (ms)" },
	RPC_FEND,
};

static const struct rpc_method rpc_chain_methods[] = {
	{
		.name = "getblockchaininfo", .fn = rpc_getblockchaininfo, .run = RPC_RUN_WORKER,
		.help = "Returns the state of the chain: network, tip and state root.",
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "chain", "string", "the network: main, testnet or regtest" },
			{ "chainid", "string", "the chain id (network and genesis hash prefix)" },
			{ "blocks", "number", "the height of the tip (final: blocks are never undone)" },
			{ "bestblockhash", "string", "the tip's block hash (the genesis hash at height 0)" },
			{ "time", "number", "the tip's time, milliseconds since the Unix epoch" },
			{ "stateroot", "string", "the state root at the tip" },
			{ "genesishash", "string", "the genesis hash" },
			{ "initialsync", "boolean", "true while a peer is ahead and blocks are being fetched" },
			{ "bestpeerheight", "number", "the best height a peer has shown (the tip's when none is ahead)" },
			{ "progress", "number", "blocks / bestpeerheight, from 0 to 1" },
			RPC_FEND,
		},
	},
	{
		.name = "getblockcount", .fn = rpc_getblockcount, .run = RPC_RUN_HTTP,
		.help = "Returns the height of the tip.",
		.result = "integer: the tip's height (0 before the first block)",
	},
	{
		.name = "getbestblockhash", .fn = rpc_getbestblockhash, .run = RPC_RUN_HTTP,
		.help = "Returns the tip's block hash.",
		.result = "string: the hash (hex; the genesis hash at height 0)",
	},
	{
		.name = "getblockhash", .fn = rpc_getblockhash, .run = RPC_RUN_WORKER,
		.help = "Returns the hash of the block at a height.",
		.params = (const struct rpc_param[]){
			{ "height", RPC_TYPE_INT, true, "1 to the tip's height; else error -8" },
			RPC_END,
		},
		.result = "string: the block hash (hex)",
	},
	{
		.name = "getblock", .fn = rpc_getblock, .run = RPC_RUN_WORKER,
		.help = "Returns a block: its encoding, or its header and transactions.",
		.params = (const struct rpc_param[]){
			{ "blockhash", RPC_TYPE_STRING, true, "the block hash, 64 hex digits; unknown: -5" },
			{ "verbosity", RPC_TYPE_INT, false, "0: the encoding in hex; 1 (default): an object "
			  "with the txids; 2: with each transaction decoded and its receipt" },
			RPC_END,
		},
		.result = "string (verbosity 0) or object",
		.fields = rpc_block_fields,
	},
	{
		.name = "getblockheader", .fn = rpc_getblockheader, .run = RPC_RUN_WORKER,
		.help = "Returns a block's header.",
		.params = (const struct rpc_param[]){
			{ "blockhash", RPC_TYPE_STRING, true, "the block hash, 64 hex digits; unknown: -5" },
			{ "verbose", RPC_TYPE_BOOL, false, "true (default): an object; false: the header's "
			  "encoding in hex" },
			RPC_END,
		},
		.result = "object (or string when verbose is false)",
		.fields = rpc_header_fields,
	},
	{
		.name = "getcommit", .fn = rpc_getcommit, .run = RPC_RUN_WORKER,
		.help = "Returns the commit (the precommit signatures) that finalised the block at a "
			"height.",
		.params = (const struct rpc_param[]){
			{ "height", RPC_TYPE_INT, false, "1 to the tip's height (default: the tip)" },
			RPC_END,
		},
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "height", "number", "the block's height" },
			{ "round", "number", "the consensus round that decided it" },
			{ "blockhash", "string", "the block's hash" },
			{ "size", "number", "entries: the members of the validator set" },
			{ "signed", "number", "entries with a signature" },
			{ "signatures", "array", "per member in set order: validator (consensus key), "
			  "signed, signature" },
			{ "hex", "string", "the commit's encoding" },
			RPC_FEND,
		},
	},
	{
		.name = "gettransaction", .fn = rpc_chain_gettransaction, .run = RPC_RUN_MAIN,
		.help = "Returns a transaction of the chain with its receipt, or one waiting in the "
			"mempool.",
		.params = (const struct rpc_param[]){
			{ "txid", RPC_TYPE_STRING, true, "64 hex digits; unknown: -5" },
			RPC_END,
		},
		.result = "object",
		.fields = rpc_gettx_fields,
	},
	{
		.name = "decoderawtransaction", .fn = rpc_chain_decoderawtransaction,
		.run = RPC_RUN_WORKER,
		.help = "Decodes a transaction's encoding (checks its form only).",
		.params = (const struct rpc_param[]){
			{ "hexstring", RPC_TYPE_STRING, true, "the encoding in hex; undecodable: -22" },
			RPC_END,
		},
		.result = "object",
		.fields = rpc_tx_fields,
	},
	{
		.name = "sendrawtransaction", .fn = rpc_chain_sendrawtransaction, .run = RPC_RUN_MAIN,
		.help = "Submits a signed transaction to the mempool.",
		.params = (const struct rpc_param[]){
			{ "hexstring", RPC_TYPE_STRING, true, "the encoding in hex; undecodable: -22" },
			RPC_END,
		},
		.result = "string: the txid. A transaction that fails a check is -25 (malformed, bad "
			  "signature, wrong chain) or -26 (refused: nonce, fee, balance, duplicate, "
			  "full), with the reason's name and message",
	},
	{
		.name = "getmempoolinfo", .fn = rpc_chain_getmempoolinfo, .run = RPC_RUN_MAIN,
		.help = "Returns the mempool's size and limits.",
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "size", "number", "transactions waiting" },
			{ "bytes", "number", "the sum of their encoded sizes" },
			{ "maxbytes", "number", "the limit on bytes" },
			{ "sigcachehits", "number", "signature checks answered by the cache" },
			{ "sigcachemisses", "number", "signature checks computed" },
			RPC_FEND,
		},
	},
	{
		.name = "getrawmempool", .fn = rpc_chain_getrawmempool, .run = RPC_RUN_MAIN,
		.help = "Returns the txids waiting in the mempool, in block-building order.",
		.result = "array of strings",
	},
	{
		.name = "getstateinfo", .fn = rpc_getstateinfo, .run = RPC_RUN_WORKER,
		.help = "Returns the state at the tip: its root, the supply, the chain parameters.",
		.result = "object",
		.fields = (const struct rpc_field[]){
			{ "height", "number", "the tip's height" },
			{ "bestblockhash", "string", "the tip's hash" },
			{ "stateroot", "string", "the state root" },
			{ "supply", "number", "base units in existence" },
			{ "validators", "number", "registered validators" },
			{ "params", "object", "block_reward, reward_era_blocks, min_fee_per_byte, "
			  "unbonding_ms" },
			RPC_FEND,
		},
	},
};

static void *rpc_chain_snapshot_open(void *arg)
{
	const struct rpc_chain *c = arg;
	return c->db ? ledger_query_create(c->db) : NULL;
}

static void rpc_chain_snapshot_close(void *arg, void *snapshot)
{
	(void)arg;
	ledger_query_destroy(snapshot);
}

bool rpc_chain_register(struct rpc_dispatcher *d, struct rpc_chain *ctx)
{
	rpc_dispatcher_set_snapshot(d, rpc_chain_snapshot_open, rpc_chain_snapshot_close, ctx);
	return rpc_dispatcher_add(d, "chain", rpc_chain_methods,
				  sizeof(rpc_chain_methods) / sizeof(rpc_chain_methods[0]), ctx) &&
	       rpc_dispatcher_add(d, "validators", rpc_validators_methods, rpc_validators_count,
				  ctx);
}
