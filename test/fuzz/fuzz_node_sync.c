/* libFuzzer target: the node's per-message handlers of block sync and
 * transaction relay (src/node/sync.c, src/node/relay.c), behind a real
 * struct p2p with the node's own callbacks (node_net_callbacks), a real
 * ledger on a temporary LevelDB and a real mempool, fed by two fake
 * inbound peers over bufferevent pairs.
 *
 * Once, at start: a regtest-like genesis (a validator, a funded key) and a
 * chain of FUZZ_BLOCKS blocks made by cons_produce_block, with real
 * commits (block 2 holds the funded key's transaction of nonce 0), kept as
 * block payloads with their ids; and FUZZ_TXS signed transactions of the
 * funded key (nonces 0, 1, 2).
 *
 * Each input opens a new ledger at genesis. Its first byte gives the
 * heights the two peers claim in their version (0..FUZZ_BLOCKS + 1 each);
 * then records, each u8 selector, u16le length, length bytes, sent by peer
 * selector & 1 as selector >> 1 modulo 20:
 *   0..13  a frame of that command (enum p2p_cmd, 0: unknown) with the bytes
 *          as payload
 *   14     a good block (height 1 + bytes[0] % FUZZ_BLOCKS), as it is
 *   15     the same with bytes[1..] as (u16le offset, u8 xor) mutations
 *   16     a good transaction (bytes[0] % FUZZ_TXS), as it is
 *   17     the same, mutated
 *   18     an inv (bytes[0] odd) or getdata of a good block's or
 *          transaction's id (bytes[1])
 *   19     the bytes, unframed
 *
 * Properties: nothing crashes or leaks; the tip is always on the good
 * chain (no invalid, mutated or out-of-order block is ever joined: only a
 * block the node verified against the validator set); every transaction in
 * the mempool passes tx_check and its signature check.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "consensus/consensus.h"
#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "fuzz.h"
#include "ledger/query.h"
#include "mempool/mempool_ledger.h"
#include "node/node_internal.h"
#include "p2p/p2p_internal.h"
#include "store/db.h"
#include "util/buf.h"
#include "util/file.h"

#define FUZZ_BLOCKS 3
#define FUZZ_TXS 3
#define FUZZ_KINDS 20
#define FUZZ_LOOPS 16
#define FUZZ_MAX_MUTATIONS 8

/* What every input starts from, made once. */
struct fuzz_world {
	char dir[64];                 /* the temporary folder */
	struct ledger_genesis g;
	struct buf block[FUZZ_BLOCKS]; /* block payloads (block + commit) */
	struct hash256 block_id[FUZZ_BLOCKS];
	struct buf tx[FUZZ_TXS];       /* tx payloads */
	struct hash256 txid[FUZZ_TXS];
	uint64_t run;                  /* inputs so far: each gets its own db */
};

static struct fuzz_world *fuzz_w;

static void fuzz_die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_node_sync: %s: %s\n", what, why);
	abort();
}

static void fuzz_key(struct seckey *sk, struct pubkey *pk, const char *seed)
{
	sha256(sk->b, seed, strlen(seed));
	if (!key_pubkey(pk, sk))
		fuzz_die("key", seed);
}

/* Regtest's own genesis (node_regtest_make), at a fixed time. */
static void fuzz_genesis(struct ledger_genesis *g, const struct pubkey *val,
			 const struct pubkey *funded)
{
	char err[256];
	if (!node_regtest_make(g, err, sizeof(err), val, funded, UINT64_C(1700000000000)))
		fuzz_die("genesis", err);
}

/* A signed post of the funded key at nonce. Out: payload, id. */
static void fuzz_make_tx(struct buf *payload, struct hash256 *id, const struct ledger_genesis *g,
			 const struct seckey *sk, const struct pubkey *pk, uint64_t nonce)
{
	static const char body[] = "fuzzing the node's handlers";
	struct tx tx;
	tx_init(&tx);
	tx.chain_id = g->chain_id;
	tx.type = TX_POST;
	tx.sender = *pk;
	tx.nonce = nonce;
	tx.fee = 100000;
	tx.u.post.body.p = (const uint8_t *)body;
	tx.u.post.body.len = sizeof(body) - 1;
	enum prim_err pe;
	uint8_t aux[32] = { 0 };
	if (!tx_sign(&tx, sk, aux, &pe) || !tx_encode(payload, &tx))
		fuzz_die("tx", "cannot sign or encode");
	*id = *tx_id(&tx);
	tx_release(&tx);
}

static struct db *fuzz_open_db(const char *path)
{
	char err[DB_ERR_LEN];
	struct db_options dbo;
	db_options_init(&dbo);
	dbo.create_if_missing = true;
	dbo.cache_bytes = (size_t)1 << 20;
	dbo.write_buffer_bytes = (size_t)1 << 20;
	struct db *db = db_open(err, sizeof(err), path, &dbo);
	if (db == NULL)
		fuzz_die("db_open", err);
	return db;
}

static struct ledger *fuzz_open_ledger(struct db *db, const struct ledger_genesis *g)
{
	struct ledger_options lo;
	struct ledger_error le;
	ledger_options_init(&lo);
	lo.threads = 1;
	lo.cache_bytes = (size_t)1 << 20;
	struct ledger *l = ledger_open(&le, db, g, &lo);
	if (l == NULL)
		fuzz_die("ledger_open", le.msg);
	return l;
}

static struct mempool *fuzz_open_mempool(struct ledger *l, const struct clock *clk)
{
	char err[256];
	struct mempool_chain mc;
	struct mempool_options mo;
	mempool_chain_from_ledger(&mc, l);
	mempool_options_default(&mo);
	struct mempool *mp = mempool_create(err, sizeof(err), &mo, &mc, clk);
	if (mp == NULL)
		fuzz_die("mempool_create", err);
	return mp;
}

/* The good chain: produced by the validator, stored as payloads. */
static void fuzz_make_chain(struct fuzz_world *w, const struct seckey *vsk)
{
	char path[128], err[512];
	struct clock clk;
	struct cons_valset vs;
	struct cons_produced out;
	struct mempool_reject why;
	struct ledger_error le;
	enum prim_err pe;
	struct tx tx;

	snprintf(path, sizeof(path), "%s/chain", w->dir);
	struct db *db = fuzz_open_db(path);
	struct ledger *l = fuzz_open_ledger(db, &w->g);
	clock_init(&clk);
	struct mempool *mp = fuzz_open_mempool(l, &clk);
	snprintf(path, sizeof(path), "%s/signer_state", w->dir);
	struct cons_signer *s = cons_signer_open(err, sizeof(err), path, vsk);
	if (s == NULL)
		fuzz_die("cons_signer_open", err);
	cons_valset_from_genesis(&vs, &w->g);
	for (uint64_t h = 1; h <= FUZZ_BLOCKS; h++) {
		if (h == 2) {
			if (!tx_decode(&tx, w->tx[0].data, w->tx[0].len, &pe) ||
			    mempool_add(mp, &why, NULL, &tx) != MEMPOOL_OK)
				fuzz_die("mempool_add", why.msg);
			tx_release(&tx);
		}
		if (!cons_produce_block(l, &out, err, sizeof(err), mp, s, &vs, 0))
			fuzz_die("cons_produce_block", err);
		w->block_id[h - 1] = out.block_id;
	}
	struct ledger_query *q = ledger_query_create(db);
	for (uint64_t h = 1; h <= FUZZ_BLOCKS && q != NULL; h++) {
		struct buf b = BUF_INIT, c = BUF_INIT;
		bool found = false, cfound = false;
		if (!ledger_q_block(q, &found, &b, &le, h) || !found ||
		    !ledger_q_commit(q, &cfound, &c, &le, h) || !cfound ||
		    !p2p_msg_block_payload(&w->block[h - 1], b.data, b.len, c.data, c.len))
			fuzz_die("chain", "cannot read a block back");
		buf_release(&b);
		buf_release(&c);
	}
	if (q == NULL)
		fuzz_die("ledger_query_create", "failed");
	ledger_query_destroy(q);
	cons_signer_close(s);
	mempool_destroy(mp);
	ledger_close(l);
	db_close(db);
}

/* At exit: the temporary folder goes. */
static void fuzz_cleanup(void)
{
	if (fuzz_w != NULL && fuzz_w->dir[0] != '\0')
		file_remove_tree(fuzz_w->dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct seckey vsk, fsk;
	struct pubkey vpk, fpk;
	(void)argc;
	(void)argv;
	if (!crypto_init())
		abort();
	fuzz_w = calloc(1, sizeof(*fuzz_w));
	if (fuzz_w == NULL)
		abort();
	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_w->dir, sizeof(fuzz_w->dir), "%s/fuzz_node_sync.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(fuzz_w->dir) == NULL)
		fuzz_die("mkdtemp", fuzz_w->dir);
	atexit(fuzz_cleanup);
	fuzz_key(&vsk, &vpk, "fuzz-node-validator");
	fuzz_key(&fsk, &fpk, "fuzz-node-funded");
	fuzz_genesis(&fuzz_w->g, &vpk, &fpk);
	for (size_t i = 0; i < FUZZ_TXS; i++)
		fuzz_make_tx(&fuzz_w->tx[i], &fuzz_w->txid[i], &fuzz_w->g, &fsk, &fpk, i);
	fuzz_make_chain(fuzz_w, &vsk);
	key_wipe(&vsk);
	key_wipe(&fsk);
	char path[128];
	snprintf(path, sizeof(path), "%s/chain", fuzz_w->dir);
	file_remove_tree(path);
	return 0;
}

/* ------------------------------------------------------------ one input */

static void fuzz_frame(struct buf *out, const uint8_t magic[4], enum p2p_cmd cmd,
		       const uint8_t *p, size_t n)
{
	size_t at = out->len;
	if (!p2p_frame_encode(out, magic, cmd == P2P_CMD_UNKNOWN ? "zz" : p2p_cmd_name(cmd), p, n)) {
		out->failed = false; /* over the command's maximum: dropped */
		out->len = at;
	}
}

static void fuzz_version(struct buf *out, const uint8_t magic[4], const struct ledger *l,
			 uint64_t height, uint64_t nonce)
{
	struct p2p_msg m;
	struct buf pay = BUF_INIT;
	p2p_msg_init(&m, P2P_CMD_VERSION);
	m.u.version.version = P2P_PROTOCOL_VERSION;
	m.u.version.nonce = nonce;
	m.u.version.chain_id = *ledger_chain_id(l);
	m.u.version.genesis = *ledger_genesis_hash(l);
	m.u.version.best_height = height;
	if (!p2p_msg_encode(&pay, &m))
		abort();
	fuzz_frame(out, magic, P2P_CMD_VERSION, pay.data, pay.len);
	fuzz_frame(out, magic, P2P_CMD_VERACK, NULL, 0);
	buf_release(&pay);
}

/* A copy of good with (u16le offset, u8 xor) mutations from p[0..n). */
static void fuzz_mutated(struct buf *out, const struct buf *good, const uint8_t *p, size_t n)
{
	buf_reset(out);
	buf_put(out, good->data, good->len);
	for (size_t i = 0; i + 3 <= n && i / 3 < FUZZ_MAX_MUTATIONS && out->len > 0; i += 3) {
		size_t at = ((size_t)p[i] | (size_t)p[i + 1] << 8) % out->len;
		out->data[at] ^= p[i + 2] ? p[i + 2] : 1;
	}
}

static void fuzz_inv(struct buf *out, const uint8_t magic[4], const uint8_t *p, size_t n)
{
	struct p2p_msg m;
	struct p2p_inv v;
	struct buf pay = BUF_INIT;
	uint8_t pick = n > 1 ? p[1] : 0;
	p2p_msg_init(&m, n > 0 && (p[0] & 1) ? P2P_CMD_INV : P2P_CMD_GETDATA);
	if (pick & 0x80) {
		v.type = P2P_INV_TX;
		v.hash = fuzz_w->txid[pick % FUZZ_TXS];
	} else {
		v.type = P2P_INV_BLOCK;
		v.hash = fuzz_w->block_id[pick % FUZZ_BLOCKS];
	}
	m.u.inv.n = 1;
	m.u.inv.v = &v;
	if (p2p_msg_encode(&pay, &m))
		fuzz_frame(out, magic, m.cmd, pay.data, pay.len);
	buf_release(&pay);
}

/* A frame of cmd carrying good as it is, or with mutate, mutated by the
 * record's bytes after its first (tmp holds the mutated payload). */
static void fuzz_good_or_mutated(struct buf *out, struct buf *tmp, const uint8_t magic[4],
				 enum p2p_cmd cmd, const struct buf *good, bool mutate,
				 const uint8_t *p, size_t n)
{
	if (!mutate) {
		fuzz_frame(out, magic, cmd, good->data, good->len);
		return;
	}
	fuzz_mutated(tmp, good, n ? p + 1 : p, n ? n - 1 : 0);
	fuzz_frame(out, magic, cmd, tmp->data, tmp->len);
}

/* One record of the input into the stream of its peer. */
static void fuzz_record(struct buf *out, const uint8_t magic[4], unsigned kind, const uint8_t *p,
			size_t n)
{
	struct buf tmp = BUF_INIT;
	size_t pick = n > 0 ? p[0] : 0;
	switch (kind) {
	case 14:
	case 15:
		fuzz_good_or_mutated(out, &tmp, magic, P2P_CMD_BLOCK,
				     &fuzz_w->block[pick % FUZZ_BLOCKS], kind == 15, p, n);
		break;
	case 16:
	case 17:
		fuzz_good_or_mutated(out, &tmp, magic, P2P_CMD_TX, &fuzz_w->tx[pick % FUZZ_TXS],
				     kind == 17, p, n);
		break;
	case 18:
		fuzz_inv(out, magic, p, n);
		break;
	case 19:
		buf_put(out, p, n);
		break;
	default:
		fuzz_frame(out, magic, (enum p2p_cmd)kind, p, n);
		break;
	}
	buf_release(&tmp);
}

/* The tip is genesis or a block of the good chain; the mempool holds
 * only valid transactions. */
static void fuzz_check(struct node *n)
{
	struct ledger_tip tip;
	enum prim_err pe;
	size_t k = 0, cap = mempool_count(n->mempool);
	ledger_get_tip(n->ledger, &tip);
	if (tip.height > FUZZ_BLOCKS ||
	    (tip.height > 0 && memcmp(tip.block_id.b, fuzz_w->block_id[tip.height - 1].b, 32) != 0))
		fuzz_die("invariant", "the tip is not on the good chain");
	struct hash256 *ids = calloc(cap + 1, sizeof(*ids));
	if (ids == NULL || !mempool_list(n->mempool, ids, &k, cap + 1))
		fuzz_die("mempool_list", "failed");
	for (size_t i = 0; i < k; i++) {
		const struct tx *tx = mempool_get(n->mempool, NULL, &ids[i]);
		if (tx == NULL || !tx_check(tx, &pe) || !tx_verify_sig(tx))
			fuzz_die("invariant", "an invalid transaction is in the mempool");
	}
	free(ids);
}

/* A node on a new ledger at genesis with P2P and block sync, as
 * node_net_open sets them up (no listener, no timers but sync's). */
static void fuzz_node_open(struct node *n, uint8_t magic[P2P_MAGIC_LEN], const char *path)
{
	struct p2p_options o;
	struct p2p_callbacks cb;
	char err[256];
	memset(n, 0, sizeof(*n));
	clock_init(&n->clock);
	n->base = event_base_new();
	if (n->base == NULL)
		abort();
	n->db = fuzz_open_db(path);
	n->ledger = fuzz_open_ledger(n->db, &fuzz_w->g);
	n->mempool = fuzz_open_mempool(n->ledger, &n->clock);
	cons_valset_from_genesis(&n->valset, &fuzz_w->g);
	n->have_chain = true;
	if (!p2p_options_default(&o, "regtest"))
		abort();
	o.chain_id = *ledger_chain_id(n->ledger);
	o.genesis = *ledger_genesis_hash(n->ledger);
	o.addrman.max_entries = 64;
	o.addrman.seed = 1;
	memcpy(magic, o.magic, P2P_MAGIC_LEN);
	node_net_callbacks(n, &cb);
	n->p2p = p2p_create(err, sizeof(err), n->base, &o, &cb, NULL, NULL);
	if (n->p2p == NULL)
		fuzz_die("p2p_create", err);
	if (!node_sync_start(n, err, sizeof(err)))
		fuzz_die("node_sync_start", err);
}

/* Close the node; the far ends of the peers' pairs (pair[i][1]) are
 * freed too, and the loop run once more so that libevent finishes the
 * bufferevents it frees lazily. */
static void fuzz_node_close(struct node *n, struct bufferevent *pair[2][2])
{
	node_net_close(n);
	for (int i = 0; i < 2; i++)
		bufferevent_free(pair[i][1]);
	event_base_loop(n->base, EVLOOP_NONBLOCK);
	mempool_destroy(n->mempool);
	ledger_close(n->ledger);
	db_close(n->db);
	event_base_free(n->base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const addrs[2] = { "10.0.0.1:5", "10.0.0.2:5" };
	struct node n;
	struct bufferevent *pair[2][2];
	struct buf stream[2] = { BUF_INIT, BUF_INIT };
	struct p2p_addr addr;
	struct reader r;
	char path[128];
	uint8_t first = size > 0 ? data[0] : 0;

	snprintf(path, sizeof(path), "%s/run%llu", fuzz_w->dir, (unsigned long long)fuzz_w->run++);
	uint8_t magic[P2P_MAGIC_LEN];
	fuzz_node_open(&n, magic, path);
	for (int i = 0; i < 2; i++) {
		uint64_t claim = (uint64_t)((i ? first >> 4 : first) & 0x0f) % (FUZZ_BLOCKS + 2);
		if (!p2p_addr_parse(&addr, addrs[i], 0) ||
		    bufferevent_pair_new(n.base, 0, pair[i]) != 0 ||
		    p2p_peer_new(n.p2p, pair[i][0], &addr, P2P_CONN_INBOUND) == NULL)
			abort();
		fuzz_version(&stream[i], magic, n.ledger, claim, 100 + (uint64_t)i);
	}
	reader_init(&r, size > 0 ? data + 1 : data, size > 0 ? size - 1 : 0);
	uint8_t sel;
	uint16_t len;
	const uint8_t *p;
	while (fuzz_next_record(&r, &sel, &p, &len)) {
		fuzz_record(&stream[sel & 1], magic, (unsigned)(sel >> 1) % FUZZ_KINDS, p, len);
	}
	for (int i = 0; i < 2; i++)
		bufferevent_write(pair[i][1], stream[i].data, stream[i].len);
	for (int i = 0; i < FUZZ_LOOPS; i++)
		event_base_loop(n.base, EVLOOP_NONBLOCK);
	fuzz_check(&n);
	fuzz_node_close(&n, pair);
	for (int i = 0; i < 2; i++)
		buf_release(&stream[i]);
	file_remove_tree(path);
	return 0;
}
