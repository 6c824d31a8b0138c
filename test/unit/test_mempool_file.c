/* The mempool file: save/load round trip, what loading re-checks (age,
 * state), a missing file, every corruption the loader names, random
 * damage, and the file-system failures. */
#define _XOPEN_SOURCE 700

#include "test_mempool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sha256.h"
#include "util/buf.h"
#include "util/file.h"

/* A fresh temporary folder; out gets "<dir>/mempool.dat". */
static bool tmp_setup(char *dir, size_t dcap, char *file, size_t fcap)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(dir, dcap, "%s/rostra-mempool-XXXXXX", base && *base ? base : "/tmp");
	if (!CHECK(n > 0 && (size_t)n < dcap && mkdtemp(dir) != NULL))
		return false;
	n = snprintf(file, fcap, "%s/%s", dir, MEMPOOL_FILE_NAME);
	return CHECK(n > 0 && (size_t)n < fcap);
}

static void tmp_remove(const char *dir)
{
	CHECK(file_remove_tree(dir));
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n + 1);
		if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return data;
}

static bool spill(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f != NULL && fwrite(data, 1, len, f) == len;
	if (f != NULL && fclose(f) != 0)
		ok = false;
	return ok;
}

/* A pool of three senders with a replacement and several times. */
static void populate(struct tm_pool *p, struct tx txs[6])
{
	struct tx old;

	CHECK(tm_add_new(p, &txs[0], 1, 0, 1000, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(p, &old, 1, 1, 1000, 3) == MEMPOOL_OK);
	clock_set_mock_ms(&p->clock, TM_START_MS + 100);
	CHECK(tm_add_new(p, &txs[1], 2, 0, 3000, 20) == MEMPOOL_OK);
	CHECK(tm_add_new(p, &txs[2], 1, 2, 1500, 0) == MEMPOOL_OK);
	clock_set_mock_ms(&p->clock, TM_START_MS + 200);
	tm_tx(&txs[3], 1, 1, 5000, 7); /* replaces old */
	CHECK(tm_add(p, &txs[3]) == MEMPOOL_OK && !tm_has(p, &old));
	CHECK(tm_add_new(p, &txs[4], 3, 0, 2000, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(p, &txs[5], 2, 1, 2500, 1) == MEMPOOL_OK);
	tx_release(&old);
}

static void release_all(struct tx *txs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tx_release(&txs[i]);
}

static void test_file_roundtrip(void)
{
	char dir[256], path[300], err[200];
	struct tm_pool a, b;
	struct tx txs[6];
	struct mempool_load_stats st;
	struct hash256 la[8], lb[8];
	size_t na, nb;

	if (!tmp_setup(dir, sizeof(dir), path, sizeof(path)) || !tm_open(&a, 0, 0, 0))
		return;
	populate(&a, txs);
	CHECK(mempool_save(a.mp, err, sizeof(err), path));
	if (!tm_open(&b, 0, 0, 0))
		return;
	clock_set_mock_ms(&b.clock, TM_START_MS + 300);
	if (!CHECK(mempool_load(b.mp, &st, err, sizeof(err), path)))
		unit_note("load: %s", err);
	CHECK(!st.missing && st.read == 6 && st.added == 6 && st.expired == 0 && st.rejected == 0);
	CHECK(mempool_count(b.mp) == 6 && mempool_bytes(b.mp) == mempool_bytes(a.mp));
	for (size_t i = 0; i < 6; i++) {
		int64_t ta, tb;
		CHECK(mempool_get(a.mp, &ta, &txs[i].txid) != NULL);
		CHECK(mempool_get(b.mp, &tb, &txs[i].txid) != NULL && ta == tb);
	}
	CHECK(mempool_list(a.mp, la, &na, 8) && mempool_list(b.mp, lb, &nb, 8));
	CHECK(na == 6 && nb == 6 && memcmp(la, lb, sizeof(la[0]) * 6) == 0);
	/* Saving again overwrites; loading into a pool that holds them
	 * already rejects each as a duplicate. */
	CHECK(mempool_save(b.mp, err, sizeof(err), path));
	CHECK(mempool_load(b.mp, &st, err, sizeof(err), path));
	CHECK(st.read == 6 && st.added == 0 && st.rejected == 6 && mempool_count(b.mp) == 6);
	/* An empty pool saves an empty file that loads. */
	tm_close(&b);
	if (!tm_open(&b, 0, 0, 0))
		return;
	CHECK(mempool_save(b.mp, err, sizeof(err), path));
	CHECK(mempool_load(a.mp, &st, err, sizeof(err), path) && st.read == 0);
	release_all(txs, 6);
	tm_close(&a);
	tm_close(&b);
	tmp_remove(dir);
}

/* Loading re-checks: too old, or no longer valid at the tip. */
static void test_file_recheck(void)
{
	char dir[256], path[300], err[200];
	struct tm_pool a, b;
	struct tx txs[6];
	struct mempool_load_stats st;

	if (!tmp_setup(dir, sizeof(dir), path, sizeof(path)) || !tm_open(&a, 0, 0, 1000))
		return;
	populate(&a, txs);
	CHECK(mempool_save(a.mp, err, sizeof(err), path));
	if (!tm_open(&b, 0, 0, 1000))
		return;
	/* At +1050: txs[0] (t0) has expired; its followers txs[3], txs[2]
	 * are then gaps. Sender 3's tx was included (nonce 1). */
	clock_set_mock_ms(&b.clock, TM_START_MS + 1050);
	b.fc.nonce[3] = 1;
	CHECK(mempool_load(b.mp, &st, err, sizeof(err), path));
	if (!CHECK(st.read == 6 && st.expired == 1 && st.rejected == 3 && st.added == 2))
		unit_note("read %zu expired %zu rejected %zu added %zu", st.read, st.expired,
			  st.rejected, st.added);
	CHECK(tm_has(&b, &txs[1]) && tm_has(&b, &txs[5]) && !tm_has(&b, &txs[0]));
	/* A time in the future is taken as now. */
	tm_close(&b);
	if (!tm_open(&b, 0, 0, 1000))
		return;
	clock_set_mock_ms(&b.clock, TM_START_MS - 5000);
	CHECK(mempool_load(b.mp, &st, err, sizeof(err), path) && st.added == 6);
	{
		int64_t t;
		CHECK(mempool_get(b.mp, &t, &txs[5].txid) != NULL && t == TM_START_MS - 5000);
	}
	release_all(txs, 6);
	tm_close(&a);
	tm_close(&b);
	tmp_remove(dir);
}

static void test_file_missing_and_io(void)
{
	char dir[256], path[300], err[200], other[400];
	struct tm_pool p;
	struct mempool_load_stats st;
	uint8_t *junk;

	if (!tmp_setup(dir, sizeof(dir), path, sizeof(path)) || !tm_open(&p, 8192, 0, 0))
		return;
	CHECK(mempool_load(p.mp, &st, err, sizeof(err), path) && st.missing && st.read == 0);
	/* A folder where the file should be. */
	CHECK(mkdir(path, 0700) == 0);
	err[0] = '\0';
	CHECK(!mempool_load(p.mp, &st, err, sizeof(err), path) && err[0] != '\0');
	CHECK(!mempool_save(p.mp, err, sizeof(err), path) && strstr(err, "rename") != NULL);
	CHECK(rmdir(path) == 0);
	/* A folder that does not exist. */
	snprintf(other, sizeof(other), "%s/nowhere/%s", dir, MEMPOOL_FILE_NAME);
	CHECK(!mempool_save(p.mp, err, sizeof(err), other) && strstr(err, "cannot create") != NULL);
	/* Larger than any file this pool could have written. */
	junk = calloc(1, 100000);
	CHECK(junk != NULL && spill(path, junk, 100000));
	CHECK(!mempool_load(p.mp, &st, err, sizeof(err), path) && strstr(err, "at most") != NULL);
	free(junk);
	CHECK(mempool_count(p.mp) == 0);
	tm_close(&p);
	tmp_remove(dir);
}

/* ---------------------------------------------------------- corruption */

/* Rewrite the checksum after a change, so that the deeper checks run. */
static void fix_sum(uint8_t *d, size_t len)
{
	sha256(d + len - 32, d, len - 32);
}
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Each mutation edits a copy of a good file of six entries (at most 64
 * bytes longer) and returns its new length. */
static size_t mut_empty(uint8_t *d, size_t len)
{
	(void)d;
	(void)len;
	return 0;
}
static size_t mut_short(uint8_t *d, size_t len)
{
	(void)len;
	fix_sum(d, 43);
	return 43;
}
static size_t mut_flip(uint8_t *d, size_t len)
{
	d[len / 2] ^= 0x40;
	return len;
}
static size_t mut_sum(uint8_t *d, size_t len)
{
	d[len - 1] ^= 1;
	return len;
}
static size_t mut_magic(uint8_t *d, size_t len)
{
	d[0] = 'X';
	fix_sum(d, len);
	return len;
}
static size_t mut_version(uint8_t *d, size_t len)
{
	put32(d + 4, 2);
	fix_sum(d, len);
	return len;
}
static size_t mut_count_huge(uint8_t *d, size_t len)
{
	put32(d + 8, 0xffffffffu);
	fix_sum(d, len);
	return len;
}
static size_t mut_count_more(uint8_t *d, size_t len)
{
	put32(d + 8, 7);
	fix_sum(d, len);
	return len;
}
static size_t mut_count_less(uint8_t *d, size_t len)
{
	put32(d + 8, 5);
	fix_sum(d, len);
	return len;
}
static size_t mut_time(uint8_t *d, size_t len)
{
	d[12 + 7] = 0x80;
	fix_sum(d, len);
	return len;
}
static size_t mut_tx(uint8_t *d, size_t len)
{
	d[12 + 8 + 2] = 99; /* the first tx's version byte (after a 2-byte length) */
	fix_sum(d, len);
	return len;
}
static size_t mut_cut_entry(uint8_t *d, size_t len)
{
	/* Drop the last 5 bytes of the last entry. */
	memmove(d + len - 37, d + len - 32, 32);
	fix_sum(d, len - 5);
	return len - 5;
}
static size_t mut_trailing(uint8_t *d, size_t len)
{
	memmove(d + len - 31, d + len - 32, 32);
	d[len - 32] = 0;
	fix_sum(d, len + 1);
	return len + 1;
}
static size_t mut_too_long(uint8_t *d, size_t len)
{
	/* One entry whose length prefix says 8193 bytes. */
	(void)len;
	put32(d + 8, 1);
	memset(d + 12, 0, 8);
	d[20] = 0x81;
	d[21] = 0x40;
	memset(d + 22, 0, 30);
	fix_sum(d, 84);
	return 84;
}

static const struct {
	const char *name;
	size_t (*mut)(uint8_t *d, size_t len);
	const char *want;
} corrupt_cases[] = {
	{ "empty", mut_empty, "truncated" },
	{ "header only", mut_short, "truncated" },
	{ "flipped byte", mut_flip, "checksum" },
	{ "checksum", mut_sum, "checksum" },
	{ "magic", mut_magic, "not a mempool file" },
	{ "version", mut_version, "version 2" },
	{ "count too large", mut_count_huge, "count" },
	{ "count one more", mut_count_more, "entry 6 is truncated" },
	{ "count one less", mut_count_less, "trailing" },
	{ "time", mut_time, "bad time" },
	{ "tx does not decode", mut_tx, "entry 0 does not decode (tx_version)" },
	{ "entry cut", mut_cut_entry, "entry 5 is truncated" },
	{ "trailing byte", mut_trailing, "trailing" },
	{ "tx too long", mut_too_long, "entry 0 is truncated" },
};

/* A good file's bytes (six entries) from populate(). */
static uint8_t *good_file(size_t *len)
{
	char dir[256], path[300], err[200];
	struct tm_pool p;
	struct tx txs[6];
	uint8_t *data = NULL;

	*len = 0;
	if (!tmp_setup(dir, sizeof(dir), path, sizeof(path)) || !tm_open(&p, 0, 0, 0))
		return NULL;
	populate(&p, txs);
	if (CHECK(mempool_save(p.mp, err, sizeof(err), path)))
		data = slurp(path, len);
	release_all(txs, 6);
	tm_close(&p);
	tmp_remove(dir);
	return data;
}

static void test_file_corrupt(void)
{
	struct mempool_load_stats st;
	size_t len;
	uint8_t *good = good_file(&len), *d;
	struct tm_pool p;

	if (!CHECK(good != NULL && len > 100) || !tm_open(&p, 0, 0, 0)) {
		free(good);
		return;
	}
	d = malloc(len + 64);
	/* The unchanged file loads (so every failure below is the edit's). */
	CHECK(mempool_load_bytes(p.mp, &st, NULL, 0, good, len) && st.added == 6);
	tm_close(&p);
	for (size_t i = 0; d != NULL && i < UNIT_COUNT(corrupt_cases); i++) {
		char err[200] = "";
		size_t n;

		if (!tm_open(&p, 0, 0, 0))
			break;
		memcpy(d, good, len);
		n = corrupt_cases[i].mut(d, len);
		memset(&st, 0xaa, sizeof(st));
		if (!CHECK(!mempool_load_bytes(p.mp, &st, err, sizeof(err), d, n) &&
			   strstr(err, corrupt_cases[i].want) != NULL))
			unit_note("corrupt case %s: %s", corrupt_cases[i].name, err);
		CHECK(mempool_count(p.mp) == 0 && st.added == 0);
		tm_close(&p);
	}
	free(d);
	free(good);
}

/* Random damage never crashes: without a matching checksum the file is
 * refused whole; with one (a file that someone rewrote) it either loads
 * through the normal checks or is refused whole. */
static void test_file_random_damage(void)
{
	struct mempool_load_stats st;
	size_t len, refused = 0, loaded = 0;
	uint8_t *good = good_file(&len), *d;
	struct tm_pool p;

	if (!CHECK(good != NULL) || !tm_open(&p, 0, 0, 0)) {
		free(good);
		return;
	}
	d = malloc(len);
	for (int round = 0; d != NULL && round < 3000; round++) {
		char err[200];
		size_t n = len, edits = 1 + unit_rand() % 4;
		bool fix = round % 2 == 1;

		memcpy(d, good, len);
		if (round % 7 == 0)
			n = (size_t)(unit_rand() % len);
		for (size_t e = 0; e < edits && n > 0; e++)
			d[unit_rand() % n] ^= (uint8_t)(1 + unit_rand() % 255);
		if (fix && n >= 32)
			fix_sum(d, n);
		if (mempool_load_bytes(p.mp, &st, err, sizeof(err), d, n)) {
			loaded++;
			CHECK(fix);
			tm_close(&p);
			if (!tm_open(&p, 0, 0, 0))
				break;
		} else {
			refused++;
			CHECK(st.added == 0);
		}
	}
	CHECK(loaded + refused == 3000 && refused > 1500);
	unit_note("random damage: %zu refused, %zu loaded", refused, loaded);
	free(d);
	free(good);
	tm_close(&p);
}

const struct unit_case tm_file_cases[] = {
	UNIT_CASE(test_file_roundtrip),      UNIT_CASE(test_file_recheck),
	UNIT_CASE(test_file_missing_and_io), UNIT_CASE(test_file_corrupt),
	UNIT_CASE(test_file_random_damage),
};
const size_t tm_file_ncases = UNIT_COUNT(tm_file_cases);
