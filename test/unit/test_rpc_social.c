/* Unit tests for rpc/social.c: every social method on a real ledger in a
 * temporary LevelDB (the ledger tests' chain helpers), through the
 * dispatcher as a client calls it: results, paging with cursors to the
 * end, the pending nonce from a mempool, and every rejection (-5, -8,
 * -32602). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "crypto/crypto.h"
#include "mempool/mempool.h"
#include "mempool/mempool_ledger.h"
#include "rpc/dispatch.h"
#include "rpc/social.h"
#include "rpc/social_internal.h"
#include "test_ledger.h"
#include "util/buf.h"
#include "util/hex.h"

#define GTIME UINT64_C(1600000000000)
#define BAL UINT64_C(10000000000000)
#define NKEYS 6

/* A chain with a social history and a dispatcher on it. Keys: 0 the
 * validator, 1 alice (@alice), 2 bob, 3 carol, 4 dave (follows 1 and 2),
 * 5 untouched. */
struct fx {
	struct tl t;
	struct rpc_dispatcher *d;
	struct rpc_social s;
	struct mempool *mp;
	struct clock clock;
	struct hash256 post[30];   /* alice's 25 posts, then bob's reply etc. */
	size_t nposts;
	struct hash256 reply;
	char addr[NKEYS][ADDRESS_MAX_LEN];
};

static bool fx_tx(struct fx *f, struct tx *tx)
{
	int code = tl_one(&f->t, NULL, tx);
	return code == 0;
}

static bool fx_post(struct fx *f, struct hash256 *id, size_t who, const struct hash256 *parent,
		    const char *body, const char *tag)
{
	struct tx tx;
	tl_tx(&f->t, &tx, who, TX_POST);
	tx.u.post.body.p = (const uint8_t *)body;
	tx.u.post.body.len = strlen(body);
	if (parent) {
		tx.u.post.has_parent = true;
		tx.u.post.parent = *parent;
	}
	if (tag) {
		tx.u.post.ntags = 1;
		tx.u.post.tags[0].p = (const uint8_t *)tag;
		tx.u.post.tags[0].len = strlen(tag);
	}
	if (!tl_sign(&f->t, &tx, who))
		return false;
	*id = tx.txid;
	return fx_tx(f, &tx);
}

static bool fx_simple(struct fx *f, size_t who, uint8_t type, size_t target, int64_t value,
		      const struct hash256 *post)
{
	struct tx tx;
	tl_tx(&f->t, &tx, who, type);
	switch (type) {
	case TX_FOLLOW:
		tx.u.follow.target = f->t.pk[target];
		break;
	case TX_ENDORSE:
		tx.u.endorse.subject = f->t.pk[target];
		tx.u.endorse.weight = (uint16_t)value;
		break;
	case TX_VOTE:
		tx.u.vote.post = *post;
		tx.u.vote.weight = (int16_t)value;
		break;
	case TX_STAKE:
		tx.u.stake.validator = f->t.pk[0];
		tx.u.stake.amount = (uint64_t)value;
		break;
	case TX_PROFILE:
		tx.u.profile.handle.p = (const uint8_t *)"alice";
		tx.u.profile.handle.len = 5;
		tx.u.profile.name.p = (const uint8_t *)"Alice";
		tx.u.profile.name.len = 5;
		break;
	default:
		return false;
	}
	return tl_sign(&f->t, &tx, who) && fx_tx(f, &tx);
}

static bool fx_history(struct fx *f)
{
	bool ok = fx_simple(f, 1, TX_PROFILE, 0, 0, NULL);
	for (size_t i = 0; ok && i < 25; i++) {
		char body[32];
		snprintf(body, sizeof(body), "post %zu", i);
		ok = fx_post(f, &f->post[i], 1, NULL, body, i == 0 ? "hello" : NULL);
	}
	f->nposts = 25;
	ok = ok && fx_post(f, &f->reply, 2, &f->post[0], "a reply", NULL);
	for (size_t who = 2; ok && who <= 4; who++)
		ok = fx_simple(f, who, TX_STAKE, 0, 1000000000, NULL);
	ok = ok && fx_simple(f, 2, TX_VOTE, 0, 10000, &f->post[0]);
	ok = ok && fx_simple(f, 3, TX_VOTE, 0, -5000, &f->post[0]);
	ok = ok && fx_simple(f, 2, TX_VOTE, 0, 4000, &f->post[0]); /* re-vote */
	ok = ok && fx_simple(f, 3, TX_ENDORSE, 1, 5000, NULL);
	ok = ok && fx_simple(f, 4, TX_FOLLOW, 1, 0, NULL);
	ok = ok && fx_simple(f, 4, TX_FOLLOW, 2, 0, NULL);
	return ok;
}

static bool fx_open(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	if (!tl_open(&f->t, "regtest", GTIME, NKEYS, BAL, 1000, NULL))
		return false;
	for (size_t i = 0; i < NKEYS; i++)
		if (!address_encode(f->addr[i], "rro", &f->t.pk[i]))
			return false;
	if (!fx_history(f))
		return false;
	struct mempool_chain chain;
	struct mempool_options opt;
	char err[200];
	clock_init(&f->clock);
	mempool_chain_from_ledger(&chain, f->t.l);
	mempool_options_default(&opt);
	f->mp = mempool_create(err, sizeof(err), &opt, &chain, &f->clock);
	f->d = rpc_dispatcher_create();
	f->s.db = f->t.db;
	f->s.hrp = "rro";
	f->s.snapshot_is_query = true;
	f->s.mempool = f->mp;
	if (f->mp == NULL || f->d == NULL || !rpc_social_register(f->d, &f->s))
		return false;
	rpc_dispatcher_set_snapshot(f->d, rpc_social_snapshot_open, rpc_social_snapshot_close,
				    f->t.db);
	return true;
}

static void fx_close(struct fx *f)
{
	rpc_dispatcher_destroy(f->d);
	mempool_destroy(f->mp);
	tl_close(&f->t);
}

/* Call method with params (a JSON array text). Out: *code the error code
 * (0 on success). Returns the result (owned) or NULL. */
static json_t *fx_call(struct fx *f, int *code, const char *method, const char *params)
{
	struct buf body = BUF_INIT, reply = BUF_INIT;
	int status;
	json_t *res = NULL;
	*code = 0;
	buf_printf(&body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}", method,
		   params);
	if (buf_ok(&body) && rpc_dispatch_sync(f->d, &reply, &status, body.data, body.len)) {
		json_t *doc = json_loadb((const char *)reply.data, reply.len, 0, NULL);
		json_t *err = json_object_get(doc, "error");
		if (err != NULL && json_is_object(err))
			*code = (int)json_integer_value(json_object_get(err, "code"));
		else
			res = json_incref(json_object_get(doc, "result"));
		json_decref(doc);
	} else {
		*code = 1;
	}
	buf_release(&body);
	buf_release(&reply);
	return res;
}

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void hex32(char out[65], const struct hash256 *h)
{
	hex_encode(out, 65, h->b, 32);
}

/* ------------------------------------------------------------ cases */

static void test_getaccount(void)
{
	struct fx f;
	char params[200];
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	snprintf(params, sizeof(params), "[\"%s\"]", f.addr[1]);
	json_t *a = fx_call(&f, &code, "getaccount", params);
	CHECK(code == 0 && a != NULL);
	CHECK(strcmp(jstr(a, "address"), f.addr[1]) == 0);
	CHECK(strcmp(jstr(a, "handle"), "alice") == 0);
	CHECK(strcmp(jstr(a, "name"), "Alice") == 0);
	CHECK(jint(a, "posts") == 25);
	CHECK(jint(a, "followers") == 1);
	CHECK(jint(a, "nonce") == 26);
	CHECK(jint(a, "pendingnonce") == 26);
	CHECK(jint(a, "reputation") > 0);
	CHECK(jint(a, "reputationscore") > 0);
	json_decref(a);

	/* by handle, and a fresh account: zeros and a null handle */
	a = fx_call(&f, &code, "getaccount", "[\"@alice\"]");
	CHECK(code == 0 && strcmp(jstr(a, "address"), f.addr[1]) == 0);
	json_decref(a);
	snprintf(params, sizeof(params), "[\"%s\"]", f.addr[5]);
	a = fx_call(&f, &code, "getaccount", params);
	CHECK(code == 0 && json_is_null(json_object_get(a, "handle")));
	CHECK(jint(a, "balance") == (int64_t)BAL && jint(a, "posts") == 0);
	CHECK(jint(a, "votingpower") == 10000);
	json_decref(a);

	/* a pending transaction moves pendingnonce only */
	struct tx tx;
	struct mempool_reject why;
	tl_tx(&f.t, &tx, 5, TX_FOLLOW);
	tx.u.follow.target = f.t.pk[1];
	CHECK(tl_sign(&f.t, &tx, 5));
	CHECK(mempool_add(f.mp, &why, NULL, &tx) == MEMPOOL_OK);
	tx_release(&tx);
	a = fx_call(&f, &code, "getaccount", params);
	CHECK(jint(a, "nonce") == 0 && jint(a, "pendingnonce") == 1);
	json_decref(a);
	fx_close(&f);
}

/* The account object a thread keeps (social_json.c) is filled again only
 * once no reply holds it, and every field is rewritten: a held object keeps
 * its values, the handle turns from a string to null and back. */
static void test_account_object_reuse(void)
{
	struct fx f;
	struct ledger_error err;
	struct ledger_account a;
	if (!CHECK(fx_open(&f)))
		return;
	struct ledger_query *q = rpc_social_snapshot_open(f.t.db);
	json_t *held = social_account_json(q, &err, &a, "rro", NULL, &f.t.pk[1], GTIME, 0);
	CHECK(held != NULL && strcmp(jstr(held, "handle"), "alice") == 0);
	CHECK(strcmp(jstr(held, "address"), f.addr[1]) == 0 && jint(held, "pendingnonce") == 26);
	json_t *other = social_account_json(q, &err, &a, "rro", f.addr[5], &f.t.pk[5], GTIME, 7);
	CHECK(other != NULL && other != held);
	CHECK(json_is_null(json_object_get(other, "handle")) && jint(other, "pendingnonce") == 7);
	CHECK(strcmp(jstr(other, "name"), "") == 0 && jint(other, "posts") == 0);
	CHECK(strcmp(jstr(held, "handle"), "alice") == 0 && jint(held, "posts") == 25);
	CHECK(strcmp(jstr(held, "name"), "Alice") == 0 && json_object_size(held) == 17);
	json_decref(held);
	json_decref(other);
	/* other is kept and free: filled again, in place */
	json_t *again = social_account_json(q, &err, &a, "rro", NULL, &f.t.pk[1], GTIME, 30);
	CHECK(again == other);
	CHECK(strcmp(jstr(again, "handle"), "alice") == 0 && strcmp(jstr(again, "name"), "Alice") == 0);
	CHECK(jint(again, "posts") == 25 && jint(again, "pendingnonce") == 30);
	CHECK(json_object_size(again) == 17);
	json_decref(again);
	again = social_account_json(q, &err, &a, "rro", f.addr[5], &f.t.pk[5], GTIME, 0);
	CHECK(again == other && json_is_null(json_object_get(again, "handle")));
	CHECK(strcmp(jstr(again, "name"), "") == 0 && jint(again, "followers") == 0);
	CHECK(strcmp(jstr(again, "address"), f.addr[5]) == 0);
	json_decref(again);
	rpc_social_snapshot_close(f.t.db, q);
	fx_close(&f);
}

/* A thread's kept object is freed when the thread ends (a leak here is
 * reported under LeakSanitizer). */
struct reuse_thread {
	struct fx *f;
	bool ok;
};

static void *reuse_thread_main(void *arg)
{
	struct reuse_thread *t = arg;
	struct ledger_error err;
	struct ledger_account a;
	struct ledger_query *q = rpc_social_snapshot_open(t->f->t.db);
	json_t *o = q ? social_account_json(q, &err, &a, "rro", NULL, &t->f->t.pk[2], GTIME, 0) : NULL;
	t->ok = o != NULL && strcmp(jstr(o, "address"), t->f->addr[2]) == 0;
	json_decref(o);
	if (q)
		rpc_social_snapshot_close(t->f->t.db, q);
	return NULL;
}

static void test_account_object_thread(void)
{
	struct fx f;
	pthread_t th;
	if (!CHECK(fx_open(&f)))
		return;
	struct reuse_thread t = { .f = &f, .ok = false };
	if (CHECK(pthread_create(&th, NULL, reuse_thread_main, &t) == 0))
		CHECK(pthread_join(th, NULL) == 0 && t.ok);
	fx_close(&f);
}

/* Every rejection of the account and id parameters. */
static void test_bad_arguments(void)
{
	static const struct { const char *method, *params; int code; } cases[] = {
		{ "getaccount", "[]", RPC_INVALID_PARAMS },
		{ "getaccount", "[5]", RPC_INVALID_PARAMS },
		{ "getaccount", "[\"rro1notanaddress\"]", RPC_NOT_FOUND },
		{ "getaccount", "[\"@nobody\"]", RPC_NOT_FOUND },
		{ "getaccount", "[\"@x\"]", RPC_NOT_FOUND },
		{ "getaccount", "[\"@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]", RPC_NOT_FOUND },
		{ "getreputation", "[\"tro1abc\"]", RPC_NOT_FOUND },
		{ "getpost", "[\"zz\"]", RPC_INVALID_PARAMETER },
		{ "getpost", "[\"00000000000000000000000000000000000000000000000000000000000000\"]",
		  RPC_INVALID_PARAMETER },
		{ "getpost", "[\"0000000000000000000000000000000000000000000000000000000000000000\"]",
		  RPC_NOT_FOUND },
		{ "getreplies", "[\"0000000000000000000000000000000000000000000000000000000000000000\"]",
		  RPC_NOT_FOUND },
		{ "getvotes", "[\"0000000000000000000000000000000000000000000000000000000000000000\"]",
		  RPC_NOT_FOUND },
		{ "getvotes", "[\"nothex\"]", RPC_INVALID_PARAMETER },
		{ "getposts", "[\"@alice\", 0]", RPC_INVALID_PARAMETER },
		{ "getposts", "[\"@alice\", 101]", RPC_INVALID_PARAMETER },
		{ "getposts", "[\"@alice\", 5, \"xyz\"]", RPC_INVALID_PARAMETER },
		{ "getposts", "[\"@alice\", 5, \"0011\"]", RPC_INVALID_PARAMETER },
		{ "getposts", "[\"@alice\", \"5\"]", RPC_INVALID_PARAMS },
		{ "getfeed", "[\"@nobody\"]", RPC_NOT_FOUND },
		{ "getfollowers", "[\"bad\"]", RPC_NOT_FOUND },
		{ "getfollowing", "[\"bad\"]", RPC_NOT_FOUND },
		{ "getaccounthistory", "[\"bad\"]", RPC_NOT_FOUND },
		{ "getendorsements", "[\"@alice\", 5, null, \"sideways\"]", RPC_INVALID_PARAMETER },
		{ "getendorsements", "[\"bad\"]", RPC_NOT_FOUND },
		{ "gettopaccounts", "[1000]", RPC_INVALID_PARAMETER },
		{ "gettopaccounts", "[5, \"ff\"]", RPC_INVALID_PARAMETER },
	};
	struct fx f;
	if (!CHECK(fx_open(&f)))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int code;
		json_t *r = fx_call(&f, &code, cases[i].method, cases[i].params);
		if (!CHECK(code == cases[i].code && r == NULL))
			unit_note("case %zu: %s %s gave %d", i, cases[i].method, cases[i].params,
				  code);
		json_decref(r);
	}
	fx_close(&f);
}

static void test_getpost(void)
{
	struct fx f;
	char params[200], id[65], parent[65];
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	hex32(id, &f.post[0]);
	snprintf(params, sizeof(params), "[\"%s\"]", id);
	json_t *p = fx_call(&f, &code, "getpost", params);
	CHECK(code == 0 && strcmp(jstr(p, "id"), id) == 0);
	CHECK(strcmp(jstr(p, "author"), f.addr[1]) == 0);
	CHECK(strcmp(jstr(p, "body"), "post 0") == 0);
	CHECK(json_is_null(json_object_get(p, "parent")));
	CHECK(json_array_size(json_object_get(p, "tags")) == 1);
	CHECK(strcmp(json_string_value(json_array_get(json_object_get(p, "tags"), 0)), "hello") == 0);
	CHECK(jint(p, "votes") == 2 && jint(p, "replies") == 1);
	CHECK(jint(p, "upvotes") == 4000 && jint(p, "downvotes") == 5000);
	CHECK(jint(p, "height") >= 2 && jint(p, "time") > (int64_t)GTIME);
	json_decref(p);
	hex32(parent, &f.reply);
	snprintf(params, sizeof(params), "[\"%s\"]", parent);
	p = fx_call(&f, &code, "getpost", params);
	CHECK(code == 0 && strcmp(jstr(p, "parent"), id) == 0);
	json_decref(p);
	fx_close(&f);
}

/* Page through alice's 25 posts 7 at a time: newest first, no gaps. */
static void test_paging(void)
{
	struct fx f;
	char params[400];
	char cursor[2 * LEDGER_KEY_MAX + 1] = "";
	size_t seen = 0, pages = 0;
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	for (;;) {
		if (cursor[0])
			snprintf(params, sizeof(params), "[\"%s\", 7, \"%s\"]", f.addr[1], cursor);
		else
			snprintf(params, sizeof(params), "[\"%s\", 7]", f.addr[1]);
		json_t *r = fx_call(&f, &code, "getposts", params);
		if (!CHECK(code == 0 && r != NULL))
			break;
		json_t *items = json_object_get(r, "items");
		for (size_t i = 0; i < json_array_size(items); i++) {
			char want[65];
			hex32(want, &f.post[24 - seen]);
			CHECK(strcmp(jstr(json_array_get(items, i), "id"), want) == 0);
			seen++;
		}
		pages++;
		const char *next = json_string_value(json_object_get(r, "next"));
		bool more = next != NULL;
		if (more)
			snprintf(cursor, sizeof(cursor), "%s", next);
		json_decref(r);
		if (!more || pages > 10)
			break;
	}
	CHECK(seen == 25 && pages == 4);
	fx_close(&f);
}

static void test_lists(void)
{
	struct fx f;
	char params[200], id[65];
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	hex32(id, &f.post[0]);

	snprintf(params, sizeof(params), "[\"%s\"]", id);
	json_t *r = fx_call(&f, &code, "getreplies", params);
	json_t *items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 1 &&
	      strcmp(jstr(json_array_get(items, 0), "author"), f.addr[2]) == 0);
	CHECK(json_is_null(json_object_get(r, "next")));
	json_decref(r);

	r = fx_call(&f, &code, "getvotes", params);
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 2);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *v = json_array_get(items, i);
		bool bob = strcmp(jstr(v, "voter"), f.addr[2]) == 0;
		CHECK(jint(v, "weight") == (bob ? 4000 : -5000));
	}
	json_decref(r);

	/* dave's feed: bob's reply is the newest, then alice's posts */
	snprintf(params, sizeof(params), "[\"%s\", 3]", f.addr[4]);
	r = fx_call(&f, &code, "getfeed", params);
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 3);
	CHECK(strcmp(jstr(json_array_get(items, 0), "author"), f.addr[2]) == 0);
	CHECK(strcmp(jstr(json_array_get(items, 1), "body"), "post 24") == 0);
	CHECK(json_is_string(json_object_get(r, "next")));
	json_decref(r);

	r = fx_call(&f, &code, "getfollowing", params);
	CHECK(code == 0 && json_array_size(json_object_get(r, "items")) == 2);
	json_decref(r);
	r = fx_call(&f, &code, "getfollowers", "[\"@alice\"]");
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 1 &&
	      strcmp(json_string_value(json_array_get(items, 0)), f.addr[4]) == 0);
	json_decref(r);

	r = fx_call(&f, &code, "getendorsements", "[\"@alice\"]");
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 1 &&
	      strcmp(jstr(json_array_get(items, 0), "endorser"), f.addr[3]) == 0 &&
	      jint(json_array_get(items, 0), "weight") == 5000);
	json_decref(r);
	snprintf(params, sizeof(params), "[\"%s\", 20, null, \"given\"]", f.addr[3]);
	r = fx_call(&f, &code, "getendorsements", params);
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 1 &&
	      strcmp(jstr(json_array_get(items, 0), "subject"), f.addr[1]) == 0);
	json_decref(r);

	r = fx_call(&f, &code, "gettopaccounts", "[]");
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) >= 1 &&
	      strcmp(jstr(json_array_get(items, 0), "handle"), "alice") == 0);
	json_decref(r);

	r = fx_call(&f, &code, "getreputation", "[\"@alice\"]");
	CHECK(code == 0 && jint(r, "reputation") > 0 && jint(r, "reputationscore") > 0);
	json_decref(r);

	/* history: newest first, with types and results */
	snprintf(params, sizeof(params), "[\"%s\", 2]", f.addr[2]);
	r = fx_call(&f, &code, "getaccounthistory", params);
	items = json_object_get(r, "items");
	CHECK(code == 0 && json_array_size(items) == 2);
	/* dave's follow of bob touched bob last; before it, bob's re-vote */
	CHECK(strcmp(jstr(json_array_get(items, 0), "type"), "follow") == 0);
	CHECK(strcmp(jstr(json_array_get(items, 0), "sender"), f.addr[4]) == 0);
	CHECK(strcmp(jstr(json_array_get(items, 1), "type"), "vote") == 0);
	CHECK(strcmp(jstr(json_array_get(items, 1), "result"), "ok") == 0);
	CHECK(strcmp(jstr(json_array_get(items, 1), "sender"), f.addr[2]) == 0);
	json_decref(r);
	fx_close(&f);
}

/* Without snapshot hooks each call opens its own query. */
static void test_no_hooks(void)
{
	struct fx f;
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	struct rpc_dispatcher *d = rpc_dispatcher_create();
	struct rpc_social s = f.s;
	s.snapshot_is_query = false;
	s.mempool = NULL;
	CHECK(d != NULL && rpc_social_register(d, &s));
	struct rpc_dispatcher *keep = f.d;
	f.d = d;
	json_t *r = fx_call(&f, &code, "getaccount", "[\"@alice\"]");
	CHECK(code == 0 && jint(r, "pendingnonce") == 26);
	json_decref(r);
	s.db = NULL;
	r = fx_call(&f, &code, "getpost",
		    "[\"0000000000000000000000000000000000000000000000000000000000000000\"]");
	CHECK(code == RPC_INTERNAL_ERROR && r == NULL);
	f.d = keep;
	rpc_dispatcher_destroy(d);
	fx_close(&f);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_getaccount),
	UNIT_CASE(test_account_object_reuse),
	UNIT_CASE(test_account_object_thread),
	UNIT_CASE(test_bad_arguments),
	UNIT_CASE(test_getpost),
	UNIT_CASE(test_paging),
	UNIT_CASE(test_lists),
	UNIT_CASE(test_no_hooks),
};

int main(void)
{
	if (!crypto_init()) {
		fprintf(stderr, "crypto_init failed\n");
		return 1;
	}
	return unit_run(cases, UNIT_COUNT(cases));
}
