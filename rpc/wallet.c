/* The wallet methods (rpc/wallet.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "ledger/ledger.h"
#include "ledger/query.h"
#include "mempool/mempool.h"
#include "primitives/tx.h"
#include "rpc/social_internal.h"
#include "rpc/wallet.h"
#include "util/hex.h"
#include "wallet/wallet.h"

/* ------------------------------------------------------------ accounts */

/* The next nonce of pk after its pending transactions. */
static bool rw_nonce(struct rpc_wallet *w, uint64_t *nonce, uint64_t *balance,
		     const struct pubkey *pk)
{
	struct ledger_error err;
	uint64_t pending;
	if (!ledger_account_at_tip(w->ledger, nonce, balance, &err, pk))
		return false;
	if (w->mempool != NULL && mempool_pending_nonce(w->mempool, &pending, pk) &&
	    pending > *nonce)
		*nonce = pending;
	return true;
}

/* The sender: parameter i (an address of the wallet), or the wallet key
 * with the largest balance. Answers the request on failure. */
static bool rw_from(struct rpc_wallet *w, struct rpc_request *req, struct pubkey *pk, size_t i)
{
	const char *from = rpc_param_str(req, i, NULL);
	if (from != NULL) {
		if (!address_decode(pk, w->hrp, from)) {
			rpc_respond_error(req, RPC_NOT_FOUND, "invalid address '%.100s'", from);
			return false;
		}
		if (!wallet_has(w->wallet, pk)) {
			rpc_respond_error(req, RPC_NOT_FOUND, "%.100s is not an address of this wallet",
					  from);
			return false;
		}
		return true;
	}
	uint64_t best = 0;
	bool any = false;
	for (size_t k = 0; k < wallet_count(w->wallet); k++) {
		uint64_t nonce, bal;
		const struct pubkey *p = wallet_key(w->wallet, k);
		if (!rw_nonce(w, &nonce, &bal, p))
			continue;
		if (!any || bal > best) {
			*pk = *p;
			best = bal;
			any = true;
		}
	}
	if (!any)
		rpc_respond_error(req, RPC_INVALID_PARAMETER,
				  "the wallet has no key to send from (see getnewaddress)");
	return any;
}

/* Drop recorded transactions the tip has used (their nonce is below the
 * sender's committed nonce). */
static void rw_prune(struct rpc_wallet *w)
{
	size_t n;
	const struct tx *txs = wallet_txs(w->wallet, &n);
	bool *keep = n ? malloc(n * sizeof(*keep)) : NULL;
	bool any = false;
	char err[200];
	if (keep == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		uint64_t nonce = 0, bal;
		struct ledger_error lerr;
		keep[i] = !ledger_account_at_tip(w->ledger, &nonce, &bal, &lerr, &txs[i].sender) ||
			  txs[i].nonce >= nonce;
		any |= !keep[i];
	}
	if (any)
		(void)wallet_keep_txs(w->wallet, err, sizeof(err), keep, n);
	free(keep);
}

/* Sign the built tx (sender and type set), submit it, record it and answer
 * its txid. Parameter fee_i is the optional fee. */
static void rw_submit(struct rpc_wallet *w, struct rpc_request *req, struct tx *tx, size_t fee_i)
{
	int64_t fee;
	uint64_t nonce, bal;
	enum prim_err perr;
	struct mempool_reject why;
	char err[200];
	if (!rpc_param_int(req, &fee, fee_i, 0, 0, (int64_t)MAX_MONEY))
		return;
	if (!rw_nonce(w, &nonce, &bal, &tx->sender)) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read the sender's account");
		return;
	}
	tx->version = TX_VERSION;
	tx->chain_id = *ledger_chain_id(w->ledger);
	tx->nonce = nonce;
	bool signed_ok = wallet_sign(w->wallet, tx, &perr,
				     ledger_params(w->ledger)->min_fee_per_byte, (uint64_t)fee);
	/* A bad argument is the caller's mistake (-8), not a rejection. */
	if (!signed_ok || !tx_check(tx, &perr)) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "invalid transaction: %s (%s)",
				  prim_err_str(perr), prim_err_name(perr));
		if (signed_ok)
			tx_release(tx);
		return;
	}
	if (mempool_add(w->mempool, &why, NULL, tx) != MEMPOOL_OK) {
		rpc_respond_error(req, RPC_VERIFY_REJECTED, "%s: %s", why.name, why.msg);
		tx_release(tx);
		return;
	}
	rw_prune(w);
	if (!wallet_record_tx(w->wallet, err, sizeof(err), tx))
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "sent, but not recorded: %s", err);
	else
		rpc_respond(req, social_hex32(tx->txid.b));
	if (w->relay != NULL)
		w->relay(w->relay_arg, tx);
	tx_release(tx);
}

/* Parameter i as bytes (a string; absent: empty). */
static struct tx_bytes rw_bytes(const struct rpc_request *req, size_t i)
{
	const json_t *v = rpc_param(req, i);
	struct tx_bytes b = { NULL, 0 };
	if (v != NULL) {
		b.p = (const uint8_t *)json_string_value(v);
		b.len = json_string_length(v);
	}
	return b;
}

/* An account parameter (address or @handle) read through a query of the
 * tip. */
static bool rw_account(struct rpc_wallet *w, struct rpc_request *req, struct pubkey *pk, size_t i)
{
	struct ledger_query *q = ledger_query_create(ledger_db(w->ledger));
	if (q == NULL) {
		rpc_respond(req, NULL);
		return false;
	}
	bool ok = social_param_account(req, pk, q, w->hrp, i);
	ledger_query_destroy(q);
	return ok;
}

/* ------------------------------------------------------------ keys */

static void rw_getnewaddress(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	struct pubkey pk;
	char err[200];
	if (!wallet_new_key(w->wallet, &pk, err, sizeof(err))) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "%s", err);
		return;
	}
	rpc_respond(req, social_address(w->hrp, &pk));
}

static void rw_listaddresses(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < wallet_count(w->wallet); i++) {
		const struct pubkey *pk = wallet_key(w->wallet, i);
		uint64_t nonce = 0, pending = 0, bal = 0;
		struct ledger_error err;
		if (!ledger_account_at_tip(w->ledger, &nonce, &bal, &err, pk) ||
		    !rw_nonce(w, &pending, &bal, pk)) {
			json_decref(a);
			rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read an account");
			return;
		}
		if (json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o}",
						       "address", social_address(w->hrp, pk),
						       "balance", social_uint(bal),
						       "nonce", social_uint(nonce),
						       "pendingnonce", social_uint(pending))) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	rpc_respond(req, a);
}

static void rw_getbalance(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	const char *addr = rpc_param_str(req, 0, NULL);
	struct pubkey only;
	uint64_t total = 0;
	if (addr != NULL && !address_decode(&only, w->hrp, addr)) {
		rpc_respond_error(req, RPC_NOT_FOUND, "invalid address '%.100s'", addr);
		return;
	}
	if (addr != NULL && !wallet_has(w->wallet, &only)) {
		rpc_respond_error(req, RPC_NOT_FOUND, "%.100s is not an address of this wallet", addr);
		return;
	}
	for (size_t i = 0; i < wallet_count(w->wallet); i++) {
		const struct pubkey *pk = wallet_key(w->wallet, i);
		uint64_t nonce, bal;
		struct ledger_error err;
		if (addr != NULL && memcmp(pk->b, only.b, PUBKEY_LEN) != 0)
			continue;
		if (!ledger_account_at_tip(w->ledger, &nonce, &bal, &err, pk)) {
			rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read an account");
			return;
		}
		total += bal;
	}
	rpc_respond(req, social_uint(total));
}

/* ------------------------------------------------------------ actions */

static void rw_sendtoaddress(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	struct tx tx;
	int64_t amount;
	tx_init(&tx);
	tx.type = TX_TRANSFER;
	if (!rw_account(w, req, &tx.u.transfer.to, 0) ||
	    !rpc_param_int(req, &amount, 1, 0, 1, (int64_t)MAX_MONEY))
		return;
	tx.u.transfer.amount = (uint64_t)amount;
	tx.u.transfer.memo = rw_bytes(req, 2);
	if (rw_from(w, req, &tx.sender, 3))
		rw_submit(w, req, &tx, 4);
}

static int rw_tag_cmp(const void *a, const void *b)
{
	const struct tx_bytes *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void rw_post(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	struct tx tx;
	tx_init(&tx);
	tx.type = TX_POST;
	tx.u.post.body = rw_bytes(req, 0);
	if (rpc_param(req, 1) != NULL) {
		if (!social_param_hash(req, &tx.u.post.parent, 1))
			return;
		tx.u.post.has_parent = true;
	}
	const json_t *tags = rpc_param(req, 2);
	if (tags != NULL) {
		if (json_array_size(tags) > TX_MAX_TAGS) {
			rpc_respond_error(req, RPC_INVALID_PARAMETER, "at most %d tags", TX_MAX_TAGS);
			return;
		}
		for (size_t i = 0; i < json_array_size(tags); i++) {
			const json_t *t = json_array_get(tags, i);
			if (!json_is_string(t)) {
				rpc_respond_error(req, RPC_INVALID_PARAMETER, "tags must be strings");
				return;
			}
			tx.u.post.tags[i].p = (const uint8_t *)json_string_value(t);
			tx.u.post.tags[i].len = json_string_length(t);
		}
		tx.u.post.ntags = json_array_size(tags);
		/* The protocol wants them ascending: sort what the user gave. */
		qsort(tx.u.post.tags, tx.u.post.ntags, sizeof(tx.u.post.tags[0]), rw_tag_cmp);
	}
	if (rw_from(w, req, &tx.sender, 3))
		rw_submit(w, req, &tx, 4);
}

static void rw_vote(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	struct tx tx;
	int64_t weight;
	tx_init(&tx);
	tx.type = TX_VOTE;
	if (!social_param_hash(req, &tx.u.vote.post, 0) ||
	    !rpc_param_int(req, &weight, 1, 0, -TX_WEIGHT_MAX, TX_WEIGHT_MAX))
		return;
	tx.u.vote.weight = (int16_t)weight;
	if (rw_from(w, req, &tx.sender, 2))
		rw_submit(w, req, &tx, 3);
}

static void rw_endorse(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	struct tx tx;
	int64_t weight;
	tx_init(&tx);
	tx.type = TX_ENDORSE;
	if (!rw_account(w, req, &tx.u.endorse.subject, 0) ||
	    !rpc_param_int(req, &weight, 1, 0, 0, TX_WEIGHT_MAX))
		return;
	tx.u.endorse.weight = (uint16_t)weight;
	if (rw_from(w, req, &tx.sender, 2))
		rw_submit(w, req, &tx, 3);
}

static void rw_follow_common(struct rpc_wallet *w, struct rpc_request *req, uint8_t type)
{
	struct tx tx;
	tx_init(&tx);
	tx.type = type;
	if (rw_account(w, req, &tx.u.follow.target, 0) && rw_from(w, req, &tx.sender, 1))
		rw_submit(w, req, &tx, 2);
}

static void rw_follow(void *ctx, struct rpc_request *req)
{
	rw_follow_common(ctx, req, TX_FOLLOW);
}

static void rw_unfollow(void *ctx, struct rpc_request *req)
{
	rw_follow_common(ctx, req, TX_UNFOLLOW);
}

static void rw_setprofile(void *ctx, struct rpc_request *req)
{
	struct rpc_wallet *w = ctx;
	struct tx tx;
	tx_init(&tx);
	tx.type = TX_PROFILE;
	tx.u.profile.handle = rw_bytes(req, 0);
	tx.u.profile.name = rw_bytes(req, 1);
	tx.u.profile.about = rw_bytes(req, 2);
	tx.u.profile.website = rw_bytes(req, 3);
	if (rw_from(w, req, &tx.sender, 4))
		rw_submit(w, req, &tx, 5);
}

static void rw_stake_common(struct rpc_wallet *w, struct rpc_request *req, uint8_t type)
{
	struct tx tx;
	int64_t amount;
	tx_init(&tx);
	tx.type = type;
	if (!rw_account(w, req, &tx.u.stake.validator, 0) ||
	    !rpc_param_int(req, &amount, 1, 0, 1, (int64_t)MAX_MONEY))
		return;
	tx.u.stake.amount = (uint64_t)amount;
	if (rw_from(w, req, &tx.sender, 2))
		rw_submit(w, req, &tx, 3);
}

static void rw_stake(void *ctx, struct rpc_request *req)
{
	rw_stake_common(ctx, req, TX_STAKE);
}

static void rw_unstake(void *ctx, struct rpc_request *req)
{
	rw_stake_common(ctx, req, TX_UNSTAKE);
}

/* ------------------------------------------------------------ rebroadcast */

bool rpc_wallet_rebroadcast(struct rpc_wallet *w, size_t *readmitted, char *err, size_t errlen)
{
	size_t n;
	const struct tx *txs = wallet_txs(w->wallet, &n);
	bool *keep = n ? malloc(n * sizeof(*keep)) : NULL;
	*readmitted = 0;
	if (n == 0)
		return true;
	if (keep == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct mempool_reject why;
		enum mempool_err e = mempool_add(w->mempool, &why, NULL, &txs[i]);
		*readmitted += e == MEMPOOL_OK;
		/* Kept: pending now, or refused for a reason that may pass. */
		keep[i] = e == MEMPOOL_OK || e == MEMPOOL_ERR_DUPLICATE ||
			  e == MEMPOOL_ERR_NONCE_TOO_HIGH || e == MEMPOOL_ERR_FULL ||
			  e == MEMPOOL_ERR_STATE || e == MEMPOOL_ERR_NO_MEMORY ||
			  e == MEMPOOL_ERR_SENDER_CAP;
		if (e == MEMPOOL_OK && w->relay != NULL)
			w->relay(w->relay_arg, &txs[i]);
	}
	bool ok = wallet_keep_txs(w->wallet, err, errlen, keep, n);
	free(keep);
	return ok;
}

bool rpc_wallet_open(struct rpc_wallet *w, size_t *readmitted, char *err, size_t errlen,
		     const char *dir, const char *import_path, struct ledger *l,
		     struct mempool *mp, const char *hrp)
{
	memset(w, 0, sizeof(*w));
	*readmitted = 0;
	w->wallet = wallet_open(err, errlen, dir, import_path);
	if (w->wallet == NULL)
		return false;
	w->ledger = l;
	w->mempool = mp;
	w->hrp = hrp;
	if (!rpc_wallet_rebroadcast(w, readmitted, err, errlen)) {
		rpc_wallet_close(w);
		return false;
	}
	return true;
}

void rpc_wallet_close(struct rpc_wallet *w)
{
	wallet_close(w->wallet);
	memset(w, 0, sizeof(*w));
}

/* ------------------------------------------------------------ the table */

#define P_FROM { "from", RPC_TYPE_STRING, false, \
		 "The wallet address to send from (default: the one with the largest balance)." }
#define P_FEE { "fee", RPC_TYPE_INT, false, \
		"The fee in base units (default: the least fee for the transaction's size)." }
#define P_END { NULL, 0, false, NULL }
#define TXID_RESULT "The transaction id (64 hex digits)."

const struct rpc_method rpc_wallet_methods[RPC_WALLET_COUNT] = {
	{
		.name = "endorse", .fn = rw_endorse, .run = RPC_RUN_MAIN,
		.help = "Endorses an account (replaces an earlier endorsement of it; weight 0 "
			"withdraws it).",
		.params = (const struct rpc_param[]){
			{ "account", RPC_TYPE_STRING, true, "An address, or a handle as @name." },
			{ "weight", RPC_TYPE_INT, true, "Basis points of the endorsement budget, 0 to 10000." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "follow", .fn = rw_follow, .run = RPC_RUN_MAIN,
		.help = "Follows an account: its posts join the sender's feed.",
		.params = (const struct rpc_param[]){
			{ "account", RPC_TYPE_STRING, true, "An address, or a handle as @name." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "getbalance", .fn = rw_getbalance, .run = RPC_RUN_MAIN,
		.help = "The committed balance of the wallet's addresses, summed, in base units.",
		.params = (const struct rpc_param[]){
			{ "address", RPC_TYPE_STRING, false, "Only this wallet address." }, P_END },
		.result = "A number: base units.",
	},
	{
		.name = "getnewaddress", .fn = rw_getnewaddress, .run = RPC_RUN_MAIN,
		.help = "Makes a new key in the wallet and gives its address.",
		.params = NULL,
		.result = "A string: the new address.",
	},
	{
		.name = "listaddresses", .fn = rw_listaddresses, .run = RPC_RUN_MAIN,
		.help = "Lists the wallet's addresses with their balances and nonces.",
		.params = NULL,
		.result = "An array of objects: address, balance, nonce, pendingnonce.",
	},
	{
		.name = "post", .fn = rw_post, .run = RPC_RUN_MAIN,
		.help = "Publishes a post, or a reply when parent is given.",
		.params = (const struct rpc_param[]){
			{ "body", RPC_TYPE_STRING, true, "The text, UTF-8, 1 to 4096 bytes." },
			{ "parent", RPC_TYPE_STRING, false, "The id of the post to reply to." },
			{ "tags", RPC_TYPE_ARRAY, false,
			  "Up to 8 tags: strings of a-z, 0-9 and _, 1 to 32 characters." },
			P_FROM, P_FEE, P_END },
		.result = "The new post's id (its transaction id, 64 hex digits).",
	},
	{
		.name = "sendtoaddress", .fn = rw_sendtoaddress, .run = RPC_RUN_MAIN,
		.help = "Sends base units to an account.",
		.params = (const struct rpc_param[]){
			{ "address", RPC_TYPE_STRING, true, "An address, or a handle as @name." },
			{ "amount", RPC_TYPE_INT, true, "Base units (1 ROS = 100000000)." },
			{ "memo", RPC_TYPE_STRING, false, "A note, at most 256 bytes." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "setprofile", .fn = rw_setprofile, .run = RPC_RUN_MAIN,
		.help = "Sets the sender's whole profile: a field left out becomes empty.",
		.params = (const struct rpc_param[]){
			{ "handle", RPC_TYPE_STRING, false,
			  "The handle, 3 to 24 characters of a-z, 0-9 and _ (empty: none)." },
			{ "name", RPC_TYPE_STRING, false, "A display name, at most 64 bytes." },
			{ "about", RPC_TYPE_STRING, false, "A description, at most 512 bytes." },
			{ "website", RPC_TYPE_STRING, false, "A web address, at most 128 bytes." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "stake", .fn = rw_stake, .run = RPC_RUN_MAIN,
		.help = "Bonds base units to a validator.",
		.params = (const struct rpc_param[]){
			{ "validator", RPC_TYPE_STRING, true, "The validator's operator address." },
			{ "amount", RPC_TYPE_INT, true, "Base units." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "unfollow", .fn = rw_unfollow, .run = RPC_RUN_MAIN,
		.help = "Stops following an account.",
		.params = (const struct rpc_param[]){
			{ "account", RPC_TYPE_STRING, true, "An address, or a handle as @name." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "unstake", .fn = rw_unstake, .run = RPC_RUN_MAIN,
		.help = "Starts unbonding base units from a validator (they return after the "
			"unbonding delay).",
		.params = (const struct rpc_param[]){
			{ "validator", RPC_TYPE_STRING, true, "The validator's operator address." },
			{ "amount", RPC_TYPE_INT, true, "Base units." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
	{
		.name = "vote", .fn = rw_vote, .run = RPC_RUN_MAIN,
		.help = "Votes on a post (replaces an earlier vote on it; weight 0 withdraws it).",
		.params = (const struct rpc_param[]){
			{ "id", RPC_TYPE_STRING, true, "The post id, 64 hex digits." },
			{ "weight", RPC_TYPE_INT, true, "Basis points, -10000 to 10000." },
			P_FROM, P_FEE, P_END },
		.result = TXID_RESULT,
	},
};

bool rpc_wallet_register(struct rpc_dispatcher *d, struct rpc_wallet *w)
{
	return rpc_dispatcher_add(d, "wallet", rpc_wallet_methods, RPC_WALLET_COUNT, w);
}
