/* The social methods: accounts, posts, lists. Shapes in doc/rpc.md. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "crypto/key.h"
#include "ledger/state.h"
#include "mempool/mempool.h"
#include "primitives/tx.h"
#include "rpc/social.h"
#include "rpc/social_internal.h"
#include "util/buf.h"

/* ------------------------------------------------------------ accounts */

/* getaccount's account: an address is parsed (and its text kept, in
 * lower case, for the reply: the only text that decodes to that key, so
 * the key need not be encoded again) before the snapshot is opened; its
 * curve check waits for the state (social_getaccount_valid). A @handle
 * needs the snapshot. Returns false when answered. */
static bool social_getaccount_key(struct rpc_request *req, struct pubkey *pk, char *addr,
				  struct social_q *sq, const struct rpc_social *s)
{
	const char *v = rpc_param_str(req, 0, "");
	addr[0] = '\0';
	if (v[0] == '@')
		return social_q_begin(sq, s, req) &&
		       social_param_account(req, pk, sq->q, s->hrp, 0);
	if (!address_decode_unchecked(pk, s->hrp, v)) {
		rpc_respond_error(req, RPC_NOT_FOUND, "invalid address '%.100s'", v);
		return false;
	}
	size_t i = 0;
	for (; v[i] != '\0' && i + 1 < ADDRESS_MAX_LEN; i++)
		addr[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] - 'A' + 'a' : v[i]);
	addr[i] = '\0';
	return true;
}

/* The rest of address_decode's checks, that the key is on the curve,
 * skipped when the account has a record: the state holds valid keys only
 * (every key of a transaction is checked before it can make a record).
 * An account without one (the default record) is checked. Returns false
 * when answered (-5, as address_decode's failure). */
static bool social_getaccount_valid(struct rpc_request *req, const struct pubkey *pk,
				    const struct ledger_account *a)
{
	if (ledger_account_is_default(a) && !key_pubkey_valid(pk)) {
		rpc_respond_error(req, RPC_NOT_FOUND, "invalid address '%.100s'",
				  rpc_param_str(req, 0, ""));
		return false;
	}
	return true;
}

/* The account object with pendingnonce. Runs on the HTTP thread: the
 * mempool is read through its shared view, before the snapshot is opened
 * when the account is an address, so that transactions a block takes in
 * between are counted by one side or the other (doc/rpc.md). */
static void social_getaccount(void *ctx, struct rpc_request *req)
{
	struct rpc_social *s = ctx;
	struct social_q sq = { 0 };
	struct pubkey pk;
	struct ledger_tip tip;
	struct ledger_account a;
	struct ledger_error err;
	char addr[ADDRESS_MAX_LEN];
	uint64_t pending = 0;
	bool have_pending = false;
	if (!social_getaccount_key(req, &pk, addr, &sq, s))
		goto out;
	if (s->mempool != NULL)
		have_pending = mempool_pending_nonce_shared(s->mempool, &pending, &pk);
	if (sq.q == NULL && !social_q_begin(&sq, s, req))
		return;
	if (!ledger_q_tip(sq.q, &tip, NULL, NULL, &err)) {
		social_ledger_error(req, &err);
		goto out;
	}
	json_t *o = social_account_json(sq.q, &err, &a, s->hrp, addr[0] ? addr : NULL, &pk,
					tip.time, have_pending ? pending : 0);
	if (o == NULL && err.code != LEDGER_ERR_OK) {
		social_ledger_error(req, &err);
		goto out;
	}
	if (addr[0] && !social_getaccount_valid(req, &pk, &a)) {
		json_decref(o);
		goto out;
	}
	rpc_respond(req, o);
out:
	social_q_end(&sq);
}

static void social_getreputation(void *ctx, struct rpc_request *req)
{
	struct rpc_social *s = ctx;
	struct social_q sq;
	struct pubkey pk;
	struct ledger_account a;
	struct ledger_error err;
	if (!social_q_begin(&sq, s, req))
		return;
	if (!social_param_account(req, &pk, sq.q, s->hrp, 0))
		goto out;
	if (!ledger_q_account(sq.q, &a, &err, &pk)) {
		social_ledger_error(req, &err);
		goto out;
	}
	rpc_respond(req, json_pack("{s:o, s:I, s:i, s:o, s:o}",
				   "address", social_address(s->hrp, &pk),
				   "reputation", (json_int_t)a.reputation,
				   "reputationscore", ledger_rep_score(a.reputation),
				   "staked", social_uint(a.staked),
				   "endorsementsused", social_uint(a.endorse_used)));
out:
	social_q_end(&sq);
}

/* ------------------------------------------------------------ posts */

static void social_getpost(void *ctx, struct rpc_request *req)
{
	struct rpc_social *s = ctx;
	struct social_q sq;
	struct hash256 id;
	struct ledger_error err;
	bool found = false;
	if (!social_param_hash(req, &id, 0) || !social_q_begin(&sq, s, req))
		return;
	json_t *o = social_post_json(sq.q, &found, &err, s->hrp, &id);
	if (err.code != LEDGER_ERR_OK)
		social_ledger_error(req, &err);
	else if (!found)
		rpc_respond_error(req, RPC_NOT_FOUND, "no post with this id");
	else
		rpc_respond(req, o);
	social_q_end(&sq);
}

/* ------------------------------------------------------------ lists */

/* What a list method reads: an account, a post, or nothing. */
enum social_key { SOCIAL_KEY_ACCOUNT, SOCIAL_KEY_POST, SOCIAL_KEY_NONE };
/* How its items are shown. */
enum social_item { SOCIAL_ITEM_POST, SOCIAL_ITEM_ADDRESS, SOCIAL_ITEM_WEIGHT,
		   SOCIAL_ITEM_TX, SOCIAL_ITEM_TOP };

typedef bool (*social_list_fn)(struct ledger_query *q, struct ledger_page *page,
			       struct ledger_error *err, const uint8_t key[32],
			       const struct ledger_cursor *cur, size_t limit);

struct social_list {
	const char *method;
	enum social_key key;
	enum social_item item;
	social_list_fn fn;
	const char *weight_key;    /* SOCIAL_ITEM_WEIGHT: the account's name */
};

#define SOCIAL_ADAPT_PK(name, call) \
	static bool name(struct ledger_query *q, struct ledger_page *page, \
			 struct ledger_error *err, const uint8_t key[32], \
			 const struct ledger_cursor *cur, size_t limit) \
	{ \
		struct pubkey pk; \
		memcpy(pk.b, key, 32); \
		return call(q, page, err, &pk, cur, limit); \
	}
#define SOCIAL_ADAPT_HASH(name, call) \
	static bool name(struct ledger_query *q, struct ledger_page *page, \
			 struct ledger_error *err, const uint8_t key[32], \
			 const struct ledger_cursor *cur, size_t limit) \
	{ \
		struct hash256 h; \
		memcpy(h.b, key, 32); \
		return call(q, page, err, &h, cur, limit); \
	}

SOCIAL_ADAPT_PK(social_l_posts, ledger_q_posts)
SOCIAL_ADAPT_PK(social_l_feed, ledger_q_feed)
SOCIAL_ADAPT_PK(social_l_history, ledger_q_history)
SOCIAL_ADAPT_PK(social_l_followers, ledger_q_followers)
SOCIAL_ADAPT_PK(social_l_following, ledger_q_following)
SOCIAL_ADAPT_PK(social_l_endorsed, ledger_q_endorsements_received)
SOCIAL_ADAPT_PK(social_l_endorsing, ledger_q_endorsements_given)
SOCIAL_ADAPT_HASH(social_l_replies, ledger_q_replies)
SOCIAL_ADAPT_HASH(social_l_votes, ledger_q_votes)

static bool social_l_top(struct ledger_query *q, struct ledger_page *page,
			 struct ledger_error *err, const uint8_t key[32],
			 const struct ledger_cursor *cur, size_t limit)
{
	(void)key;
	return ledger_q_top(q, page, err, cur, limit);
}

static const struct social_list social_lists[] = {
	{ "getposts", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_POST, social_l_posts, NULL },
	{ "getfeed", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_POST, social_l_feed, NULL },
	{ "getreplies", SOCIAL_KEY_POST, SOCIAL_ITEM_POST, social_l_replies, NULL },
	{ "getvotes", SOCIAL_KEY_POST, SOCIAL_ITEM_WEIGHT, social_l_votes, "voter" },
	{ "getaccounthistory", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_TX, social_l_history, NULL },
	{ "getfollowers", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_ADDRESS, social_l_followers, NULL },
	{ "getfollowing", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_ADDRESS, social_l_following, NULL },
	{ "getendorsements", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_WEIGHT, social_l_endorsed, "endorser" },
	{ "getendorsements/given", SOCIAL_KEY_ACCOUNT, SOCIAL_ITEM_WEIGHT, social_l_endorsing,
	  "subject" },
	{ "gettopaccounts", SOCIAL_KEY_NONE, SOCIAL_ITEM_TOP, social_l_top, NULL },
};

static const struct social_list *social_list_find(const char *method)
{
	for (size_t i = 0; i < sizeof(social_lists) / sizeof(social_lists[0]); i++)
		if (strcmp(social_lists[i].method, method) == 0)
			return &social_lists[i];
	return NULL;
}

/* One history item: txid, height, index, type, sender, result. */
static json_t *social_tx_item(struct ledger_query *q, struct ledger_error *err,
			      const char *hrp, const struct ledger_item *it)
{
	struct ledger_receipt rc;
	struct buf raw = BUF_INIT;
	struct tx tx;
	enum prim_err perr;
	bool found = false;
	json_t *o = NULL;
	if (!ledger_q_tx(q, &found, &rc, &raw, err, &it->id))
		goto out;
	if (!found || !tx_decode(&tx, raw.data, raw.len, &perr)) {
		err->code = LEDGER_ERR_CORRUPT;
		snprintf(err->msg, sizeof(err->msg), "history names a transaction not stored");
		goto out;
	}
	const char *result = ledger_code_name(rc.code);
	o = json_pack("{s:o, s:o, s:o, s:s, s:o, s:s}",
		      "txid", social_hex32(it->id.b),
		      "height", social_uint(it->pos.height),
		      "index", social_uint(it->pos.index),
		      "type", tx_type_name(tx.type) ? tx_type_name(tx.type) : "?",
		      "sender", social_address(hrp, &tx.sender),
		      "result", result ? result : "?");
	tx_release(&tx);
out:
	buf_release(&raw);
	return o;
}

static json_t *social_top_item(struct ledger_query *q, struct ledger_error *err,
			       const char *hrp, const struct ledger_item *it)
{
	struct ledger_account a;
	if (!ledger_q_account(q, &a, err, &it->key))
		return NULL;
	json_t *handle = a.handle_len ? json_stringn((const char *)a.handle, a.handle_len)
				      : json_null();
	return json_pack("{s:o, s:o, s:I, s:i}", "address", social_address(hrp, &it->key),
			 "handle", handle, "reputation", (json_int_t)it->value,
			 "reputationscore", ledger_rep_score(it->value));
}

/* The JSON of one item. Returns NULL on error (err->code set) or when out
 * of memory (err->code OK). */
static json_t *social_item_json(struct ledger_query *q, struct ledger_error *err,
				const char *hrp, const struct social_list *l,
				const struct ledger_item *it)
{
	bool found = false;
	json_t *o;
	ledger_error_clear(err);
	switch (l->item) {
	case SOCIAL_ITEM_POST:
		o = social_post_json(q, &found, err, hrp, &it->id);
		if (o == NULL && err->code == LEDGER_ERR_OK && !found) {
			err->code = LEDGER_ERR_CORRUPT;
			snprintf(err->msg, sizeof(err->msg), "an index names a post not stored");
		}
		return o;
	case SOCIAL_ITEM_ADDRESS:
		return social_address(hrp, &it->key);
	case SOCIAL_ITEM_WEIGHT:
		return json_pack("{s:o, s:I}", l->weight_key, social_address(hrp, &it->key),
				 "weight", (json_int_t)it->value);
	case SOCIAL_ITEM_TX:
		return social_tx_item(q, err, hrp, it);
	case SOCIAL_ITEM_TOP:
		return social_top_item(q, err, hrp, it);
	}
	return NULL;
}

/* Check that the post a post list is about exists (-5 otherwise). */
static bool social_post_exists(struct rpc_request *req, struct ledger_query *q,
			       const struct hash256 *id)
{
	struct ledger_post p;
	struct ledger_stats st;
	struct ledger_error err;
	struct buf store = BUF_INIT;
	bool found = false;
	bool ok = ledger_q_post(q, &found, &p, &st, &store, &err, id);
	buf_release(&store);
	if (!ok)
		social_ledger_error(req, &err);
	else if (!found)
		rpc_respond_error(req, RPC_NOT_FOUND, "no post with this id");
	return ok && found;
}

/* Read the key parameter of a list (parameter 0). Out: key. */
static bool social_list_key(struct rpc_request *req, uint8_t key[32], struct ledger_query *q,
			    const struct rpc_social *s, const struct social_list *l)
{
	memset(key, 0, 32);
	if (l->key == SOCIAL_KEY_ACCOUNT) {
		struct pubkey pk;
		if (!social_param_account(req, &pk, q, s->hrp, 0))
			return false;
		memcpy(key, pk.b, 32);
	} else if (l->key == SOCIAL_KEY_POST) {
		struct hash256 h;
		if (!social_param_hash(req, &h, 0) || !social_post_exists(req, q, &h))
			return false;
		memcpy(key, h.b, 32);
	}
	return true;
}

static json_t *social_items(struct ledger_query *q, struct ledger_error *err, const char *hrp,
			    const struct social_list *l, const struct ledger_page *page)
{
	json_t *items = json_array();
	for (size_t i = 0; items != NULL && i < page->n; i++) {
		json_t *o = social_item_json(q, err, hrp, l, &page->items[i]);
		if (o == NULL || json_array_append_new(items, o) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	return items;
}

/* A list page: the key (if any) at 0, then count and cursor. The table
 * entry is the method's name, or with direction "given" for
 * getendorsements. */
static void social_list(void *ctx, struct rpc_request *req)
{
	struct rpc_social *s = ctx;
	const char *name = rpc_request_method(req);
	size_t first = 1;
	if (strcmp(name, "gettopaccounts") == 0)
		first = 0;
	if (strcmp(name, "getendorsements") == 0) {
		const char *dir = rpc_param_str(req, 3, "received");
		if (strcmp(dir, "given") == 0) {
			name = "getendorsements/given";
		} else if (strcmp(dir, "received") != 0) {
			rpc_respond_error(req, RPC_INVALID_PARAMETER,
					  "direction must be 'received' or 'given'");
			return;
		}
	}
	const struct social_list *l = social_list_find(name);
	struct ledger_cursor cur;
	size_t count;
	uint8_t key[32];
	struct social_q sq;
	struct ledger_error err;
	struct ledger_page *page;
	if (l == NULL) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "no list for %s", name);
		return;
	}
	if (!social_param_page(req, &count, &cur, first))
		return;
	page = malloc(sizeof(*page)); /* 9 KiB: off the stack */
	if (page == NULL) {
		rpc_respond(req, NULL);
		return;
	}
	if (!social_q_begin(&sq, s, req)) {
		free(page);
		return;
	}
	if (!social_list_key(req, key, sq.q, s, l))
		goto out;
	if (!l->fn(sq.q, page, &err, key, &cur, count)) {
		social_ledger_error(req, &err);
		goto out;
	}
	json_t *items = social_items(sq.q, &err, s->hrp, l, page);
	if (items == NULL && err.code != LEDGER_ERR_OK)
		social_ledger_error(req, &err);
	else
		rpc_respond(req, items ? social_page_result(items, page) : NULL);
out:
	social_q_end(&sq);
	free(page);
}

/* ------------------------------------------------------------ the table */

#define P_ACCOUNT { "account", RPC_TYPE_STRING, true, "An address, or a handle as @name." }
#define P_COUNT { "count", RPC_TYPE_INT, false, "Items per page, 1 to 100 (default 20)." }
#define P_CURSOR { "cursor", RPC_TYPE_STRING, false, \
		   "The 'next' of the previous page; without it, the first page." }
#define P_END { NULL, 0, false, NULL }
#define F_ITEMS(what) { "items", "array", what }
#define F_NEXT { "next", "string", "The cursor of the next page, or null on the last page." }
#define F_END { NULL, NULL, NULL }
#define PAGE_RESULT "An object: one page of the list."

static const struct rpc_field social_post_fields[] = {
	{ "id", "string", "The post id (its transaction id)." },
	{ "author", "string", "The author's address." },
	{ "parent", "string", "The id of the post it replies to, or null." },
	{ "body", "string", "The text." },
	{ "tags", "array", "Its tags (strings)." },
	{ "height", "number", "The block that holds it." },
	{ "time", "number", "That block's time, ms since 1970." },
	{ "upvotes", "number", "The sum of the positive vote weights (basis points)." },
	{ "downvotes", "number", "The sum of the negative vote weights, as a positive number." },
	{ "votes", "number", "How many accounts voted on it." },
	{ "replies", "number", "How many direct replies it has." },
	F_END,
};

static const struct rpc_field social_account_fields[] = {
	{ "address", "string", "The account's address." },
	{ "handle", "string", "Its handle (without @), or null." },
	{ "name", "string", "The profile's name (may be empty)." },
	{ "about", "string", "The profile's text (may be empty)." },
	{ "website", "string", "The profile's website (may be empty)." },
	{ "balance", "number", "Spendable balance, base units." },
	{ "nonce", "number", "The next nonce the committed state expects." },
	{ "pendingnonce", "number", "The next nonce after the account's transactions in the mempool." },
	{ "reputation", "number", "The raw reputation (an integer)." },
	{ "reputationscore", "number", "The display score of doc/social.md (-166 to 166)." },
	{ "votingpower", "number", "Voting power now, basis points (10000 = full)." },
	{ "staked", "number", "Bonded stake, base units." },
	{ "unbonding", "number", "Stake being unbonded, base units." },
	{ "endorsementsused", "number", "Share of the endorsement budget in use, basis points." },
	{ "posts", "number", "Posts and replies written." },
	{ "followers", "number", "Accounts that follow it." },
	{ "following", "number", "Accounts it follows." },
	F_END,
};

const struct rpc_method rpc_social_methods[RPC_SOCIAL_COUNT] = {
	{
		.name = "getaccount", .fn = social_getaccount, .run = RPC_RUN_HTTP,
		.help = "Shows an account: balance, nonces, stake, reputation, voting power, "
			"profile and counts. An account that never received anything shows zeros.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_END },
		.result = "An object.", .fields = social_account_fields,
	},
	{
		.name = "getaccounthistory", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the transactions that touched an account, newest first.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){
			F_ITEMS("Objects: txid, height, index, type, sender (address), result "
				"(the receipt: ok or the reason the action failed)."),
			F_NEXT, F_END },
	},
	{
		.name = "getendorsements", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the endorsements an account received (or gave), by key.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_COUNT, P_CURSOR,
			{ "direction", RPC_TYPE_STRING, false,
			  "'received' (default) or 'given'." }, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){
			F_ITEMS("Objects: endorser (received) or subject (given), and weight "
				"(basis points, 1 to 10000)."),
			F_NEXT, F_END },
	},
	{
		.name = "getfeed", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the posts and replies of the accounts an account follows, newest first.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){ F_ITEMS("Post objects (see getpost)."),
						      F_NEXT, F_END },
	},
	{
		.name = "getfollowers", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the accounts that follow an account, by key.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){ F_ITEMS("Addresses."), F_NEXT, F_END },
	},
	{
		.name = "getfollowing", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the accounts an account follows, by key.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){ F_ITEMS("Addresses."), F_NEXT, F_END },
	},
	{
		.name = "getpost", .fn = social_getpost, .run = RPC_RUN_WORKER,
		.help = "Shows a post or reply.",
		.params = (const struct rpc_param[]){
			{ "id", RPC_TYPE_STRING, true, "The post id, 64 hex digits." }, P_END },
		.result = "An object.", .fields = social_post_fields,
	},
	{
		.name = "getposts", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the posts and replies of an author, newest first.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){ F_ITEMS("Post objects (see getpost)."),
						      F_NEXT, F_END },
	},
	{
		.name = "getreplies", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the direct replies of a post, oldest first.",
		.params = (const struct rpc_param[]){
			{ "id", RPC_TYPE_STRING, true, "The post id, 64 hex digits." },
			P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){ F_ITEMS("Post objects (see getpost)."),
						      F_NEXT, F_END },
	},
	{
		.name = "getreputation", .fn = social_getreputation, .run = RPC_RUN_HTTP,
		.help = "Shows an account's reputation: the raw value and the display score.",
		.params = (const struct rpc_param[]){ P_ACCOUNT, P_END },
		.result = "An object.",
		.fields = (const struct rpc_field[]){
			{ "address", "string", "The account's address." },
			{ "reputation", "number", "The raw reputation." },
			{ "reputationscore", "number", "The display score (-166 to 166)." },
			{ "staked", "number", "Bonded stake, which scales its votes and endorsements." },
			{ "endorsementsused", "number", "Share of its endorsement budget in use, basis points." },
			F_END },
	},
	{
		.name = "gettopaccounts", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the accounts by reputation, highest first (accounts at 0 are not listed).",
		.params = (const struct rpc_param[]){ P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){
			F_ITEMS("Objects: address, handle (or null), reputation, reputationscore."),
			F_NEXT, F_END },
	},
	{
		.name = "getvotes", .fn = social_list, .run = RPC_RUN_WORKER,
		.help = "Lists the votes on a post, by voter key.",
		.params = (const struct rpc_param[]){
			{ "id", RPC_TYPE_STRING, true, "The post id, 64 hex digits." },
			P_COUNT, P_CURSOR, P_END },
		.result = PAGE_RESULT,
		.fields = (const struct rpc_field[]){
			F_ITEMS("Objects: voter (address) and weight (basis points, -10000 to 10000)."),
			F_NEXT, F_END },
	},
};

bool rpc_social_register(struct rpc_dispatcher *d, struct rpc_social *s)
{
	return rpc_dispatcher_add(d, "social", rpc_social_methods, RPC_SOCIAL_COUNT, s);
}

void *rpc_social_snapshot_open(void *db)
{
	return ledger_query_create(db);
}

void rpc_social_snapshot_close(void *db, void *snapshot)
{
	(void)db;
	ledger_query_destroy(snapshot);
}
