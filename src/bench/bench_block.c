/* Block execution plus commit (doc/bench.md, ledger_block_*).
 *
 * A builder chain makes blocks of BENCH_MIX_BLOCK_TXS mixed transactions
 * (bench_mix.c) the way a proposer does; a second ledger, on its own
 * database with an empty signature cache, then validates each block with
 * ledger_execute_block and commits it with ledger_commit: LevelDB, the
 * synced batch, the indexes, the state root, and tx_check plus every
 * signature on the ledger's worker pool, none of them seen before. The
 * bound is raw BIP340 verification of the same signatures on as many
 * threads, measured in slices between the timed blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "util/clock.h"

#define LB_WARM 5               /* blocks validated before the timing */
#define LB_TIMED 20
#define LB_QUICK_TIMED 5

/* The node's defaults. */
static const struct bench_store lb_store = BENCH_STORE_DEFAULT;

/* Receipts of the blocks built: actions in all, and those that failed. */
struct lb_counts {
	size_t included, failed;
};

/* Make, sign and commit the next block on the builder; remember its posts
 * that succeeded and count its receipts. Out: b. */
static void lb_make_block(struct bench_mix *m, struct bench_chain *c, struct lb_counts *n,
			  struct block *b)
{
	struct tx *txs = calloc(BENCH_MIX_BLOCK_TXS, sizeof(*txs));
	uint16_t rc[BENCH_MIX_BLOCK_TXS];
	if (txs == NULL)
		bench_die("memory", "out of memory");
	for (size_t i = 0; i < BENCH_MIX_BLOCK_TXS; i++)
		bench_mix_tx(m, &txs[i], i);
	bench_chain_sign(c, c->l, txs, BENCH_MIX_BLOCK_TXS);
	bench_chain_block(c, b, rc, txs, BENCH_MIX_BLOCK_TXS, false);
	for (size_t i = 0; i < BENCH_MIX_BLOCK_TXS; i++) {
		n->included++;
		if (rc[i] != LEDGER_CODE_OK) {
			n->failed++;
			continue;
		}
		if (b->txs[i].type == TX_POST)
			bench_mix_note_post(m, tx_id(&b->txs[i]));
	}
}

/* The blocks as a validator receives them: encoded, then decoded. */
struct lb_blocks {
	size_t n;
	struct block *b;
};

static void lb_build(struct bench_chain *c, struct lb_blocks *out, size_t n)
{
	struct bench_mix *m = bench_mix_create(c);
	struct lb_counts counts = { 0, 0 };
	struct buf enc = BUF_INIT;
	enum prim_err e;

	bench_chain_open_ledger(c, &c->db, &c->l, "builder", &lb_store);
	out->n = n;
	out->b = calloc(n, sizeof(*out->b));
	if (out->b == NULL)
		bench_die("memory", "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct block built;
		lb_make_block(m, c, &counts, &built);
		buf_reset(&enc);
		if (!block_encode(&enc, &built) || !block_decode(&out->b[i], enc.data, enc.len, &e))
			bench_die("block encode/decode", prim_err_name(e));
		block_release(&built);
	}
	fprintf(stderr, "  (%zu blocks of %d txs built, %.1f%% of the actions failed with a "
		"receipt code)\n", n, BENCH_MIX_BLOCK_TXS,
		100.0 * (double)counts.failed / (double)counts.included);
	bench_chain_close_ledger(c->db, c->l);
	c->db = NULL;
	c->l = NULL;
	buf_release(&enc);
	bench_mix_destroy(m);
}

/* Validate and commit b; next (NULL for none) is the block that follows,
 * already at hand, as in block sync: its transactions are checked into the
 * signature cache beside the commit's write (ledger_commit_prefetch). */
static void lb_validate(struct ledger *l, const struct block *b, const struct block *next)
{
	struct ledger_error err;
	struct ledger_exec *x;
	struct commit cm;
	if (!ledger_execute_block(l, &x, &err, b))
		bench_die("ledger_execute_block", err.msg);
	bench_chain_commit_for(&cm, b);
	if (next != NULL)
		ledger_commit_prefetch(l, next->txs, next->ntx, false);
	if (!ledger_commit(l, &err, x, b, &cm))
		bench_die("ledger_commit", err.msg);
	ledger_exec_destroy(x);
}

/* The signatures of blocks [from, to) for the bound. */
struct lb_sigs {
	size_t n;
	struct pubkey *key;
	struct hash256 *msg;
	uint8_t (*sig)[SIG_LEN];
};

static void lb_sigs_make(struct lb_sigs *s, const struct lb_blocks *bl, size_t from, size_t to)
{
	size_t k = 0;
	s->n = (to - from) * BENCH_MIX_BLOCK_TXS;
	s->key = calloc(s->n, sizeof(*s->key));
	s->msg = calloc(s->n, sizeof(*s->msg));
	s->sig = calloc(s->n, sizeof(*s->sig));
	if (s->key == NULL || s->msg == NULL || s->sig == NULL)
		bench_die("memory", "out of memory");
	for (size_t i = from; i < to; i++)
		for (size_t j = 0; j < bl->b[i].ntx; j++, k++) {
			const struct tx *tx = &bl->b[i].txs[j];
			s->key[k] = tx->sender;
			s->msg[k] = *tx_sighash(tx);
			memcpy(s->sig[k], tx->sig, SIG_LEN);
		}
}

static void lb_sigs_release(struct lb_sigs *s)
{
	free(s->key);
	free(s->msg);
	free(s->sig);
}

void bench_ledger_block(struct bench_ctx *b)
{
	struct bench_chain c;
	struct lb_blocks bl;
	struct lb_sigs sigs;
	struct db *db;
	struct ledger *l;
	size_t timed = b->quick ? LB_QUICK_TIMED : LB_TIMED, total = LB_WARM + timed;

	fprintf(stderr, "block execution + commit (%u threads, blocks of %d mixed txs, "
		"%d accounts)\n", b->threads, BENCH_MIX_BLOCK_TXS, BENCH_MIX_KEYS);
	bench_chain_init(&c, BENCH_MIX_KEYS, BENCH_MIX_BALANCE, b->threads);
	lb_build(&c, &bl, total);
	lb_sigs_make(&sigs, &bl, LB_WARM, total);

	/* The validator: its own database and a signature cache that has seen
	 * none of these transactions. */
	bench_chain_open_ledger(&c, &db, &l, "validator", &lb_store);
	/* The last warm-up block prefetches nothing: every check of a timed
	 * block is done inside the timed blocks. */
	for (size_t i = 0; i < LB_WARM; i++)
		lb_validate(l, &bl.b[i], NULL);
	/* Each timed block is followed by a slice of the bound, -seconds
	 * over all the slices: the machine's load weighs on both alike. */
	uint64_t ns = 0, slice = b->seconds * 1000000000ull / timed;
	double bound_sum = 0;
	for (size_t i = LB_WARM; i < total; i++) {
		uint64_t start = clock_mono_ns();
		lb_validate(l, &bl.b[i], i + 1 < total ? &bl.b[i + 1] : NULL);
		ns += clock_mono_ns() - start;
		bound_sum += bench_verify_threads(b->threads, slice, sigs.key, sigs.msg,
						  (const uint8_t (*)[SIG_LEN])sigs.sig, sigs.n);
	}
	double bound = bound_sum / (double)timed;
	double tps = (double)(timed * BENCH_MIX_BLOCK_TXS) * 1e9 / (double)ns;
	bench_figure(b, "ledger_threads", b->threads);
	bench_figure(b, "ledger_block_txs", BENCH_MIX_BLOCK_TXS);
	bench_figure(b, "ledger_blocks_timed", (double)timed);
	bench_figure(b, "ledger_block_tps", tps);
	bench_figure(b, "ledger_verify_threads_per_sec", bound);
	bench_figure(b, "ledger_block_ratio", tps / bound);
	bench_figure(b, "ledger_nonsig_us_per_tx", 1e6 / tps - 1e6 / bound);

	bench_chain_close_ledger(db, l);
	lb_sigs_release(&sigs);
	for (size_t i = 0; i < bl.n; i++)
		block_release(&bl.b[i]);
	free(bl.b);
	bench_chain_release(&c);
}
