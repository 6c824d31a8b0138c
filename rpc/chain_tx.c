/* The chain area's transaction and mempool methods (doc/rpc.md):
 * gettransaction, decoderawtransaction, sendrawtransaction,
 * getmempoolinfo, getrawmempool. Those that read the mempool run on the
 * main loop, which owns it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/query.h"
#include "mempool/mempool.h"
#include "rpc/chain_internal.h"
#include "util/hex.h"

/* Decode the hex transaction of parameter 0. Answers -22 on failure. */
static bool rpc_param_tx(struct rpc_request *req, struct tx *tx)
{
	const char *s = rpc_param_str(req, 0, "");
	size_t len = strlen(s), n = 0;
	enum prim_err pe = PRIM_ERR_OK;
	uint8_t *raw = NULL;
	bool ok = len % 2 == 0 && len / 2 <= TX_MAX_SIZE && (raw = malloc(len / 2 + 1)) != NULL &&
		  hex_decode(raw, len / 2 + 1, &n, s);
	if (!ok)
		rpc_respond_error(req, RPC_DESERIALIZATION_ERROR, "TX decode failed: %s",
				  len / 2 > TX_MAX_SIZE ? "larger than the maximum transaction size"
							: "not hex");
	else if (!(ok = tx_decode(tx, raw, n, &pe)))
		rpc_respond_error(req, RPC_DESERIALIZATION_ERROR, "TX decode failed: %s: %s",
				  prim_err_name(pe), prim_err_str(pe));
	free(raw);
	return ok;
}

void rpc_chain_decoderawtransaction(void *ctx, struct rpc_request *req)
{
	struct tx tx;
	(void)ctx;
	if (!rpc_param_tx(req, &tx))
		return;
	rpc_respond(req, rpc_json_tx(&tx, false));
	tx_release(&tx);
}

void rpc_chain_sendrawtransaction(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct mempool_reject why;
	struct tx tx;
	if (c->mempool == NULL) {
		rpc_no_chain(req);
		return;
	}
	if (!rpc_param_tx(req, &tx))
		return;
	enum mempool_err code = mempool_add(c->mempool, &why, NULL, &tx);
	if (code == MEMPOOL_OK) {
		rpc_respond(req, rpc_json_hash(&tx.txid));
	} else {
		bool invalid = code == MEMPOOL_ERR_INVALID || code == MEMPOOL_ERR_BAD_SIGNATURE ||
			       code == MEMPOOL_ERR_WRONG_CHAIN || why.punishable;
		rpc_respond_error(req, invalid ? RPC_VERIFY_ERROR : RPC_VERIFY_REJECTED, "%s: %s",
				  why.name, why.msg);
	}
	tx_release(&tx);
}

/* A transaction of the chain, with its receipt and block hash. */
static json_t *rpc_tx_in_chain(struct ledger_query *q, const struct ledger_receipt *rc,
			       const struct buf *raw)
{
	struct tx tx;
	struct buf braw = BUF_INIT;
	struct ledger_error e;
	enum prim_err pe;
	bool found = false;
	if (!tx_decode(&tx, raw->data, raw->len, &pe))
		return NULL;
	json_t *o = rpc_json_tx(&tx, true);
	tx_release(&tx);
	if (o == NULL)
		return NULL;
	rpc_json_receipt(o, rc);
	json_object_set_new(o, "inmempool", json_false());
	struct block b;
	if (ledger_q_block(q, &found, &braw, &e, rc->height) && found &&
	    block_decode(&b, braw.data, braw.len, &pe)) {
		json_object_set_new(o, "blockhash", rpc_json_hash(&b.id));
		json_object_set_new(o, "time", json_integer((json_int_t)b.header.time));
		block_release(&b);
	}
	buf_release(&braw);
	return o;
}

void rpc_chain_gettransaction(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	struct hash256 txid;
	struct ledger_receipt rc;
	struct ledger_error e;
	struct buf raw = BUF_INIT;
	bool found = false;
	if (c->db == NULL) {
		rpc_no_chain(req);
		return;
	}
	if (!rpc_param_hash(req, &txid, 0, "txid"))
		return;
	struct ledger_query *q = ledger_query_create(c->db);
	if (q == NULL || !ledger_q_tx(q, &found, &rc, &raw, &e, &txid)) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read the database");
	} else if (found) {
		rpc_respond(req, rpc_tx_in_chain(q, &rc, &raw));
	} else {
		const struct tx *tx = mempool_get(c->mempool, NULL, &txid);
		json_t *o = tx ? rpc_json_tx(tx, true) : NULL;
		if (tx == NULL) {
			rpc_respond_error(req, RPC_NOT_FOUND, "No such transaction in the chain or the "
					  "mempool");
		} else {
			if (o) {
				json_object_set_new(o, "inmempool", json_true());
				json_object_set_new(o, "status", json_string("pending"));
				json_object_set_new(o, "height", json_null());
			}
			rpc_respond(req, o);
		}
	}
	ledger_query_destroy(q);
	buf_release(&raw);
}

void rpc_chain_getmempoolinfo(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	uint64_t hits = 0, misses = 0;
	if (c->mempool == NULL) {
		rpc_no_chain(req);
		return;
	}
	ledger_sigcache_stats(c->ledger, &hits, &misses);
	rpc_respond(req, json_pack("{s:I, s:I, s:I, s:I, s:I}",
				   "size", (json_int_t)mempool_count(c->mempool),
				   "bytes", (json_int_t)mempool_bytes(c->mempool),
				   "maxbytes", (json_int_t)MEMPOOL_DEFAULT_MAX_BYTES,
				   "sigcachehits", (json_int_t)hits,
				   "sigcachemisses", (json_int_t)misses));
}

void rpc_chain_getrawmempool(void *ctx, struct rpc_request *req)
{
	const struct rpc_chain *c = ctx;
	size_t n = 0;
	if (c->mempool == NULL) {
		rpc_no_chain(req);
		return;
	}
	size_t cap = mempool_count(c->mempool);
	struct hash256 *ids = calloc(cap ? cap : 1, sizeof(*ids));
	json_t *arr = json_array();
	if (ids == NULL || arr == NULL || !mempool_list(c->mempool, ids, &n, cap)) {
		json_decref(arr);
		arr = NULL;
	}
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, rpc_json_hash(&ids[i]));
	free(ids);
	rpc_respond(req, arr);
}
