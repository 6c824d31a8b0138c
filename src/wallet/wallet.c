/* The wallet's key store and transaction record (wallet.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/hex.h"
#include "wallet/wallet.h"

/* A file of lines is read whole, up to this size. */
#define WALLET_FILE_MAX ((size_t)2 * TX_MAX_SIZE * WALLET_MAX_TXS + 4096)

struct wallet {
	char *dir;
	size_t n, cap;
	struct seckey *sk;
	struct pubkey *pk;
	size_t ntx, txcap;
	struct tx *txs;
};

/* ------------------------------------------------------------ files */

static char *wallet_path(const struct wallet *w, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s/%s", w->dir, name);
	buf_put_u8(&b, 0);
	size_t len;
	return buf_ok(&b) ? (char *)buf_detach(&b, &len) : (buf_release(&b), NULL);
}

/* Replace path by data[0..len) (mode 0600) atomically. Out: err. */
static bool wallet_replace(char *err, size_t errlen, const char *path, const uint8_t *data,
			   size_t len)
{
	if (file_write_atomic(err, errlen, path, data, len, 0600))
		return true;
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	return false;
}

/* Read the whole file at path into out. *missing when it does not exist. */
static bool wallet_read(struct buf *out, bool *missing, char *err, size_t errlen,
			const char *path)
{
	/* The bound is the file's, even past BUF_DEFAULT_MAX. */
	buf_set_max(out, WALLET_FILE_MAX);
	if (file_read_all(err, errlen, out, missing, path, WALLET_FILE_MAX))
		return true;
	snprintf(err, errlen, "cannot read %s: %s", path,
		 errno == EFBIG ? "file too large" : strerror(errno));
	return false;
}

/* The next line of data[*pos..len) without its newline and surrounding
 * blanks. Returns false at the end. */
static bool wallet_line(const char **s, size_t *n, const uint8_t *data, size_t len, size_t *pos)
{
	while (*pos < len) {
		size_t a = *pos, e = a;
		while (e < len && data[e] != '\n')
			e++;
		*pos = e < len ? e + 1 : e;
		size_t b = e;
		while (a < b && (data[a] == ' ' || data[a] == '\t' || data[a] == '\r'))
			a++;
		while (b > a && (data[b - 1] == ' ' || data[b - 1] == '\t' || data[b - 1] == '\r'))
			b--;
		if (b > a) {
			*s = (const char *)data + a;
			*n = b - a;
			return true;
		}
	}
	return false;
}

static bool wallet_parse_key(struct seckey *sk, struct pubkey *pk, const char *s, size_t n)
{
	size_t got = 0;
	if (n != 2 * SECKEY_LEN || !hex_decode_mem(sk->b, SECKEY_LEN, &got, s, n) ||
	    got != SECKEY_LEN || !key_pubkey(pk, sk)) {
		key_wipe(sk);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ keys */

static bool wallet_save_keys(struct wallet *w, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	char *path = wallet_path(w, WALLET_KEYS_FILE);
	for (size_t i = 0; i < w->n; i++) {
		hex_append(&b, w->sk[i].b, SECKEY_LEN);
		buf_put_u8(&b, '\n');
	}
	bool ok = path != NULL && buf_ok(&b);
	if (!ok)
		snprintf(err, errlen, "out of memory");
	else
		ok = wallet_replace(err, errlen, path, b.data, b.len);
	if (b.data)
		memset(b.data, 0, b.cap);
	buf_release(&b);
	free(path);
	return ok;
}

/* Append sk in memory (not saved). Returns false when full or out of memory. */
static bool wallet_add(struct wallet *w, const struct seckey *sk, const struct pubkey *pk)
{
	if (w->n >= WALLET_MAX_KEYS)
		return false;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		struct seckey *s = calloc(cap, sizeof(*s));
		struct pubkey *p = realloc(w->pk, cap * sizeof(*p));
		if (s == NULL || p == NULL) {
			free(s);
			if (p != NULL)
				w->pk = p;
			return false;
		}
		if (w->n)
			memcpy(s, w->sk, w->n * sizeof(*s));
		for (size_t i = 0; i < w->n; i++)
			key_wipe(&w->sk[i]);
		free(w->sk);
		w->sk = s;
		w->pk = p;
		w->cap = cap;
	}
	w->sk[w->n] = *sk;
	w->pk[w->n] = *pk;
	w->n++;
	return true;
}

static bool wallet_load_keys(struct wallet *w, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	bool missing;
	char *path = wallet_path(w, WALLET_KEYS_FILE);
	bool ok = path != NULL && wallet_read(&b, &missing, err, errlen, path);
	const char *s;
	size_t n, pos = 0, line = 0;
	while (ok && wallet_line(&s, &n, b.data, b.len, &pos)) {
		struct seckey sk;
		struct pubkey pk;
		line++;
		if (!wallet_parse_key(&sk, &pk, s, n)) {
			snprintf(err, errlen, "%s: line %zu is not a secret key", path, line);
			ok = false;
		} else if (!wallet_has(w, &pk) && !wallet_add(w, &sk, &pk)) {
			snprintf(err, errlen, "%s: too many keys", path);
			ok = false;
		}
		key_wipe(&sk);
	}
	if (b.data)
		memset(b.data, 0, b.cap);
	buf_release(&b);
	free(path);
	return ok;
}

size_t wallet_count(const struct wallet *w)
{
	return w->n;
}

const struct pubkey *wallet_key(const struct wallet *w, size_t i)
{
	return i < w->n ? &w->pk[i] : NULL;
}

static const struct seckey *wallet_find(const struct wallet *w, const struct pubkey *pk)
{
	for (size_t i = 0; i < w->n; i++)
		if (memcmp(w->pk[i].b, pk->b, PUBKEY_LEN) == 0)
			return &w->sk[i];
	return NULL;
}

bool wallet_has(const struct wallet *w, const struct pubkey *pk)
{
	return wallet_find(w, pk) != NULL;
}

bool wallet_import(struct wallet *w, struct pubkey *pk, char *err, size_t errlen,
		   const struct seckey *sk)
{
	struct pubkey p;
	if (!key_pubkey(&p, sk)) {
		snprintf(err, errlen, "not a valid secret key");
		return false;
	}
	if (pk != NULL)
		*pk = p;
	if (wallet_has(w, &p))
		return true;
	if (!wallet_add(w, sk, &p)) {
		snprintf(err, errlen, "the wallet is full (%d keys)", WALLET_MAX_KEYS);
		return false;
	}
	if (!wallet_save_keys(w, err, errlen)) {
		w->n--;
		key_wipe(&w->sk[w->n]);
		return false;
	}
	return true;
}

bool wallet_new_key(struct wallet *w, struct pubkey *pk, char *err, size_t errlen)
{
	struct seckey sk;
	if (!key_generate(&sk, pk)) {
		snprintf(err, errlen, "no entropy for a new key");
		return false;
	}
	bool ok = wallet_import(w, pk, err, errlen, &sk);
	key_wipe(&sk);
	return ok;
}

/* ------------------------------------------------------------ signing */

uint64_t wallet_min_fee(uint64_t min_fee_per_byte, size_t size)
{
	return min_fee_per_byte * (uint64_t)size;
}

bool wallet_tx_sign(struct tx *tx, enum prim_err *err, const struct seckey *sk,
		    uint64_t min_fee_per_byte, uint64_t fee)
{
	struct tx t = *tx;
	struct buf b = BUF_INIT;
	*err = PRIM_ERR_OK;
	if (fee == 0) {
		/* The fee's varint length changes the size: iterate to a fixed
		 * point (it only grows, and at most 9 bytes). */
		t.fee = 0;
		for (int i = 0; i < 10; i++) {
			buf_reset(&b);
			if (!tx_encode(&b, &t)) {
				buf_release(&b);
				*err = PRIM_ERR_TOO_LARGE;
				return false;
			}
			uint64_t need = wallet_min_fee(min_fee_per_byte, b.len);
			if (need <= t.fee)
				break;
			t.fee = need;
		}
		buf_release(&b);
	} else {
		t.fee = fee;
	}
	if (!tx_sign(&t, sk, NULL, err))
		return false;
	*tx = t;
	return true;
}

bool wallet_sign(const struct wallet *w, struct tx *tx, enum prim_err *err,
		 uint64_t min_fee_per_byte, uint64_t fee)
{
	const struct seckey *sk = wallet_find(w, &tx->sender);
	if (sk == NULL) {
		*err = PRIM_ERR_SENDER_KEY;
		return false;
	}
	return wallet_tx_sign(tx, err, sk, min_fee_per_byte, fee);
}

/* ------------------------------------------------------------ the record */

const struct tx *wallet_txs(const struct wallet *w, size_t *n)
{
	*n = w->ntx;
	return w->txs;
}

static bool wallet_save_txs(struct wallet *w, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	char *path = wallet_path(w, WALLET_TXS_FILE);
	for (size_t i = 0; i < w->ntx; i++) {
		hex_append(&b, w->txs[i].raw, w->txs[i].raw_len);
		buf_put_u8(&b, '\n');
	}
	bool ok = path != NULL && buf_ok(&b);
	if (!ok)
		snprintf(err, errlen, "out of memory");
	else
		ok = wallet_replace(err, errlen, path, b.data, b.len);
	buf_release(&b);
	free(path);
	return ok;
}

static bool wallet_push_tx(struct wallet *w, const struct tx *tx)
{
	if (w->ntx >= WALLET_MAX_TXS)
		return false;
	if (w->ntx == w->txcap) {
		size_t cap = w->txcap ? 2 * w->txcap : 8;
		struct tx *t = realloc(w->txs, cap * sizeof(*t));
		if (t == NULL)
			return false;
		w->txs = t;
		w->txcap = cap;
	}
	if (!tx_copy(&w->txs[w->ntx], tx))
		return false;
	w->ntx++;
	return true;
}

bool wallet_record_tx(struct wallet *w, char *err, size_t errlen, const struct tx *tx)
{
	if (!wallet_push_tx(w, tx)) {
		snprintf(err, errlen, "cannot record the transaction (at most %d)", WALLET_MAX_TXS);
		return false;
	}
	if (!wallet_save_txs(w, err, errlen)) {
		tx_release(&w->txs[--w->ntx]);
		return false;
	}
	return true;
}

bool wallet_keep_txs(struct wallet *w, char *err, size_t errlen, const bool *keep, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < w->ntx && i < n; i++) {
		if (keep[i])
			w->txs[j++] = w->txs[i];
		else
			tx_release(&w->txs[i]);
	}
	for (size_t i = n; i < w->ntx; i++)
		w->txs[j++] = w->txs[i];
	w->ntx = j;
	return wallet_save_txs(w, err, errlen);
}

static bool wallet_load_txs(struct wallet *w, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	bool missing;
	char *path = wallet_path(w, WALLET_TXS_FILE);
	bool ok = path != NULL && wallet_read(&b, &missing, err, errlen, path);
	static const size_t rawcap = TX_MAX_SIZE;
	uint8_t *raw = malloc(rawcap);
	const char *s;
	size_t n, pos = 0, line = 0;
	ok = ok && raw != NULL;
	while (ok && wallet_line(&s, &n, b.data, b.len, &pos)) {
		size_t len = 0;
		struct tx tx;
		enum prim_err perr;
		line++;
		if (!hex_decode_mem(raw, rawcap, &len, s, n) || !tx_decode(&tx, raw, len, &perr)) {
			snprintf(err, errlen, "%s: line %zu is not a transaction", path, line);
			ok = false;
			break;
		}
		if (!wallet_push_tx(w, &tx)) {
			snprintf(err, errlen, "%s: too many transactions", path);
			ok = false;
		}
		tx_release(&tx);
	}
	free(raw);
	buf_release(&b);
	free(path);
	return ok;
}

/* ------------------------------------------------------------ open */

bool wallet_read_key_file(struct seckey *sk, char *err, size_t errlen, const char *path)
{
	struct buf b = BUF_INIT;
	bool missing;
	struct pubkey pk;
	const char *s;
	size_t n, pos = 0;
	memset(sk, 0, sizeof(*sk));
	bool ok = wallet_read(&b, &missing, err, errlen, path);
	if (ok && missing) {
		snprintf(err, errlen, "cannot read %s: no such file", path);
		ok = false;
	}
	if (ok && (!wallet_line(&s, &n, b.data, b.len, &pos) ||
		   !wallet_parse_key(sk, &pk, s, n) || wallet_line(&s, &n, b.data, b.len, &pos))) {
		key_wipe(sk);
		snprintf(err, errlen, "%s does not hold one secret key (64 hex digits)", path);
		ok = false;
	}
	if (b.data)
		memset(b.data, 0, b.cap);
	buf_release(&b);
	return ok;
}

bool wallet_write_key_file(char *err, size_t errlen, const char *path, const struct seckey *sk)
{
	char hex[HEX_LEN(SECKEY_LEN) + 1];
	hex_encode(hex, sizeof(hex), sk->b, SECKEY_LEN);
	size_t n = strlen(hex);
	hex[n] = '\n';
	bool ok = wallet_replace(err, errlen, path, (const uint8_t *)hex, n + 1);
	memset(hex, 0, sizeof(hex));
	return ok;
}

static bool wallet_import_file(struct wallet *w, char *err, size_t errlen, const char *path)
{
	struct seckey sk;
	if (access(path, F_OK) != 0)
		return true; /* nothing to import */
	bool ok = wallet_read_key_file(&sk, err, errlen, path) &&
		  wallet_import(w, NULL, err, errlen, &sk);
	key_wipe(&sk);
	return ok;
}

struct wallet *wallet_open(char *err, size_t errlen, const char *dir, const char *import_path)
{
	struct wallet *w = calloc(1, sizeof(*w));
	if (w == NULL || (w->dir = strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(w);
		return NULL;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the wallet folder %s: %s", dir, strerror(errno));
		wallet_close(w);
		return NULL;
	}
	bool ok = wallet_load_keys(w, err, errlen) && wallet_load_txs(w, err, errlen);
	if (ok && import_path != NULL)
		ok = wallet_import_file(w, err, errlen, import_path);
	if (!ok) {
		wallet_close(w);
		return NULL;
	}
	return w;
}

void wallet_close(struct wallet *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		key_wipe(&w->sk[i]);
	for (size_t i = 0; i < w->ntx; i++)
		tx_release(&w->txs[i]);
	free(w->sk);
	free(w->pk);
	free(w->txs);
	free(w->dir);
	free(w);
}
