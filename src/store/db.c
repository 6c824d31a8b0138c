/* The LevelDB wrapper (see db.h). Everything here is a thin layer over
 * <leveldb/c.h>: it turns LevelDB's char **errptr into one readable line,
 * keeps batches' sizes, confines iterators to a key prefix, and guards the
 * database folder with a lock of its own (see db_lock_take). */
#define _POSIX_C_SOURCE 200809L

#include "store/db.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leveldb/c.h>

#include "util/checked.h"

/* LevelDB's write batch header: an 8-byte sequence number and a 4-byte
 * count (WriteBatchInternal::kHeader). */
#define DB_BATCH_HEADER 12
/* The file in the database folder that db_lock_take locks. */
#define DB_LOCK_NAME "rostra.lock"
/* Largest bloom filter accepted: more bits buy nothing measurable. */
#define DB_MAX_BLOOM_BITS 64
/* Table block size (LevelDB's default is 4 KiB): every get verifies the
 * checksum of the whole block it reads, straight from the mapped table
 * file (doc/storage.md, Options). */
#define DB_BLOCK_BYTES 1024

/* One thread's kept snapshot: db_snapshot_create hands it to the same
 * thread again while no write has begun since it was taken, so that a
 * thread reading between writes (an RPC thread, most of all) takes no
 * LevelDB snapshot, nor LevelDB's lock, per read. db_write drops every
 * kept snapshot once its write has ended, so that none pins data a write
 * replaced (a lent one goes when its holder destroys it). */
struct db_slot {
	atomic_uintptr_t owner;      /* the thread's token (db_thread_token), 0: free */
	pthread_mutex_t mu;          /* its thread's uses and db_write's drops */
	struct db_snapshot *snap;    /* kept, or NULL */
	bool lent;                   /* snap is out with its thread */
};

/* Threads that can keep a snapshot of one database; more take plain ones.
 * A slot stays its thread's for the database's life (the node's threads
 * are pools that live as long). */
#define DB_SLOTS 16

/* A thread's token: the address of its own copy of this variable, unique
 * among live threads. A new thread may get an ended one's address, and
 * its slot with it: a slot is only a cache. */
static _Thread_local char db_thread_token;
/* The slot this thread used last, by database id, to skip the search. */
static _Thread_local struct {
	uint64_t db_id;
	unsigned slot;
} db_thread_last;

struct db {
	leveldb_t *ldb;
	int lock_fd;                     /* holds the flock on DB_LOCK_NAME */
	leveldb_cache_t *cache;          /* NULL: LevelDB's default cache */
	leveldb_filterpolicy_t *filter;  /* NULL: no bloom filter */
	leveldb_readoptions_t *ropts;    /* reads of the live database */
	leveldb_writeoptions_t *wsync;
	leveldb_writeoptions_t *wnosync;
	bool verify_checksums;
	/* Live snapshots and iterators, to catch a close that would leave them
	 * dangling. Atomic because RPC threads create and destroy them. */
	atomic_size_t live_snapshots;
	atomic_size_t live_iters;
	/* db_write calls begun and ended (db_snapshot_generation). */
	atomic_uint_fast64_t writes_begun, writes_ended;
	uint64_t id;                     /* db_id */
	/* The threads' kept snapshots (struct db_slot); LevelDB snapshots
	 * alive, kept ones included (db_snapshot_count). */
	struct db_slot slots[DB_SLOTS];
	atomic_size_t ldb_snapshots;
};

struct db_snapshot {
	struct db *db;
	const leveldb_snapshot_t *snap;
	leveldb_readoptions_t *ropts;  /* reads through this snapshot */
	uint64_t gen;                  /* db_snapshot_generation */
	struct db_slot *slot;          /* the slot that keeps it, or NULL */
};

/* The next db_id: the one value shared by every database of the process,
 * so that no two databases opened in its life share an id. */
static atomic_uint_fast64_t db_next_id = 1;

struct db_batch {
	leveldb_writebatch_t *wb;
	size_t count;
	size_t bytes;  /* as LevelDB encodes it; saturating */
};

struct db_iter {
	struct db *db;
	leveldb_iterator_t *it;
	uint8_t *prefix;  /* plen bytes, allocated with at least one byte */
	size_t plen;
	/* The smallest key above every key with the prefix (the prefix with
	 * trailing 0xff bytes dropped and its last byte incremented), or
	 * none (has_upper false) when the prefix is empty or all 0xff. */
	uint8_t *upper;
	size_t ulen;
	bool has_upper;
	bool valid;
};

/* ---------------------------------------------------------------- errors */

/* Write one line to err: printf formatting, line breaks turned into spaces
 * (LevelDB messages may quote file contents), always NUL-terminated. */
static void db_err(char *err, size_t errcap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void db_err(char *err, size_t errcap, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errcap == 0)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
	if (n < 0) {
		err[0] = '\0';
		return;
	}
	for (char *p = err; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* Report a LevelDB error as "what: message", free it, return false. */
static bool db_fail(char *err, size_t errcap, char *lverr, const char *what)
{
	db_err(err, errcap, "%s: %s", what, lverr);
	leveldb_free(lverr);
	return false;
}

/* ---------------------------------------------------------------- folder lock */

/* Why a lock of our own: LevelDB's posix Env locks <path>/LOCK with fcntl,
 * and when a second open of the same database in the same process finds
 * the path in its in-process lock table, it closes the descriptor it just
 * opened on LOCK. Closing any descriptor of a file drops every fcntl lock
 * the process holds on it, so that failed second open would silently
 * unlock the first: another process could then open the database too.
 * (leveldb_destroy_db has the same effect.) So before LevelDB touches its
 * LOCK, we take an flock on a separate file in the folder. flock locks
 * belong to one open file description: a second attempt conflicts even in
 * the same process, and giving up never releases anyone else's lock. */

/* "<path>/rostra.lock". Out: lp (caller releases). Returns false when out
 * of memory. */
static bool db_lock_path(struct buf *lp, const char *path)
{
	buf_init(lp);
	return buf_printf(lp, "%s/%s", path, DB_LOCK_NAME);
}

static void db_err_in_use(char *err, size_t errcap, const char *what, const char *path)
{
	db_err(err, errcap,
	       "cannot %s database in %s: it is in use (already open in this process or in another one; is another rostrad running on this data directory?)",
	       what, path);
}

/* Report a failed system call: "cannot WHAT database in PATH: DETAIL: why". */
static void db_err_sys(char *err, size_t errcap, const char *what, const char *path,
		       const char *detail, int e)
{
	char why[128];

	if (strerror_r(e, why, sizeof(why)) != 0)
		snprintf(why, sizeof(why), "error %d", e);
	db_err(err, errcap, "cannot %s database in %s: %s: %s", what, path, detail, why);
}

/* Make sure path is a folder (creating it if asked) and open the lock
 * file in it. Returns the descriptor, or -1 with a message. */
static int db_lock_open(char *err, size_t errcap, const char *what, const char *path,
			const char *lock_path, bool create)
{
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		db_err(err, errcap, "cannot %s database in %s: it is not a folder", what, path);
		return -1;
	}
	/* LevelDB would create the folder; the lock file needs it first. */
	if (create && mkdir(path, 0755) != 0 && errno != EEXIST) {
		db_err_sys(err, errcap, what, path, "cannot create the folder", errno);
		return -1;
	}
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && !create)
		db_err(err, errcap, "cannot %s database in %s: it does not exist (and create_if_missing is off)",
		       what, path);
	else if (fd < 0)
		db_err_sys(err, errcap, what, path, lock_path, errno);
	return fd;
}

/* Take the lock file's flock. Out: *fd (the descriptor to keep, -1 on
 * failure), err. In: what ("open", "destroy"), path, create (make the
 * folder when missing). */
static bool db_lock_take(int *fd, char *err, size_t errcap, const char *what,
			 const char *path, bool create)
{
	struct buf lp;

	*fd = -1;
	if (!db_lock_path(&lp, path)) {
		buf_release(&lp);
		db_err(err, errcap, "cannot %s database in %s: out of memory", what, path);
		return false;
	}
	int f = db_lock_open(err, errcap, what, path, (const char *)lp.data, create);
	if (f >= 0 && flock(f, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			db_err_in_use(err, errcap, what, path);
		else
			db_err_sys(err, errcap, what, path, "cannot lock rostra.lock", errno);
		close(f);
		f = -1;
	}
	buf_release(&lp);
	*fd = f;
	return f >= 0;
}

/* ---------------------------------------------------------------- options */

void db_options_init(struct db_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->cache_bytes = DB_DEFAULT_CACHE_BYTES;
	opt->write_buffer_bytes = DB_DEFAULT_WRITE_BUFFER_BYTES;
	opt->max_open_files = DB_DEFAULT_MAX_OPEN_FILES;
	opt->bloom_bits_per_key = DB_DEFAULT_BLOOM_BITS;
	opt->create_if_missing = true;
	opt->error_if_exists = false;
	opt->paranoid_checks = true;
	opt->verify_checksums = true;
}

static bool db_options_check(char *err, size_t errcap, const char *path,
			     const struct db_options *opt)
{
	if (path[0] == '\0') {
		db_err(err, errcap, "cannot open database: empty path");
		return false;
	}
	if (opt->max_open_files <= 0) {
		db_err(err, errcap, "cannot open database in %s: max_open_files %d is not positive",
		       path, opt->max_open_files);
		return false;
	}
	if (opt->bloom_bits_per_key < 0 || opt->bloom_bits_per_key > DB_MAX_BLOOM_BITS) {
		db_err(err, errcap, "cannot open database in %s: bloom filter bits per key %d not in [0, %d]",
		       path, opt->bloom_bits_per_key, DB_MAX_BLOOM_BITS);
		return false;
	}
	if (opt->write_buffer_bytes == 0) {
		db_err(err, errcap, "cannot open database in %s: write buffer size is 0", path);
		return false;
	}
	return true;
}

/* LevelDB's options for opt, pointing at db's cache and filter. */
static leveldb_options_t *db_leveldb_options(const struct db *db,
					     const struct db_options *opt)
{
	leveldb_options_t *lo = leveldb_options_create();

	leveldb_options_set_create_if_missing(lo, opt->create_if_missing);
	leveldb_options_set_error_if_exists(lo, opt->error_if_exists);
	leveldb_options_set_paranoid_checks(lo, opt->paranoid_checks);
	leveldb_options_set_write_buffer_size(lo, opt->write_buffer_bytes);
	leveldb_options_set_max_open_files(lo, opt->max_open_files);
	leveldb_options_set_compression(lo, leveldb_no_compression);
	leveldb_options_set_block_size(lo, DB_BLOCK_BYTES);
	if (db->cache)
		leveldb_options_set_cache(lo, db->cache);
	if (db->filter)
		leveldb_options_set_filter_policy(lo, db->filter);
	return lo;
}

/* ---------------------------------------------------------------- database */

static void db_slots_free(struct db *db);

/* Free everything db owns except the LevelDB handle, then db itself. The
 * cache and filter must outlive the handle, so they go last. */
static void db_free_parts(struct db *db)
{
	if (db->wnosync)
		leveldb_writeoptions_destroy(db->wnosync);
	if (db->wsync)
		leveldb_writeoptions_destroy(db->wsync);
	if (db->ropts)
		leveldb_readoptions_destroy(db->ropts);
	if (db->filter)
		leveldb_filterpolicy_destroy(db->filter);
	if (db->cache)
		leveldb_cache_destroy(db->cache);
	if (db->lock_fd >= 0)
		close(db->lock_fd);  /* releases the flock */
	for (size_t i = 0; i < DB_SLOTS; i++)
		pthread_mutex_destroy(&db->slots[i].mu);
	free(db);
}

/* A db with its options objects made, not yet opened. NULL when out of
 * memory (LevelDB's constructors themselves abort on that). */
static struct db *db_alloc(const struct db_options *opt)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->lock_fd = -1;
	atomic_init(&db->live_snapshots, 0);
	atomic_init(&db->live_iters, 0);
	atomic_init(&db->writes_begun, 0);
	atomic_init(&db->writes_ended, 0);
	db->id = atomic_fetch_add(&db_next_id, 1);
	atomic_init(&db->ldb_snapshots, 0);
	for (size_t i = 0; i < DB_SLOTS; i++) {
		atomic_init(&db->slots[i].owner, 0);
		if (pthread_mutex_init(&db->slots[i].mu, NULL) != 0) {
			while (i-- > 0)
				pthread_mutex_destroy(&db->slots[i].mu);
			free(db);
			return NULL;
		}
	}
	if (opt->cache_bytes > 0)
		db->cache = leveldb_cache_create_lru(opt->cache_bytes);
	if (opt->bloom_bits_per_key > 0)
		db->filter = leveldb_filterpolicy_create_bloom(opt->bloom_bits_per_key);
	db->verify_checksums = opt->verify_checksums;
	db->ropts = leveldb_readoptions_create();
	leveldb_readoptions_set_verify_checksums(db->ropts, opt->verify_checksums);
	db->wsync = leveldb_writeoptions_create();
	leveldb_writeoptions_set_sync(db->wsync, 1);
	db->wnosync = leveldb_writeoptions_create();
	leveldb_writeoptions_set_sync(db->wnosync, 0);
	return db;
}

/* Explain an open failure. Our own lock stops a second Rostra open first;
 * LevelDB reports its LOCK held by some other program as
 * "IO error: lock <path>/LOCK: Resource temporarily unavailable". */
static void db_open_error(char *err, size_t errcap, const char *path, char *lverr)
{
	if (strstr(lverr, "IO error: lock ") != NULL)
		db_err(err, errcap,
		       "cannot open database in %s: it is in use (another program holds LevelDB's LOCK): %s",
		       path, lverr);
	else
		db_err(err, errcap, "cannot open database in %s: %s", path, lverr);
	leveldb_free(lverr);
}

struct db *db_open(char *err, size_t errcap, const char *path,
		   const struct db_options *opt)
{
	struct db_options defaults;
	char *lverr = NULL;

	assert(path != NULL);
	if (opt == NULL) {
		db_options_init(&defaults);
		opt = &defaults;
	}
	if (!db_options_check(err, errcap, path, opt))
		return NULL;
	struct db *db = db_alloc(opt);
	if (db == NULL) {
		db_err(err, errcap, "cannot open database in %s: out of memory", path);
		return NULL;
	}
	if (!db_lock_take(&db->lock_fd, err, errcap, "open", path, opt->create_if_missing)) {
		db_free_parts(db);
		return NULL;
	}
	/* LevelDB copies what it needs from the options at open. */
	leveldb_options_t *lo = db_leveldb_options(db, opt);
	db->ldb = leveldb_open(lo, path, &lverr);
	leveldb_options_destroy(lo);
	if (lverr != NULL || db->ldb == NULL) {
		if (db->ldb != NULL)
			leveldb_close(db->ldb);
		if (lverr != NULL)
			db_open_error(err, errcap, path, lverr);
		else
			db_err(err, errcap, "cannot open database in %s: unknown error", path);
		db_free_parts(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	/* A live snapshot or iterator would dangle: a programmer error. */
	assert(atomic_load(&db->live_snapshots) == 0);
	assert(atomic_load(&db->live_iters) == 0);
	db_slots_free(db);
	leveldb_close(db->ldb);
	db_free_parts(db);
}

bool db_destroy_files(char *err, size_t errcap, const char *path)
{
	char *lverr = NULL;

	assert(path != NULL);
	if (path[0] == '\0') {
		db_err(err, errcap, "cannot destroy database: empty path");
		return false;
	}
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT)
		return true;  /* nothing to destroy */
	int fd;
	if (!db_lock_take(&fd, err, errcap, "destroy", path, false))
		return false;
	leveldb_options_t *lo = leveldb_options_create();
	leveldb_destroy_db(lo, path, &lverr);
	leveldb_options_destroy(lo);
	if (lverr != NULL) {
		close(fd);
		db_err(err, errcap, "cannot destroy database in %s: %s", path, lverr);
		leveldb_free(lverr);
		return false;
	}
	/* LevelDB removed its own files; ours and the folder remain. */
	struct buf lp;
	if (db_lock_path(&lp, path))
		unlink((const char *)lp.data);
	buf_release(&lp);
	close(fd);
	rmdir(path);  /* fails, harmlessly, when other files remain */
	return true;
}

/* ---------------------------------------------------------------- reads */

static const leveldb_readoptions_t *db_read_options(const struct db *db,
						    const struct db_snapshot *snap)
{
	if (snap == NULL)
		return db->ropts;
	assert(snap->db == db);
	return snap->ropts;
}

bool db_get(struct db *db, const struct db_snapshot *snap, struct buf *val,
	    bool *found, char *err, size_t errcap, const void *key, size_t klen)
{
	char *lverr = NULL;
	size_t vlen = 0;

	assert(db != NULL && found != NULL);
	assert(key != NULL || klen == 0);
	*found = false;
	if (val)
		buf_reset(val);
	char *v = leveldb_get(db->ldb, db_read_options(db, snap),
			      key ? (const char *)key : "", klen, &vlen, &lverr);
	if (lverr != NULL) {
		leveldb_free(v);
		return db_fail(err, errcap, lverr, "database read failed");
	}
	if (v == NULL)
		return true;
	bool ok = val == NULL || buf_put(val, v, vlen);
	leveldb_free(v);
	if (!ok) {
		buf_reset(val);
		db_err(err, errcap, "database read failed: a value of %zu bytes does not fit the buffer", vlen);
		return false;
	}
	*found = true;
	return true;
}

/* A new LevelDB snapshot of db with its generation, or NULL. */
static struct db_snapshot *db_snapshot_new(struct db *db)
{
	struct db_snapshot *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->db = db;
	/* ended == begun: every write begun before the load of begun had
	 * ended before the load of ended (one begun in between would count
	 * in begun only). begun unchanged after the snapshot: none began
	 * while it was taken. Then the snapshot holds exactly the first
	 * `begun` writes, all of them, whatever their order. */
	uint64_t ended = atomic_load(&db->writes_ended);
	uint64_t begun = atomic_load(&db->writes_begun);
	s->snap = leveldb_create_snapshot(db->ldb);
	bool still = atomic_load(&db->writes_begun) == begun;
	s->gen = ended == begun && still ? begun : DB_GEN_UNKNOWN;
	s->ropts = leveldb_readoptions_create();
	leveldb_readoptions_set_verify_checksums(s->ropts, db->verify_checksums);
	leveldb_readoptions_set_snapshot(s->ropts, s->snap);
	atomic_fetch_add(&db->ldb_snapshots, 1);
	return s;
}

static void db_snapshot_free(struct db_snapshot *s)
{
	if (s == NULL)
		return;
	leveldb_readoptions_destroy(s->ropts);
	leveldb_release_snapshot(s->db->ldb, s->snap);
	atomic_fetch_sub(&s->db->ldb_snapshots, 1);
	free(s);
}

static struct db_slot *db_thread_remember(struct db *db, unsigned i)
{
	db_thread_last.db_id = db->id;
	db_thread_last.slot = i;
	return &db->slots[i];
}

/* This thread's slot of db, claimed on first use; NULL when every slot is
 * another thread's (the caller takes a plain snapshot then). */
static struct db_slot *db_thread_slot(struct db *db)
{
	uintptr_t me = (uintptr_t)&db_thread_token;
	if (db_thread_last.db_id == db->id &&
	    atomic_load(&db->slots[db_thread_last.slot].owner) == me)
		return &db->slots[db_thread_last.slot];
	for (unsigned i = 0; i < DB_SLOTS; i++)
		if (atomic_load(&db->slots[i].owner) == me)
			return db_thread_remember(db, i);
	for (unsigned i = 0; i < DB_SLOTS; i++) {
		uintptr_t unowned = 0;
		if (atomic_compare_exchange_strong(&db->slots[i].owner, &unowned, me))
			return db_thread_remember(db, i);
	}
	return NULL;
}

/* Drop every kept snapshot of db: those not lent now, the others when
 * their holders destroy them (their slot no longer names them). */
static void db_slots_drop(struct db *db)
{
	for (size_t i = 0; i < DB_SLOTS; i++) {
		struct db_slot *slot = &db->slots[i];
		if (atomic_load(&slot->owner) == 0)
			continue;
		pthread_mutex_lock(&slot->mu);
		struct db_snapshot *s = slot->lent ? NULL : slot->snap;
		slot->snap = NULL;
		pthread_mutex_unlock(&slot->mu);
		db_snapshot_free(s);
	}
}

/* At close, when no snapshot is lent (live_snapshots is 0). */
static void db_slots_free(struct db *db)
{
	for (size_t i = 0; i < DB_SLOTS; i++) {
		db_snapshot_free(db->slots[i].snap);
		db->slots[i].snap = NULL;
	}
}

struct db_snapshot *db_snapshot_create(struct db *db)
{
	assert(db != NULL);
	struct db_slot *slot = db_thread_slot(db);
	struct db_snapshot *s = NULL, *old = NULL;
	bool plain = slot == NULL;
	if (!plain) {
		pthread_mutex_lock(&slot->mu);
		plain = slot->lent; /* a second snapshot at once: a plain one */
		if (!plain) {
			s = slot->snap;
			/* Kept while it holds the present state: no write has begun
			 * since it was taken. */
			if (s == NULL || s->gen != atomic_load(&db->writes_begun)) {
				old = s;
				s = db_snapshot_new(db);
				slot->snap = s != NULL && s->gen != DB_GEN_UNKNOWN ? s : NULL;
			}
			if (s != NULL && s == slot->snap) {
				s->slot = slot;
				slot->lent = true;
			}
		}
		pthread_mutex_unlock(&slot->mu);
		db_snapshot_free(old);
	}
	if (plain)
		s = db_snapshot_new(db);
	if (s != NULL)
		atomic_fetch_add(&db->live_snapshots, 1);
	return s;
}

uint64_t db_snapshot_generation(const struct db_snapshot *snap)
{
	return snap->gen;
}

uint64_t db_id(const struct db *db)
{
	return db->id;
}

void db_snapshot_destroy(struct db_snapshot *snap)
{
	if (snap == NULL)
		return;
	atomic_fetch_sub(&snap->db->live_snapshots, 1);
	struct db_slot *slot = snap->slot;
	if (slot != NULL) {
		pthread_mutex_lock(&slot->mu);
		slot->lent = false;
		bool kept = slot->snap == snap; /* else a write dropped it meanwhile */
		pthread_mutex_unlock(&slot->mu);
		if (kept)
			return;
	}
	db_snapshot_free(snap);
}

size_t db_snapshot_count(const struct db *db)
{
	return atomic_load(&db->ldb_snapshots);
}

bool db_property(struct db *db, struct buf *out, const char *name)
{
	assert(db != NULL && out != NULL && name != NULL);
	buf_reset(out);
	char *v = leveldb_property_value(db->ldb, name);
	if (v == NULL)
		return false;
	bool ok = buf_puts(out, v);
	leveldb_free(v);
	if (!ok)
		buf_reset(out);
	return ok;
}

uint64_t db_approximate_size(struct db *db, const void *start, size_t slen,
			     const void *limit, size_t llen)
{
	const char *s = start ? (const char *)start : "";
	const char *l = limit ? (const char *)limit : "";
	uint64_t size = 0;

	assert(db != NULL);
	leveldb_approximate_sizes(db->ldb, 1, &s, &slen, &l, &llen, &size);
	return size;
}

void db_compact_range(struct db *db, const void *start, size_t slen,
		      const void *limit, size_t llen)
{
	assert(db != NULL);
	leveldb_compact_range(db->ldb, start, start ? slen : 0, limit, limit ? llen : 0);
}

/* ---------------------------------------------------------------- writes */

/* Bytes of an unsigned LEB128 varint32 as LevelDB writes lengths. */
static size_t db_varint_len(size_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void db_batch_add_bytes(struct db_batch *b, size_t n)
{
	if (!checked_add_size(&b->bytes, b->bytes, n))
		b->bytes = SIZE_MAX;
}

struct db_batch *db_batch_create(void)
{
	struct db_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->wb = leveldb_writebatch_create();
	b->bytes = DB_BATCH_HEADER;
	return b;
}

void db_batch_destroy(struct db_batch *b)
{
	if (b == NULL)
		return;
	leveldb_writebatch_destroy(b->wb);
	free(b);
}

void db_batch_clear(struct db_batch *b)
{
	leveldb_writebatch_clear(b->wb);
	b->count = 0;
	b->bytes = DB_BATCH_HEADER;
}

void db_batch_put(struct db_batch *b, const void *key, size_t klen,
		  const void *val, size_t vlen)
{
	assert(key != NULL || klen == 0);
	assert(val != NULL || vlen == 0);
	leveldb_writebatch_put(b->wb, key ? (const char *)key : "", klen,
			       val ? (const char *)val : "", vlen);
	b->count++;
	db_batch_add_bytes(b, 1 + db_varint_len(klen));
	db_batch_add_bytes(b, klen);
	db_batch_add_bytes(b, db_varint_len(vlen));
	db_batch_add_bytes(b, vlen);
}

void db_batch_del(struct db_batch *b, const void *key, size_t klen)
{
	assert(key != NULL || klen == 0);
	leveldb_writebatch_delete(b->wb, key ? (const char *)key : "", klen);
	b->count++;
	db_batch_add_bytes(b, 1 + db_varint_len(klen));
	db_batch_add_bytes(b, klen);
}

void db_batch_append(struct db_batch *dst, const struct db_batch *src)
{
	assert(dst != src);
	leveldb_writebatch_append(dst->wb, src->wb);
	dst->count += src->count;
	db_batch_add_bytes(dst, src->bytes - DB_BATCH_HEADER);
}

size_t db_batch_count(const struct db_batch *b)
{
	return b->count;
}

size_t db_batch_bytes(const struct db_batch *b)
{
	return b->bytes;
}

bool db_write(struct db *db, char *err, size_t errcap, struct db_batch *b,
	      bool sync)
{
	char *lverr = NULL;

	assert(db != NULL && b != NULL);
	/* Counted around the write, sequentially consistent like the loads
	 * in db_snapshot_create. */
	atomic_fetch_add(&db->writes_begun, 1);
	leveldb_write(db->ldb, sync ? db->wsync : db->wnosync, b->wb, &lverr);
	atomic_fetch_add(&db->writes_ended, 1);
	db_slots_drop(db);
	if (lverr != NULL)
		return db_fail(err, errcap, lverr, "database write failed");
	return true;
}

/* ---------------------------------------------------------------- iteration */

/* Where key sorts against the keys that start with the prefix: -1 before
 * all of them, 0 it is one of them, +1 after all of them. */
static int db_iter_range_cmp(const struct db_iter *it, const uint8_t *key, size_t klen)
{
	size_t n = klen < it->plen ? klen : it->plen;
	int c = n > 0 ? memcmp(key, it->prefix, n) : 0;

	if (c != 0)
		return c < 0 ? -1 : 1;
	return klen < it->plen ? -1 : 0;
}

/* After a LevelDB move: valid when LevelDB is and its key has the prefix. */
static void db_iter_settle(struct db_iter *it)
{
	size_t klen;

	it->valid = false;
	if (!leveldb_iter_valid(it->it))
		return;
	const uint8_t *k = (const uint8_t *)leveldb_iter_key(it->it, &klen);
	it->valid = db_iter_range_cmp(it, k, klen) == 0;
}

/* Compute the upper bound of the prefix range (see struct db_iter). */
static void db_iter_set_upper(struct db_iter *it)
{
	size_t n = it->plen;

	while (n > 0 && it->prefix[n - 1] == 0xff)
		n--;
	it->has_upper = n > 0;
	if (!it->has_upper)
		return;
	memcpy(it->upper, it->prefix, n);
	it->upper[n - 1]++;
	it->ulen = n;
}

struct db_iter *db_iter_create(struct db *db, const struct db_snapshot *snap,
			       const void *prefix, size_t plen)
{
	assert(db != NULL);
	assert(prefix != NULL || plen == 0);
	struct db_iter *it = calloc(1, sizeof(*it));
	if (it == NULL)
		return NULL;
	size_t alloc = plen > 0 ? plen : 1;
	it->prefix = malloc(alloc);
	it->upper = malloc(alloc);
	if (it->prefix == NULL || it->upper == NULL) {
		free(it->prefix);
		free(it->upper);
		free(it);
		return NULL;
	}
	if (plen > 0)
		memcpy(it->prefix, prefix, plen);
	it->plen = plen;
	db_iter_set_upper(it);
	it->db = db;
	it->it = leveldb_create_iterator(db->ldb, db_read_options(db, snap));
	atomic_fetch_add(&db->live_iters, 1);
	return it;
}

void db_iter_destroy(struct db_iter *it)
{
	if (it == NULL)
		return;
	leveldb_iter_destroy(it->it);
	atomic_fetch_sub(&it->db->live_iters, 1);
	free(it->prefix);
	free(it->upper);
	free(it);
}

void db_iter_seek_first(struct db_iter *it)
{
	if (it->plen == 0)
		leveldb_iter_seek_to_first(it->it);
	else
		leveldb_iter_seek(it->it, (const char *)it->prefix, it->plen);
	db_iter_settle(it);
}

void db_iter_seek_last(struct db_iter *it)
{
	if (!it->has_upper) {
		leveldb_iter_seek_to_last(it->it);
	} else {
		leveldb_iter_seek(it->it, (const char *)it->upper, it->ulen);
		if (leveldb_iter_valid(it->it))
			leveldb_iter_prev(it->it);
		else
			leveldb_iter_seek_to_last(it->it);
	}
	db_iter_settle(it);
}

void db_iter_seek(struct db_iter *it, const void *key, size_t klen)
{
	assert(key != NULL || klen == 0);
	int r = db_iter_range_cmp(it, key, klen);

	if (r < 0) {
		db_iter_seek_first(it);
	} else if (r > 0) {
		it->valid = false;
	} else {
		leveldb_iter_seek(it->it, key ? (const char *)key : "", klen);
		db_iter_settle(it);
	}
}

void db_iter_seek_for_prev(struct db_iter *it, const void *key, size_t klen)
{
	size_t curlen;

	assert(key != NULL || klen == 0);
	int r = db_iter_range_cmp(it, key, klen);
	if (r > 0) {
		db_iter_seek_last(it);
		return;
	}
	if (r < 0) {
		it->valid = false;
		return;
	}
	/* key has the prefix: find the first key >= key, and step back
	 * unless it is key itself. */
	const char *k = key ? (const char *)key : "";
	leveldb_iter_seek(it->it, k, klen);
	if (!leveldb_iter_valid(it->it)) {
		leveldb_iter_seek_to_last(it->it);
	} else {
		const char *cur = leveldb_iter_key(it->it, &curlen);
		if (curlen != klen || (klen > 0 && memcmp(cur, k, klen) != 0))
			leveldb_iter_prev(it->it);
	}
	db_iter_settle(it);
}

void db_iter_next(struct db_iter *it)
{
	assert(it->valid);
	leveldb_iter_next(it->it);
	db_iter_settle(it);
}

void db_iter_prev(struct db_iter *it)
{
	assert(it->valid);
	leveldb_iter_prev(it->it);
	db_iter_settle(it);
}

bool db_iter_valid(const struct db_iter *it)
{
	return it->valid;
}

const uint8_t *db_iter_key(const struct db_iter *it, size_t *len)
{
	assert(it->valid);
	return (const uint8_t *)leveldb_iter_key(it->it, len);
}

const uint8_t *db_iter_value(const struct db_iter *it, size_t *len)
{
	assert(it->valid);
	return (const uint8_t *)leveldb_iter_value(it->it, len);
}

bool db_iter_status(const struct db_iter *it, char *err, size_t errcap)
{
	char *lverr = NULL;

	leveldb_iter_get_error(it->it, &lverr);
	if (lverr != NULL)
		return db_fail(err, errcap, lverr, "database iteration failed");
	return true;
}
