/* The LevelDB wrapper: one database, atomic batches, snapshots and prefix
 * iteration, over LevelDB's C API.
 *
 * Guarantees (see doc/storage.md):
 *   - A batch written with db_write(..., sync = true) is atomic and durable:
 *     after a crash (kill -9 or power loss) a reopened database holds either
 *     every put and delete of the batch or none of them, and once db_write
 *     has returned true it holds all of them.
 *   - A snapshot is one consistent, unchanging view of the database: writes
 *     made after it was taken are invisible through it.
 *   - Keys and values are arbitrary bytes (NULs included); iteration order is
 *     bytewise (memcmp, shorter first on a tie) key order.
 *
 * Errors. Every operation that can fail for a reason outside the program (a
 * full disk, a corrupt file, a database locked by another process) returns
 * false or NULL and writes one readable line to err (errcap bytes, always
 * NUL-terminated, truncated if longer; err may be NULL when errcap is 0).
 * Nothing here aborts on an I/O error. Misuse (a NULL database, moving an
 * invalid iterator, closing a database with live snapshots or iterators) is
 * a programmer error and fails an assert.
 *
 * Threads. A struct db may be used from several threads at once: db_get,
 * db_write, snapshots and iterators are safe to call concurrently (LevelDB
 * serialises writers). One struct db_batch or struct db_iter must be used by
 * one thread at a time.
 *
 * Lifetimes. Snapshots and iterators belong to their database and must be
 * destroyed before it is closed; an iterator made from a snapshot must be
 * destroyed before that snapshot.
 */
#ifndef ROSTRA_STORE_DB_H
#define ROSTRA_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct db;
struct db_snapshot;
struct db_batch;
struct db_iter;

/* A size for error buffers that holds every message this module writes
 * without truncation in practice (paths are included in full up to it). */
#define DB_ERR_LEN 512

/* Defaults set by db_options_init. */
#define DB_DEFAULT_CACHE_BYTES ((size_t)32 << 20)
#define DB_DEFAULT_WRITE_BUFFER_BYTES ((size_t)16 << 20)
#define DB_DEFAULT_MAX_OPEN_FILES 256
#define DB_DEFAULT_BLOOM_BITS 10

/* How to open a database. A plain value type: fill it with db_options_init
 * and change the fields you need. */
struct db_options {
	/* LRU cache of uncompressed blocks, in bytes (what -dbcache gives to
	 * LevelDB). 0 leaves LevelDB's own 8 MiB default cache. */
	size_t cache_bytes;
	/* Memtable size before it is written to a table file, in bytes; must
	 * not be 0. LevelDB clamps it to [64 KiB, 1 GiB]. */
	size_t write_buffer_bytes;
	/* Table files LevelDB keeps open (file descriptors); must be positive.
	 * LevelDB clamps it to [74, 50000]. */
	int max_open_files;
	/* Bloom filter bits per key (0 to 64), so that a get for a missing
	 * key rarely touches disk; 0 disables the filter. Changing it on an
	 * existing database is allowed (old tables keep their old filter). */
	int bloom_bits_per_key;
	/* Create the database when the folder holds none. */
	bool create_if_missing;
	/* Fail if a database already exists at the path. */
	bool error_if_exists;
	/* LevelDB's paranoid checks: stop on any sign of corruption when
	 * opening and compacting instead of skipping damaged data. */
	bool paranoid_checks;
	/* Verify the checksum of every block read (gets and iterators). */
	bool verify_checksums;
};

/* Fill opt with the defaults: DB_DEFAULT_CACHE_BYTES, DB_DEFAULT_WRITE_BUFFER_BYTES,
 * DB_DEFAULT_MAX_OPEN_FILES, DB_DEFAULT_BLOOM_BITS, create_if_missing,
 * paranoid_checks and verify_checksums on, error_if_exists off. Out: opt. */
void db_options_init(struct db_options *opt);

/* ---------------------------------------------------------------- database */

/* Open (and with create_if_missing, create) the database in folder path.
 * Out: err (errcap bytes) on failure. In: path (NUL-terminated, not empty),
 * opt (NULL for the defaults of db_options_init).
 * Returns the database, owned by the caller (db_close), or NULL with a
 * message: among others when path is empty, when it is a file, when the
 * options are out of range, and when the database is already open, in this
 * process or another: that message says the database is in use.
 * Besides LevelDB's own files the folder holds "rostra.lock", flock'ed
 * while the database is open, which keeps a second open in the same
 * process from reaching LevelDB (whose failed second open would drop the
 * first one's fcntl lock on LOCK; see db.c). */
struct db *db_open(char *err, size_t errcap, const char *path,
		   const struct db_options *opt);

/* Close the database and free it; NULL is a no-op. Every snapshot and
 * iterator of db must have been destroyed (asserted). Synced batches are
 * already durable; unsynced ones are flushed to the log by LevelDB. */
void db_close(struct db *db);

/* Delete every LevelDB file of the database in folder path and
 * rostra.lock, and the folder if that leaves it empty (for -reindex and
 * tests). A path that does not exist or holds no database is not an error.
 * Fails, changing nothing, while the database is open (in this process or
 * another). Out: err on failure. In: path (not empty). Returns true on
 * success. */
bool db_destroy_files(char *err, size_t errcap, const char *path);

/* ---------------------------------------------------------------- reads */

/* Read the value stored under key.
 * Context: db, and snap (NULL reads the latest committed state).
 * Out: *found; val (if not NULL) is reset and receives a copy of the value
 *      (left empty when the key is missing or on failure); err on failure.
 * In: key[0..klen) (any bytes; key may be NULL when klen is 0).
 * Returns false on an I/O or corruption error, or when the value does not
 * fit val's growth limit (buf_set_max); *found is then false. A missing key
 * is not an error: it returns true with *found false. */
bool db_get(struct db *db, const struct db_snapshot *snap, struct buf *val,
	    bool *found, char *err, size_t errcap, const void *key, size_t klen);

/* Take a snapshot of the current state of db: one consistent view for a
 * whole request. Returns NULL only when out of memory. Owned by the caller,
 * released with db_snapshot_destroy before db_close. A thread's snapshot
 * is kept after its release and handed to the same thread again while no
 * db_write has begun since it was taken (the same state, without a new
 * LevelDB snapshot); a write drops the kept ones. A second snapshot taken
 * while the first is held is a new one. */
struct db_snapshot *db_snapshot_create(struct db *db);
/* Release a snapshot; NULL is a no-op. Its iterators must be gone. */
void db_snapshot_destroy(struct db_snapshot *snap);
/* LevelDB snapshots of db alive now: those held, and those kept. */
size_t db_snapshot_count(const struct db *db);

/* The write generation of a snapshot: the number of db_write calls made
 * before it, when none was under way while it was taken; else
 * DB_GEN_UNKNOWN. Two snapshots of one database with the same known
 * generation hold the same data, so a value read through one may be kept
 * and answered for the other (what ledger_q_tip does). */
#define DB_GEN_UNKNOWN UINT64_MAX
uint64_t db_snapshot_generation(const struct db_snapshot *snap);
/* A number no other database opened by this process has had: with a
 * generation, it names one state of one database. */
uint64_t db_id(const struct db *db);

/* The value of a LevelDB property such as "leveldb.stats",
 * "leveldb.sstables", "leveldb.approximate-memory-usage" or
 * "leveldb.num-files-at-level0".
 * Out: out (reset, then the text, NUL-terminated as struct buf always is).
 * In: name. Returns false, out empty, for an unknown name or when the text
 * does not fit out's limit. */
bool db_property(struct db *db, struct buf *out, const char *name);

/* Approximate bytes on disk used by the keys in [start, limit) (bytewise).
 * In: start[0..slen), limit[0..llen). Returns 0 for an empty range. Data
 * still in the memtable is not counted. */
uint64_t db_approximate_size(struct db *db, const void *start, size_t slen,
			     const void *limit, size_t llen);

/* Compact the tables that hold [start, limit); NULL start means from the
 * first key, NULL limit up to the last. Blocks until done (slow: for after a
 * reindex, not for the hot path). */
void db_compact_range(struct db *db, const void *start, size_t slen,
		      const void *limit, size_t llen);

/* ---------------------------------------------------------------- writes */

/* An ordered list of puts and deletes written together by db_write. Later
 * operations on the same key win. Owned by the caller (db_batch_destroy).
 * Returns NULL only when out of memory. */
struct db_batch *db_batch_create(void);
/* Free a batch; NULL is a no-op. */
void db_batch_destroy(struct db_batch *b);
/* Forget every operation (the batch can be reused). */
void db_batch_clear(struct db_batch *b);
/* Append a put of key[0..klen) = val[0..vlen). The bytes are copied. */
void db_batch_put(struct db_batch *b, const void *key, size_t klen,
		  const void *val, size_t vlen);
/* Append a delete of key[0..klen) (deleting a missing key is allowed). The
 * bytes are copied. */
void db_batch_del(struct db_batch *b, const void *key, size_t klen);
/* Append every operation of src to dst, after dst's own. src is unchanged. */
void db_batch_append(struct db_batch *dst, const struct db_batch *src);
/* Number of puts and deletes in the batch. */
size_t db_batch_count(const struct db_batch *b);
/* Size of the batch as LevelDB encodes it in its log, in bytes: a 12-byte
 * header, then per operation a tag byte and the varint-prefixed key (and
 * value). Saturates at SIZE_MAX. */
size_t db_batch_bytes(const struct db_batch *b);

/* Write every operation of b in one atomic step. With sync, the write is
 * flushed to stable storage (fsync) before this returns true, so it
 * survives a crash or power loss; everything a block changes is written
 * this way. Without sync it survives a process crash but maybe not a power
 * loss. b keeps its operations (clear it to reuse it); LevelDB stamps a
 * sequence number into it, so b is not const. Out: err on failure.
 * Returns false if LevelDB refuses the write (I/O error, full disk, a
 * database that earlier saw an error under paranoid checks). An empty
 * batch is written as a no-op (and still synced when asked). */
bool db_write(struct db *db, char *err, size_t errcap, struct db_batch *b,
	      bool sync);

/* ---------------------------------------------------------------- iteration */

/* An iterator over the keys that start with a prefix, in bytewise order,
 * reading a snapshot or (snap NULL) the state at the moment of creation
 * (LevelDB iterators always see one implicit snapshot).
 * In: prefix[0..plen) (copied; plen 0 iterates over every key).
 * It starts unpositioned (not valid): call one of the seeks.
 * Returns NULL only when out of memory. Owned by the caller
 * (db_iter_destroy). */
struct db_iter *db_iter_create(struct db *db, const struct db_snapshot *snap,
			       const void *prefix, size_t plen);
/* Free an iterator; NULL is a no-op. */
void db_iter_destroy(struct db_iter *it);

/* Position at the first key of the prefix. */
void db_iter_seek_first(struct db_iter *it);
/* Position at the last key of the prefix (newest first pages), including
 * keys that continue with 0xff bytes, and prefixes made only of 0xff. */
void db_iter_seek_last(struct db_iter *it);
/* Position at the first key of the prefix that is >= key (bytewise). A key
 * before the prefix range gives the first key of the prefix; one after the
 * range leaves the iterator invalid. In: key[0..klen). */
void db_iter_seek(struct db_iter *it, const void *key, size_t klen);
/* Position at the last key of the prefix that is <= key (bytewise): the
 * mirror of db_iter_seek, for pages read backwards from a cursor. A key
 * after the prefix range gives the last key of the prefix; one before it
 * leaves the iterator invalid. For "strictly before key", seek here and
 * step back once if db_iter_key equals key. In: key[0..klen). */
void db_iter_seek_for_prev(struct db_iter *it, const void *key, size_t klen);
/* Step to the next / previous key. The iterator must be valid (asserted);
 * stepping past either end of the prefix makes it invalid. */
void db_iter_next(struct db_iter *it);
void db_iter_prev(struct db_iter *it);

/* True when the iterator sits on a key that starts with the prefix. Once it
 * is false, call db_iter_status: the end of the data and a read error look
 * the same here. */
bool db_iter_valid(const struct db_iter *it);
/* The current key and value, whole (the prefix included). Views into the
 * iterator, valid until it moves or is destroyed. The iterator must be
 * valid (asserted). Out: *len. */
const uint8_t *db_iter_key(const struct db_iter *it, size_t *len);
const uint8_t *db_iter_value(const struct db_iter *it, size_t *len);
/* Whether the iteration so far met no error (LevelDB's
 * leveldb_iter_get_error). Call it when db_iter_valid turns false, before
 * trusting that the prefix has no more keys. Out: err on failure.
 * Returns true when no error occurred. */
bool db_iter_status(const struct db_iter *it, char *err, size_t errcap);

#endif
