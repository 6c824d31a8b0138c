/* Tests of src/store/db.h against a real LevelDB, each case in a fresh
 * mkdtemp folder that is removed afterwards. Ends with the crash harness: a
 * child streams synced batches, is killed with SIGKILL at random moments,
 * and every reopened database must hold exactly its last completed batch. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <leveldb/c.h>

#include "store/db.h"
#include "unit.h"
#include "util/file.h"

/* ------------------------------------------------------------ helpers */

/* A byte string with its length; B("a\0b") keeps the NUL. */
struct bytes {
	const char *p;
	size_t n;
};
#define B(s) { (s), sizeof(s) - 1 }
#define NONE { NULL, 0 }

/* A test database in a fresh temporary folder: dir/db. */
struct tdb {
	char dir[256];
	char path[300];
	struct db *db;
};

/* Remove a folder and everything in it. */
static bool rm_tree(const char *dir)
{
	return file_remove_tree(dir) || errno == ENOENT;
}

static bool tmp_folder(char *out, size_t cap)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(out, cap, "%s/rostra-store-XXXXXX", base && *base ? base : "/tmp");
	return n > 0 && (size_t)n < cap && mkdtemp(out) != NULL;
}

/* Make the folder and open a database in it (default options). */
static bool tdb_setup(struct tdb *t)
{
	char err[DB_ERR_LEN];

	t->db = NULL;
	if (!CHECK(tmp_folder(t->dir, sizeof(t->dir))))
		return false;
	snprintf(t->path, sizeof(t->path), "%s/db", t->dir);
	t->db = db_open(err, sizeof(err), t->path, NULL);
	if (t->db == NULL)
		unit_note("open: %s", err);
	return CHECK(t->db != NULL);
}

static bool tdb_reopen(struct tdb *t)
{
	char err[DB_ERR_LEN];

	db_close(t->db);
	t->db = db_open(err, sizeof(err), t->path, NULL);
	if (t->db == NULL)
		unit_note("reopen: %s", err);
	return CHECK(t->db != NULL);
}

static void tdb_teardown(struct tdb *t)
{
	db_close(t->db);
	t->db = NULL;
	CHECK(rm_tree(t->dir));
}

/* One put or delete as a synced batch of one. */
static bool write1(struct db *db, struct bytes k, const struct bytes *v)
{
	char err[DB_ERR_LEN];
	struct db_batch *b = db_batch_create();

	if (v)
		db_batch_put(b, k.p, k.n, v->p, v->n);
	else
		db_batch_del(b, k.p, k.n);
	bool ok = db_write(db, err, sizeof(err), b, true);
	if (!ok)
		unit_note("write: %s", err);
	db_batch_destroy(b);
	return ok;
}

/* True when key k holds exactly v (v NULL: the key is missing). */
static bool holds(struct db *db, const struct db_snapshot *snap, struct bytes k,
		  const struct bytes *v)
{
	char err[DB_ERR_LEN];
	struct buf val = BUF_INIT;
	bool found = true;

	bool ok = db_get(db, snap, &val, &found, err, sizeof(err), k.p, k.n);
	if (!ok)
		unit_note("get: %s", err);
	if (ok && v)
		ok = found && val.len == v->n && (v->n == 0 || memcmp(val.data, v->p, v->n) == 0);
	else if (ok)
		ok = !found && val.len == 0;
	buf_release(&val);
	return ok;
}

static bool same(const uint8_t *a, size_t an, struct bytes b)
{
	return an == b.n && (an == 0 || memcmp(a, b.p, an) == 0);
}

/* True when the iterator is valid and sits on key k. */
static bool iter_key_is(const struct db_iter *it, struct bytes k)
{
	size_t klen;

	if (!db_iter_valid(it))
		return false;
	const uint8_t *key = db_iter_key(it, &klen);
	return same(key, klen, k);
}

/* ------------------------------------------------------------ options, open */

static void test_options_defaults(void)
{
	struct db_options o;

	memset(&o, 0xa5, sizeof(o));
	db_options_init(&o);
	CHECK(o.cache_bytes == DB_DEFAULT_CACHE_BYTES);
	CHECK(o.write_buffer_bytes == DB_DEFAULT_WRITE_BUFFER_BYTES);
	CHECK(o.max_open_files == DB_DEFAULT_MAX_OPEN_FILES);
	CHECK(o.bloom_bits_per_key == 10);
	CHECK(o.create_if_missing);
	CHECK(!o.error_if_exists);
	CHECK(o.paranoid_checks);
	CHECK(o.verify_checksums);
}

/* How a bad open is set up, and what its message must say. */
enum open_setup {
	SETUP_NONE,      /* path = dir/db, nothing there */
	SETUP_FILE,      /* path = a regular file */
	SETUP_EXISTING,  /* a database already exists at path */
	SETUP_EMPTY,     /* path = "" */
	SETUP_UNDER_FILE /* path = file/db */
};

struct open_case {
	const char *name;
	enum open_setup setup;
	void (*tweak)(struct db_options *o);
	const char *want;  /* a substring of the message */
};

static void tweak_no_create(struct db_options *o) { o->create_if_missing = false; }
static void tweak_exists(struct db_options *o) { o->error_if_exists = true; }
static void tweak_files0(struct db_options *o) { o->max_open_files = 0; }
static void tweak_files_neg(struct db_options *o) { o->max_open_files = -5; }
static void tweak_bloom_neg(struct db_options *o) { o->bloom_bits_per_key = -1; }
static void tweak_bloom_big(struct db_options *o) { o->bloom_bits_per_key = 65; }
static void tweak_wbuf0(struct db_options *o) { o->write_buffer_bytes = 0; }

static const struct open_case open_cases[] = {
	{ "empty path", SETUP_EMPTY, NULL, "empty path" },
	{ "path is a file", SETUP_FILE, NULL, "is not a folder" },
	{ "path under a file", SETUP_UNDER_FILE, NULL, "Not a directory" },
	{ "missing, no create", SETUP_NONE, tweak_no_create, "does not exist" },
	{ "exists, error_if_exists", SETUP_EXISTING, tweak_exists, "exists" },
	{ "max_open_files 0", SETUP_NONE, tweak_files0, "max_open_files 0" },
	{ "max_open_files < 0", SETUP_NONE, tweak_files_neg, "max_open_files -5" },
	{ "bloom < 0", SETUP_NONE, tweak_bloom_neg, "bloom filter bits per key -1" },
	{ "bloom > 64", SETUP_NONE, tweak_bloom_big, "bloom filter bits per key 65" },
	{ "write buffer 0", SETUP_NONE, tweak_wbuf0, "write buffer size is 0" },
};

/* Prepare the folder for c; Out: path. */
static bool open_case_setup(const struct open_case *c, const char *dir, char *path, size_t cap)
{
	char err[DB_ERR_LEN];
	int fd;

	switch (c->setup) {
	case SETUP_EMPTY:
		path[0] = '\0';
		return true;
	case SETUP_NONE:
		snprintf(path, cap, "%s/db", dir);
		return true;
	case SETUP_EXISTING:
		snprintf(path, cap, "%s/db", dir);
		db_close(db_open(err, sizeof(err), path, NULL));
		return true;
	case SETUP_FILE:
	case SETUP_UNDER_FILE:
		snprintf(path, cap, "%s/file", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, "x", 1) != 1)
			return false;
		close(fd);
		if (c->setup == SETUP_UNDER_FILE)
			snprintf(path, cap, "%s/file/db", dir);
		return true;
	}
	return false;
}

static void test_open_errors(void)
{
	for (size_t i = 0; i < UNIT_COUNT(open_cases); i++) {
		const struct open_case *c = &open_cases[i];
		char dir[256], path[300], err[DB_ERR_LEN];
		struct db_options o;

		if (!CHECK(tmp_folder(dir, sizeof(dir))))
			return;
		CHECK(open_case_setup(c, dir, path, sizeof(path)));
		db_options_init(&o);
		if (c->tweak)
			c->tweak(&o);
		memset(err, 'x', sizeof(err));
		struct db *db = db_open(err, sizeof(err), path, &o);
		bool ok = CHECK(db == NULL) && CHECK(memchr(err, '\0', sizeof(err)) != NULL) &&
			  CHECK(strstr(err, c->want) != NULL) && CHECK(strchr(err, '\n') == NULL);
		if (!ok)
			unit_note("case %s: %s", c->name, db ? "opened" : err);
		db_close(db);
		CHECK(rm_tree(dir));
	}
}

/* A message is truncated to errcap, NUL-terminated, and err may be NULL. */
static void test_error_message(void)
{
	char small[16], err[DB_ERR_LEN];

	memset(small, 'x', sizeof(small));
	CHECK(db_open(small, sizeof(small), "", NULL) == NULL);
	CHECK(strlen(small) == sizeof(small) - 1);
	CHECK(strncmp(small, "cannot open dat", sizeof(small)) == 0);
	CHECK(db_open(NULL, 0, "", NULL) == NULL);
	small[0] = 'y';
	CHECK(db_open(small, 0, "", NULL) == NULL);
	CHECK(small[0] == 'y');  /* errcap 0: nothing written */

	/* A message names the path, so that an operator knows which folder. */
	CHECK(db_open(err, sizeof(err), "/nonexistent-rostra/x/y", NULL) == NULL);
	CHECK(strstr(err, "/nonexistent-rostra/x/y") != NULL);
	CHECK(strncmp(err, "cannot open database in ", 24) == 0);
}

/* ------------------------------------------------------------ child processes */

/* Some cases need a second process. A forked copy of this one would share
 * LevelDB's in-process state (its lock table, its background thread), so
 * the child re-executes this program: `test_store --store-child MODE PATH
 * FD`, dispatched by main through child_modes. */
static const char *self_argv0 = "test_store";

/* Start this program as a child in mode, with path and the descriptor fd
 * (inherited) as arguments. Returns its pid, or -1. */
static pid_t spawn_child(const char *mode, const char *path, int fd)
{
	char fdstr[16];

	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *const argv[] = { (char *)self_argv0, (char *)"--store-child",
				       (char *)mode, (char *)path, fdstr, NULL };
		execv("/proc/self/exe", argv);
		execv(self_argv0, argv);
		_exit(127);
	}
	return pid;
}

/* Wait for a child and return its exit status (-1 if it did not exit). */
static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Child "hold": open the database, say so on fd, wait to be killed. */
static int child_hold(const char *path, int fd)
{
	struct db *db = db_open(NULL, 0, path, NULL);

	if (db == NULL || write(fd, "r", 1) != 1)
		return 2;
	for (;;)
		pause();
}

/* Child "rawhold": like hold, through LevelDB alone (no rostra.lock), as
 * another program using the folder would. */
static int child_rawhold(const char *path, int fd)
{
	char *lverr = NULL;
	leveldb_options_t *o = leveldb_options_create();

	leveldb_options_set_create_if_missing(o, 1);
	leveldb_t *db = leveldb_open(o, path, &lverr);
	if (db == NULL || write(fd, "r", 1) != 1)
		return 2;
	for (;;)
		pause();
}

/* Child "tryopen": exit 0 when the open is refused as "in use". */
static int child_tryopen(const char *path, int fd)
{
	char err[DB_ERR_LEN];
	struct db *db = db_open(err, sizeof(err), path, NULL);

	(void)fd;
	if (db != NULL) {
		db_close(db);
		return 1;
	}
	return strstr(err, "in use") != NULL ? 0 : 1;
}

/* Make a pipe whose read end is not inherited by children. */
static bool child_pipe(int fds[2])
{
	return pipe(fds) == 0 && fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0;
}

/* Start a child in mode that holds the database until killed; wait until
 * it has it. Returns its pid, or -1. */
static pid_t spawn_holder(const char *mode, const char *path)
{
	int fds[2];
	char c;

	if (!child_pipe(fds))
		return -1;
	pid_t pid = spawn_child(mode, path, fds[1]);
	close(fds[1]);
	if (pid > 0 && read(fds[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		child_status(pid);
		pid = -1;
	}
	close(fds[0]);
	return pid;
}

/* Kill a holder; true when it was still running (it did not give up). */
static bool kill_holder(pid_t pid)
{
	if (pid <= 0)
		return false;
	kill(pid, SIGKILL);
	return child_status(pid) == -1;
}

/* Open refused while another process holds the database (mode), with a
 * message that contains want; fine again once the holder is killed. */
static bool refused_while_held(const char *mode, const char *path, const char *want)
{
	char err[DB_ERR_LEN];
	pid_t pid = spawn_holder(mode, path);

	if (pid <= 0)
		return false;
	struct db *db = db_open(err, sizeof(err), path, NULL);
	bool ok = db == NULL && strstr(err, want) != NULL && strstr(err, path) != NULL;
	if (!ok)
		unit_note("open while %s: %s", mode, db ? "opened" : err);
	db_close(db);
	ok = kill_holder(pid) && ok;
	db = db_open(err, sizeof(err), path, NULL);
	ok = ok && db != NULL;  /* a killed holder leaves no lock behind */
	db_close(db);
	return ok;
}

/* A second open is refused while the database is open: in this process,
 * from another process, and when another process holds it, through
 * rostra.lock or through LevelDB's LOCK alone. */
static void test_second_open_refused(void)
{
	struct tdb t;
	char err[DB_ERR_LEN];

	if (!tdb_setup(&t))
		return;
	struct db *again = db_open(err, sizeof(err), t.path, NULL);
	CHECK(again == NULL);
	CHECK(strstr(err, "in use") != NULL);
	CHECK(strstr(err, t.path) != NULL);
	db_close(again);
	/* That refused open left the first one's locks in place (LevelDB's
	 * own second open would have dropped its fcntl lock). */
	pid_t pid = spawn_child("tryopen", t.path, -1);
	CHECK(pid > 0 && child_status(pid) == 0);

	db_close(t.db);
	t.db = NULL;
	CHECK(refused_while_held("hold", t.path, "in use"));
	CHECK(refused_while_held("rawhold", t.path, "LevelDB's LOCK"));
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ reads, writes */

/* A script of writes and expected reads on one database. */
struct kv_step {
	enum { PUT, DEL, GET } op;
	struct bytes key;
	struct bytes val;  /* PUT: the value; GET: the expected value */
	bool present;      /* GET: whether the key must exist */
};

static const struct kv_step kv_script[] = {
	{ GET, B("a"), NONE, false },
	{ PUT, B("a"), B("1"), false },
	{ GET, B("a"), B("1"), true },
	{ GET, B("A"), NONE, false },            /* case matters */
	{ GET, B("a\0"), NONE, false },          /* a trailing NUL is another key */
	{ PUT, B("a\0"), B("nul"), false },
	{ GET, B("a\0"), B("nul"), true },
	{ GET, B("a"), B("1"), true },
	{ PUT, B("a"), B("2"), false },          /* overwrite */
	{ GET, B("a"), B("2"), true },
	{ DEL, B("a"), NONE, false },
	{ GET, B("a"), NONE, false },
	{ GET, B("a\0"), B("nul"), true },
	{ DEL, B("never"), NONE, false },        /* deleting a missing key */
	{ GET, B("never"), NONE, false },
	{ PUT, B(""), B("empty key"), false },   /* the empty key is a key */
	{ GET, B(""), B("empty key"), true },
	{ PUT, B("e"), B(""), false },           /* an empty value is present */
	{ GET, B("e"), B(""), true },
	{ PUT, B("\0\0\xff"), B("\0\xff\0"), false },
	{ GET, B("\0\0\xff"), B("\0\xff\0"), true },
	{ GET, B("\0\0"), NONE, false },
	{ GET, B("\0\0\xff\0"), NONE, false },
	{ DEL, B(""), NONE, false },
	{ GET, B(""), NONE, false },
};

static void run_kv_script(struct db *db)
{
	for (size_t i = 0; i < UNIT_COUNT(kv_script); i++) {
		const struct kv_step *s = &kv_script[i];
		bool ok;
		if (s->op == PUT)
			ok = write1(db, s->key, &s->val);
		else if (s->op == DEL)
			ok = write1(db, s->key, NULL);
		else
			ok = holds(db, NULL, s->key, s->present ? &s->val : NULL);
		if (!CHECK(ok))
			unit_note("kv step %zu failed", i);
	}
}

static void test_put_get_delete(void)
{
	struct tdb t;

	if (!tdb_setup(&t))
		return;
	run_kv_script(t.db);
	/* The final state survives a close and reopen. */
	struct bytes nul = B("nul"), e = B(""), bin = B("\0\xff\0");
	CHECK(tdb_reopen(&t));
	CHECK(holds(t.db, NULL, (struct bytes)B("a\0"), &nul));
	CHECK(holds(t.db, NULL, (struct bytes)B("e"), &e));
	CHECK(holds(t.db, NULL, (struct bytes)B("\0\0\xff"), &bin));
	CHECK(holds(t.db, NULL, (struct bytes)B("a"), NULL));
	CHECK(holds(t.db, NULL, (struct bytes)B(""), NULL));
	tdb_teardown(&t);
}

/* Large binary values, a NULL val (existence only), and the buffer limit. */
static void test_get_values(void)
{
	struct tdb t;
	char err[DB_ERR_LEN];
	static uint8_t big[200000];
	struct buf val = BUF_INIT;
	bool found;

	if (!tdb_setup(&t))
		return;
	unit_rand_bytes(big, sizeof(big));
	big[0] = 0;
	struct bytes k = B("big"), v = { (const char *)big, sizeof(big) };
	CHECK(write1(t.db, k, &v));
	CHECK(holds(t.db, NULL, k, &v));

	CHECK(db_get(t.db, NULL, NULL, &found, err, sizeof(err), "big", 3) && found);
	CHECK(db_get(t.db, NULL, NULL, &found, err, sizeof(err), "bi", 2) && !found);

	/* A value over the buffer's limit is an error, not a truncation. */
	CHECK(buf_set_max(&val, 1000));
	CHECK(buf_put(&val, "old", 3));
	found = true;
	CHECK(!db_get(t.db, NULL, &val, &found, err, sizeof(err), "big", 3));
	CHECK(!found && val.len == 0);
	CHECK(strstr(err, "200000 bytes does not fit") != NULL);
	buf_release(&val);
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ batches */

/* db_batch_bytes follows LevelDB's log encoding: 12-byte header, then per
 * put 1 + varint(klen) + klen + varint(vlen) + vlen, per delete
 * 1 + varint(klen) + klen. */
struct bytes_case {
	size_t klen, vlen;
	bool del;
	size_t want;  /* bytes this operation adds */
};

static const struct bytes_case bytes_cases[] = {
	{ 0, 0, false, 3 },
	{ 1, 1, false, 5 },
	{ 127, 0, false, 1 + 1 + 127 + 1 },
	{ 128, 0, false, 1 + 2 + 128 + 1 },
	{ 3, 16383, false, 1 + 1 + 3 + 2 + 16383 },
	{ 3, 16384, false, 1 + 1 + 3 + 3 + 16384 },
	{ 0, 0, true, 2 },
	{ 200, 0, true, 1 + 2 + 200 },
};

static void test_batch_bytes(void)
{
	static char big[20000];
	struct db_batch *b = db_batch_create(), *c = db_batch_create();
	size_t want = 12;

	CHECK(db_batch_count(b) == 0 && db_batch_bytes(b) == 12);
	for (size_t i = 0; i < UNIT_COUNT(bytes_cases); i++) {
		const struct bytes_case *bc = &bytes_cases[i];
		if (bc->del)
			db_batch_del(b, big, bc->klen);
		else
			db_batch_put(b, big, bc->klen, big, bc->vlen);
		want += bc->want;
		CHECK(db_batch_count(b) == i + 1);
		CHECK(db_batch_bytes(b) == want);
	}
	db_batch_put(c, "k", 1, "v", 1);
	db_batch_append(c, b);
	CHECK(db_batch_count(c) == UNIT_COUNT(bytes_cases) + 1);
	CHECK(db_batch_bytes(c) == want + 5);
	CHECK(db_batch_count(b) == UNIT_COUNT(bytes_cases));  /* src unchanged */
	db_batch_clear(c);
	CHECK(db_batch_count(c) == 0 && db_batch_bytes(c) == 12);
	db_batch_destroy(b);
	db_batch_destroy(c);
	db_batch_destroy(NULL);
}

#define ATOMIC_KEYS 2000

static void atomic_key(char *k, size_t cap, int i)
{
	snprintf(k, cap, "k%05d", i);
}

/* Before: keys 0..ATOMIC_KEYS-1 hold "old". The batch deletes the odd ones
 * and rewrites the even ones as "new"; seen all or nothing. */
static bool atomic_state(struct db *db, const struct db_snapshot *snap, bool after)
{
	struct bytes old = B("old"), nw = B("new");
	char k[16];

	for (int i = 0; i < ATOMIC_KEYS; i++) {
		atomic_key(k, sizeof(k), i);
		struct bytes key = { k, strlen(k) };
		const struct bytes *want = !after ? &old : i % 2 ? NULL : &nw;
		if (!holds(db, snap, key, want))
			return false;
	}
	return true;
}

static void test_batch_atomic(void)
{
	struct tdb t;
	char err[DB_ERR_LEN], k[16];

	if (!tdb_setup(&t))
		return;
	struct db_batch *b = db_batch_create();
	for (int i = 0; i < ATOMIC_KEYS; i++) {
		atomic_key(k, sizeof(k), i);
		db_batch_put(b, k, strlen(k), "old", 3);
	}
	CHECK(db_write(t.db, err, sizeof(err), b, true));
	db_batch_clear(b);
	for (int i = 0; i < ATOMIC_KEYS; i++) {
		atomic_key(k, sizeof(k), i);
		if (i % 2)
			db_batch_del(b, k, strlen(k));
		else
			db_batch_put(b, k, strlen(k), "tmp", 3);
	}
	/* Later operations on a key win within a batch. */
	for (int i = 0; i < ATOMIC_KEYS; i += 2) {
		atomic_key(k, sizeof(k), i);
		db_batch_put(b, k, strlen(k), "new", 3);
	}
	CHECK(db_batch_count(b) == ATOMIC_KEYS + ATOMIC_KEYS / 2);
	struct db_snapshot *before = db_snapshot_create(t.db);
	CHECK(atomic_state(t.db, NULL, false));  /* nothing until written */
	CHECK(db_write(t.db, err, sizeof(err), b, true));
	CHECK(atomic_state(t.db, NULL, true));
	CHECK(atomic_state(t.db, before, false));
	db_snapshot_destroy(before);
	db_batch_destroy(b);

	/* An empty batch, synced or not, is a no-op. */
	b = db_batch_create();
	CHECK(db_write(t.db, err, sizeof(err), b, true));
	CHECK(db_write(t.db, err, sizeof(err), b, false));
	db_batch_destroy(b);

	CHECK(tdb_reopen(&t));
	CHECK(atomic_state(t.db, NULL, true));
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ snapshots */

static void test_snapshot_isolation(void)
{
	struct tdb t;
	struct bytes one = B("1"), two = B("2"), ka = B("s/a"), kb = B("s/b"), kc = B("s/c");

	if (!tdb_setup(&t))
		return;
	CHECK(write1(t.db, ka, &one));
	CHECK(write1(t.db, kb, &one));
	struct db_snapshot *s1 = db_snapshot_create(t.db);
	CHECK(write1(t.db, ka, &two));   /* changed */
	CHECK(write1(t.db, kb, NULL));   /* deleted */
	CHECK(write1(t.db, kc, &two));   /* added */
	struct db_snapshot *s2 = db_snapshot_create(t.db);
	CHECK(write1(t.db, kc, NULL));

	CHECK(holds(t.db, s1, ka, &one) && holds(t.db, s1, kb, &one) && holds(t.db, s1, kc, NULL));
	CHECK(holds(t.db, s2, ka, &two) && holds(t.db, s2, kb, NULL) && holds(t.db, s2, kc, &two));
	CHECK(holds(t.db, NULL, ka, &two) && holds(t.db, NULL, kb, NULL) && holds(t.db, NULL, kc, NULL));

	/* An iterator over a snapshot sees the snapshot's keys. */
	struct db_iter *it = db_iter_create(t.db, s1, "s/", 2);
	size_t n = 0, len;
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it)) {
		const uint8_t *v = db_iter_value(it, &len);
		CHECK(len == 1 && v[0] == '1');
		n++;
	}
	CHECK(n == 2);
	CHECK(db_iter_status(it, NULL, 0));
	db_iter_destroy(it);

	/* A live iterator sees the state of its creation, not later writes. */
	it = db_iter_create(t.db, NULL, "s/", 2);
	CHECK(write1(t.db, kb, &two));
	n = 0;
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it))
		n++;
	CHECK(n == 1);
	db_iter_destroy(it);

	db_snapshot_destroy(s1);
	db_snapshot_destroy(s2);
	db_snapshot_destroy(NULL);
	tdb_teardown(&t);
}

/* Write generations: snapshots without a write between them share one;
 * each write moves it on by one. */
static void test_snapshot_generation(void)
{
	struct tdb t;
	struct bytes one = B("1"), k = B("g/k");

	if (!tdb_setup(&t))
		return;
	struct db_snapshot *s1 = db_snapshot_create(t.db);
	struct db_snapshot *s2 = db_snapshot_create(t.db);
	uint64_t g = db_snapshot_generation(s1);
	CHECK(g != DB_GEN_UNKNOWN && db_snapshot_generation(s2) == g);
	CHECK(write1(t.db, k, &one));
	struct db_snapshot *s3 = db_snapshot_create(t.db);
	CHECK(db_snapshot_generation(s3) == g + 1);
	CHECK(db_snapshot_generation(s1) == g); /* a snapshot keeps its own */
	db_snapshot_destroy(s1);
	db_snapshot_destroy(s2);
	db_snapshot_destroy(s3);
	/* Another database never has this one's id. */
	uint64_t id = db_id(t.db);
	tdb_teardown(&t);
	if (!tdb_setup(&t))
		return;
	CHECK(db_id(t.db) != id);
	tdb_teardown(&t);
}

struct gen_writer {
	struct db *db;
	int writes;
	bool ok;
};

/* Writes "g/n" = 1, 2, ... writes, one synced-off batch each. */
static void *gen_writer_main(void *arg)
{
	struct gen_writer *w = arg;
	char err[DB_ERR_LEN], v[16];
	w->ok = true;
	for (int i = 1; i <= w->writes && w->ok; i++) {
		struct db_batch *b = db_batch_create();
		int n = snprintf(v, sizeof(v), "%d", i);
		db_batch_put(b, "g/n", 3, v, (size_t)n);
		w->ok = db_write(w->db, err, sizeof(err), b, false);
		db_batch_destroy(b);
	}
	return NULL;
}

/* Under a writer, every snapshot with a known generation holds exactly
 * that many of its writes: the value of g/n is the generation's distance
 * from the start. Snapshots taken mid-write are unknown, never wrong. */
static void test_snapshot_generation_racing(void)
{
	struct tdb t;
	struct gen_writer w = { .writes = 20000 };
	pthread_t th;
	struct buf v = BUF_INIT;
	size_t known = 0, unknown = 0, wrong = 0;
	char err[DB_ERR_LEN];
	bool found;

	if (!tdb_setup(&t))
		return;
	w.db = t.db;
	struct db_snapshot *s0 = db_snapshot_create(t.db);
	uint64_t g0 = db_snapshot_generation(s0);
	db_snapshot_destroy(s0);
	if (!CHECK(g0 != DB_GEN_UNKNOWN) || !CHECK(pthread_create(&th, NULL, gen_writer_main, &w) == 0)) {
		tdb_teardown(&t);
		return;
	}
	for (int i = 0; i < 200000 && known + unknown < 100000; i++) {
		struct db_snapshot *s = db_snapshot_create(t.db);
		uint64_t g = db_snapshot_generation(s);
		if (!db_get(t.db, s, &v, &found, err, sizeof(err), "g/n", 3)) {
			wrong++;
		} else if (g == DB_GEN_UNKNOWN) {
			unknown++;
		} else {
			known++;
			char text[16] = "0";
			if (found && v.len < sizeof(text)) {
				memcpy(text, v.data, v.len);
				text[v.len] = '\0';
			}
			if (strtoull(text, NULL, 10) != g - g0)
				wrong++;
		}
		db_snapshot_destroy(s);
	}
	pthread_join(th, NULL);
	CHECK(w.ok);
	CHECK(wrong == 0);
	CHECK(known > 0);
	unit_note("generations: %zu known, %zu unknown", known, unknown);
	buf_release(&v);
	tdb_teardown(&t);
}

/* A thread's snapshot is kept after its release and handed to it again
 * while no write has begun; a second one at once is a new one; a write
 * drops the kept one, or the lent one when its holder lets it go, which
 * still reads the state it was taken in. */
static void test_snapshot_kept(void)
{
	struct tdb t;
	struct bytes one = B("1"), two = B("2"), k = B("k/a");

	if (!tdb_setup(&t))
		return;
	CHECK(write1(t.db, k, &one));
	CHECK(db_snapshot_count(t.db) == 0);
	struct db_snapshot *s1 = db_snapshot_create(t.db);
	uint64_t g = db_snapshot_generation(s1);
	db_snapshot_destroy(s1);
	CHECK(db_snapshot_count(t.db) == 1);              /* kept */
	struct db_snapshot *s2 = db_snapshot_create(t.db);
	CHECK(s2 == s1 && db_snapshot_generation(s2) == g);
	CHECK(holds(t.db, s2, k, &one));
	/* Held: another at once is a new one, released on destroy. */
	struct db_snapshot *s3 = db_snapshot_create(t.db);
	CHECK(s3 != s2 && db_snapshot_generation(s3) == g && db_snapshot_count(t.db) == 2);
	db_snapshot_destroy(s3);
	CHECK(db_snapshot_count(t.db) == 1);
	db_snapshot_destroy(s2);
	CHECK(db_snapshot_count(t.db) == 1);

	/* A write drops the kept one; the next is new and sees the write. */
	CHECK(write1(t.db, k, &two));
	CHECK(db_snapshot_count(t.db) == 0);
	struct db_snapshot *s4 = db_snapshot_create(t.db);
	CHECK(db_snapshot_generation(s4) == g + 1 && holds(t.db, s4, k, &two));

	/* Lent across a write: it still reads its own state, and goes when
	 * released; the next one is new. */
	CHECK(write1(t.db, k, &one));
	CHECK(db_snapshot_count(t.db) == 1 && holds(t.db, s4, k, &two));
	db_snapshot_destroy(s4);
	CHECK(db_snapshot_count(t.db) == 0);
	struct db_snapshot *s5 = db_snapshot_create(t.db);
	CHECK(db_snapshot_generation(s5) == g + 2 && holds(t.db, s5, k, &one));
	db_snapshot_destroy(s5);

	/* Each database keeps its own; closing one with a kept snapshot frees it. */
	struct tdb u;
	if (CHECK(tdb_setup(&u))) {
		struct db_snapshot *su = db_snapshot_create(u.db);
		CHECK(holds(u.db, su, k, NULL));
		db_snapshot_destroy(su);
		CHECK(db_snapshot_count(u.db) == 1 && db_snapshot_count(t.db) == 1);
		tdb_teardown(&u);
	}
	s1 = db_snapshot_create(t.db);
	CHECK(holds(t.db, s1, k, &one) && db_snapshot_count(t.db) == 1);
	db_snapshot_destroy(s1);
	tdb_teardown(&t);
}

/* Readers alive together: each waits until all have read once. */
struct kept_group {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t arrived, expected;
};

struct kept_reader {
	struct db *db;
	struct kept_group *group;
	struct db_snapshot *first, *second;
};

/* Take and release a snapshot, wait for the other readers, then again: a
 * reader with a slot gets its first one back. Alive together, the readers
 * are distinct threads to the database. */
static void *kept_reader_main(void *arg)
{
	struct kept_reader *r = arg;
	struct kept_group *g = r->group;
	r->first = db_snapshot_create(r->db);
	db_snapshot_destroy(r->first);
	pthread_mutex_lock(&g->mu);
	g->arrived++;
	pthread_cond_broadcast(&g->cv);
	while (g->arrived < g->expected)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	r->second = db_snapshot_create(r->db);
	db_snapshot_destroy(r->second);
	return NULL;
}

static void *kept_destroy_main(void *arg)
{
	db_snapshot_destroy(arg);
	return NULL;
}

/* Threads keep their own snapshots, as many as a database has slots (16);
 * the others take plain ones. A snapshot destroyed on another thread than
 * its own goes back to its own thread's slot. */
static void test_snapshot_kept_threads(void)
{
	enum { READERS = 20 };
	struct tdb t;
	struct kept_reader r[READERS];
	struct kept_group g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, READERS };
	pthread_t th[READERS];

	if (!tdb_setup(&t))
		return;
	struct db_snapshot *mine = db_snapshot_create(t.db); /* this thread's slot */
	size_t started = 0;
	for (size_t i = 0; i < READERS; i++) {
		r[i] = (struct kept_reader){ .db = t.db, .group = &g };
		if (!CHECK(pthread_create(&th[i], NULL, kept_reader_main, &r[i]) == 0))
			break;
		started++;
	}
	pthread_mutex_lock(&g.mu);
	g.expected = started;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	for (size_t i = 0; i < started; i++)
		CHECK(pthread_join(th[i], NULL) == 0);
	size_t kept = 0;
	for (size_t i = 0; i < started; i++)
		kept += r[i].first == r[i].second;
	CHECK(started == READERS && kept == 15);         /* 16 slots, one this thread's */
	CHECK(db_snapshot_count(t.db) == 1 + kept);      /* held here, kept there */

	/* Released on another thread: kept for this one. */
	pthread_t d;
	if (CHECK(pthread_create(&d, NULL, kept_destroy_main, mine) == 0)) {
		CHECK(pthread_join(d, NULL) == 0);
		struct db_snapshot *again = db_snapshot_create(t.db);
		CHECK(again == mine);
		db_snapshot_destroy(again);
	} else {
		db_snapshot_destroy(mine);
	}
	/* A write drops them all. */
	struct bytes one = B("1"), kb = B("k/b");
	CHECK(write1(t.db, kb, &one));
	CHECK(db_snapshot_count(t.db) == 0);
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ iteration */

/* Keys chosen so that prefixes are prefixes of each other and keys end in
 * (or consist of) 0xff and 0x00 bytes. Listed in bytewise order. */
static const struct bytes iter_keys[] = {
	B(""), B("\0"), B("\0\xff"), B("a"), B("a\0"), B("ab"), B("ab\0"), B("abc"),
	B("ab\xff"), B("ab\xff\xff"), B("ab\xff\xff\xff"), B("ac"), B("b"),
	B("\xfe\xff"), B("\xff"), B("\xff\0"), B("\xff\xff"), B("\xff\xff\xff"),
};

static int bytes_cmp(struct bytes a, struct bytes b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	return c ? c : (a.n > b.n) - (a.n < b.n);
}

static bool has_prefix(struct bytes k, struct bytes p)
{
	return k.n >= p.n && (p.n == 0 || memcmp(k.p, p.p, p.n) == 0);
}

static const struct bytes iter_prefixes[] = {
	B(""), B("\0"), B("a"), B("ab"), B("ab\xff"), B("ab\xff\xff"), B("ab\xff\xff\xff"),
	B("ab\xff\xff\xff\xff"), B("ac"), B("ad"), B("\xfe"), B("\xff"), B("\xff\xff"),
	B("\xff\xff\xff"), B("zz"),
};

static bool iter_put_keys(struct db *db)
{
	char err[DB_ERR_LEN];
	struct db_batch *b = db_batch_create();

	for (size_t i = 0; i < UNIT_COUNT(iter_keys); i++)
		db_batch_put(b, iter_keys[i].p, iter_keys[i].n, &i, sizeof(i));
	bool ok = db_write(db, err, sizeof(err), b, true);
	db_batch_destroy(b);
	return ok;
}

/* Walk the prefix forwards (or backwards) and compare with iter_keys. */
static bool iter_walk_matches(struct db *db, struct bytes p, bool backwards)
{
	struct db_iter *it = db_iter_create(db, NULL, p.p, p.n);
	size_t n = UNIT_COUNT(iter_keys), klen, vlen;
	bool ok = true;

	if (backwards)
		db_iter_seek_last(it);
	else
		db_iter_seek_first(it);
	for (size_t j = 0; j < n && ok; j++) {
		size_t i = backwards ? n - 1 - j : j;
		if (!has_prefix(iter_keys[i], p))
			continue;
		ok = db_iter_valid(it);
		if (!ok)
			break;
		const uint8_t *k = db_iter_key(it, &klen);
		const uint8_t *v = db_iter_value(it, &vlen);
		ok = same(k, klen, iter_keys[i]) && vlen == sizeof(i) && memcmp(v, &i, vlen) == 0;
		if (backwards)
			db_iter_prev(it);
		else
			db_iter_next(it);
	}
	ok = ok && !db_iter_valid(it) && db_iter_status(it, NULL, 0);
	db_iter_destroy(it);
	return ok;
}

static void test_iter_prefix_walk(void)
{
	struct tdb t;

	if (!tdb_setup(&t))
		return;
	for (size_t i = 1; i < UNIT_COUNT(iter_keys); i++)
		CHECK(bytes_cmp(iter_keys[i - 1], iter_keys[i]) < 0);  /* table order */
	CHECK(iter_put_keys(t.db));
	for (size_t i = 0; i < UNIT_COUNT(iter_prefixes); i++) {
		if (!CHECK(iter_walk_matches(t.db, iter_prefixes[i], false)))
			unit_note("forward walk of prefix %zu", i);
		if (!CHECK(iter_walk_matches(t.db, iter_prefixes[i], true)))
			unit_note("backward walk of prefix %zu", i);
	}
	/* A prefix with no keys at all, in an empty region. */
	struct db_iter *it = db_iter_create(t.db, NULL, "m", 1);
	db_iter_seek_first(it);
	CHECK(!db_iter_valid(it));
	db_iter_seek_last(it);
	CHECK(!db_iter_valid(it));
	db_iter_destroy(it);
	tdb_teardown(&t);
}

/* Seek semantics: first key >= target (FWD) or last key <= target (BACK),
 * confined to the prefix; NONE expects an invalid iterator. */
struct seek_case {
	struct bytes prefix, target;
	bool backwards;
	struct bytes want;
	bool want_valid;
};

static const struct seek_case seek_cases[] = {
	/* exact hits */
	{ B("ab"), B("ab\xff"), false, B("ab\xff"), true },
	{ B("ab"), B("ab\xff"), true, B("ab\xff"), true },
	/* between keys */
	{ B("ab"), B("ab\0\0"), false, B("abc"), true },
	{ B("ab"), B("ab\0\0"), true, B("ab\0"), true },
	{ B("ab"), B("abd"), false, B("ab\xff"), true },
	{ B("ab"), B("abd"), true, B("abc"), true },
	/* target before the prefix range */
	{ B("ab"), B("a"), false, B("ab"), true },
	{ B("ab"), B("a"), true, NONE, false },
	{ B("ab"), B(""), false, B("ab"), true },
	/* target after the prefix range */
	{ B("ab"), B("ac"), false, NONE, false },
	{ B("ab"), B("ac"), true, B("ab\xff\xff\xff"), true },
	{ B("ab"), B("\xff\xff\xff\xff"), true, B("ab\xff\xff\xff"), true },
	/* past the last key of the prefix, still inside its range */
	{ B("ab"), B("ab\xff\xff\xff\0"), false, NONE, false },
	{ B("ab"), B("ab\xff\xff\xff\0"), true, B("ab\xff\xff\xff"), true },
	/* the prefix itself */
	{ B("ab"), B("ab"), true, B("ab"), true },
	{ B("ab\0"), B("ab\0"), false, B("ab\0"), true },
	/* all-0xff prefixes run to the end of the key space */
	{ B("\xff"), B("\xff\0\0"), false, B("\xff\xff"), true },
	{ B("\xff"), B("\xff\0\0"), true, B("\xff\0"), true },
	{ B("\xff\xff"), B("\xff\xff\xff\xff"), true, B("\xff\xff\xff"), true },
	{ B("\xff\xff"), B("\xff\xff\xff\xff"), false, NONE, false },
	{ B("\xff\xff"), B("\xfe"), true, NONE, false },
	/* the empty prefix: the whole database */
	{ B(""), B(""), false, B(""), true },
	{ B(""), B(""), true, B(""), true },
	{ B(""), B("\0\0"), true, B("\0"), true },
	{ B(""), B("\xff\xff\xff\xff"), false, NONE, false },
	{ B(""), B("\xff\xff\xff\xff"), true, B("\xff\xff\xff"), true },
	/* a prefix with no keys */
	{ B("aa"), B("aa"), false, NONE, false },
	{ B("aa"), B("az"), true, NONE, false },
};

static bool seek_case_ok(struct db *db, const struct seek_case *c)
{
	struct db_iter *it = db_iter_create(db, NULL, c->prefix.p, c->prefix.n);
	bool ok;

	if (c->backwards)
		db_iter_seek_for_prev(it, c->target.p, c->target.n);
	else
		db_iter_seek(it, c->target.p, c->target.n);
	ok = db_iter_valid(it) == c->want_valid;
	if (ok && c->want_valid)
		ok = iter_key_is(it, c->want);
	ok = ok && db_iter_status(it, NULL, 0);
	db_iter_destroy(it);
	return ok;
}

static void test_iter_seek(void)
{
	struct tdb t;

	if (!tdb_setup(&t))
		return;
	CHECK(iter_put_keys(t.db));
	for (size_t i = 0; i < UNIT_COUNT(seek_cases); i++)
		if (!CHECK(seek_case_ok(t.db, &seek_cases[i])))
			unit_note("seek case %zu", i);
	/* A "strictly before" page cursor: seek_for_prev, then step back once
	 * on an exact hit. */
	struct db_iter *it = db_iter_create(t.db, NULL, "ab", 2);
	db_iter_seek_for_prev(it, "ab\xff", 3);
	if (CHECK(db_iter_valid(it)) && iter_key_is(it, (struct bytes)B("ab\xff")))
		db_iter_prev(it);
	CHECK(iter_key_is(it, (struct bytes)B("abc")));
	/* After running off one end, a seek repositions the iterator. */
	db_iter_seek_last(it);
	db_iter_next(it);
	CHECK(!db_iter_valid(it));
	db_iter_seek_first(it);
	CHECK(iter_key_is(it, (struct bytes)B("ab")));
	db_iter_prev(it);
	CHECK(!db_iter_valid(it));
	db_iter_destroy(it);
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ a random model */

#define MODEL_MAX 256
#define MODEL_KEYLEN 4

/* The expected database: sorted distinct keys with values. */
struct model {
	char key[MODEL_MAX][MODEL_KEYLEN];
	size_t klen[MODEL_MAX];
	uint32_t val[MODEL_MAX];
	size_t n;
};

static struct bytes model_key(const struct model *m, size_t i)
{
	return (struct bytes){ m->key[i], m->klen[i] };
}

/* Index of the first key >= k. */
static size_t model_lower(const struct model *m, struct bytes k)
{
	size_t i = 0;
	while (i < m->n && bytes_cmp(model_key(m, i), k) < 0)
		i++;
	return i;
}

static void model_put(struct model *m, struct bytes k, uint32_t v)
{
	size_t i = model_lower(m, k);
	if (i < m->n && bytes_cmp(model_key(m, i), k) == 0) {
		m->val[i] = v;
		return;
	}
	if (m->n == MODEL_MAX)
		return;
	memmove(&m->key[i + 1], &m->key[i], (m->n - i) * sizeof(m->key[0]));
	memmove(&m->klen[i + 1], &m->klen[i], (m->n - i) * sizeof(m->klen[0]));
	memmove(&m->val[i + 1], &m->val[i], (m->n - i) * sizeof(m->val[0]));
	memcpy(m->key[i], k.p, k.n);
	m->klen[i] = k.n;
	m->val[i] = v;
	m->n++;
}

static void model_del(struct model *m, struct bytes k)
{
	size_t i = model_lower(m, k);
	if (i == m->n || bytes_cmp(model_key(m, i), k) != 0)
		return;
	memmove(&m->key[i], &m->key[i + 1], (m->n - i - 1) * sizeof(m->key[0]));
	memmove(&m->klen[i], &m->klen[i + 1], (m->n - i - 1) * sizeof(m->klen[0]));
	memmove(&m->val[i], &m->val[i + 1], (m->n - i - 1) * sizeof(m->val[0]));
	m->n--;
}

/* A random short key over a small alphabet rich in 0x00 and 0xff, so that
 * keys often are prefixes of each other. Out: buf (MODEL_KEYLEN bytes). */
static struct bytes random_key(char *buf, size_t maxlen)
{
	static const char alpha[] = { 0x00, 0x01, 'a', (char)0xfe, (char)0xff };
	size_t n = (size_t)(unit_rand() % (maxlen + 1));

	for (size_t i = 0; i < n; i++)
		buf[i] = alpha[unit_rand() % sizeof(alpha)];
	return (struct bytes){ buf, n };
}

/* Apply a random batch to both the model and the database. */
static bool model_random_batch(struct model *m, struct db *db)
{
	char err[DB_ERR_LEN], kb[MODEL_KEYLEN];
	struct db_batch *b = db_batch_create();
	size_t ops = 1 + unit_rand() % 20;

	for (size_t i = 0; i < ops; i++) {
		struct bytes k = random_key(kb, MODEL_KEYLEN);
		uint32_t v = (uint32_t)unit_rand();
		if (unit_rand() % 3 == 0) {
			db_batch_del(b, k.p, k.n);
			model_del(m, k);
		} else if (m->n < MODEL_MAX) {
			db_batch_put(b, k.p, k.n, &v, sizeof(v));
			model_put(m, k, v);
		}
	}
	bool ok = db_write(db, err, sizeof(err), b, unit_rand() % 2 == 0);
	db_batch_destroy(b);
	return ok;
}

static bool iter_at(const struct db_iter *it, const struct model *m, size_t i)
{
	size_t vlen;

	if (!db_iter_valid(it))
		return false;
	const uint8_t *v = db_iter_value(it, &vlen);
	return iter_key_is(it, model_key(m, i)) &&
	       vlen == sizeof(uint32_t) && memcmp(v, &m->val[i], vlen) == 0;
}

/* Seek somewhere random under a random prefix and walk a few steps in a
 * random direction, comparing each position with the model. */
static bool model_random_walk(const struct model *m, struct db *db)
{
	char pb[MODEL_KEYLEN], tb[MODEL_KEYLEN];
	struct bytes p = random_key(pb, 2), target = random_key(tb, MODEL_KEYLEN);
	bool back = unit_rand() % 2;
	struct db_iter *it = db_iter_create(db, NULL, p.p, p.n);
	size_t i;  /* model index, or SIZE_MAX for "invalid" */

	if (back) {
		db_iter_seek_for_prev(it, target.p, target.n);
		i = model_lower(m, target);
		if (i < m->n && bytes_cmp(model_key(m, i), target) == 0)
			i++;
		/* i = first key > target; step back into the prefix */
		while (i > 0 && !has_prefix(model_key(m, i - 1), p) &&
		       bytes_cmp(model_key(m, i - 1), p) > 0)
			i--;
		i = i > 0 && has_prefix(model_key(m, i - 1), p) ? i - 1 : SIZE_MAX;
	} else {
		db_iter_seek(it, target.p, target.n);
		i = model_lower(m, bytes_cmp(target, p) < 0 ? p : target);
		if (i == m->n || !has_prefix(model_key(m, i), p))
			i = SIZE_MAX;
	}
	bool ok = true;
	for (int step = 0; step < 8 && ok; step++) {
		ok = i == SIZE_MAX ? !db_iter_valid(it) : iter_at(it, m, i);
		if (!ok || i == SIZE_MAX)
			break;
		if (back) {
			db_iter_prev(it);
			i = i > 0 && has_prefix(model_key(m, i - 1), p) ? i - 1 : SIZE_MAX;
		} else {
			db_iter_next(it);
			i = i + 1 < m->n && has_prefix(model_key(m, i + 1), p) ? i + 1 : SIZE_MAX;
		}
	}
	ok = ok && db_iter_status(it, NULL, 0);
	db_iter_destroy(it);
	return ok;
}

static bool model_gets_match(const struct model *m, struct db *db)
{
	char kb[MODEL_KEYLEN];

	for (int j = 0; j < 20; j++) {
		struct bytes k = random_key(kb, MODEL_KEYLEN);
		size_t i = model_lower(m, k);
		bool present = i < m->n && bytes_cmp(model_key(m, i), k) == 0;
		struct bytes v = { (const char *)&m->val[i < m->n ? i : 0], sizeof(uint32_t) };
		if (!holds(db, NULL, k, present ? &v : NULL))
			return false;
	}
	return true;
}

static void test_random_model(void)
{
	static struct model m;
	struct tdb t;
	int bad = 0;

	memset(&m, 0, sizeof(m));
	if (!tdb_setup(&t))
		return;
	for (int round = 0; round < 400 && bad == 0; round++) {
		if (!model_random_batch(&m, t.db))
			bad++;
		if (!model_gets_match(&m, t.db))
			bad++;
		for (int w = 0; w < 5; w++)
			if (!model_random_walk(&m, t.db))
				bad++;
		if (round == 200 && !tdb_reopen(&t))
			break;
		if (bad)
			unit_note("random model: mismatch in round %d", round);
	}
	CHECK(bad == 0);
	CHECK(m.n > 20);  /* the model really filled up */
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ misc */

static void test_destroy_files(void)
{
	struct tdb t;
	char err[DB_ERR_LEN];
	struct stat st;

	if (!tdb_setup(&t))
		return;
	CHECK(!db_destroy_files(err, sizeof(err), t.path));  /* still open */
	CHECK(strstr(err, "cannot destroy database in ") != NULL && strstr(err, "in use") != NULL);
	CHECK(stat(t.path, &st) == 0);
	/* The refused destroy left the database locked against others. */
	pid_t pid = spawn_child("tryopen", t.path, -1);
	CHECK(pid > 0 && child_status(pid) == 0);
	CHECK(!db_destroy_files(err, sizeof(err), ""));
	CHECK(strstr(err, "empty path") != NULL);
	db_close(t.db);
	t.db = NULL;
	CHECK(db_destroy_files(err, sizeof(err), t.path));
	CHECK(stat(t.path, &st) != 0 && errno == ENOENT);
	CHECK(db_destroy_files(err, sizeof(err), t.path));  /* nothing there */
	/* A fresh database can be made in the same place. */
	t.db = db_open(err, sizeof(err), t.path, NULL);
	CHECK(t.db != NULL && holds(t.db, NULL, (struct bytes)B("x"), NULL));
	tdb_teardown(&t);
}

static void test_property_and_size(void)
{
	struct tdb t;
	struct buf out = BUF_INIT;
	char k[16], v[100];

	if (!tdb_setup(&t))
		return;
	struct db_batch *b = db_batch_create();
	memset(v, 'v', sizeof(v));
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "p%06d", i);
		db_batch_put(b, k, strlen(k), v, sizeof(v));
	}
	CHECK(db_write(t.db, NULL, 0, b, true));
	db_batch_destroy(b);
	db_compact_range(t.db, NULL, 0, NULL, 0);
	CHECK(db_approximate_size(t.db, "p", 1, "q", 1) > 10000);
	CHECK(db_approximate_size(t.db, "x", 1, "y", 1) == 0);
	CHECK(db_property(t.db, &out, "leveldb.stats") && strstr((char *)out.data, "Compactions"));
	CHECK(db_property(t.db, &out, "leveldb.num-files-at-level0") && out.len > 0);
	CHECK(!db_property(t.db, &out, "leveldb.no-such-property") && out.len == 0);
	buf_release(&out);
	tdb_teardown(&t);
}

/* Find a table file (*.ldb) in dir. Out: path. */
static bool find_table(char *path, size_t cap, const char *dir)
{
	bool found = false;

	for (int num = 1; num < 64 && !found; num++) {
		snprintf(path, cap, "%s/%06d.ldb", dir, num);
		found = access(path, F_OK) == 0;
	}
	return found;
}

/* Flip bytes in the middle of a file. */
static bool corrupt_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDWR);
	bool ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 100;

	if (ok)
		ok = pwrite(fd, "\xde\xad\xbe\xef\xde\xad\xbe\xef", 8, st.st_size / 3) == 8;
	if (fd >= 0)
		close(fd);
	return ok;
}

#define CORRUPT_KEYS 3000

/* Fill the database with CORRUPT_KEYS keys "c%06d" and compact them into
 * a table file. */
static bool fill_and_compact(struct db *db)
{
	char k[16], v[64];
	struct db_batch *b = db_batch_create();

	memset(v, 'v', sizeof(v));
	for (int i = 0; i < CORRUPT_KEYS; i++) {
		snprintf(k, sizeof(k), "c%06d", i);
		db_batch_put(b, k, strlen(k), v, sizeof(v));
	}
	bool ok = db_write(db, NULL, 0, b, true);
	db_batch_destroy(b);
	db_compact_range(db, NULL, 0, NULL, 0);
	return ok;
}

/* True when some get fails with LevelDB's Corruption reason. */
static bool some_get_corrupt(struct db *db)
{
	char err[DB_ERR_LEN], k[16];
	struct buf val = BUF_INIT;
	bool failed = false, found = true;

	for (int i = 0; i < CORRUPT_KEYS && !failed; i++) {
		snprintf(k, sizeof(k), "c%06d", i);
		failed = !db_get(db, NULL, &val, &found, err, sizeof(err), k, strlen(k));
	}
	buf_release(&val);
	return failed && !found && strstr(err, "database read failed: Corruption") != NULL;
}

/* A damaged table: reads fail with a message, never a crash, and an
 * iterator stops early and reports the error. */
static void test_corrupt_table(void)
{
	struct tdb t;
	char err[DB_ERR_LEN], table[400];

	if (!tdb_setup(&t))
		return;
	CHECK(fill_and_compact(t.db));
	db_close(t.db);
	t.db = NULL;
	if (!CHECK(find_table(table, sizeof(table), t.path)) || !CHECK(corrupt_file(table)))
		goto out;
	t.db = db_open(err, sizeof(err), t.path, NULL);
	if (!CHECK(t.db != NULL))
		goto out;
	CHECK(some_get_corrupt(t.db));
	struct db_iter *it = db_iter_create(t.db, NULL, "c", 1);
	size_t n = 0;
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it))
		n++;
	CHECK(n < CORRUPT_KEYS);
	CHECK(!db_iter_status(it, err, sizeof(err)));
	CHECK(strstr(err, "database iteration failed: Corruption") != NULL);
	db_iter_destroy(it);
out:
	tdb_teardown(&t);
}

/* A damaged CURRENT file stops the open with a message. */
static void test_corrupt_current(void)
{
	struct tdb t;
	char err[DB_ERR_LEN], current[400];

	if (!tdb_setup(&t))
		return;
	db_close(t.db);
	t.db = NULL;
	snprintf(current, sizeof(current), "%s/CURRENT", t.path);
	int fd = open(current, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "garbage", 7) == 7);
	if (fd >= 0)
		close(fd);
	CHECK(db_open(err, sizeof(err), t.path, NULL) == NULL);
	CHECK(strstr(err, "Corruption") != NULL && strstr(err, t.path) != NULL);
	tdb_teardown(&t);
}

/* ------------------------------------------------------------ crash harness */

/* The crash harness. A writer child streams synced batches into a database
 * and reports each completed one on a pipe; the parent kills it with
 * SIGKILL at a random moment, reopens the database and checks it. The
 * ledger's crash test can reuse crash_run with its own writer and check.
 *
 * Here generation c writes: "ctr" = c (8 bytes, little endian), keys
 * "k" + be16(i) for i < crash_width(c) holding crash_value(c, i), and
 * deletes the keys from crash_width(c) up to CRASH_MAX_KEYS. So every
 * reopened database must hold one generation, whole. */
#define CRASH_MIN_KEYS 20
#define CRASH_MAX_KEYS 200
#define CRASH_ROUNDS 100
#define CRASH_MAX_DELAY_US 40000

struct crash_spec {
	/* The child mode (see child_modes) that streams batches into the
	 * database at its path and writes each completed generation
	 * (uint64_t) to its descriptor; it never returns by itself. */
	const char *writer_mode;
	/* Runs in the parent after each kill. Out: *counter, the generation
	 * found. Returns false if the database is inconsistent. */
	bool (*check)(const char *path, uint64_t *counter);
};

static uint64_t crash_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static size_t crash_width(uint64_t c)
{
	return c == 0 ? 0 : CRASH_MIN_KEYS + (size_t)(crash_mix(c) % (CRASH_MAX_KEYS - CRASH_MIN_KEYS));
}

/* Value of key i in generation c: 8 to 135 bytes. Out: out (136 bytes). */
static size_t crash_value(uint8_t *out, uint64_t c, size_t i)
{
	uint64_t h = crash_mix(c * 1000003 + i);
	size_t n = 8 + (size_t)(h % 128);

	for (size_t j = 0; j < n; j++)
		out[j] = (uint8_t)(crash_mix(h + j) >> 56);
	return n;
}

static void crash_key(uint8_t k[3], size_t i)
{
	k[0] = 'k';
	k[1] = (uint8_t)(i >> 8);
	k[2] = (uint8_t)i;
}

static uint64_t crash_read_counter(struct db *db, bool *ok)
{
	struct buf v = BUF_INIT;
	bool found = false;
	uint64_t c = 0;

	*ok = db_get(db, NULL, &v, &found, NULL, 0, "ctr", 3) && (!found || v.len == 8);
	if (*ok && found)
		for (int j = 7; j >= 0; j--)
			c = c << 8 | v.data[j];
	buf_release(&v);
	return c;
}

static void crash_fill_batch(struct db_batch *b, uint64_t c)
{
	uint8_t k[3], v[136], ctr[8];
	size_t w = crash_width(c);

	for (int j = 0; j < 8; j++)
		ctr[j] = (uint8_t)(c >> (8 * j));
	db_batch_put(b, "ctr", 3, ctr, sizeof(ctr));
	for (size_t i = 0; i < CRASH_MAX_KEYS; i++) {
		crash_key(k, i);
		if (i < w)
			db_batch_put(b, k, sizeof(k), v, crash_value(v, c, i));
		else
			db_batch_del(b, k, sizeof(k));
	}
}

/* Stream generations into the database, continuing from the one found,
 * until a write fails. Returns 4 after a failed write (err says why), or
 * 2 or 3 when the database cannot be opened or read. */
static int crash_stream(const char *path, int report_fd, char *err, size_t errcap)
{
	struct db_options o;
	bool ok;

	db_options_init(&o);
	/* A small memtable, so that kills also land in flushes and
	 * compactions. */
	o.write_buffer_bytes = 64 << 10;
	struct db *db = db_open(err, errcap, path, &o);
	if (db == NULL)
		return 2;
	uint64_t c = crash_read_counter(db, &ok);
	struct db_batch *b = db_batch_create();
	int rc = ok ? 0 : 3;
	while (rc == 0) {
		c++;
		db_batch_clear(b);
		crash_fill_batch(b, c);
		if (!db_write(db, err, errcap, b, true))
			rc = 4;
		else if (write(report_fd, &c, sizeof(c)) != (ssize_t)sizeof(c))
			rc = 5;
	}
	db_batch_destroy(b);
	db_close(db);
	return rc;
}

/* Child "writer": stream until killed. */
static int child_writer(const char *path, int report_fd)
{
	char err[DB_ERR_LEN];

	return crash_stream(path, report_fd, err, sizeof(err));
}

/* Child "fullfile": stream under a file size limit (RLIMIT_FSIZE, which
 * fails writes as a full disk would). Exits 0 when a write fails with
 * LevelDB's I/O error, as a message. */
static int child_fullfile(const char *path, int report_fd)
{
	char err[DB_ERR_LEN];
	/* Below the 64 KiB memtable, so the log file itself hits the limit
	 * (a batch here is about 15 KiB). */
	struct rlimit rl = { 32 << 10, 32 << 10 };

	alarm(10);  /* never hang the test: SIGALRM ends a writer that never fails */
	signal(SIGXFSZ, SIG_IGN);  /* a write past the limit fails with EFBIG */
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 6;
	int rc = crash_stream(path, report_fd, err, sizeof(err));
	if (rc != 4 || strstr(err, "database write failed: IO error") == NULL) {
		fprintf(stderr, "fullfile: %d %s\n", rc, err);
		return 1;
	}
	return 0;
}

static bool crash_check(const char *path, uint64_t *counter)
{
	char err[DB_ERR_LEN];
	uint8_t k[3], v[136];
	bool ok;

	*counter = 0;
	/* The killed writer's lock can outlive waitpid by a moment: Linux may
	 * hand the final close of a dying process's files to a work queue. */
	struct db *db = NULL;
	for (int i = 0; i < 100 && db == NULL; i++) {
		db = db_open(err, sizeof(err), path, NULL);
		if (db == NULL)
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	if (db == NULL) {
		unit_note("crash check: %s", err);
		return false;
	}
	uint64_t c = crash_read_counter(db, &ok);
	size_t w = crash_width(c);
	for (size_t i = 0; i < CRASH_MAX_KEYS && ok; i++) {
		crash_key(k, i);
		struct bytes key = { (const char *)k, sizeof(k) };
		struct bytes want = { (const char *)v, i < w ? crash_value(v, c, i) : 0 };
		ok = holds(db, NULL, key, i < w ? &want : NULL);
	}
	/* Nothing else under the prefix either. */
	struct db_iter *it = db_iter_create(db, NULL, "k", 1);
	size_t n = 0;
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it))
		n++;
	ok = ok && n == w && db_iter_status(it, NULL, 0);
	db_iter_destroy(it);
	db_close(db);
	*counter = c;
	return ok;
}

/* Read every counter the child reported; Out: *last (kept if none). */
static void crash_drain(int fd, uint64_t *last)
{
	uint64_t c;

	while (read(fd, &c, sizeof(c)) == (ssize_t)sizeof(c))
		if (c > *last)
			*last = c;
}

/* One round: fork the writer, kill it after delay_us, reopen and check.
 * In/Out: *floor, the generation that must at least be present (the last
 * completed one). Returns false on any inconsistency. */
static bool crash_round(const struct crash_spec *spec, const char *path,
			uint64_t *floor, unsigned delay_us)
{
	int fds[2];
	uint64_t found;

	if (!child_pipe(fds))
		return false;
	pid_t pid = spawn_child(spec->writer_mode, path, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return false;
	}
	struct timespec ts = { 0, (long)delay_us * 1000 };
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	int st = 0;
	bool killed = waitpid(pid, &st, 0) == pid && WIFSIGNALED(st);
	crash_drain(fds[0], floor);
	close(fds[0]);
	if (!killed) {
		unit_note("crash round: the writer exited by itself (status %d)", st);
		return false;
	}
	if (!spec->check(path, &found))
		return false;
	/* Synced batches that completed are there; at most one more (the one
	 * in flight when the kill came) may be. */
	if (found < *floor || found > *floor + 1) {
		unit_note("crash round: found generation %llu, completed %llu",
			  (unsigned long long)found, (unsigned long long)*floor);
		return false;
	}
	*floor = found;
	return true;
}

/* Run rounds of crash_round. Out: *progress, the final generation. */
static bool crash_run(const struct crash_spec *spec, const char *path, int rounds,
		      uint64_t *progress)
{
	uint64_t floor = 0;

	for (int r = 0; r < rounds; r++) {
		unsigned delay = (unsigned)(unit_rand() % CRASH_MAX_DELAY_US);
		if (!crash_round(spec, path, &floor, delay)) {
			unit_note("crash round %d (delay %u us) failed", r, delay);
			return false;
		}
	}
	*progress = floor;
	return true;
}

static void test_crash_kill9(void)
{
	static const struct crash_spec spec = { "writer", crash_check };
	char dir[256], path[300];
	uint64_t progress = 0;

	if (!CHECK(tmp_folder(dir, sizeof(dir))))
		return;
	snprintf(path, sizeof(path), "%s/db", dir);
	CHECK(crash_run(&spec, path, CRASH_ROUNDS, &progress));
	/* The writer really wrote: on average more than one batch a round. */
	CHECK(progress > CRASH_ROUNDS);
	unit_note("crash: %d kills, %llu synced batches survived", CRASH_ROUNDS,
		  (unsigned long long)progress);
	CHECK(rm_tree(dir));
}

/* A failed write (here: the file size limit, as a full disk) is an error
 * with a message, and the database reopens on the last completed batch. */
static void test_write_error(void)
{
	char dir[256], path[300];
	int fds[2];
	uint64_t floor = 0, found = 0;

	if (!CHECK(tmp_folder(dir, sizeof(dir))))
		return;
	snprintf(path, sizeof(path), "%s/db", dir);
	if (CHECK(child_pipe(fds))) {
		pid_t pid = spawn_child("fullfile", path, fds[1]);
		close(fds[1]);
		CHECK(pid > 0 && child_status(pid) == 0);
		crash_drain(fds[0], &floor);
		close(fds[0]);
	}
	CHECK(floor > 0);  /* some batches were written before the limit */
	CHECK(crash_check(path, &found));
	CHECK(found == floor || found == floor + 1);
	CHECK(rm_tree(dir));
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_options_defaults),
	UNIT_CASE(test_open_errors),
	UNIT_CASE(test_error_message),
	UNIT_CASE(test_second_open_refused),
	UNIT_CASE(test_put_get_delete),
	UNIT_CASE(test_get_values),
	UNIT_CASE(test_batch_bytes),
	UNIT_CASE(test_batch_atomic),
	UNIT_CASE(test_snapshot_isolation),
	UNIT_CASE(test_snapshot_generation),
	UNIT_CASE(test_snapshot_generation_racing),
	UNIT_CASE(test_snapshot_kept),
	UNIT_CASE(test_snapshot_kept_threads),
	UNIT_CASE(test_iter_prefix_walk),
	UNIT_CASE(test_iter_seek),
	UNIT_CASE(test_random_model),
	UNIT_CASE(test_destroy_files),
	UNIT_CASE(test_property_and_size),
	UNIT_CASE(test_corrupt_table),
	UNIT_CASE(test_corrupt_current),
	UNIT_CASE(test_write_error),
	UNIT_CASE(test_crash_kill9),
};

static const struct child_mode {
	const char *name;
	int (*run)(const char *path, int fd);
} child_modes[] = {
	{ "fullfile", child_fullfile },
	{ "hold", child_hold },
	{ "rawhold", child_rawhold },
	{ "tryopen", child_tryopen },
	{ "writer", child_writer },
};

int main(int argc, char **argv)
{
	if (argc > 0)
		self_argv0 = argv[0];
	if (argc == 5 && strcmp(argv[1], "--store-child") == 0) {
		for (size_t i = 0; i < UNIT_COUNT(child_modes); i++)
			if (strcmp(argv[2], child_modes[i].name) == 0)
				return child_modes[i].run(argv[3], atoi(argv[4]));
		return 126;
	}
	return unit_run(cases, UNIT_COUNT(cases));
}
