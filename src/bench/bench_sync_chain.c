/* bench_sync_chain: the chain that contrib/bench_sync.py syncs
 * (doc/bench.md, sync_*).
 *
 *   bench_sync_chain -datadir=DIR [-blocks=N] [-threads=N]
 *
 * Writes a regtest data directory DIR whose DIR/regtest/genesis.json and
 * DIR/regtest/chainstate hold a chain of N blocks (default 100) of 1,000
 * mixed signed transactions each: the mix, keys and genesis accounts of the
 * ledger_block_* benchmark (bench_mix.c, 10,000 accounts), a genesis named
 * "regtest" whose one validator signs with a key this tool derives and
 * then forgets (so a rostrad started on DIR serves the chain as a full
 * node and never produces). Every block goes through the validator's own
 * path: its transactions are admitted by a mempool (mempool_add), and
 * cons_produce_block builds, signs, commits and accepts it, so each block
 * carries a real last commit and is stored with its real commit, which a
 * syncing node verifies. The last stdout line is a JSON object: blocks,
 * txs, height.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"
#include "consensus/consensus.h"
#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "mempool/mempool.h"
#include "mempool/mempool_ledger.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/parse.h"

#define BS_BLOCKS_DEFAULT 100
#define BS_BLOCKS_MAX 10000

struct bs_opts {
	const char *datadir;
	uint64_t blocks;
	unsigned threads;
};

void bench_die(const char *what, const char *why)
{
	fprintf(stderr, "bench_sync_chain: %s: %s\n", what, why);
	abort();
}

static bool bs_parse_args(struct bs_opts *o, int argc, char **argv)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t t;
	o->datadir = NULL;
	o->blocks = BS_BLOCKS_DEFAULT;
	o->threads = cores > 0 && cores < 64 ? (unsigned)cores : 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "-datadir=", 9) == 0 && a[9] != '\0') {
			o->datadir = a + 9;
		} else if (strncmp(a, "-blocks=", 8) == 0) {
			if (!parse_u64(&o->blocks, a + 8, 1, BS_BLOCKS_MAX))
				return false;
		} else if (strncmp(a, "-threads=", 9) == 0) {
			if (!parse_u32(&t, a + 9, 1, 64))
				return false;
			o->threads = t;
		} else {
			return false;
		}
	}
	return o->datadir != NULL;
}

/* path = dir/name, or abort. */
static void bs_path(char *path, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(path, cap, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= cap)
		bench_die("path", "too long");
}

static void bs_mkdir(const char *path)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		bench_die(path, strerror(errno));
}

/* The benchmark's genesis renamed "regtest", its validator's consensus key
 * replaced by ck's. Out: c->g (finalised again: new hash and chain id). */
static void bs_regtest_genesis(struct bench_chain *c, const struct seckey *ck)
{
	char err[256];
	snprintf(c->g.name, sizeof(c->g.name), "regtest");
	if (!key_pubkey(&c->g.validators[0].consensus_key, ck))
		bench_die("key", "the consensus key is invalid");
	c->val_ck = c->g.validators[0].consensus_key;
	if (!ledger_genesis_finalize(&c->g, err, sizeof(err)))
		bench_die("genesis", err);
}

static void bs_write_genesis(const struct bench_chain *c, const char *netdir)
{
	char path[512], err[256];
	struct buf json = BUF_INIT;
	bs_path(path, sizeof(path), netdir, "genesis.json");
	if (!ledger_genesis_to_json(&json, &c->g) || !buf_put(&json, "\n", 1) ||
	    !file_write_atomic(err, sizeof(err), path, json.data, json.len, 0644))
		bench_die("genesis.json", "cannot write it");
	buf_release(&json);
}

/* Open the chainstate as rostrad does (its default -dbcache split). */
static void bs_open_ledger(struct bench_chain *c, const char *netdir)
{
	char path[512], err[DB_ERR_LEN];
	struct db_options dbo;
	struct ledger_options lo;
	struct ledger_error le;
	bs_path(path, sizeof(path), netdir, "chainstate");
	db_options_init(&dbo);
	dbo.create_if_missing = true;
	ledger_options_init(&lo);
	lo.threads = c->threads;
	c->db = db_open(err, sizeof(err), path, &dbo);
	if (c->db == NULL)
		bench_die("db_open", err);
	c->l = ledger_open(&le, c->db, &c->g, &lo);
	if (c->l == NULL)
		bench_die("ledger_open", le.msg);
}

/* Generate, sign and admit one block's transactions; remember the posts
 * (a post that fails leaves votes on it to fail too: part of the mix). */
static void bs_fill_mempool(struct bench_chain *c, struct bench_mix *m, struct mempool *mp,
			    struct tx *txs)
{
	struct mempool_reject why;
	for (size_t i = 0; i < BENCH_MIX_BLOCK_TXS; i++)
		bench_mix_tx(m, &txs[i], i);
	bench_chain_sign(c, NULL, txs, BENCH_MIX_BLOCK_TXS);
	for (size_t i = 0; i < BENCH_MIX_BLOCK_TXS; i++) {
		if (mempool_add(mp, &why, NULL, &txs[i]) != MEMPOOL_OK)
			bench_die("mempool_add", why.msg);
		if (txs[i].type == TX_POST)
			bench_mix_note_post(m, tx_id(&txs[i]));
		tx_release(&txs[i]);
	}
}

static void bs_build(struct bench_chain *c, const struct bs_opts *o, const char *netdir,
		     const struct seckey *ck, uint64_t *ntx)
{
	char path[512], err[512];
	struct clock clk;
	struct mempool_chain mc;
	struct mempool_options mo;
	struct cons_valset vs;
	struct cons_produced out;
	struct bench_mix *m = bench_mix_create(c);
	struct tx *txs = calloc(BENCH_MIX_BLOCK_TXS, sizeof(*txs));
	if (txs == NULL)
		bench_die("memory", "out of memory");
	clock_init(&clk);
	mempool_chain_from_ledger(&mc, c->l);
	mempool_options_default(&mo);
	struct mempool *mp = mempool_create(err, sizeof(err), &mo, &mc, &clk);
	if (mp == NULL)
		bench_die("mempool_create", err);
	/* The signer's state lives outside the network directory: nobody
	 * signs for this chain after the tool. */
	bs_path(path, sizeof(path), o->datadir, "bench_signer_state");
	struct cons_signer *s = cons_signer_open(err, sizeof(err), path, ck);
	if (s == NULL)
		bench_die("cons_signer_open", err);
	cons_valset_from_genesis(&vs, &c->g);
	*ntx = 0;
	for (uint64_t i = 0; i < o->blocks; i++) {
		bs_fill_mempool(c, m, mp, txs);
		int64_t now = clock_now_ms(NULL);
		if (!cons_produce_block(c->l, &out, err, sizeof(err), mp, s, &vs,
					now > 0 ? (uint64_t)now : 0))
			bench_die("cons_produce_block", err);
		if (out.ntx != BENCH_MIX_BLOCK_TXS || mempool_count(mp) != 0)
			bench_die("cons_produce_block", "a transaction was left out of its block");
		*ntx += out.ntx;
		if ((i + 1) % 10 == 0)
			fprintf(stderr, "bench_sync_chain: %" PRIu64 " of %" PRIu64 " blocks\n", i + 1,
				o->blocks);
	}
	cons_signer_close(s);
	unlink(path);
	mempool_destroy(mp);
	free(txs);
	bench_mix_destroy(m);
}

int main(int argc, char **argv)
{
	struct bs_opts o;
	struct bench_chain c;
	struct seckey ck;
	struct ledger_tip tip;
	char netdir[512];
	uint64_t ntx;

	if (!bs_parse_args(&o, argc, argv)) {
		fprintf(stderr, "usage: bench_sync_chain -datadir=DIR [-blocks=N (1-%d, default %d)] "
			"[-threads=N]\n", BS_BLOCKS_MAX, BS_BLOCKS_DEFAULT);
		return 2;
	}
	if (!crypto_init())
		bench_die("crypto_init", "no randomness");
	bs_mkdir(o.datadir);
	bs_path(netdir, sizeof(netdir), o.datadir, "regtest");
	bs_mkdir(netdir);
	bench_chain_init(&c, BENCH_MIX_KEYS, BENCH_MIX_BALANCE, o.threads);
	sha256(ck.b, "rostra-bench-sync-validator", 27);
	bs_regtest_genesis(&c, &ck);
	bs_write_genesis(&c, netdir);
	bs_open_ledger(&c, netdir);
	bs_build(&c, &o, netdir, &ck, &ntx);
	key_wipe(&ck);
	ledger_get_tip(c.l, &tip);
	printf("{\"blocks\":%" PRIu64 ",\"txs\":%" PRIu64 ",\"height\":%" PRIu64 "}\n", o.blocks, ntx,
	       tip.height);
	bench_chain_release(&c);
	return 0;
}
