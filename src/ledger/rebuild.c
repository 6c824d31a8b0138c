/* Rebuilding state and indexes from the stored blocks (ledger_rebuild,
 * what -reindex calls). The block store (blocks, block ids, commits) is
 * kept; everything derived from it is deleted and recomputed by executing
 * and committing every stored block again, from genesis. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

/* Prefixes derived from the blocks (deleted by a rebuild). */
static bool derived_prefix(uint8_t p)
{
	return ledger_prefix_is_consensus(p) || p == LEDGER_P_META || p == LEDGER_P_TX ||
	       (p >= LEDGER_P_IX_AUTHOR && p < 0x60);
}

static bool write_batch(struct ledger_error *err, struct db *db, struct db_batch *b, bool sync)
{
	char e[DB_ERR_LEN];
	if (!db_write(db, e, sizeof(e), b, sync))
		return ledger_fail(err, LEDGER_ERR_IO, "rebuild: database write failed: %s", e);
	db_batch_clear(b);
	return true;
}

/* Delete every derived key except the rebuild marker, in batches. */
static bool wipe(struct ledger_error *err, struct db *db)
{
	struct db_batch *b = db_batch_create();
	struct db_iter *it = db_iter_create(db, NULL, NULL, 0);
	char e[DB_ERR_LEN];
	bool ok = true;

	if (b == NULL || it == NULL)
		abort();
	for (db_iter_seek_first(it); ok && db_iter_valid(it); db_iter_next(it)) {
		size_t kl;
		const uint8_t *key = db_iter_key(it, &kl);
		if (kl == 0 || !derived_prefix(key[0]))
			continue;
		if (kl == 2 && key[0] == LEDGER_P_META && key[1] == LEDGER_META_REINDEX)
			continue;
		db_batch_del(b, key, kl);
		if (db_batch_count(b) >= 10000)
			ok = write_batch(err, db, b, false);
	}
	if (ok && !db_iter_status(it, e, sizeof(e)))
		ok = ledger_fail(err, LEDGER_ERR_IO, "rebuild: database read failed: %s", e);
	db_iter_destroy(it);
	if (ok)
		ok = write_batch(err, db, b, true);
	db_batch_destroy(b);
	return ok;
}

static bool set_marker(struct ledger_error *err, struct db *db, bool on)
{
	struct db_batch *b = db_batch_create();
	struct ledger_key k;
	bool ok;
	if (b == NULL)
		abort();
	ledger_key_meta(&k, LEDGER_META_REINDEX);
	if (on)
		db_batch_put(b, k.b, k.len, "1", 1);
	else
		db_batch_del(b, k.b, k.len);
	ok = write_batch(err, db, b, true);
	db_batch_destroy(b);
	return ok;
}

/* Execute and commit stored block h. Out: *more (false when there is no
 * block at h). */
static bool replay(struct ledger *l, struct ledger_error *err, bool *more, uint64_t h,
		   struct buf *raw)
{
	struct ledger_key k;
	struct block b;
	struct commit c;
	struct ledger_exec *x;
	enum prim_err pe;
	bool found, has_commit, ok;
	char e[DB_ERR_LEN];

	*more = false;
	ledger_key_height(&k, LEDGER_P_BLOCK, h);
	if (!db_get(l->db, NULL, raw, &found, e, sizeof(e), k.b, k.len))
		return ledger_fail(err, LEDGER_ERR_IO, "rebuild: database read failed: %s", e);
	if (!found)
		return true;
	*more = true;
	if (!block_decode(&b, raw->data, raw->len, &pe))
		return ledger_fail(err, LEDGER_ERR_CORRUPT, "rebuild: stored block %" PRIu64
				   " does not decode: %s", h, prim_err_str(pe));
	ledger_key_height(&k, LEDGER_P_COMMIT, h);
	if (!db_get(l->db, NULL, raw, &has_commit, e, sizeof(e), k.b, k.len)) {
		block_release(&b);
		return ledger_fail(err, LEDGER_ERR_IO, "rebuild: database read failed: %s", e);
	}
	if (has_commit && !commit_decode(&c, raw->data, raw->len, &pe)) {
		block_release(&b);
		return ledger_fail(err, LEDGER_ERR_CORRUPT, "rebuild: stored commit %" PRIu64
				   " does not decode: %s", h, prim_err_str(pe));
	}
	ok = ledger_execute_block(l, &x, err, &b) &&
	     ledger_commit(l, err, x, &b, has_commit ? &c : NULL);
	if (x != NULL)
		ledger_exec_destroy(x);
	block_release(&b);
	return ok;
}

bool ledger_rebuild(struct ledger_error *err, uint64_t *height, struct db *db,
		    const struct ledger_genesis *genesis, const struct ledger_options *opt)
{
	struct ledger *l;
	struct buf raw = BUF_INIT;
	bool more = true, ok = true;

	*height = 0;
	if (err != NULL)
		ledger_error_clear(err);
	if (genesis == NULL)
		return ledger_fail(err, LEDGER_ERR_GENESIS, "rebuild: the genesis is needed");
	/* Refuse to wipe a database of another chain. */
	l = ledger_open_internal(err, db, NULL, opt, true);
	if (l != NULL) {
		bool same = memcmp(l->genesis_hash.b, genesis->hash.b, 32) == 0;
		ledger_close(l);
		if (!same)
			return ledger_fail(err, LEDGER_ERR_GENESIS_MISMATCH,
					   "rebuild: the database holds another chain");
	}
	if (!set_marker(err, db, true) || !wipe(err, db))
		return false;
	l = ledger_open_internal(err, db, genesis, opt, true);
	if (l == NULL)
		return false;
	for (uint64_t h = 1; ok && more; h++) {
		ok = replay(l, err, &more, h, &raw);
		if (ok && more)
			*height = h;
	}
	if (!ok && err != NULL && err->code != LEDGER_ERR_IO) {
		char msg[LEDGER_MSG_MAX];
		snprintf(msg, sizeof(msg), "rebuild stopped at block %" PRIu64 ": %.180s",
			 *height + 1, err->msg);
		memcpy(err->msg, msg, sizeof(msg));
	}
	ledger_close(l);
	buf_release(&raw);
	return ok && set_marker(err, db, false);
}
