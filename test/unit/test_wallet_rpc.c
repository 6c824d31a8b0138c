/* Unit tests for rpc/wallet.c: every wallet method on a real ledger and
 * mempool, through the dispatcher: keys and balances, each action's
 * transaction as the chain sees it once in a block, nonces while
 * transactions are pending, rebroadcast into a fresh mempool, and every
 * rejection (-5, -8, -26, -32602). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "crypto/crypto.h"
#include "mempool/mempool.h"
#include "mempool/mempool_ledger.h"
#include "rpc/dispatch.h"
#include "rpc/social.h"
#include "rpc/wallet.h"
#include "test_ledger.h"
#include "util/buf.h"
#include "util/hex.h"
#include "wallet/wallet.h"

#define GTIME UINT64_C(1600000000000)
#define BAL UINT64_C(10000000000000)

/* Keys: 0 the validator, 1 in the wallet, 2 and 3 outside it. */
struct fx {
	struct tl t;
	char wdir[400];
	struct wallet *w;
	struct mempool *mp;
	struct clock clock;
	struct rpc_dispatcher *d;
	struct rpc_wallet rw;
	struct rpc_social rs;
	char addr[4][ADDRESS_MAX_LEN];
};

static bool fx_mempool(struct fx *f)
{
	struct mempool_chain chain;
	struct mempool_options opt;
	char err[200];
	mempool_chain_from_ledger(&chain, f->t.l);
	mempool_options_default(&opt);
	f->mp = mempool_create(err, sizeof(err), &opt, &chain, &f->clock);
	f->rw.mempool = f->mp;
	f->rs.mempool = f->mp;
	return f->mp != NULL;
}

static bool fx_open(struct fx *f)
{
	char err[200];
	memset(f, 0, sizeof(*f));
	clock_init(&f->clock);
	if (!tl_open(&f->t, "regtest", GTIME, 4, BAL, 1000, NULL))
		return false;
	for (size_t i = 0; i < 4; i++)
		if (!address_encode(f->addr[i], "rro", &f->t.pk[i]))
			return false;
	snprintf(f->wdir, sizeof(f->wdir), "%s/wallet", f->t.dir);
	f->w = wallet_open(err, sizeof(err), f->wdir, NULL);
	if (f->w == NULL || !wallet_import(f->w, NULL, err, sizeof(err), &f->t.sk[1]))
		return false;
	f->rw = (struct rpc_wallet){ .wallet = f->w, .ledger = f->t.l, .hrp = "rro" };
	f->rs = (struct rpc_social){ .db = f->t.db, .hrp = "rro" };
	f->d = rpc_dispatcher_create();
	return fx_mempool(f) && f->d != NULL && rpc_wallet_register(f->d, &f->rw) &&
	       rpc_social_register(f->d, &f->rs);
}

static void fx_close(struct fx *f)
{
	rpc_dispatcher_destroy(f->d);
	mempool_destroy(f->mp);
	wallet_close(f->w);
	tl_close(&f->t);
}

static json_t *fx_call(struct fx *f, int *code, const char *method, const char *params)
{
	struct buf body = BUF_INIT, reply = BUF_INIT;
	int status;
	json_t *res = NULL;
	*code = 0;
	buf_printf(&body, "{\"id\":1,\"method\":\"%s\",\"params\":%s}", method, params);
	if (buf_ok(&body) && rpc_dispatch_sync(f->d, &reply, &status, body.data, body.len)) {
		json_t *doc = json_loadb((const char *)reply.data, reply.len, 0, NULL);
		json_t *err = json_object_get(doc, "error");
		if (err != NULL && json_is_object(err)) {
			*code = (int)json_integer_value(json_object_get(err, "code"));
			unit_note("%s: %s", method, json_string_value(json_object_get(err, "message")));
		} else {
			res = json_incref(json_object_get(doc, "result"));
		}
		json_decref(doc);
	} else {
		*code = 1;
	}
	buf_release(&body);
	buf_release(&reply);
	return res;
}

/* Call and return the txid string (copied into out). */
static bool fx_send(struct fx *f, char out[65], const char *method, const char *params)
{
	int code;
	json_t *r = fx_call(f, &code, method, params);
	bool ok = code == 0 && json_is_string(r) && strlen(json_string_value(r)) == 64;
	if (ok && out != NULL)
		snprintf(out, 65, "%s", json_string_value(r));
	json_decref(r);
	return ok;
}

/* Put the whole mempool in a block and commit it; codes of the receipts. */
static bool fx_mine(struct fx *f, uint16_t *codes)
{
	const struct tx *txs[64];
	struct tx copy[64];
	size_t n;
	struct ledger_error err;
	if (!mempool_build(f->mp, txs, &n, 64, 1 << 20))
		return false;
	for (size_t i = 0; i < n; i++)
		copy[i] = *txs[i];
	bool ok = tl_block(&f->t, &err, codes, copy, n);
	mempool_revalidate(f->mp);
	return ok;
}

static int64_t acct_int(struct fx *f, const char *who, const char *field)
{
	char params[200];
	int code;
	snprintf(params, sizeof(params), "[\"%s\"]", who);
	json_t *a = fx_call(f, &code, "getaccount", params);
	int64_t v = json_integer_value(json_object_get(a, field));
	json_decref(a);
	return code == 0 ? v : -1;
}

static void test_keys_and_balance(void)
{
	struct fx f;
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	json_t *r = fx_call(&f, &code, "getbalance", "[]");
	CHECK(code == 0 && json_integer_value(r) == (json_int_t)BAL);
	json_decref(r);
	r = fx_call(&f, &code, "getnewaddress", "[]");
	CHECK(code == 0 && json_is_string(r) && strncmp(json_string_value(r), "rro1", 4) == 0);
	char fresh[ADDRESS_MAX_LEN];
	snprintf(fresh, sizeof(fresh), "%s", json_string_value(r));
	json_decref(r);
	r = fx_call(&f, &code, "listaddresses", "[]");
	CHECK(code == 0 && json_array_size(r) == 2);
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(r, 0), "address")),
		     f.addr[1]) == 0);
	CHECK(json_integer_value(json_object_get(json_array_get(r, 1), "balance")) == 0);
	json_decref(r);
	char params[200];
	snprintf(params, sizeof(params), "[\"%s\"]", fresh);
	r = fx_call(&f, &code, "getbalance", params);
	CHECK(code == 0 && json_integer_value(r) == 0);
	json_decref(r);
	fx_close(&f);
}

/* Every action, pending then in a block, and what the chain shows. */
static void test_actions(void)
{
	struct fx f;
	char params[400], post[65], reply[65];
	uint16_t codes[64];
	if (!CHECK(fx_open(&f)))
		return;
	CHECK(fx_send(&f, NULL, "setprofile", "[\"alice\", \"Alice\", \"hi\", \"https://a.example\"]"));
	CHECK(fx_send(&f, post, "post", "[\"hello world\", null, [\"zeta\", \"alpha\"]]"));
	/* three pending: the nonces follow each other */
	CHECK(acct_int(&f, f.addr[1], "nonce") == 0 && acct_int(&f, f.addr[1], "pendingnonce") == 2);
	snprintf(params, sizeof(params), "[\"%s\", 500000, \"rent\"]", f.addr[2]);
	CHECK(fx_send(&f, NULL, "sendtoaddress", params));
	snprintf(params, sizeof(params), "[\"%s\"]", f.addr[2]);
	CHECK(fx_send(&f, NULL, "follow", params));
	snprintf(params, sizeof(params), "[\"%s\", 1000000000]", f.addr[0]);
	CHECK(fx_send(&f, NULL, "stake", params));
	CHECK(mempool_count(f.mp) == 5);
	CHECK(fx_mine(&f, codes));
	for (size_t i = 0; i < 5; i++)
		CHECK(codes[i] == 0);
	CHECK(mempool_count(f.mp) == 0);
	CHECK(acct_int(&f, "@alice", "nonce") == 5 && acct_int(&f, "@alice", "pendingnonce") == 5);
	CHECK(acct_int(&f, "@alice", "following") == 1);
	CHECK(acct_int(&f, "@alice", "staked") == 1000000000);
	CHECK(acct_int(&f, f.addr[2], "balance") == (int64_t)BAL + 500000);

	/* the post with its sorted tags, a reply, a vote, an endorsement */
	int code;
	snprintf(params, sizeof(params), "[\"%s\"]", post);
	json_t *p = fx_call(&f, &code, "getpost", params);
	CHECK(code == 0 && strcmp(json_string_value(json_object_get(p, "body")), "hello world") == 0);
	CHECK(strcmp(json_string_value(json_array_get(json_object_get(p, "tags"), 0)), "alpha") == 0);
	json_decref(p);
	snprintf(params, sizeof(params), "[\"a reply\", \"%s\"]", post);
	CHECK(fx_send(&f, reply, "post", params));
	snprintf(params, sizeof(params), "[\"%s\", -3000]", post);
	CHECK(fx_send(&f, NULL, "vote", params));
	snprintf(params, sizeof(params), "[\"%s\", 2500]", f.addr[2]);
	CHECK(fx_send(&f, NULL, "endorse", params));
	snprintf(params, sizeof(params), "[\"%s\"]", f.addr[2]);
	CHECK(fx_send(&f, NULL, "unfollow", params));
	snprintf(params, sizeof(params), "[\"%s\", 1000]", f.addr[0]);
	CHECK(fx_send(&f, NULL, "unstake", params));
	CHECK(fx_mine(&f, codes));
	for (size_t i = 0; i < 5; i++)
		CHECK(codes[i] == 0);
	snprintf(params, sizeof(params), "[\"%s\"]", reply);
	p = fx_call(&f, &code, "getpost", params);
	CHECK(code == 0 && strcmp(json_string_value(json_object_get(p, "parent")), post) == 0);
	json_decref(p);
	CHECK(acct_int(&f, "@alice", "following") == 0);
	CHECK(acct_int(&f, f.addr[2], "reputation") > 0);
	fx_close(&f);
}

static void test_rejections(void)
{
	static const struct { const char *method, *params; int code; } cases[] = {
		{ "post", "[]", RPC_INVALID_PARAMS },
		{ "post", "[\"\"]", RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", \"nothex\"]", RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", null, [\"Bad Tag\"]]", RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", null, [\"a\", \"a\"]]", RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", null, [1]]", RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", null, [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]]",
		  RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", null, null, \"rro1bad\"]", RPC_NOT_FOUND },
		{ "post", "[\"x\", null, null, null, -1]", RPC_INVALID_PARAMETER },
		{ "post", "[\"x\", null, null, null, 1]", RPC_VERIFY_REJECTED },
		{ "vote", "[\"00\", 5]", RPC_INVALID_PARAMETER },
		{ "vote", "[\"0000000000000000000000000000000000000000000000000000000000000000\", 10001]",
		  RPC_INVALID_PARAMETER },
		{ "endorse", "[\"@nobody\", 5]", RPC_NOT_FOUND },
		{ "endorse", "[\"bad\", 5]", RPC_NOT_FOUND },
		{ "follow", "[\"bad\"]", RPC_NOT_FOUND },
		{ "unfollow", "[]", RPC_INVALID_PARAMS },
		{ "setprofile", "[\"X\"]", RPC_INVALID_PARAMETER },
		{ "setprofile", "[\"ab\"]", RPC_INVALID_PARAMETER },
		{ "sendtoaddress", "[\"bad\", 5]", RPC_NOT_FOUND },
		{ "stake", "[\"bad\", 5]", RPC_NOT_FOUND },
		{ "unstake", "[\"bad\", 5]", RPC_NOT_FOUND },
		{ "getbalance", "[\"bad\"]", RPC_NOT_FOUND },
		{ "getnewaddress", "[1]", RPC_INVALID_PARAMS },
	};
	struct fx f;
	char params[300];
	int code;
	if (!CHECK(fx_open(&f)))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *r = fx_call(&f, &code, cases[i].method, cases[i].params);
		if (!CHECK(code == cases[i].code && r == NULL))
			unit_note("case %zu: %s %s gave %d", i, cases[i].method, cases[i].params,
				  code);
		json_decref(r);
	}
	/* amounts out of range, a sender outside the wallet, an unfunded one */
	snprintf(params, sizeof(params), "[\"%s\", 0]", f.addr[2]);
	CHECK(fx_call(&f, &code, "sendtoaddress", params) == NULL && code == RPC_INVALID_PARAMETER);
	snprintf(params, sizeof(params), "[\"x\", null, null, \"%s\"]", f.addr[2]);
	CHECK(fx_call(&f, &code, "post", params) == NULL && code == RPC_NOT_FOUND);
	snprintf(params, sizeof(params), "[\"%s\"]", f.addr[2]);
	CHECK(fx_call(&f, &code, "getbalance", params) == NULL && code == RPC_NOT_FOUND);
	json_t *fresh = fx_call(&f, &code, "getnewaddress", "[]");
	snprintf(params, sizeof(params), "[\"x\", null, null, \"%s\"]", json_string_value(fresh));
	CHECK(fx_call(&f, &code, "post", params) == NULL && code == RPC_VERIFY_REJECTED);
	json_decref(fresh);
	CHECK(mempool_count(f.mp) == 0);
	fx_close(&f);

	/* an empty wallet has nothing to send from */
	if (!CHECK(fx_open(&f)))
		return;
	wallet_close(f.w);
	char err[200];
	snprintf(f.wdir, sizeof(f.wdir), "%s/wallet2", f.t.dir);
	f.w = f.rw.wallet = wallet_open(err, sizeof(err), f.wdir, NULL);
	CHECK(fx_call(&f, &code, "post", "[\"x\"]") == NULL && code == RPC_INVALID_PARAMETER);
	fx_close(&f);
}

/* A restart that lost the mempool: the wallet's record brings its pending
 * transactions back; those a block included are dropped from it. */
static void test_rebroadcast(void)
{
	struct fx f;
	char err[200];
	uint16_t codes[64];
	size_t n, readmitted = 0;
	if (!CHECK(fx_open(&f)))
		return;
	CHECK(fx_send(&f, NULL, "post", "[\"one\"]"));
	CHECK(fx_mine(&f, codes));
	CHECK(fx_send(&f, NULL, "post", "[\"two\"]"));
	CHECK(fx_send(&f, NULL, "post", "[\"three\"]"));
	wallet_txs(f.w, &n);
	CHECK(n == 2 || n == 3);

	mempool_destroy(f.mp);
	wallet_close(f.w);
	CHECK(fx_mempool(&f));
	f.w = f.rw.wallet = wallet_open(err, sizeof(err), f.wdir, NULL);
	CHECK(f.w != NULL && rpc_wallet_rebroadcast(&f.rw, &readmitted, err, sizeof(err)));
	CHECK(readmitted == 2 && mempool_count(f.mp) == 2);
	wallet_txs(f.w, &n);
	CHECK(n == 2);
	CHECK(acct_int(&f, f.addr[1], "pendingnonce") == 3);
	/* again: already pending, kept, nothing new */
	CHECK(rpc_wallet_rebroadcast(&f.rw, &readmitted, err, sizeof(err)) && readmitted == 0);
	wallet_txs(f.w, &n);
	CHECK(n == 2);
	/* once mined, a new send prunes them, and a rebroadcast drops them */
	CHECK(fx_mine(&f, codes));
	CHECK(rpc_wallet_rebroadcast(&f.rw, &readmitted, err, sizeof(err)) && readmitted == 0);
	wallet_txs(f.w, &n);
	CHECK(n == 0);
	fx_close(&f);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_keys_and_balance),
	UNIT_CASE(test_actions),
	UNIT_CASE(test_rejections),
	UNIT_CASE(test_rebroadcast),
};

int main(void)
{
	if (!crypto_init()) {
		fprintf(stderr, "crypto_init failed\n");
		return 1;
	}
	return unit_run(cases, UNIT_COUNT(cases));
}
