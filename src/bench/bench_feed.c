/* Feed page latency on a large chain (doc/bench.md, feed_*).
 *
 * The dataset is made of real blocks, built and committed through the
 * ledger's block path (bench_chain_block: begin, apply, finish, commit;
 * every record, index, tx record and history entry written by the
 * ledger): the accounts in the genesis, then blocks that interleave at
 * random the follows (each reader follows p->follows distinct random
 * accounts) and the posts (random authors, a fifth of them replies to
 * earlier posts). One shortcut: the transactions carry dummy signatures
 * that are entered into the ledger's signature cache right before they
 * are applied, as if a mempool had verified them; signing and verifying
 * two million signatures would more than double the time, and the
 * signatures leave nothing in the state the feed reads.
 *
 * Then, for each reader in random order, the time of the page p->depth
 * deep, right after following the cursor to it; then, all feeds read once
 * (warm), the time of each reader's first page. Each timed page
 * is ledger_query_create + ledger_q_feed + ledger_query_destroy, as an RPC
 * request reads it. The percentiles are the figures; the target (5 ms at
 * the 99th) is absolute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "ledger/query.h"
#include "util/clock.h"

struct feed_params {
	size_t accounts;
	size_t posts;
	size_t readers;
	size_t follows;            /* per reader */
	size_t block_txs;
	size_t page;               /* posts per page */
	size_t depth;              /* the deep page is the depth-th */
};

/* The builder's memory: a LevelDB block cache of 1 GiB (what
 * -dbcache=1024 gives a node that serves feeds) and a 64 MiB memtable;
 * no hot-state cache, which a writer of this many distinct keys only
 * churns (results never depend on it, doc/ledger.md). */
static const struct bench_store feed_store = {
	.db_cache = (size_t)1 << 30,
	.db_write_buffer = (size_t)64 << 20,
	.ledger_cache = 0,
};

static const struct feed_params feed_full = {
	.accounts = 100000, .posts = 1000000, .readers = 1000, .follows = 1000,
	.block_txs = 5000, .page = 20, .depth = 50,
};
static const struct feed_params feed_quick = {
	.accounts = 10000, .posts = 100000, .readers = 200, .follows = 200,
	.block_txs = 5000, .page = 20, .depth = 50,
};

#define FEED_BALANCE UINT64_C(10000000000)
#define FEED_REPLY_PERCENT 20

static const char feed_text[] =
	"Reading the feed of the accounts I follow, newest first, a page at a time; "
	"each page should come back in a few milliseconds whatever its depth.";

/* The dataset being built. */
struct feed_build {
	const struct feed_params *p;
	struct bench_chain *c;
	uint64_t rng;
	uint32_t *readers;         /* p->readers account indexes */
	uint32_t *fa, *fb;         /* the follows: fa[i] follows fb[i], shuffled */
	size_t nfollows, nextfollow;
	struct hash256 *posts;     /* committed post ids */
	size_t nposts, postsmade;
};

static void *feed_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		bench_die("memory", "out of memory");
	return p;
}

/* Readers: distinct random accounts (a partial Fisher-Yates shuffle). */
static void feed_pick_readers(struct feed_build *f)
{
	uint32_t *all = feed_calloc(f->p->accounts, sizeof(*all));
	for (size_t i = 0; i < f->p->accounts; i++)
		all[i] = (uint32_t)i;
	for (size_t i = 0; i < f->p->readers; i++) {
		size_t j = i + bench_pick(&f->rng, f->p->accounts - i);
		uint32_t t = all[i];
		all[i] = all[j];
		all[j] = t;
		f->readers[i] = all[i];
	}
	free(all);
}

/* Each reader follows p->follows distinct random other accounts; the
 * follows of all readers are then shuffled together. */
static void feed_pick_follows(struct feed_build *f)
{
	uint32_t *stamp = feed_calloc(f->p->accounts, sizeof(*stamp));
	size_t k = 0;
	for (size_t r = 0; r < f->p->readers; r++) {
		uint32_t who = f->readers[r];
		stamp[who] = (uint32_t)r + 1;
		for (size_t n = 0; n < f->p->follows; n++) {
			size_t t;
			do
				t = bench_pick(&f->rng, f->p->accounts);
			while (stamp[t] == (uint32_t)r + 1);
			stamp[t] = (uint32_t)r + 1;
			f->fa[k] = who;
			f->fb[k] = (uint32_t)t;
			k++;
		}
	}
	for (size_t i = k; i > 1; i--) {
		size_t j = bench_pick(&f->rng, i);
		uint32_t ta = f->fa[i - 1], tb = f->fb[i - 1];
		f->fa[i - 1] = f->fa[j];
		f->fb[i - 1] = f->fb[j];
		f->fa[j] = ta;
		f->fb[j] = tb;
	}
	f->nfollows = k;
	free(stamp);
}

static void feed_post_tx(struct feed_build *f, struct tx *tx)
{
	size_t len = 30 + bench_pick(&f->rng, sizeof(feed_text) - 31);
	bench_chain_tx(f->c, tx, bench_pick(&f->rng, f->p->accounts), TX_POST);
	if (f->nposts > 0 && bench_pick(&f->rng, 100) < FEED_REPLY_PERCENT) {
		tx->u.post.has_parent = true;
		tx->u.post.parent = f->posts[bench_pick(&f->rng, f->nposts)];
	}
	tx->u.post.body.p = (const uint8_t *)feed_text;
	tx->u.post.body.len = len;
	f->postsmade++;
}

/* The next block: follows and posts in proportion to what remains of
 * each. Returns false when nothing remains. */
static bool feed_next_block(struct feed_build *f)
{
	size_t left_f = f->nfollows - f->nextfollow, left_p = f->p->posts - f->postsmade;
	size_t n = left_f + left_p < f->p->block_txs ? left_f + left_p : f->p->block_txs;
	struct tx *txs;
	struct block b;
	uint16_t *rc;

	if (n == 0)
		return false;
	txs = feed_calloc(n, sizeof(*txs));
	rc = feed_calloc(n, sizeof(*rc));
	for (size_t i = 0; i < n; i++) {
		if (bench_pick(&f->rng, left_f + left_p) < left_f) {
			size_t k = f->nextfollow++;
			bench_chain_tx(f->c, &txs[i], f->fa[k], TX_FOLLOW);
			txs[i].u.follow.target = f->c->pk[f->fb[k]];
			left_f--;
		} else {
			feed_post_tx(f, &txs[i]);
			left_p--;
		}
	}
	bench_chain_seal_unsigned(f->c, txs, n);
	bench_chain_block(f->c, &b, rc, txs, n, true);
	for (size_t i = 0; i < n; i++) {
		if (rc[i] != LEDGER_CODE_OK)
			bench_die("feed dataset", ledger_code_str(rc[i]));
		if (b.txs[i].type == TX_POST)
			f->posts[f->nposts++] = *tx_id(&b.txs[i]);
	}
	block_release(&b);
	free(rc);
	return true;
}

static void feed_build(struct feed_build *f, const struct feed_params *p, struct bench_chain *c)
{
	size_t total, blocks = 0;
	uint64_t start = clock_mono_ns();

	memset(f, 0, sizeof(*f));
	f->p = p;
	f->c = c;
	f->rng = 0x66656564;
	f->readers = feed_calloc(p->readers, sizeof(*f->readers));
	f->fa = feed_calloc(p->readers * p->follows, sizeof(*f->fa));
	f->fb = feed_calloc(p->readers * p->follows, sizeof(*f->fb));
	f->posts = feed_calloc(p->posts, sizeof(*f->posts));
	feed_pick_readers(f);
	feed_pick_follows(f);
	total = f->nfollows + p->posts;
	bench_chain_open_ledger(c, &c->db, &c->l, "feed", &feed_store);
	while (feed_next_block(f)) {
		if (++blocks % 40 == 0)
			fprintf(stderr, "  (dataset: %zu of %zu txs, %.0f s)\n",
				f->nextfollow + f->postsmade, total,
				(double)(clock_mono_ns() - start) / 1e9);
	}
	fprintf(stderr, "  (dataset: %zu accounts, %zu posts, %zu readers following %zu each: "
		"%zu blocks, %zu txs in %.1f s, %.0f MB in LevelDB)\n", p->accounts, f->nposts,
		p->readers, p->follows, blocks, total, (double)(clock_mono_ns() - start) / 1e9,
		(double)db_approximate_size(c->db, "", 0, "\xff", 1) / 1e6);
}

static void feed_build_release(struct feed_build *f)
{
	free(f->readers);
	free(f->fa);
	free(f->fb);
	free(f->posts);
}

/* ------------------------------------------------------------ reading */

/* One page of who's feed after cur, as an RPC request reads it. Out:
 * page. Returns its time in ns. */
static uint64_t feed_page(struct db *db, struct ledger_page *page, const struct pubkey *who,
			  const struct ledger_cursor *cur, size_t limit)
{
	struct ledger_error err;
	uint64_t start = clock_mono_ns();
	struct ledger_query *q = ledger_query_create(db);
	if (q == NULL)
		bench_die("ledger_query_create", "out of memory");
	if (!ledger_q_feed(q, page, &err, who, cur, limit))
		bench_die("ledger_q_feed", err.msg);
	ledger_query_destroy(q);
	return clock_mono_ns() - start;
}

/* The cursor after the first `posts` posts of who's feed, followed in
 * pages of at most `limit` posts. Out: cur. */
static void feed_skip(struct db *db, struct ledger_page *page, struct ledger_cursor *cur,
		      const struct pubkey *who, size_t posts, size_t limit)
{
	memset(cur, 0, sizeof(*cur));
	while (posts > 0) {
		size_t n = posts < limit ? posts : limit;
		feed_page(db, page, who, cur, n);
		if (page->n != n || !page->more)
			bench_die("feed", "a reader's feed ends before the deep page");
		*cur = page->next;
		posts -= n;
	}
}

/* The cursor of the deep page, reached in pages of LEDGER_PAGE_MAX. A
 * cursor is the position of the last post returned, so it is the one that
 * depth - 1 pages of p->page reach: checked for the first FEED_CHECKED
 * readers, so that the deep page is the depth-th page. Out: cur. */
#define FEED_CHECKED 5

static void feed_deep_cursor(struct db *db, struct ledger_page *page, struct ledger_cursor *cur,
			     const struct pubkey *who, const struct feed_params *p, size_t i)
{
	struct ledger_cursor slow;
	feed_skip(db, page, cur, who, (p->depth - 1) * p->page, LEDGER_PAGE_MAX);
	if (i >= FEED_CHECKED)
		return;
	feed_skip(db, page, &slow, who, (p->depth - 1) * p->page, p->page);
	if (slow.len != cur->len || memcmp(slow.b, cur->b, cur->len) != 0)
		bench_die("feed", "pages of 100 and of 20 reach different cursors");
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The q-th percentile (nearest rank) of ns[0..n), sorted here, in ms. */
static double feed_percentile_ms(uint64_t *ns, size_t n, unsigned q)
{
	size_t rank = (n * q + 99) / 100;
	qsort(ns, n, sizeof(*ns), u64_cmp);
	return (double)ns[rank ? rank - 1 : 0] / 1e6;
}

/* The readers in a random order. Out: order[0..p->readers). */
static void feed_order(uint32_t *order, const struct feed_build *f)
{
	uint64_t rng = 0x6f72646572;
	memcpy(order, f->readers, f->p->readers * sizeof(*order));
	for (size_t i = f->p->readers; i > 1; i--) {
		size_t j = bench_pick(&rng, i);
		uint32_t t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

/* The time of the first page of each reader (warm: after feed_time_deep
 * read every reader's feed). Out: ns[0..p->readers). */
static void feed_time_first(uint64_t *ns, const struct feed_build *f, const uint32_t *order,
			    struct ledger_page *page)
{
	const struct ledger_cursor empty = { .len = 0 };
	for (size_t i = 0; i < f->p->readers; i++) {
		ns[i] = feed_page(f->c->db, page, &f->c->pk[order[i]], &empty, f->p->page);
		if (page->n != f->p->page)
			bench_die("feed", "a first page is not full");
	}
}

/* The time of the deep page of each reader, right after following the
 * cursor to it (which warms what the page reads). Out: ns[0..p->readers). */
static void feed_time_deep(uint64_t *ns, const struct feed_build *f, const uint32_t *order,
			   struct ledger_page *page)
{
	struct ledger_cursor cur;
	for (size_t i = 0; i < f->p->readers; i++) {
		const struct pubkey *who = &f->c->pk[order[i]];
		feed_deep_cursor(f->c->db, page, &cur, who, f->p, i);
		ns[i] = feed_page(f->c->db, page, who, &cur, f->p->page);
		if (page->n != f->p->page)
			bench_die("feed", "a deep page is not full");
	}
}

static void feed_measure(struct bench_ctx *b, const struct feed_build *f)
{
	const struct feed_params *p = f->p;
	struct ledger_page *page = feed_calloc(1, sizeof(*page));
	uint64_t *first = feed_calloc(p->readers, sizeof(*first));
	uint64_t *deep = feed_calloc(p->readers, sizeof(*deep));
	uint32_t *order = feed_calloc(p->readers, sizeof(*order));

	feed_order(order, f);
	feed_time_deep(deep, f, order, page);
	feed_time_first(first, f, order, page);
	bench_figure(b, "feed_accounts", (double)p->accounts);
	bench_figure(b, "feed_posts", (double)f->nposts);
	bench_figure(b, "feed_readers", (double)p->readers);
	bench_figure(b, "feed_follows_per_reader", (double)p->follows);
	bench_figure(b, "feed_page_posts", (double)p->page);
	bench_figure(b, "feed_deep_page", (double)p->depth);
	bench_figure(b, "feed_p50_first_ms", feed_percentile_ms(first, p->readers, 50));
	bench_figure(b, "feed_p99_first_ms", feed_percentile_ms(first, p->readers, 99));
	bench_figure(b, "feed_max_first_ms", feed_percentile_ms(first, p->readers, 100));
	bench_figure(b, "feed_p50_deep_ms", feed_percentile_ms(deep, p->readers, 50));
	bench_figure(b, "feed_p99_deep_ms", feed_percentile_ms(deep, p->readers, 99));
	bench_figure(b, "feed_max_deep_ms", feed_percentile_ms(deep, p->readers, 100));
	free(order);
	free(first);
	free(deep);
	free(page);
}

void bench_feed(struct bench_ctx *b)
{
	const struct feed_params *p = b->quick ? &feed_quick : &feed_full;
	struct bench_chain c;
	struct feed_build f;

	fprintf(stderr, "feed page latency (%zu accounts, %zu posts, %zu readers following %zu, "
		"%zu-post pages)\n", p->accounts, p->posts, p->readers, p->follows, p->page);
	bench_chain_init(&c, p->accounts, FEED_BALANCE, b->threads);
	feed_build(&f, p, &c);
	feed_measure(b, &f);
	feed_build_release(&f);
	bench_chain_release(&c);
}
