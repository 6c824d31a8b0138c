/* Helpers of the mempool tests (see test_mempool.h). */
#include "test_mempool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"

static struct seckey keys[TM_KEYS];
static struct pubkey pubs[TM_KEYS];
static bool keys_made;

bool tm_setup(void)
{
	if (keys_made)
		return true;
	for (size_t i = 0; i < TM_KEYS; i++) {
		uint8_t seed[16] = "mempool-test-k";
		seed[15] = (uint8_t)i;
		sha256(keys[i].b, seed, sizeof(seed));
		if (!key_pubkey(&pubs[i], &keys[i]))
			return false;
	}
	keys_made = true;
	return true;
}

const struct pubkey *tm_pub(size_t i)
{
	if (i >= TM_KEYS)
		abort();
	return &pubs[i];
}

static size_t key_index(const struct pubkey *pk)
{
	for (size_t i = 0; i < TM_KEYS; i++)
		if (memcmp(pubs[i].b, pk->b, PUBKEY_LEN) == 0)
			return i;
	return TM_KEYS;
}

void fake_chain_init(struct fake_chain *fc)
{
	memset(fc, 0, sizeof(*fc));
	if (!chain_id_parse(&fc->id, TM_CHAIN))
		abort();
	for (size_t i = 0; i < TM_KEYS; i++)
		fc->balance[i] = TM_BALANCE;
}

void fake_chain_refuse(struct fake_chain *fc, const struct hash256 *txid)
{
	if (fc->nrefused == TM_REFUSED_MAX)
		abort();
	fc->refused[fc->nrefused++] = *txid;
}

static bool fake_account(void *ctx, uint64_t *nonce, uint64_t *balance, const struct pubkey *who)
{
	struct fake_chain *fc = ctx;
	size_t i = key_index(who);

	if (fc->fail_account)
		return false;
	*nonce = i < TM_KEYS ? fc->nonce[i] : 0;
	*balance = i < TM_KEYS ? fc->balance[i] : 0;
	return true;
}

/* §2 rows 6 and 7 as the ledger applies them, plus a refusal list that
 * stands for any other reason the ledger may have. */
static bool fake_check(void *ctx, struct mempool_reject *why, const struct tx *tx,
		       uint64_t expected_nonce, uint64_t available)
{
	struct fake_chain *fc = ctx;

	fc->checks++;
	if (tx->nonce != expected_nonce) {
		mempool_reject_set(why, "nonce_mismatch", "nonce %llu is not %llu",
				   (unsigned long long)tx->nonce,
				   (unsigned long long)expected_nonce);
		return false;
	}
	if (tx->fee > available) {
		mempool_reject_set(why, "fee_exceeds_balance", "fee is more than the balance");
		return false;
	}
	for (size_t i = 0; i < fc->nrefused; i++)
		if (memcmp(fc->refused[i].b, tx->txid.b, 32) == 0) {
			mempool_reject_set(why, "refused", "the ledger refuses this one");
			return false;
		}
	return true;
}

bool fake_verify_sig(void *ctx, const struct tx *tx)
{
	struct fake_chain *fc = ctx;
	(void)tx;
	fc->sig_calls++;
	return fc->sig_answer;
}

void fake_chain_wire(struct mempool_chain *c, struct fake_chain *fc)
{
	memset(c, 0, sizeof(*c));
	c->ctx = fc;
	c->chain_id = fc->id;
	c->min_fee_per_byte = 1;
	c->account = fake_account;
	c->check = fake_check;
}

bool tm_open(struct tm_pool *p, size_t max_bytes, size_t cap, int64_t expiry_ms)
{
	struct mempool_options o;
	struct mempool_chain c;
	char err[128];

	if (!CHECK(tm_setup()))
		return false;
	fake_chain_init(&p->fc);
	fake_chain_wire(&c, &p->fc);
	clock_init(&p->clock);
	clock_set_mock_ms(&p->clock, TM_START_MS);
	mempool_options_default(&o);
	if (max_bytes)
		o.max_bytes = max_bytes;
	if (cap)
		o.sender_cap = cap;
	if (expiry_ms)
		o.expiry_ms = expiry_ms;
	p->mp = mempool_create(err, sizeof(err), &o, &c, &p->clock);
	if (p->mp == NULL)
		unit_note("mempool_create: %s", err);
	return CHECK(p->mp != NULL);
}

void tm_close(struct tm_pool *p)
{
	mempool_destroy(p->mp);
	p->mp = NULL;
}

void tm_make(struct tx *out, const struct tm_spec *s)
{
	static const uint8_t aux[32];
	uint8_t memo[TX_MEMO_MAX];
	enum prim_err err;

	if (s->from >= TM_KEYS || s->memo > sizeof(memo))
		abort();
	memset(memo, 'm', sizeof(memo));
	tx_init(out);
	if (!chain_id_parse(&out->chain_id, s->chain ? s->chain : TM_CHAIN))
		abort();
	out->type = TX_TRANSFER;
	out->sender = pubs[s->from];
	out->nonce = s->nonce;
	out->fee = s->fee;
	out->u.transfer.to = pubs[0];
	if (s->bad_to)
		memset(out->u.transfer.to.b, 0xff, PUBKEY_LEN); /* x >= p */
	out->u.transfer.amount = 1;
	out->u.transfer.memo.p = s->memo ? memo : NULL;
	out->u.transfer.memo.len = s->memo;
	if (!tx_sign(out, &keys[s->from], aux, &err)) {
		fprintf(stderr, "tm_make: %s\n", prim_err_name(err));
		abort();
	}
	if (s->bad_sig) {
		out->sig[0] ^= 1;
		if (!tx_seal(out, &err))
			abort();
	}
}

void tm_tx(struct tx *out, size_t from, uint64_t nonce, uint64_t fee, size_t memo)
{
	struct tm_spec s = { from, nonce, fee, memo, NULL, false, false };
	tm_make(out, &s);
}

size_t tm_size(size_t memo)
{
	struct tx tx;
	size_t n;

	tm_tx(&tx, 1, 0, 1000, memo);
	n = tx.raw_len;
	tx_release(&tx);
	return n;
}

enum mempool_err tm_add(struct tm_pool *p, const struct tx *tx)
{
	struct mempool_reject why;
	return mempool_add(p->mp, &why, NULL, tx);
}

enum mempool_err tm_add_new(struct tm_pool *p, struct tx *out, size_t from, uint64_t nonce,
			    uint64_t fee, size_t memo)
{
	struct tx tx;
	enum mempool_err r;

	tm_tx(&tx, from, nonce, fee, memo);
	r = tm_add(p, &tx);
	if (out != NULL)
		*out = tx;
	else
		tx_release(&tx);
	return r;
}

bool tm_has(const struct tm_pool *p, const struct tx *tx)
{
	return mempool_get(p->mp, NULL, &tx->txid) != NULL;
}
