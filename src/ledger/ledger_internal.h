/* Internals of the ledger shared by its source files: the ledger object,
 * the hot-state cache, the worker pool and signature cache, the change set
 * (overlay) and the view that reads committed state through it, the
 * execution object, and the index writers. Not for use outside src/ledger.
 */
#ifndef ROSTRA_LEDGER_INTERNAL_H
#define ROSTRA_LEDGER_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/lthash.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "store/db.h"

/* ------------------------------------------------------------ errors */

/* Fill e (which may be NULL) with code and a formatted message. Returns
 * false so that callers can `return ledger_fail(...)`. */
bool ledger_fail(struct ledger_error *e, enum ledger_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A primitives rejection. Returns false. */
bool ledger_fail_prim(struct ledger_error *e, enum prim_err p);

/* ------------------------------------------------------------ hashing */

/* A keyed 64-bit hash for the in-memory tables (not consensus: only
 * lookups depend on it, never an order). */
uint64_t ledger_hash_bytes(uint64_t seed, const uint8_t *p, size_t n);

/* ------------------------------------------------------------ hot-state cache */

/* An LRU map from keys to committed values (or to "absent"), bounded by a
 * byte budget. It only ever holds the state of the tip: filled by reads of
 * the committed state and updated by ledger_commit. One thread. */
struct ledger_cache;

struct ledger_cache *ledger_cache_create(size_t budget, uint64_t seed);
void ledger_cache_destroy(struct ledger_cache *c);
/* Returns true on a hit. Out: *present, and when present *val and *vlen
 * pointing into the cache (valid until the next call that changes it). */
bool ledger_cache_get(struct ledger_cache *c, bool *present, const uint8_t **val, size_t *vlen,
		      const uint8_t *key, size_t klen);
/* Insert or replace (key -> val, or absent when !present). */
void ledger_cache_put(struct ledger_cache *c, const uint8_t *key, size_t klen, bool present,
		      const uint8_t *val, size_t vlen);
/* ledger_cache_get and ledger_cache_put with h = ledger_hash_bytes(seed,
 * key, klen), seed the cache's (so that a caller hashes a key once). */
bool ledger_cache_get_h(struct ledger_cache *c, bool *present, const uint8_t **val, size_t *vlen,
			const uint8_t *key, size_t klen, uint64_t h);
void ledger_cache_put_h(struct ledger_cache *c, const uint8_t *key, size_t klen, uint64_t h,
			bool present, const uint8_t *val, size_t vlen);
/* Forget everything. */
void ledger_cache_clear(struct ledger_cache *c);
/* Bytes and entries in use. */
size_t ledger_cache_bytes(const struct ledger_cache *c);
size_t ledger_cache_count(const struct ledger_cache *c);

/* ------------------------------------------------------------ worker pool */

struct ledger_pool;

/* fn(ctx, i, worker) for one item; worker is 0..size-1 (0 the caller). */
typedef void ledger_pool_fn(void *ctx, size_t i, unsigned worker);

/* A pool of `threads` workers in all: the caller and threads - 1 threads
 * (0 = one per online core). Returns NULL if a thread cannot start. */
struct ledger_pool *ledger_pool_create(unsigned threads);
void ledger_pool_destroy(struct ledger_pool *p);
unsigned ledger_pool_size(const struct ledger_pool *p);
/* Run fn over items 0..n-1 on every worker; returns when all are done. */
void ledger_pool_run(struct ledger_pool *p, ledger_pool_fn *fn, void *ctx, size_t n);
/* Publish fn over items 0..n-1 to the other workers and return at once,
 * so that the caller can work beside them: items are claimed in order, one
 * at a time. The caller may take items too (ledger_pool_help) and must end
 * the job with ledger_pool_wait before starting or running another. */
void ledger_pool_start(struct ledger_pool *p, ledger_pool_fn *fn, void *ctx, size_t n);
/* Run the next unclaimed item of the started job on the caller (worker 0).
 * Returns false when every item is already claimed. */
bool ledger_pool_help(struct ledger_pool *p);
/* Run what is left of the started job and return when all is done. */
void ledger_pool_wait(struct ledger_pool *p);
/* End the started job early: claim every item no one has claimed yet, so
 * that none of them runs, and return when the workers are done with the
 * items they hold. Returns the first item that will not run (n when every
 * item was claimed): items [that, n) are the caller's to run or drop. */
size_t ledger_pool_cancel(struct ledger_pool *p);

/* A bounded, thread-safe set of verified (sighash, key, signature)
 * triples, salted per process. */
struct ledger_sigcache;

struct ledger_sigcache *ledger_sigcache_create(size_t entries);
void ledger_sigcache_destroy(struct ledger_sigcache *c);
bool ledger_sigcache_has(struct ledger_sigcache *c, const struct tx *tx);
/* ledger_sigcache_has, keeping what ledger_sigcache_store needs to add the
 * triple after a miss without hashing it again. Out: entry, *slot. */
bool ledger_sigcache_lookup(struct ledger_sigcache *c, uint8_t entry[32], size_t *slot,
			    const struct tx *tx);
/* Add the triple that ledger_sigcache_lookup missed (entry and slot from
 * it). A NULL cache ignores it. */
void ledger_sigcache_store(struct ledger_sigcache *c, const uint8_t entry[32], size_t slot);
void ledger_sigcache_add(struct ledger_sigcache *c, const struct tx *tx);
/* Lookups so far that found (hits) or missed the entry. Out: zeros for a
 * NULL (disabled) cache. */
void ledger_sigcache_counts(struct ledger_sigcache *c, uint64_t *hits, uint64_t *misses);
/* tx_check and the signature of tx together, through the signature cache,
 * parsing the sender's key once. Out: *e, tx_check's first error (in
 * tx_check's order) or PRIM_ERR_OK. Returns true when tx passes tx_check
 * and its signature is valid; false with *e == PRIM_ERR_OK when only the
 * signature is bad. A pass is remembered in the cache. */
bool ledger_check_and_verify(struct ledger *l, const struct tx *tx, enum prim_err *e);

/* Keys known valid (keycache.c): a bounded, thread-safe, direct-mapped
 * set of x-only keys that passed key_pubkey_parse or signed a verified
 * signature, each with its parsed form. Only valid keys enter it, so a
 * lookup answers exactly as key_pubkey_parse does, without parsing a key
 * seen before. */
struct ledger_keycache;

#define LEDGER_KEYCACHE_ENTRIES ((size_t)1 << 16)

/* entries rounded up to a power of two; 0 gives NULL (no cache). */
struct ledger_keycache *ledger_keycache_create(size_t entries, uint64_t seed);
void ledger_keycache_destroy(struct ledger_keycache *c);
/* Whether k is in the cache, and then its parsed form (parsed may be
 * NULL). No check: a miss says nothing. */
bool ledger_keycache_get(struct ledger_keycache *c, const struct pubkey *k,
			 struct pubkey_parsed *parsed);
bool ledger_keycache_has(struct ledger_keycache *c, const struct pubkey *k);
/* key_pubkey_parse(parsed, k) from the cache, or parsed and remembered
 * when valid (a NULL cache just parses). */
bool ledger_keycache_parse(struct ledger_keycache *c, const struct pubkey *k,
			   struct pubkey_parsed *parsed);
/* Whether k is a valid key (ledger_keycache_parse, the form dropped). */
bool ledger_keycache_valid(struct ledger_keycache *c, const struct pubkey *k);
/* Enter k with its parsed form without checking: only for key_pubkey_parse's
 * output for k. A later key may evict it. */
void ledger_keycache_note(struct ledger_keycache *c, const struct pubkey *k,
			  const struct pubkey_parsed *parsed);
/* ledger_keycache_valid as a tx_key_valid_fn (ctx: the cache). */
bool ledger_keycache_judge(void *ctx, const struct pubkey *k);

/* ------------------------------------------------------------ the ledger */

struct ledger {
	struct db *db;
	struct ledger_options opt;
	struct ledger_cache *cache;        /* NULL when disabled */
	struct ledger_pool *pool;
	struct ledger_sigcache *sigcache;  /* NULL when disabled */
	struct ledger_keycache *keycache;  /* NULL with the signature cache */
	uint64_t seed;                     /* for the in-memory tables */

	struct ledger_tip tip;
	struct lthash lthash;              /* of the tip's consensus state */
	struct chain_id chain_id;
	struct hash256 genesis_hash;
	struct ledger_params params;       /* fixed at genesis */

	/* Bumped by every commit: an execution begun under another
	 * generation is stale. */
	uint64_t generation;
	size_t live_execs;

	/* tip.height for other threads (ledger_tip_height_shared): stored
	 * once a commit is durable. */
	atomic_uint_least64_t shared_height;

	/* What the next commit checks into the signature cache beside its
	 * write (ledger_commit_prefetch), borrowed from the caller. */
	const struct tx *prefetch;
	size_t nprefetch;
	bool prefetch_complete;
};

/* ------------------------------------------------------------ change set */

struct ledger_ov_arena;

/* One key touched by an execution: its committed value (orig) and its
 * current value (cur). Reads insert clean entries (a per-execution read
 * cache); writes make them dirty. cur aliases orig until the first write. */
struct ledger_ov_entry {
	uint8_t key[LEDGER_KEY_MAX];
	uint8_t klen;
	bool ohas;                 /* orig present */
	bool chas;                 /* cur present */
	bool dirty;
	bool blind;                /* written without reading: orig unknown */
	uint8_t *orig;
	size_t olen;
	uint8_t *cur;
	size_t clen;
	size_t ccap;               /* bytes of cur's own buffer (not orig's) */
	struct ledger_ov_arena *arena;     /* of its overlay */
	uint64_t hash;             /* ledger_ov_hash of the key */
};

struct ledger_overlay {
	struct ledger_ov_entry **slots;    /* open addressing, cap a power of 2 */
	size_t cap;
	size_t n;
	uint64_t seed;
	struct ledger_ov_entry **all;      /* insertion order */
	size_t nall;
	size_t capall;
	struct ledger_ov_arena *arena;     /* entries and values; NULL until the first */
};

void ledger_ov_init(struct ledger_overlay *ov, uint64_t seed);
void ledger_ov_release(struct ledger_overlay *ov);
/* The hash of key in ov's table: ledger_hash_bytes under the overlay's
 * seed (the view seeds its overlay and the ledger its cache alike, so one
 * hash serves both). */
uint64_t ledger_ov_hash(const struct ledger_overlay *ov, const uint8_t *key, size_t klen);
/* The entry of key, or NULL. */
struct ledger_ov_entry *ledger_ov_find(const struct ledger_overlay *ov, const uint8_t *key,
				       size_t klen);
/* ledger_ov_find with h = ledger_ov_hash(ov, key, klen). */
struct ledger_ov_entry *ledger_ov_find_h(const struct ledger_overlay *ov, const uint8_t *key,
					 size_t klen, uint64_t h);
/* Add an entry for a key not yet present, with orig = cur = (present,
 * val) copied. Returns it. Entries and values live in an arena that
 * ledger_ov_release frees at once. */
struct ledger_ov_entry *ledger_ov_add(struct ledger_overlay *ov, const uint8_t *key, size_t klen,
				      bool present, const uint8_t *val, size_t vlen);
/* ledger_ov_add with h = ledger_ov_hash(ov, key, klen). */
struct ledger_ov_entry *ledger_ov_add_h(struct ledger_overlay *ov, const uint8_t *key,
					size_t klen, uint64_t h, bool present, const uint8_t *val,
					size_t vlen);
/* Set the current value of e (copied; val may point to e's current
 * value). */
void ledger_ov_set(struct ledger_ov_entry *e, bool present, const uint8_t *val, size_t vlen);
/* True when e's current value differs from its committed one. */
bool ledger_ov_changed(const struct ledger_ov_entry *e);
/* Out: *out (malloc'd, caller frees), *n: the changed entries, in
 * insertion order. */
void ledger_ov_changes(const struct ledger_overlay *ov, struct ledger_ov_entry ***out, size_t *n);
/* Sort n entries by key (bytewise, shorter first). */
void ledger_ov_sort(struct ledger_ov_entry **e, size_t n);
/* Out: *out (malloc'd, caller frees), *n: the changed entries sorted by
 * key (bytewise, shorter first). */
void ledger_ov_sorted_changes(const struct ledger_overlay *ov, struct ledger_ov_entry ***out,
			      size_t *n);

/* ------------------------------------------------------------ view */

/* Reads of state through a change set: the overlay first, then the cache,
 * then the snapshot (or, with snap NULL, the latest committed state). A
 * database error or a malformed record sets the sticky error and every
 * later call fails. */
struct ledger_view {
	struct ledger *l;
	struct db_snapshot *snap;
	struct ledger_overlay ov;
	bool failed;
	struct ledger_error err;
	struct buf tmp;                    /* scratch for encodings */
	struct buf rd;                     /* database reads */
};

void ledger_view_init(struct ledger_view *v, struct ledger *l, struct db_snapshot *snap);
void ledger_view_release(struct ledger_view *v);
/* Copy the view's error into err (if any). Returns false. */
bool ledger_view_error(const struct ledger_view *v, struct ledger_error *err);
/* Mark a corrupt record under key k. Returns false. */
bool ledger_view_corrupt(struct ledger_view *v, const struct ledger_key *k, const char *what);

/* Out: *e, the overlay entry of k, loaded from storage when new. */
bool ledger_view_entry(struct ledger_view *v, struct ledger_ov_entry **e, const struct ledger_key *k);
/* Out: *present, *val and *vlen (pointing into the overlay; valid until k is
 * written again). */
bool ledger_view_get(struct ledger_view *v, bool *present, const uint8_t **val, size_t *vlen,
		     const struct ledger_key *k);
bool ledger_view_put(struct ledger_view *v, const struct ledger_key *k, const uint8_t *val,
		     size_t vlen);
bool ledger_view_del(struct ledger_view *v, const struct ledger_key *k);
/* Write a consensus key that cannot hold a value yet, without reading it:
 * a record named by the id of the transaction that creates it (a post and
 * its stats), since no earlier transaction has that id. The state root
 * takes its old value as absent. */
bool ledger_view_put_new(struct ledger_view *v, const struct ledger_key *k, const uint8_t *val,
			 size_t vlen);
/* Write (present) or delete a non-consensus key without reading it first
 * (index entries whose old value does not matter). */
void ledger_view_put_blind(struct ledger_view *v, const struct ledger_key *k, bool present,
			   const uint8_t *val, size_t vlen);

/* Typed records. Getters give the default (or found = false) when
 * absent; putters delete a default record. */
bool ledger_view_chain(struct ledger_view *v, struct ledger_chain *c);
bool ledger_view_put_chain(struct ledger_view *v, const struct ledger_chain *c);
bool ledger_view_account(struct ledger_view *v, struct ledger_account *a, const struct pubkey *who);
bool ledger_view_put_account(struct ledger_view *v, const struct pubkey *who,
			     const struct ledger_account *a);
bool ledger_view_profile(struct ledger_view *v, struct ledger_profile *p, const struct pubkey *who);
bool ledger_view_put_profile(struct ledger_view *v, const struct pubkey *who,
			     const struct ledger_profile *p);
bool ledger_view_handle(struct ledger_view *v, bool *found, struct pubkey *owner,
			const uint8_t *h, size_t hlen);
bool ledger_view_post(struct ledger_view *v, bool *found, struct ledger_post *p,
		      const struct hash256 *id);
bool ledger_view_stats(struct ledger_view *v, struct ledger_stats *s, const struct hash256 *id);
bool ledger_view_put_stats(struct ledger_view *v, const struct hash256 *id,
			   const struct ledger_stats *s);
bool ledger_view_vote(struct ledger_view *v, bool *found, struct ledger_vote *vote,
		      const struct pubkey *voter, const struct hash256 *post);
bool ledger_view_endorsement(struct ledger_view *v, bool *found, struct ledger_endorsement *e,
			     const struct pubkey *endorser, const struct pubkey *subject);
bool ledger_view_follows(struct ledger_view *v, bool *found, const struct pubkey *follower,
			 const struct pubkey *target);
bool ledger_view_validator(struct ledger_view *v, bool *found, struct ledger_validator *val,
			   const struct pubkey *op);
bool ledger_view_put_validator(struct ledger_view *v, const struct pubkey *op,
			       const struct ledger_validator *val);
bool ledger_view_conskey(struct ledger_view *v, bool *found, struct pubkey *op,
			 const struct pubkey *ckey);
bool ledger_view_bond(struct ledger_view *v, uint64_t *amount, const struct pubkey *delegator,
		      const struct pubkey *validator);
bool ledger_view_put_bond(struct ledger_view *v, const struct pubkey *delegator,
			  const struct pubkey *validator, uint64_t amount);

/* ------------------------------------------------------------ execution */

struct ledger_exec {
	struct ledger *l;
	uint64_t generation;
	struct ledger_view view;

	uint64_t height;
	uint64_t time;
	struct pubkey proposer;            /* consensus key */
	struct pubkey proposer_op;         /* its operator */
	uint64_t fees;

	struct ledger_receipt *receipts;
	size_t nreceipts, capreceipts;

	bool finished;
	/* When finished: the changed entries sorted by key (malloc'd). */
	struct ledger_ov_entry **changes;
	size_t nchanges;
	struct hash256 root;
	struct lthash lthash;              /* after the block */
};

/* Context of one transaction being applied. */
struct ledger_txctx {
	struct ledger_exec *x;
	struct ledger_view *v;
	const struct tx *tx;
	struct hash256 txid;
	struct ledger_pos pos;
	/* accounts the tx touches besides the sender (account history) */
	struct pubkey touched[2];
	size_t ntouched;
};

/* Run the action of a tx whose fee and nonce are paid. Returns false only
 * on a database error (v->failed). Out: *code. */
bool ledger_rules_apply(struct ledger_txctx *c, uint16_t *code);

/* Record that the tx touches account who (account history). */
void ledger_rules_touch(struct ledger_txctx *c, const struct pubkey *who);

/* ------------------------------------------------------------ indexes */

/* Index writes for a successful post (by author, feed head, replies). */
bool ledger_index_post(struct ledger_txctx *c, const struct ledger_post *p);
/* The tx record (receipt and bytes) and the account history entries. */
bool ledger_index_tx(struct ledger_txctx *c, uint16_t code);
/* At block end: the reputation index for every account whose reputation
 * changed in the change set. */
bool ledger_index_reputation(struct ledger_view *v);

/* The most feed-head entries kept per author (ledger.md, "Feed"). */
#define LEDGER_HEAD_MAX 16
#define LEDGER_HEAD_ENTRY (LEDGER_POS_LEN + 32)

/* The stored tx record: receipt fields and the tx encoding. */
bool ledger_txrec_encode(struct buf *out, const struct ledger_receipt *rc, const uint8_t *raw,
			 size_t rawlen);
bool ledger_txrec_decode(struct ledger_receipt *rc, const uint8_t **raw, size_t *rawlen,
			 const uint8_t *data, size_t len);

/* ------------------------------------------------------------ open */

/* ledger_open, except that with allow_reindex an interrupted rebuild's
 * marker is ignored (the rebuild itself opens this way). */
struct ledger *ledger_open_internal(struct ledger_error *err, struct db *db,
				    const struct ledger_genesis *genesis,
				    const struct ledger_options *opt, bool allow_reindex);

/* The meta name of the rebuild marker. */
#define LEDGER_META_REINDEX 'r'

/* ------------------------------------------------------------ meta records */

bool ledger_tip_encode(struct buf *out, const struct ledger_tip *t);
bool ledger_tip_decode(struct ledger_tip *t, const uint8_t *data, size_t len);

/* Read the whole consensus state of db (through snap) and hash it from
 * scratch. Out: h, err. For tests and checks. */
bool ledger_state_hash_scratch(struct lthash *h, struct ledger_error *err, struct db *db,
			       const struct db_snapshot *snap);

#endif
