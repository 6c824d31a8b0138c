/* Unit tests for src/util/file: atomic writes (round trip, exact mode bits
 * under any umask, replacing a file by rename, a stale or planted PATH.new,
 * every failing step) and bounded whole-file reads (missing, over the
 * bound, not a regular file, past the buffer's own limit, unreadable). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "util/buf.h"
#include "util/file.h"

/* A scratch folder for one case; tmp_done removes what the cases made. */
struct tmp {
	char dir[64];
	char path[128]; /* dir/f.dat */
	char tmp[160];  /* dir/f.dat.new */
};

static bool tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/rostra-test-file-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return false;
	snprintf(t->path, sizeof(t->path), "%s/f.dat", t->dir);
	snprintf(t->tmp, sizeof(t->tmp), "%s%s", t->path, FILE_TMP_SUFFIX);
	return true;
}

static void tmp_done(struct tmp *t)
{
	static const char *const names[] = { "f.dat", "f.dat.new", "link", "sub/f.dat", "sub",
					      "plain", "rel.dat", "target" };
	char p[200];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, names[i]);
		if (unlink(p) != 0)
			rmdir(p);
	}
	rmdir(t->dir);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

/* Put n bytes of byte c at path with plain stdio (not the code under test). */
static bool put_file(const char *path, int c, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		fputc(c, f);
	return fclose(f) == 0;
}

/* ------------------------------------------------------------ writing */

static void test_write_read_roundtrip(void)
{
	static const struct {
		size_t len;
		mode_t mode;
	} cases[] = {
		{ 0, 0600 }, { 1, 0600 }, { 100, 0644 }, { 4096, 0640 }, { 70000, 0600 }, { 3, 0400 },
	};
	struct tmp t;
	char err[256];
	if (!CHECK(tmp_make(&t)))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *data = malloc(cases[i].len + 1);
		struct buf b = BUF_INIT;
		bool missing = true;
		if (!CHECK(data != NULL))
			break;
		unit_rand_bytes(data, cases[i].len);
		bool ok = file_write_atomic(err, sizeof(err), t.path, data, cases[i].len,
					    cases[i].mode) &&
			  file_read_all(err, sizeof(err), &b, &missing, t.path, cases[i].len);
		if (!CHECK(ok && !missing && b.len == cases[i].len &&
			   memcmp(b.data, data, cases[i].len) == 0 && b.data[b.len] == 0 &&
			   mode_of(t.path) == cases[i].mode && !exists(t.tmp)))
			unit_note("case %zu: %s", i, err);
		free(data);
		buf_release(&b);
	}
	tmp_done(&t);
}

/* The mode asked for is the mode given, whatever the umask. */
static void test_write_mode_ignores_umask(void)
{
	static const mode_t masks[] = { 0, 022, 077, 0777 };
	struct tmp t;
	char err[256];
	if (!CHECK(tmp_make(&t)))
		return;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mode_t old = umask(masks[i]);
		CHECK(file_write_atomic(err, sizeof(err), t.path, "x", 1, 0644));
		umask(old);
		if (!CHECK(mode_of(t.path) == 0644))
			unit_note("umask %03o gave %03o", (unsigned)masks[i], (unsigned)mode_of(t.path));
	}
	tmp_done(&t);
}

/* Replacing goes through a rename: a hard link to the old file still sees
 * the old bytes, and the path sees exactly the new ones (shorter, too). */
static void test_write_replaces(void)
{
	struct tmp t;
	char err[256], link_path[160];
	struct buf b = BUF_INIT;
	if (!CHECK(tmp_make(&t)))
		return;
	snprintf(link_path, sizeof(link_path), "%s/link", t.dir);
	CHECK(file_write_atomic(err, sizeof(err), t.path, "the old contents", 16, 0600));
	CHECK(link(t.path, link_path) == 0);
	CHECK(file_write_atomic(err, sizeof(err), t.path, "new", 3, 0600));
	CHECK(file_read_all(err, sizeof(err), &b, NULL, t.path, 100) && b.len == 3 &&
	      memcmp(b.data, "new", 3) == 0);
	CHECK(file_read_all(err, sizeof(err), &b, NULL, link_path, 100) && b.len == 16 &&
	      memcmp(b.data, "the old contents", 16) == 0);
	CHECK(!exists(t.tmp));
	buf_release(&b);
	tmp_done(&t);
}

/* A stale PATH.new (left by a crash, with a loose mode and more bytes) is
 * overwritten, not appended to, and does not lend its mode. */
static void test_write_stale_tmp(void)
{
	struct tmp t;
	char err[256];
	struct buf b = BUF_INIT;
	if (!CHECK(tmp_make(&t)))
		return;
	CHECK(put_file(t.tmp, 'z', 500) && chmod(t.tmp, 0666) == 0);
	CHECK(file_write_atomic(err, sizeof(err), t.path, "abc", 3, 0600));
	CHECK(file_read_all(err, sizeof(err), &b, NULL, t.path, 100) && b.len == 3 &&
	      memcmp(b.data, "abc", 3) == 0);
	CHECK(mode_of(t.path) == 0600 && !exists(t.tmp));
	buf_release(&b);
	tmp_done(&t);
}

/* A relative path: the folder synced is the current one. */
static void test_write_relative(void)
{
	struct tmp t;
	char err[256];
	struct buf b = BUF_INIT;
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!CHECK(here >= 0 && tmp_make(&t)))
		return;
	if (CHECK(chdir(t.dir) == 0)) {
		CHECK(file_write_atomic(err, sizeof(err), "rel.dat", "r", 1, 0600));
		CHECK(file_read_all(err, sizeof(err), &b, NULL, "rel.dat", 1) && b.len == 1);
		CHECK(!exists("rel.dat.new"));
		CHECK(fchdir(here) == 0);
	}
	close(here);
	buf_release(&b);
	tmp_done(&t);
}

/* Ways for the folder or PATH.new to be wrong. Each sets up t and returns
 * the path to write. */
static const char *bad_no_folder(struct tmp *t, char *p, size_t cap)
{
	snprintf(p, cap, "%s/sub/f.dat", t->dir);
	return p;
}

static const char *bad_folder_is_file(struct tmp *t, char *p, size_t cap)
{
	snprintf(p, cap, "%s/plain/f.dat", t->dir);
	char plain[160];
	snprintf(plain, sizeof(plain), "%s/plain", t->dir);
	return put_file(plain, 'p', 1) ? p : NULL;
}

static const char *bad_tmp_symlink(struct tmp *t, char *p, size_t cap)
{
	char target[160];
	snprintf(target, sizeof(target), "%s/target", t->dir);
	snprintf(p, cap, "%s", t->path);
	return put_file(target, 't', 6) && symlink(target, t->tmp) == 0 ? p : NULL;
}

static const char *bad_path_is_dir(struct tmp *t, char *p, size_t cap)
{
	char inside[200];
	snprintf(p, cap, "%s", t->path);
	snprintf(inside, sizeof(inside), "%s/sub", t->path);
	/* A non-empty folder at PATH: rename over it fails. */
	return mkdir(t->path, 0700) == 0 && mkdir(inside, 0700) == 0 ? p : NULL;
}

static const char *bad_readonly_folder(struct tmp *t, char *p, size_t cap)
{
	char sub[160];
	snprintf(sub, sizeof(sub), "%s/sub", t->dir);
	snprintf(p, cap, "%s/sub/f.dat", t->dir);
	return mkdir(sub, 0500) == 0 ? p : NULL;
}

static void test_write_rejects(void)
{
	static const struct {
		const char *name;
		const char *(*setup)(struct tmp *t, char *p, size_t cap);
		const char *why;
		int err;
		bool needs_nonroot; /* root writes into any folder */
	} cases[] = {
		{ "no such folder", bad_no_folder, "cannot create", ENOENT, false },
		{ "folder is a file", bad_folder_is_file, "cannot create", ENOTDIR, false },
		{ "PATH.new is a symlink", bad_tmp_symlink, "cannot create", ELOOP, false },
		{ "PATH is a folder", bad_path_is_dir, "cannot rename", 0, false },
		{ "read-only folder", bad_readonly_folder, "cannot create", EACCES, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tmp t;
		char p[200], err[512], newp[220], target[160];
		struct buf b = BUF_INIT;
		if (cases[i].needs_nonroot && geteuid() == 0) {
			CHECK(true);
			unit_note("%s: skipped as root", cases[i].name);
			continue;
		}
		if (!CHECK(tmp_make(&t)))
			return;
		const char *path = cases[i].setup(&t, p, sizeof(p));
		if (!CHECK(path != NULL)) {
			tmp_done(&t);
			continue;
		}
		snprintf(newp, sizeof(newp), "%s%s", path, FILE_TMP_SUFFIX);
		err[0] = 0;
		errno = 0;
		bool ok = file_write_atomic(err, sizeof(err), path, "data", 4, 0600);
		int e = errno;
		bool tmp_left = cases[i].setup != bad_tmp_symlink && exists(newp);
		if (!CHECK(!ok && strstr(err, cases[i].why) != NULL && strstr(err, path) != NULL &&
			   strchr(err, '\n') == NULL && !tmp_left &&
			   (cases[i].err == 0 ? e != 0 : e == cases[i].err)))
			unit_note("%s: ok %d, errno %d, '%s'", cases[i].name, ok, e, err);
		/* The symlink's target is not written through. */
		snprintf(target, sizeof(target), "%s/target", t.dir);
		if (cases[i].setup == bad_tmp_symlink)
			CHECK(file_read_all(err, sizeof(err), &b, NULL, target, 100) && b.len == 6);
		buf_release(&b);
		if (cases[i].setup == bad_path_is_dir) {
			snprintf(p, sizeof(p), "%s/sub", t.path);
			rmdir(p);
			rmdir(t.path);
		}
		tmp_done(&t);
	}
}

/* A short error buffer is truncated, not overrun. */
static void test_write_short_err(void)
{
	char err[8];
	memset(err, 'x', sizeof(err));
	CHECK(!file_write_atomic(err, sizeof(err), "/nonexistent-rostra/f", "d", 1, 0600));
	CHECK(memchr(err, 0, sizeof(err)) != NULL);
}

/* ------------------------------------------------------------ reading */

static void test_read_missing(void)
{
	struct tmp t;
	char err[256];
	struct buf b = BUF_INIT;
	bool missing = false;
	if (!CHECK(tmp_make(&t)))
		return;
	buf_puts(&b, "stale contents");
	CHECK(file_read_all(err, sizeof(err), &b, &missing, t.path, 100) && missing && b.len == 0);
	buf_puts(&b, "stale contents");
	errno = 0;
	err[0] = 0;
	CHECK(!file_read_all(err, sizeof(err), &b, NULL, t.path, 100) && errno == ENOENT &&
	      b.len == 0 && strstr(err, "cannot open") != NULL && strstr(err, t.path) != NULL);
	/* Once it exists, missing is cleared. */
	CHECK(put_file(t.path, 'a', 2));
	CHECK(file_read_all(err, sizeof(err), &b, &missing, t.path, 100) && !missing && b.len == 2);
	buf_release(&b);
	tmp_done(&t);
}

/* The bound is inclusive: max bytes read, max + 1 refused. */
static void test_read_bound(void)
{
	static const struct {
		size_t size, max;
		bool ok;
	} cases[] = {
		{ 0, 0, true }, { 1, 0, false }, { 10, 10, true }, { 11, 10, false },
		{ 5000, 4096, false }, { 4096, 4096, true }, { 0, 5, true },
	};
	struct tmp t;
	if (!CHECK(tmp_make(&t)))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";
		struct buf b = BUF_INIT;
		bool missing = true;
		buf_puts(&b, "stale");
		CHECK(put_file(t.path, 'q', cases[i].size));
		errno = 0;
		bool ok = file_read_all(err, sizeof(err), &b, &missing, t.path, cases[i].max);
		int e = errno;
		bool good = ok == cases[i].ok && !missing;
		if (cases[i].ok)
			good = good && b.len == cases[i].size && b.data != NULL && b.data[b.len] == 0;
		else
			good = good && b.len == 0 && e == EFBIG && strstr(err, "too large") != NULL &&
			       strstr(err, t.path) != NULL;
		if (!CHECK(good))
			unit_note("case %zu: ok %d, len %zu, '%s'", i, ok, b.len, err);
		buf_release(&b);
	}
	tmp_done(&t);
}

static void test_read_rejects(void)
{
	struct tmp t;
	char err[256], sub[160];
	struct buf b = BUF_INIT;
	if (!CHECK(tmp_make(&t)))
		return;
	/* A folder is not a regular file. */
	snprintf(sub, sizeof(sub), "%s/sub", t.dir);
	CHECK(mkdir(sub, 0700) == 0);
	errno = 0;
	CHECK(!file_read_all(err, sizeof(err), &b, NULL, sub, 100) && errno == EISDIR &&
	      strstr(err, "not a regular file") != NULL && strstr(err, sub) != NULL);
	/* Neither is a device, even one that reads forever. */
	CHECK(!file_read_all(err, sizeof(err), &b, NULL, "/dev/zero", 100) && errno == EINVAL);
	/* A path through a file. */
	CHECK(put_file(t.path, 'a', 1));
	snprintf(sub, sizeof(sub), "%s/x", t.path);
	CHECK(!file_read_all(err, sizeof(err), &b, NULL, sub, 100) && errno == ENOTDIR &&
	      strstr(err, "cannot open") != NULL);
	/* The buffer's own limit holds even under a larger bound. */
	CHECK(put_file(t.path, 'a', 20) && buf_set_max(&b, 10));
	CHECK(!file_read_all(err, sizeof(err), &b, NULL, t.path, 100) && errno == ENOMEM &&
	      strstr(err, "out of memory") != NULL && b.len == 0);
	CHECK(buf_set_max(&b, 20));
	CHECK(file_read_all(err, sizeof(err), &b, NULL, t.path, 100) && b.len == 20);
	/* An unreadable file (root reads anything). */
	CHECK(chmod(t.path, 0) == 0);
	if (geteuid() != 0)
		CHECK(!file_read_all(err, sizeof(err), &b, NULL, t.path, 100) && errno == EACCES &&
		      strstr(err, "cannot open") != NULL);
	buf_release(&b);
	tmp_done(&t);
}

/* ------------------------------------------------------------ removing */

/* A folder with files, a subfolder and a symbolic link to a file outside
 * goes whole; the link's target stays; a missing path is ENOENT. */
static void test_remove_tree(void)
{
	struct tmp t, out;
	char p[200], target[200];
	if (!CHECK(tmp_make(&t)))
		return;
	if (!CHECK(tmp_make(&out))) {
		tmp_done(&t);
		return;
	}
	snprintf(target, sizeof(target), "%s/target", out.dir);
	CHECK(put_file(target, 'x', 3));
	CHECK(put_file(t.path, 'a', 10));
	snprintf(p, sizeof(p), "%s/sub", t.dir);
	CHECK(mkdir(p, 0700) == 0);
	snprintf(p, sizeof(p), "%s/sub/f.dat", t.dir);
	CHECK(put_file(p, 'b', 10));
	snprintf(p, sizeof(p), "%s/link", t.dir);
	CHECK(symlink(target, p) == 0);
	CHECK(file_remove_tree(t.dir));
	CHECK(!exists(t.dir));
	CHECK(exists(target));
	errno = 0;
	CHECK(!file_remove_tree(t.dir) && errno == ENOENT);
	tmp_done(&out);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_write_read_roundtrip),
	UNIT_CASE(test_write_mode_ignores_umask),
	UNIT_CASE(test_write_replaces),
	UNIT_CASE(test_write_stale_tmp),
	UNIT_CASE(test_write_relative),
	UNIT_CASE(test_write_rejects),
	UNIT_CASE(test_write_short_err),
	UNIT_CASE(test_read_missing),
	UNIT_CASE(test_read_bound),
	UNIT_CASE(test_read_rejects),
	UNIT_CASE(test_remove_tree),
};

int main(void)
{
	return unit_run(cases, UNIT_COUNT(cases));
}
