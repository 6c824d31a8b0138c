/* Unit tests for src/wallet: the key store (creation, modes, reopening,
 * import of a funded key file, every malformed file), the least fee for a
 * transaction's own size, signing by the sender's key, and the record of
 * sent transactions. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "primitives/chain_id.h"
#include "util/buf.h"
#include "util/hex.h"
#include "unit.h"
#include "wallet/wallet.h"
#include "util/file.h"

struct tmp {
	char root[256];
	char dir[300];
};

static bool tmp_make(struct tmp *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/rostra-wallet-XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return false;
	snprintf(t->dir, sizeof(t->dir), "%s/wallet", t->root);
	return true;
}

static void tmp_free(struct tmp *t)
{
	file_remove_tree(t->root);
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static mode_t file_mode(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (st.st_mode & 0777) : 0;
}

static void test_create_and_reopen(void)
{
	struct tmp t;
	char err[200], path[400];
	struct pubkey a, b;
	if (!CHECK(tmp_make(&t)))
		return;
	struct wallet *w = wallet_open(err, sizeof(err), t.dir, NULL);
	CHECK(w != NULL && wallet_count(w) == 0);
	CHECK(file_mode(t.dir) == 0700);
	CHECK(wallet_new_key(w, &a, err, sizeof(err)));
	CHECK(wallet_new_key(w, &b, err, sizeof(err)));
	CHECK(memcmp(a.b, b.b, 32) != 0);
	snprintf(path, sizeof(path), "%s/keys", t.dir);
	CHECK(file_mode(path) == 0600);
	wallet_close(w);
	w = wallet_open(err, sizeof(err), t.dir, NULL);
	CHECK(w != NULL && wallet_count(w) == 2);
	CHECK(memcmp(wallet_key(w, 0)->b, a.b, 32) == 0);
	CHECK(memcmp(wallet_key(w, 1)->b, b.b, 32) == 0);
	CHECK(wallet_has(w, &a) && wallet_key(w, 2) == NULL);
	wallet_close(w);
	tmp_free(&t);
}

static void test_import_file(void)
{
	struct tmp t;
	char err[200], path[400];
	struct seckey sk;
	struct pubkey pk;
	if (!CHECK(tmp_make(&t)))
		return;
	CHECK(key_generate(&sk, &pk));
	snprintf(path, sizeof(path), "%s/funded.key", t.root);
	CHECK(wallet_write_key_file(err, sizeof(err), path, &sk));
	CHECK(file_mode(path) == 0600);
	/* imported once, even when opened twice */
	for (int i = 0; i < 2; i++) {
		struct wallet *w = wallet_open(err, sizeof(err), t.dir, path);
		CHECK(w != NULL && wallet_count(w) == 1 && wallet_has(w, &pk));
		wallet_close(w);
	}
	/* a missing import file is no error */
	snprintf(path, sizeof(path), "%s/none.key", t.root);
	struct wallet *w = wallet_open(err, sizeof(err), t.dir, path);
	CHECK(w != NULL && wallet_count(w) == 1);
	wallet_close(w);
	struct seckey back;
	CHECK(!wallet_read_key_file(&back, err, sizeof(err), path));
	key_wipe(&sk);
	tmp_free(&t);
}

/* Malformed key and tx files and import files stop wallet_open. */
static void test_bad_files(void)
{
	static const struct { const char *file, *text; } cases[] = {
		{ "keys", "zz\n" },
		{ "keys", "00112233\n" },
		{ "keys", "0000000000000000000000000000000000000000000000000000000000000000\n" },
		{ "keys", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n" },
		{ "txs", "00\n" },
		{ "txs", "nothex\n" },
		{ "import", "" },
		{ "import", "0000000000000000000000000000000000000000000000000000000000000001\n"
			    "0000000000000000000000000000000000000000000000000000000000000002\n" },
		{ "import", "xyz" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tmp t;
		char err[200] = "", path[400], imp[400];
		if (!CHECK(tmp_make(&t)))
			return;
		CHECK(mkdir(t.dir, 0700) == 0);
		bool import = strcmp(cases[i].file, "import") == 0;
		snprintf(imp, sizeof(imp), "%s/funded.key", t.root);
		snprintf(path, sizeof(path), "%s/%s", t.dir, cases[i].file);
		CHECK(write_file(import ? imp : path, cases[i].text));
		struct wallet *w = wallet_open(err, sizeof(err), t.dir, import ? imp : NULL);
		if (!CHECK(w == NULL && err[0] != '\0'))
			unit_note("case %zu", i);
		wallet_close(w);
		tmp_free(&t);
	}
	/* a folder that cannot be made */
	char err[200];
	CHECK(wallet_open(err, sizeof(err), "/nonexistent-dir/wallet", NULL) == NULL);
}

/* Keys with blanks and blank lines are read; duplicates count once. */
static void test_lenient_lines(void)
{
	struct tmp t;
	char err[200], path[400];
	if (!CHECK(tmp_make(&t)))
		return;
	CHECK(mkdir(t.dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/keys", t.dir);
	CHECK(write_file(path, "\n  0000000000000000000000000000000000000000000000000000000000000001 \r\n"
			       "0000000000000000000000000000000000000000000000000000000000000001\n\n"));
	struct wallet *w = wallet_open(err, sizeof(err), t.dir, NULL);
	CHECK(w != NULL && wallet_count(w) == 1);
	wallet_close(w);
	tmp_free(&t);
}

static void build_post(struct tx *tx, const struct pubkey *sender, const char *body)
{
	tx_init(tx);
	CHECK(chain_id_parse(&tx->chain_id, "regtest-0011aabb"));
	tx->type = TX_POST;
	tx->sender = *sender;
	tx->nonce = 3;
	tx->u.post.body.p = (const uint8_t *)body;
	tx->u.post.body.len = strlen(body);
}

/* The least fee covers exactly the size, whatever the size's varint. */
static void test_fee_and_sign(void)
{
	static const struct { size_t body; uint64_t per_byte; } cases[] = {
		{ 1, 1 }, { 1, 10 }, { 100, 10 }, { 4000, 1 }, { 4000, 1000 }, { 4096, 1000000 },
	};
	struct seckey sk;
	struct pubkey pk;
	char *body = malloc(4097);
	if (!CHECK(body != NULL && key_generate(&sk, &pk)))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tx tx;
		enum prim_err perr;
		memset(body, 'a', cases[i].body);
		body[cases[i].body] = '\0';
		build_post(&tx, &pk, body);
		if (!CHECK(wallet_tx_sign(&tx, &perr, &sk, cases[i].per_byte, 0)))
			continue;
		CHECK(tx.sealed && tx_verify_sig(&tx));
		CHECK(tx.fee == wallet_min_fee(cases[i].per_byte, tx.raw_len));
		tx_release(&tx);
	}
	/* a chosen fee is kept */
	struct tx tx;
	enum prim_err perr;
	build_post(&tx, &pk, "x");
	CHECK(wallet_tx_sign(&tx, &perr, &sk, 10, 123456) && tx.fee == 123456);
	tx_release(&tx);
	/* a tx that does not encode validly: empty body */
	build_post(&tx, &pk, "");
	CHECK(!wallet_tx_sign(&tx, &perr, &sk, 10, 0) && perr != PRIM_ERR_OK && !tx.sealed);
	/* another sender's key */
	struct seckey sk2;
	struct pubkey pk2;
	CHECK(key_generate(&sk2, &pk2));
	build_post(&tx, &pk2, "x");
	CHECK(!wallet_tx_sign(&tx, &perr, &sk, 10, 0) && perr == PRIM_ERR_SENDER_KEY);
	free(body);
}

static void test_wallet_sign_and_record(void)
{
	struct tmp t;
	char err[200];
	struct pubkey pk, other;
	struct seckey osk;
	if (!CHECK(tmp_make(&t)))
		return;
	struct wallet *w = wallet_open(err, sizeof(err), t.dir, NULL);
	if (!CHECK(w != NULL && wallet_new_key(w, &pk, err, sizeof(err))))
		return;
	struct tx a, b, c;
	enum prim_err perr;
	build_post(&a, &pk, "first");
	build_post(&b, &pk, "second");
	CHECK(wallet_sign(w, &a, &perr, 10, 0) && wallet_sign(w, &b, &perr, 10, 0));
	CHECK(key_generate(&osk, &other));
	build_post(&c, &other, "not ours");
	CHECK(!wallet_sign(w, &c, &perr, 10, 0) && perr == PRIM_ERR_SENDER_KEY);
	CHECK(wallet_record_tx(w, err, sizeof(err), &a));
	CHECK(wallet_record_tx(w, err, sizeof(err), &b));
	wallet_close(w);

	w = wallet_open(err, sizeof(err), t.dir, NULL);
	size_t n;
	const struct tx *txs = wallet_txs(w, &n);
	CHECK(n == 2 && memcmp(txs[0].txid.b, a.txid.b, 32) == 0 &&
	      memcmp(txs[1].txid.b, b.txid.b, 32) == 0);
	bool keep[2] = { false, true };
	CHECK(wallet_keep_txs(w, err, sizeof(err), keep, 2));
	wallet_close(w);
	w = wallet_open(err, sizeof(err), t.dir, NULL);
	txs = wallet_txs(w, &n);
	CHECK(n == 1 && memcmp(txs[0].txid.b, b.txid.b, 32) == 0);
	wallet_close(w);
	tx_release(&a);
	tx_release(&b);
	tmp_free(&t);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_create_and_reopen),
	UNIT_CASE(test_import_file),
	UNIT_CASE(test_bad_files),
	UNIT_CASE(test_lenient_lines),
	UNIT_CASE(test_fee_and_sign),
	UNIT_CASE(test_wallet_sign_and_record),
};

int main(void)
{
	if (!crypto_init()) {
		fprintf(stderr, "crypto_init failed\n");
		return 1;
	}
	return unit_run(cases, UNIT_COUNT(cases));
}
