/* Saving the mempool at shutdown and loading it at start (doc/mempool.md,
 * "File"):
 *
 *   "RMPL"  version u32le (1)  count u32le
 *   count x { time_ms u64le, varint length (1..8192), the tx encoding }
 *   SHA-256 of every byte before it (32 bytes)
 *
 * A file is checked whole (checksum, header, every tx decodes, no trailing
 * bytes) before any of it is admitted, so a corrupt file adds nothing. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "crypto/sha256.h"
#include "mempool/mempool_internal.h"
#include "util/buf.h"
#include "util/file.h"

static const uint8_t mempool_file_magic[4] = { 'R', 'M', 'P', 'L' };
#define MEMPOOL_FILE_VERSION 1
#define MEMPOOL_FILE_HEADER 12
#define MEMPOOL_FILE_ENTRY_MIN 10 /* time, a 1-byte length, 1 byte */

/* The largest file either side accepts: an entry adds at most 10 bytes to
 * a tx of at least 100, so twice the pool's limit is ample. */
static size_t mempool_file_cap(const struct mempool *mp)
{
	size_t cap;
	if (__builtin_mul_overflow(mp->opt.max_bytes, (size_t)2, &cap) ||
	    __builtin_add_overflow(cap, (size_t)65536, &cap))
		return SIZE_MAX;
	return cap;
}

/* ------------------------------------------------------------- saving */

static bool mempool_encode(const struct mempool *mp, struct buf *b, char *err, size_t errlen)
{
	uint8_t sum[SHA256_LEN];
	size_t count = mempool_count(mp);

	if (count > UINT32_MAX || !buf_set_max(b, mempool_file_cap(mp))) {
		snprintf(err, errlen, "mempool too large to save");
		return false;
	}
	buf_put(b, mempool_file_magic, sizeof(mempool_file_magic));
	buf_put_u32le(b, MEMPOOL_FILE_VERSION);
	buf_put_u32le(b, (uint32_t)count);
	/* Each sender's run in nonce order, so that loading admits it again. */
	for (size_t i = 0; i < mp->by_sender.nslot; i++) {
		const struct mempool_sender *s = mp->by_sender.slot[i];
		for (size_t j = 0; s != NULL && j < s->n; j++) {
			buf_put_u64le(b, (uint64_t)s->txs[j]->time_ms);
			buf_put_bytes(b, s->txs[j]->tx.raw, s->txs[j]->tx.raw_len);
		}
	}
	if (buf_ok(b)) {
		sha256(sum, b->data, b->len);
		buf_put(b, sum, sizeof(sum));
	}
	if (!buf_ok(b)) {
		snprintf(err, errlen, "out of memory encoding the mempool");
		return false;
	}
	return true;
}

bool mempool_save(const struct mempool *mp, char *err, size_t errlen, const char *path)
{
	struct buf b = BUF_INIT;
	bool ok = mempool_encode(mp, &b, err, errlen) &&
		  file_write_atomic(err, errlen, path, b.data, b.len, 0600);

	buf_release(&b);
	return ok;
}

/* ------------------------------------------------------------ loading */

/* Check the header and checksum. Out: r over the entries, *count. */
static bool mempool_parse_header(struct reader *r, uint32_t *count, char *err, size_t errlen,
				 const uint8_t *data, size_t len)
{
	uint8_t sum[SHA256_LEN], magic[4];
	uint32_t version;

	if (len < MEMPOOL_FILE_HEADER + SHA256_LEN) {
		snprintf(err, errlen, "mempool file is corrupt: truncated");
		return false;
	}
	sha256(sum, data, len - SHA256_LEN);
	if (memcmp(sum, data + len - SHA256_LEN, SHA256_LEN) != 0) {
		snprintf(err, errlen, "mempool file is corrupt: checksum mismatch");
		return false;
	}
	reader_init(r, data, len - SHA256_LEN);
	reader_get(r, magic, sizeof(magic));
	reader_get_u32le(r, &version);
	reader_get_u32le(r, count);
	if (memcmp(magic, mempool_file_magic, sizeof(magic)) != 0) {
		snprintf(err, errlen, "mempool file is corrupt: not a mempool file");
		return false;
	}
	if (version != MEMPOOL_FILE_VERSION) {
		snprintf(err, errlen, "mempool file has unsupported version %u", (unsigned)version);
		return false;
	}
	if (*count > reader_remaining(r) / MEMPOOL_FILE_ENTRY_MIN) {
		snprintf(err, errlen, "mempool file is corrupt: count %u is too large",
			 (unsigned)*count);
		return false;
	}
	return true;
}

/* Read entry i. Out: tx (decoded, owned), *time_ms. */
static bool mempool_parse_entry(struct reader *r, struct tx *tx, int64_t *time_ms, char *err,
				size_t errlen, uint32_t i)
{
	const uint8_t *p;
	size_t n;
	uint64_t t;
	enum prim_err perr;

	if (!reader_get_u64le(r, &t) || !reader_get_bytes(r, &p, &n, TX_MAX_SIZE)) {
		snprintf(err, errlen, "mempool file is corrupt: entry %u is truncated or too long",
			 (unsigned)i);
		return false;
	}
	if (t > INT64_MAX) {
		snprintf(err, errlen, "mempool file is corrupt: entry %u has a bad time",
			 (unsigned)i);
		return false;
	}
	if (!tx_decode(tx, p, n, &perr)) {
		snprintf(err, errlen, "mempool file is corrupt: entry %u does not decode (%s)",
			 (unsigned)i, prim_err_name(perr));
		return false;
	}
	*time_ms = (int64_t)t;
	return true;
}

/* Admit one loaded tx, unless it is too old. Out: stats. */
static void mempool_load_one(struct mempool *mp, struct mempool_load_stats *stats,
			     const struct tx *tx, int64_t time_ms, int64_t now)
{
	struct mempool_reject why;

	if (time_ms > now)
		time_ms = now;
	if (now - time_ms >= mp->opt.expiry_ms) {
		stats->expired++;
		return;
	}
	if (mempool_add_at(mp, &why, NULL, tx, time_ms) == MEMPOOL_OK)
		stats->added++;
	else
		stats->rejected++;
}

/* Walk the file; admit its entries when mp is not NULL, else only check. */
static bool mempool_walk(struct mempool *mp, struct mempool_load_stats *stats, char *err,
			 size_t errlen, const uint8_t *data, size_t len)
{
	struct reader r;
	uint32_t count;
	int64_t now = mp ? clock_now_ms(mp->clock) : 0;

	if (!mempool_parse_header(&r, &count, err, errlen, data, len))
		return false;
	for (uint32_t i = 0; i < count; i++) {
		struct tx tx;
		int64_t t;
		if (!mempool_parse_entry(&r, &tx, &t, err, errlen, i))
			return false;
		if (mp != NULL)
			mempool_load_one(mp, stats, &tx, t, now);
		tx_release(&tx);
	}
	if (reader_remaining(&r) != 0) {
		snprintf(err, errlen, "mempool file is corrupt: trailing bytes");
		return false;
	}
	stats->read = count;
	return true;
}

bool mempool_load_bytes(struct mempool *mp, struct mempool_load_stats *stats, char *err,
			size_t errlen, const uint8_t *data, size_t len)
{
	memset(stats, 0, sizeof(*stats));
	if (!mempool_walk(NULL, stats, err, errlen, data, len))
		return false;
	memset(stats, 0, sizeof(*stats));
	return mempool_walk(mp, stats, err, errlen, data, len);
}

bool mempool_load(struct mempool *mp, struct mempool_load_stats *stats, char *err, size_t errlen,
		  const char *path)
{
	struct buf b = BUF_INIT;
	size_t cap = mempool_file_cap(mp);
	bool missing, ok;

	memset(stats, 0, sizeof(*stats));
	/* The cap may pass BUF_DEFAULT_MAX: the bound is the file's. */
	buf_set_max(&b, cap);
	ok = file_read_all(err, errlen, &b, &missing, path, cap);
	if (ok && missing)
		stats->missing = true;
	else if (ok)
		ok = mempool_load_bytes(mp, stats, err, errlen, b.data, b.len);
	buf_release(&b);
	return ok;
}
