/* The mempool against a brute-force model: thousands of random
 * admissions (appends, replacements, gaps, stale nonces, low fees, bad
 * signatures, duplicates), blocks built and committed to the fake chain
 * (with conflicting nonces, balance changes and refusals), revalidation,
 * expiry and save/load, comparing after every step the pool's contents,
 * each sender's run, pendingnonce, the result codes and the blocks built.
 *
 * The model keeps a flat array and recomputes everything by scanning and
 * sorting, straight from the rules of doc/mempool.md; it shares nothing
 * with the implementation but the fake chain and the transactions. */
#include "test_mempool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define M_MAX 128
#define M_BYTES 8192
#define M_CAP 5
#define M_EXPIRY 20000
#define M_SENDERS 9 /* accounts 1..9 */

struct m_entry {
	struct tx tx;
	int64_t time;
	size_t from;
	bool mark;
};

struct model {
	struct m_entry e[M_MAX];
	size_t n;
};

static size_t m_from(const struct tx *tx)
{
	for (size_t i = 1; i <= M_SENDERS; i++)
		if (memcmp(tm_pub(i)->b, tx->sender.b, PUBKEY_LEN) == 0)
			return i;
	abort();
}

/* doc/social.md §1.4, written out again: < 0 when a ranks first. */
static int m_rank(const struct tx *a, const struct tx *b)
{
	unsigned __int128 x = (unsigned __int128)a->fee * b->raw_len;
	unsigned __int128 y = (unsigned __int128)b->fee * a->raw_len;
	if (x != y)
		return x > y ? -1 : 1;
	if (a->fee != b->fee)
		return a->fee > b->fee ? -1 : 1;
	return memcmp(a->txid.b, b->txid.b, 32);
}

static size_t m_bytes(const struct model *m)
{
	size_t b = 0;
	for (size_t i = 0; i < m->n; i++)
		b += m->e[i].tx.raw_len;
	return b;
}

/* Entry of sender `from` with nonce, or -1. */
static long m_find(const struct model *m, size_t from, uint64_t nonce)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].from == from && m->e[i].tx.nonce == nonce)
			return (long)i;
	return -1;
}

static size_t m_count_of(const struct model *m, size_t from)
{
	size_t c = 0;
	for (size_t i = 0; i < m->n; i++)
		c += m->e[i].from == from;
	return c;
}

static uint64_t m_first(const struct model *m, const struct fake_chain *fc, size_t from)
{
	uint64_t f = UINT64_MAX;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].from == from && m->e[i].tx.nonce < f)
			f = m->e[i].tx.nonce;
	return f == UINT64_MAX ? fc->nonce[from] : f;
}

static uint64_t m_pending(const struct model *m, const struct fake_chain *fc, size_t from)
{
	return m_first(m, fc, from) + m_count_of(m, from);
}

static void m_remove_marked(struct model *m)
{
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].mark)
			tx_release(&m->e[i].tx);
		else
			m->e[k++] = m->e[i];
	}
	m->n = k;
}

/* Mark entry i and its sender's later nonces. Returns the bytes newly
 * marked. */
static size_t m_mark_chain(struct model *m, size_t i)
{
	size_t freed = 0, from = m->e[i].from;
	uint64_t nonce = m->e[i].tx.nonce;
	for (size_t j = 0; j < m->n; j++)
		if (m->e[j].from == from && m->e[j].tx.nonce >= nonce && !m->e[j].mark) {
			m->e[j].mark = true;
			freed += m->e[j].tx.raw_len;
		}
	return freed;
}

static const struct model *sort_model;
static int by_rank_worst_first(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	return -m_rank(&sort_model->e[i].tx, &sort_model->e[j].tx);
}

/* Eviction by the rules: lowest rank first, with followers. Returns
 * MEMPOOL_OK with the victims marked, or MEMPOOL_ERR_FULL (no marks). */
static enum mempool_err m_evict(struct model *m, const struct tx *tx, long replaced, size_t from)
{
	size_t order[M_MAX], need, freed = 0, after;

	after = m_bytes(m) - (replaced >= 0 ? m->e[replaced].tx.raw_len : 0) + tx->raw_len;
	if (after <= M_BYTES)
		return MEMPOOL_OK;
	need = after - M_BYTES;
	for (size_t i = 0; i < m->n; i++)
		order[i] = i;
	sort_model = m;
	qsort(order, m->n, sizeof(order[0]), by_rank_worst_first);
	for (size_t k = 0; k < m->n && freed < need; k++) {
		struct m_entry *c = &m->e[order[k]];
		if (c->mark || (long)order[k] == replaced)
			continue;
		if (m_rank(tx, &c->tx) >= 0 || (c->from == from && c->tx.nonce < tx->nonce))
			break;
		freed += m_mark_chain(m, order[k]);
	}
	if (freed >= need)
		return MEMPOOL_OK;
	for (size_t i = 0; i < m->n; i++)
		m->e[i].mark = false;
	return MEMPOOL_ERR_FULL;
}

static bool m_refused(const struct fake_chain *fc, const struct tx *tx)
{
	for (size_t i = 0; i < fc->nrefused; i++)
		if (memcmp(fc->refused[i].b, tx->txid.b, 32) == 0)
			return true;
	return false;
}

/* The admission rules in order. Out: *evicted. */
static enum mempool_err m_add(struct model *m, size_t *evicted, const struct fake_chain *fc,
			      const struct tx *tx, bool bad_sig, int64_t now)
{
	size_t from = m_from(tx), before;
	uint64_t pending = m_pending(m, fc, from), left = fc->balance[from];
	long replaced = -1;
	enum mempool_err r;

	*evicted = 0;
	for (size_t i = 0; i < m->n; i++)
		if (memcmp(m->e[i].tx.txid.b, tx->txid.b, 32) == 0)
			return MEMPOOL_ERR_DUPLICATE;
	if (tx->fee < tx->raw_len)
		return MEMPOOL_ERR_FEE_TOO_LOW;
	if (tx->nonce < fc->nonce[from])
		return MEMPOOL_ERR_NONCE_TOO_LOW;
	if (tx->nonce > pending)
		return MEMPOOL_ERR_NONCE_TOO_HIGH;
	if (tx->nonce < pending) {
		replaced = m_find(m, from, tx->nonce);
		if (tx->fee < m->e[replaced].tx.fee + tx->raw_len)
			return MEMPOOL_ERR_REPLACEMENT_FEE;
	} else if (m_count_of(m, from) >= M_CAP) {
		return MEMPOOL_ERR_SENDER_CAP;
	}
	if (bad_sig)
		return MEMPOOL_ERR_BAD_SIGNATURE;
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].from == from && (long)i != replaced)
			left = left > m->e[i].tx.fee ? left - m->e[i].tx.fee : 0;
	if (tx->fee > left || m_refused(fc, tx))
		return MEMPOOL_ERR_CHAIN;
	r = m_evict(m, tx, replaced, from);
	if (r != MEMPOOL_OK)
		return r;
	if (replaced >= 0)
		m->e[replaced].mark = true;
	before = m->n;
	m_remove_marked(m);
	*evicted = before - m->n - (replaced >= 0);
	if (m->n == M_MAX || !tx_copy(&m->e[m->n].tx, tx))
		abort();
	m->e[m->n].time = now;
	m->e[m->n].from = from;
	m->e[m->n].mark = false;
	m->n++;
	return MEMPOOL_OK;
}

/* Each step the best of the senders' next nonces. Out: ids. Returns n. */
static size_t m_build(const struct model *m, struct hash256 *ids, size_t cap, size_t max_bytes)
{
	uint64_t next[M_SENDERS + 1];
	bool done[M_SENDERS + 1] = { false };
	size_t n = 0, bytes = 0;

	for (size_t s = 1; s <= M_SENDERS; s++) {
		next[s] = UINT64_MAX;
		for (size_t i = 0; i < m->n; i++)
			if (m->e[i].from == s && m->e[i].tx.nonce < next[s])
				next[s] = m->e[i].tx.nonce;
	}
	while (n < cap) {
		long best = -1;
		for (size_t s = 1; s <= M_SENDERS; s++) {
			long i = done[s] ? -1 : m_find(m, s, next[s]);
			if (i >= 0 && (best < 0 || m_rank(&m->e[i].tx, &m->e[best].tx) < 0))
				best = i;
		}
		if (best < 0)
			break;
		if (m->e[best].tx.raw_len > max_bytes - bytes) {
			done[m->e[best].from] = true;
			continue;
		}
		bytes += m->e[best].tx.raw_len;
		ids[n++] = m->e[best].tx.txid;
		next[m->e[best].from]++;
	}
	return n;
}

static void m_revalidate(struct model *m, const struct fake_chain *fc)
{
	for (size_t s = 1; s <= M_SENDERS; s++) {
		uint64_t nonce = fc->nonce[s], left = fc->balance[s];
		bool gone = m_first(m, fc, s) > nonce;
		for (size_t i = 0; i < m->n; i++)
			if (m->e[i].from == s && m->e[i].tx.nonce < nonce)
				m->e[i].mark = true;
		for (uint64_t k = nonce;; k++) {
			long i = m_find(m, s, k);
			if (i < 0)
				break;
			if (gone || m->e[i].tx.fee > left || m_refused(fc, &m->e[i].tx))
				gone = true;
			else
				left -= m->e[i].tx.fee;
			m->e[i].mark = gone;
		}
	}
	m_remove_marked(m);
}

static void m_expire(struct model *m, int64_t now)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].time <= now - M_EXPIRY)
			m_mark_chain(m, i);
	m_remove_marked(m);
}

static void m_clear(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		tx_release(&m->e[i].tx);
	m->n = 0;
}

/* ------------------------------------------------------- comparison */

static bool same_state(const struct tm_pool *p, const struct model *m)
{
	bool ok = mempool_count(p->mp) == m->n && mempool_bytes(p->mp) == m_bytes(m);

	for (size_t i = 0; ok && i < m->n; i++) {
		int64_t t;
		ok = mempool_get(p->mp, &t, &m->e[i].tx.txid) != NULL && t == m->e[i].time;
	}
	for (size_t s = 1; ok && s <= M_SENDERS; s++) {
		const struct tx *got[M_CAP + 1];
		uint64_t pn, first = m_first(m, &p->fc, s);
		size_t c = mempool_account_txs(p->mp, got, M_CAP + 1, tm_pub(s));
		ok = c == m_count_of(m, s) && mempool_pending_nonce(p->mp, &pn, tm_pub(s)) &&
		     pn == m_pending(m, &p->fc, s);
		for (size_t k = 0; ok && k < c; k++)
			ok = got[k]->nonce == first + k && m_find(m, s, first + k) >= 0 &&
			     memcmp(got[k]->txid.b, m->e[m_find(m, s, first + k)].tx.txid.b, 32) ==
				     0;
	}
	return ok;
}

static bool same_build(const struct tm_pool *p, const struct model *m, size_t cap, size_t max_bytes)
{
	const struct tx *out[M_MAX];
	struct hash256 ids[M_MAX];
	size_t n, mn = m_build(m, ids, cap, max_bytes);

	if (!mempool_build(p->mp, out, &n, cap, max_bytes) || n != mn)
		return false;
	for (size_t i = 0; i < n; i++)
		if (memcmp(out[i]->txid.b, ids[i].b, 32) != 0)
			return false;
	return true;
}

/* --------------------------------------------------------- the steps */

struct run {
	struct tm_pool p;
	struct model m;
	char path[300];
	size_t adds, accepted, replaced, evicted, blocks, reloads, expired;
	size_t codes[MEMPOOL_ERR_NO_MEMORY + 1];
};

static uint64_t rnd(uint64_t n)
{
	return n ? unit_rand() % n : 0;
}

/* A random admission. Returns false on a mismatch. */
static bool step_add(struct run *r)
{
	size_t from = 1 + (size_t)rnd(M_SENDERS), memo = (size_t)rnd(TX_MEMO_MAX + 1);
	size_t size = tm_size(memo);
	uint64_t pending = m_pending(&r->m, &r->p.fc, from), nonce = pending, fee;
	unsigned roll = (unsigned)rnd(100);
	struct tm_spec spec = { from, 0, 0, memo, NULL, false, rnd(50) == 0 };
	struct mempool_reject why;
	struct mempool_added info;
	struct tx tx;
	enum mempool_err want, got;
	size_t evicted;
	long rep;

	fee = (1 + rnd(60)) * size;
	if (roll < 15 && pending > m_first(&r->m, &r->p.fc, from)) {
		nonce = m_first(&r->m, &r->p.fc, from) +
			rnd(pending - m_first(&r->m, &r->p.fc, from));
		rep = m_find(&r->m, from, nonce);
		fee = r->m.e[rep].tx.fee + size + rnd(40) - 20 + rnd(3) * 200;
	} else if (roll < 22) {
		nonce = pending + 1 + rnd(2);
	} else if (roll < 27 && r->p.fc.nonce[from] > 0) {
		nonce = r->p.fc.nonce[from] - 1;
	} else if (roll < 32) {
		fee = size - 1 - rnd(3);
	}
	if (roll >= 97 && r->m.n > 0) {
		if (!tx_copy(&tx, &r->m.e[rnd(r->m.n)].tx))
			abort();
		spec.bad_sig = false;
	} else {
		spec.nonce = nonce;
		spec.fee = fee;
		tm_make(&tx, &spec);
	}
	r->adds++;
	want = m_add(&r->m, &evicted, &r->p.fc, &tx, spec.bad_sig, clock_now_ms(&r->p.clock));
	got = mempool_add(r->p.mp, &why, &info, &tx);
	r->codes[got]++;
	if (got == MEMPOOL_OK) {
		r->accepted++;
		r->replaced += info.replaced;
		r->evicted += info.evicted;
	}
	tx_release(&tx);
	if (got != want || (got == MEMPOOL_OK && info.evicted != evicted)) {
		unit_note("add: got %s (%s), model %s; evicted %zu vs %zu", why.name, why.msg,
			  mempool_err_name(want), info.evicted, evicted);
		return false;
	}
	return true;
}

/* Build a block, commit it to the fake chain with other changes, and
 * revalidate both. */
static bool step_block(struct run *r)
{
	const struct tx *out[M_MAX];
	size_t n, cap = 1 + (size_t)rnd(12), max_bytes = 400 + (size_t)rnd(4000), removed;
	struct fake_chain *fc = &r->p.fc;

	if (!same_build(&r->p, &r->m, cap, max_bytes) ||
	    !mempool_build(r->p.mp, out, &n, cap, max_bytes))
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t s = m_from(out[i]);
		fc->nonce[s]++;
		fc->balance[s] -= out[i]->fee;
	}
	r->blocks++;
	for (size_t s = 1; s <= M_SENDERS; s++) {
		unsigned roll = (unsigned)rnd(100);
		if (roll < 8) {
			fc->nonce[s]++; /* a transaction that never went through this pool */
		} else if (roll < 18) {
			fc->balance[s] = fc->balance[s] / 2;
		} else if (roll < 35) {
			fc->balance[s] += rnd(100000);
		}
	}
	if (r->m.n > 0 && fc->nrefused < TM_REFUSED_MAX && rnd(4) == 0)
		fake_chain_refuse(fc, &r->m.e[rnd(r->m.n)].tx.txid);
	removed = r->m.n;
	m_revalidate(&r->m, fc);
	removed -= r->m.n;
	return mempool_revalidate(r->p.mp) == removed; /* n of them included */
}

static bool step_time(struct run *r)
{
	int64_t now = clock_now_ms(&r->p.clock) + (int64_t)rnd(4000);
	size_t before = r->m.n;

	clock_set_mock_ms(&r->p.clock, now);
	m_expire(&r->m, now);
	r->expired += before - r->m.n;
	return mempool_expire(r->p.mp) == before - r->m.n;
}

/* Save, start a new pool on the same chain and clock, load. */
static bool step_reload(struct run *r)
{
	struct mempool_options o = { M_BYTES, M_CAP, M_EXPIRY };
	struct mempool_load_stats st;
	struct mempool_chain c;
	char err[200];
	size_t saved = r->m.n;

	if (!mempool_save(r->p.mp, err, sizeof(err), r->path)) {
		unit_note("save: %s", err);
		return false;
	}
	mempool_destroy(r->p.mp);
	fake_chain_wire(&c, &r->p.fc);
	r->p.mp = mempool_create(err, sizeof(err), &o, &c, &r->p.clock);
	if (r->p.mp == NULL || !mempool_load(r->p.mp, &st, err, sizeof(err), r->path))
		return false;
	r->reloads++;
	m_expire(&r->m, clock_now_ms(&r->p.clock));
	return st.read == saved && st.added == r->m.n;
}

static void test_model_random(void)
{
	struct run *r = calloc(1, sizeof(*r));
	const char *base = getenv("TMPDIR");
	bool ok = true;
	int step;

	if (!CHECK(r != NULL))
		return;
	if (!tm_open(&r->p, M_BYTES, M_CAP, M_EXPIRY)) {
		free(r);
		return;
	}
	for (size_t s = 1; s <= M_SENDERS; s++)
		r->p.fc.balance[s] = 5000 + rnd(200000);
	snprintf(r->path, sizeof(r->path), "%s/rostra-mempool-model-%ld.dat",
		 base && *base ? base : "/tmp", (long)getpid());
	for (step = 0; ok && step < 6000; step++) {
		unsigned roll = (unsigned)rnd(100);
		if (roll < 85)
			ok = step_add(r);
		else if (roll < 91)
			ok = step_block(r);
		else if (roll < 97)
			ok = step_time(r);
		else if (roll < 98)
			ok = step_reload(r);
		else
			ok = same_build(&r->p, &r->m, M_MAX, SIZE_MAX);
		ok = ok && same_state(&r->p, &r->m);
	}
	if (!CHECK(ok))
		unit_note("mismatch at step %d", step - 1);
	unit_note("%zu adds: %zu accepted (%zu replacements, %zu evictions), %zu blocks, "
		  "%zu expired, %zu reloads",
		  r->adds, r->accepted, r->replaced, r->evicted, r->blocks, r->expired, r->reloads);
	/* Every path was taken. */
	for (int c = 0; c <= MEMPOOL_ERR_CHAIN; c++) {
		if (c == MEMPOOL_ERR_INVALID || c == MEMPOOL_ERR_WRONG_CHAIN ||
		    c == MEMPOOL_ERR_STATE)
			continue;
		if (!CHECK(r->codes[c] > 0))
			unit_note("code %s never seen", mempool_err_name((enum mempool_err)c));
	}
	CHECK(r->codes[MEMPOOL_ERR_FULL] > 0 && r->evicted > 0 && r->replaced > 0);
	CHECK(r->blocks > 0 && r->expired > 0 && r->reloads > 0);
	unlink(r->path);
	m_clear(&r->m);
	tm_close(&r->p);
	free(r);
}

const struct unit_case tm_model_cases[] = {
	UNIT_CASE(test_model_random),
};
const size_t tm_model_ncases = UNIT_COUNT(tm_model_cases);
