/* The social area's shared pieces: the query of a request, parameter
 * parsing, and the JSON forms of accounts, posts and pages. */
#include "config.h"

#include <string.h>

#include "crypto/bech32m.h"
#include "ledger/state.h"
#include "rpc/social.h"
#include "rpc/social_internal.h"
#include "util/buf.h"
#include "util/hex.h"

bool social_q_begin(struct social_q *sq, const struct rpc_social *s, struct rpc_request *req)
{
	sq->own = false;
	sq->q = s->snapshot_is_query ? rpc_request_snapshot(req) : NULL;
	if (sq->q == NULL && s->db != NULL) {
		sq->q = ledger_query_create(s->db);
		sq->own = sq->q != NULL;
	}
	if (sq->q == NULL) {
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "the chain state is not available");
		return false;
	}
	return true;
}

void social_q_end(struct social_q *sq)
{
	if (sq->own)
		ledger_query_destroy(sq->q);
	sq->q = NULL;
	sq->own = false;
}

void social_ledger_error(struct rpc_request *req, const struct ledger_error *err)
{
	if (err->code == LEDGER_ERR_CURSOR)
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "invalid cursor: %s", err->msg);
	else
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read the chain state: %s",
				  err->msg);
}

bool social_param_account(struct rpc_request *req, struct pubkey *pk, struct ledger_query *q,
			  const char *hrp, size_t i)
{
	const char *v = rpc_param_str(req, i, "");
	memset(pk, 0, sizeof(*pk));
	if (v[0] == '@') {
		size_t len = strlen(v + 1);
		bool found = false;
		struct ledger_error err;
		if (len < TX_HANDLE_MIN || len > TX_HANDLE_MAX) {
			rpc_respond_error(req, RPC_NOT_FOUND, "unknown handle '%.64s'", v);
			return false;
		}
		if (!ledger_q_handle(q, &found, pk, &err, (const uint8_t *)v + 1, len)) {
			social_ledger_error(req, &err);
			return false;
		}
		if (!found) {
			rpc_respond_error(req, RPC_NOT_FOUND, "unknown handle '%.64s'", v);
			return false;
		}
		return true;
	}
	if (!address_decode(pk, hrp, v)) {
		rpc_respond_error(req, RPC_NOT_FOUND, "invalid address '%.100s'", v);
		return false;
	}
	return true;
}

bool social_param_hash(struct rpc_request *req, struct hash256 *h, size_t i)
{
	const char *v = rpc_param_str(req, i, "");
	if (!hex_decode_exact(h->b, sizeof(h->b), v)) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER,
				  "invalid id '%.80s' (expected 64 hex digits)", v);
		return false;
	}
	return true;
}

bool social_param_page(struct rpc_request *req, size_t *count, struct ledger_cursor *cur,
		       size_t i)
{
	int64_t c;
	memset(cur, 0, sizeof(*cur));
	if (!rpc_param_int(req, &c, i, RPC_SOCIAL_PAGE_DEFAULT, 1, LEDGER_PAGE_MAX))
		return false;
	*count = (size_t)c;
	const char *v = rpc_param_str(req, i + 1, "");
	if (!hex_decode(cur->b, sizeof(cur->b), &cur->len, v)) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER,
				  "invalid cursor (expected the 'next' of an earlier page)");
		return false;
	}
	return true;
}

json_t *social_address(const char *hrp, const struct pubkey *pk)
{
	char a[ADDRESS_MAX_LEN];
	if (!address_encode(a, hrp, pk))
		return NULL;
	return json_string(a);
}

json_t *social_hex32(const uint8_t b[32])
{
	char h[HEX_LEN(32)];
	hex_encode(h, sizeof(h), b, 32);
	return json_string(h);
}

json_t *social_uint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *social_tags(const struct ledger_post *p)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < p->ntags; i++) {
		if (json_array_append_new(a, json_stringn((const char *)p->tags[i].p,
							  p->tags[i].len)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

json_t *social_post_json(struct ledger_query *q, bool *found, struct ledger_error *err,
			 const char *hrp, const struct hash256 *id)
{
	struct ledger_post p;
	struct ledger_stats st;
	struct buf store = BUF_INIT;
	ledger_error_clear(err);
	if (!ledger_q_post(q, found, &p, &st, &store, err, id) || !*found) {
		buf_release(&store);
		return NULL;
	}
	json_t *o = json_pack("{s:o, s:o, s:o, s:s%, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			      "id", social_hex32(id->b),
			      "author", social_address(hrp, &p.author),
			      "parent", p.has_parent ? social_hex32(p.parent.b) : json_null(),
			      "body", p.body_len ? (const char *)p.body : "", p.body_len,
			      "tags", social_tags(&p),
			      "height", social_uint(p.height),
			      "time", social_uint(p.time),
			      "upvotes", social_uint(st.upvotes),
			      "downvotes", social_uint(st.downvotes),
			      "votes", social_uint(st.votes),
			      "replies", social_uint(st.replies));
	buf_release(&store);
	return o;
}

json_t *social_page_result(json_t *items, const struct ledger_page *page)
{
	json_t *next = json_null();
	if (page->more) {
		struct buf b = BUF_INIT;
		hex_append(&b, page->next.b, page->next.len);
		next = buf_ok(&b) ? json_stringn(b.len ? (const char *)b.data : "", b.len) : NULL;
		buf_release(&b);
	}
	return json_pack("{s:o, s:o}", "items", items, "next", next);
}

static json_t *social_text(const uint8_t *p, size_t len)
{
	return json_stringn(len ? (const char *)p : "", len);
}

/* Set o[key] = v (a literal key; v's reference taken). False when v is
 * NULL or memory runs out. */
static bool social_put(json_t *o, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new_nocheck(o, key, v) == 0;
}

json_t *social_account_json(struct ledger_query *q, struct ledger_error *err,
			    struct ledger_account *a, const char *hrp, const char *addr,
			    const struct pubkey *pk, uint64_t now)
{
	struct ledger_profile pr;
	ledger_error_clear(err);
	if (!ledger_q_account(q, a, err, pk) || !ledger_q_profile(q, &pr, err, pk))
		return NULL;
	/* Set one by one (json_pack parses its format and checks each key
	 * on every call; this is getaccount's hot path). A NULL value (out of
	 * memory) stops the chain, so that no later value is made. */
	json_t *o = json_object();
	bool ok = o != NULL &&
		  social_put(o, "address", addr ? json_string(addr) : social_address(hrp, pk)) &&
		  social_put(o, "handle", a->handle_len ? social_text(a->handle, a->handle_len)
							: json_null()) &&
		  social_put(o, "name", social_text(pr.name, pr.name_len)) &&
		  social_put(o, "about", social_text(pr.about, pr.about_len)) &&
		  social_put(o, "website", social_text(pr.website, pr.website_len)) &&
		  social_put(o, "balance", social_uint(a->balance)) &&
		  social_put(o, "nonce", social_uint(a->nonce)) &&
		  social_put(o, "reputation", json_integer((json_int_t)a->reputation)) &&
		  social_put(o, "reputationscore", json_integer(ledger_rep_score(a->reputation))) &&
		  social_put(o, "votingpower", social_uint(ledger_vp_now(a->vp, a->vp_time, now))) &&
		  social_put(o, "staked", social_uint(a->staked)) &&
		  social_put(o, "unbonding", social_uint(a->unbonding)) &&
		  social_put(o, "endorsementsused", social_uint(a->endorse_used)) &&
		  social_put(o, "posts", social_uint(a->posts)) &&
		  social_put(o, "followers", social_uint(a->followers)) &&
		  social_put(o, "following", social_uint(a->following));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}
