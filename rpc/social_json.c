/* The social area's shared pieces: the query of a request, parameter
 * parsing, and the JSON forms of accounts, posts and pages. */
#include "config.h"

#include <string.h>

#include "crypto/bech32m.h"
#include "ledger/state.h"
#include "rpc/kept.h"
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

/* Set o[key] = v (a literal key; v's reference taken). False when v is
 * NULL or memory runs out. */
static bool social_put(json_t *o, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new_nocheck(o, key, v) == 0;
}

/* getaccount's fields in the reply's order: the text fields, then the
 * integers (social_account_fill keeps this order). */
enum { SOCIAL_ACCOUNT_TEXTS = 5, SOCIAL_ACCOUNT_INTS = 12 };
static const char *const social_account_keys[SOCIAL_ACCOUNT_TEXTS + SOCIAL_ACCOUNT_INTS] = {
	"address", "handle", "name", "about", "website",
	"balance", "nonce", "reputation", "reputationscore", "votingpower", "staked",
	"unbonding", "endorsementsused", "posts", "followers", "following", "pendingnonce",
};

/* An account object with every key and a placeholder value of its type. */
static json_t *social_account_new(void)
{
	json_t *o = json_object();
	for (size_t i = 0; o != NULL && i < SOCIAL_ACCOUNT_TEXTS + SOCIAL_ACCOUNT_INTS; i++) {
		if (!social_put(o, social_account_keys[i],
				i < SOCIAL_ACCOUNT_TEXTS ? json_string("") : json_integer(0))) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

/* Set the value at it to text (NULL: JSON null), in place when it is a
 * string already. False when out of memory or not UTF-8. */
static bool social_account_text(json_t *o, void *it, const uint8_t *p, size_t len, bool null)
{
	json_t *v = json_object_iter_value(it);
	if (null)
		return json_is_null(v) || json_object_iter_set_new(o, it, json_null()) == 0;
	const char *t = len ? (const char *)p : "";
	if (json_is_string(v)) {
		/* The same text (an empty profile field, mostly): nothing to do,
		 * where jansson would check it, copy it and free the old one. */
		if (json_string_length(v) == len && memcmp(json_string_value(v), t, len) == 0)
			return true;
		return json_string_setn(v, t, len) == 0;
	}
	json_t *nv = json_stringn(t, len);
	return nv != NULL && json_object_iter_set_new(o, it, nv) == 0;
}

/* Write the account's values into o (made by social_account_new), in
 * place: no key is added and no integer allocated. */
static bool social_account_fill(json_t *o, const char *addr, const struct ledger_account *a,
				const struct ledger_profile *pr, uint64_t now, uint64_t pending)
{
	const struct { const uint8_t *p; size_t len; } text[SOCIAL_ACCOUNT_TEXTS] = {
		{ (const uint8_t *)addr, strlen(addr) },
		{ a->handle, a->handle_len },
		{ pr->name, pr->name_len },
		{ pr->about, pr->about_len },
		{ pr->website, pr->website_len },
	};
	const json_int_t num[SOCIAL_ACCOUNT_INTS] = {
		(json_int_t)a->balance, (json_int_t)a->nonce, (json_int_t)a->reputation,
		ledger_rep_score(a->reputation), ledger_vp_now(a->vp, a->vp_time, now),
		(json_int_t)a->staked, (json_int_t)a->unbonding, (json_int_t)a->endorse_used,
		(json_int_t)a->posts, (json_int_t)a->followers, (json_int_t)a->following,
		(json_int_t)pending,
	};
	void *it = json_object_iter(o);
	bool ok = true;
	for (size_t i = 0; i < SOCIAL_ACCOUNT_TEXTS && ok; i++, it = json_object_iter_next(o, it))
		ok = social_account_text(o, it, text[i].p, text[i].len, i == 1 && a->handle_len == 0);
	for (size_t i = 0; i < SOCIAL_ACCOUNT_INTS && ok; i++, it = json_object_iter_next(o, it))
		ok = json_integer_set(json_object_iter_value(it), num[i]) == 0;
	return ok;
}

/* An account object for the caller (its reference): the one this thread
 * keeps (rpc/kept.h) when no reply holds it any more, else a new one, then
 * kept. Filled in place, getaccount allocates no JSON value but its
 * strings. NULL when out of memory. */
static json_t *social_account_object(void)
{
	json_t *o = rpc_kept_get(RPC_KEPT_ACCOUNT);
	if (o == NULL) {
		o = social_account_new();
		if (o != NULL)
			rpc_kept_set(RPC_KEPT_ACCOUNT, o);
	}
	return o;
}

json_t *social_account_json(struct ledger_query *q, struct ledger_error *err,
			    struct ledger_account *a, const char *hrp, const char *addr,
			    const struct pubkey *pk, uint64_t now, uint64_t pending)
{
	struct ledger_profile pr;
	char encoded[ADDRESS_MAX_LEN];
	ledger_error_clear(err);
	if (!ledger_q_account(q, a, err, pk) || !ledger_q_profile(q, &pr, err, pk))
		return NULL;
	if (addr == NULL) {
		if (!address_encode(encoded, hrp, pk))
			return NULL;
		addr = encoded;
	}
	if (pending < a->nonce)
		pending = a->nonce;
	json_t *o = social_account_object();
	if (o != NULL && !social_account_fill(o, addr, a, &pr, now, pending)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}
