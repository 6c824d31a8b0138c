/* bench_rostra: Rostra's benchmarks.
 *
 * Every speed figure is reported with the bound it is held against, measured
 * in the same run, and their ratio, so that figures from different machines
 * compare; latency figures are held against their absolute target. Progress
 * goes to stderr; the last line on stdout is one JSON object with every
 * figure by name (doc/bench.md says what each means). bench.h maps the
 * files.
 *
 * Options: -seconds=N  time spent on each rate measurement (default 1)
 *          -filter=S   run only the benchmarks whose name contains S
 *          -threads=N  worker threads of the multi-thread figures (default:
 *                      one per online core)
 *          -quick      smaller datasets, for a smoke run (doc/bench.md)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "crypto/crypto.h"
#include "crypto/key.h"
#include "crypto/lthash.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/tx.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/parse.h"

double bench_rate(const struct bench_ctx *b, bench_fn fn, void *arg, uint64_t batch)
{
	uint64_t budget = b->seconds * 1000000000ull;
	uint64_t start = clock_mono_ns(), now = start, ops = 0;
	do {
		for (uint64_t i = 0; i < batch; i++)
			fn(arg, ops + i);
		ops += batch;
		now = clock_mono_ns();
	} while (now - start < budget);
	return (double)ops * 1e9 / (double)(now - start);
}

void bench_figure(struct bench_ctx *b, const char *name, double value)
{
	buf_printf(&b->json, "%s\"%s\":%.6g", b->json.len ? "," : "", name, value);
	fprintf(stderr, "  %-32s %14.4f\n", name, value);
}

bool bench_wanted(const struct bench_ctx *b, const char *name)
{
	return b->filter == NULL || strstr(name, b->filter) != NULL;
}

void bench_die(const char *what, const char *why)
{
	fprintf(stderr, "bench_rostra: %s: %s\n", what, why);
	abort();
}

/* ---------------------------------------------------------- signatures */

#define VERIFY_SET 64

struct bench_verify_set {
	struct pubkey pk[VERIFY_SET];
	uint8_t msg[VERIFY_SET][32];
	uint8_t sig[VERIFY_SET][SIG_LEN];
};

static void verify_set_make(struct bench_verify_set *s)
{
	for (int i = 0; i < VERIFY_SET; i++) {
		struct seckey sk;
		if (!key_generate(&sk, &s->pk[i]))
			abort();
		sha256(s->msg[i], &i, sizeof(i));
		if (!key_sign(s->sig[i], &sk, s->msg[i], 32, NULL))
			abort();
		key_wipe(&sk);
	}
}

static void verify_one(void *arg, uint64_t i)
{
	struct bench_verify_set *s = arg;
	size_t k = i % VERIFY_SET;
	if (!key_verify(s->sig[k], s->msg[k], 32, &s->pk[k]))
		abort();
}

/* The bound every transaction figure is held against: raw BIP340
 * verifications per second on one thread. */
static double bench_verify(struct bench_ctx *b)
{
	fprintf(stderr, "raw BIP340 verification (1 thread)\n");
	double rate = bench_rate(b, verify_one, b->vs, 64);
	bench_figure(b, "verify_per_sec", rate);
	return rate;
}

/* The bound for a figure measured after it: the mean of the verification
 * rate measured at the start (before) and again now, so that a change in
 * the machine's load during the run weighs on both sides of a ratio. */
static double bench_bound(struct bench_ctx *b, double before)
{
	return (before + bench_rate(b, verify_one, b->vs, 64)) / 2.0;
}

/* ---------------------------------------------------------------- hashing */

struct hash_arg {
	uint8_t *data;
	size_t len;
	struct sha256_ctx ctx;
	uint8_t out[SHA256_LEN];
};

static void hash_oneshot(void *arg, uint64_t i)
{
	struct hash_arg *h = arg;
	h->data[0] = (uint8_t)i;
	sha256(h->out, h->data, h->len);
}

static void hash_stream(void *arg, uint64_t i)
{
	struct hash_arg *h = arg;
	sha256_write(&h->ctx, h->data, h->len);
}

/* SHA-256 of 32 B and 1 KiB through the one-shot call, each against the
 * compression throughput of a long stream (the cost with no per-call
 * overhead): a padded 32 B message is 1 block, a 1 KiB one 17 blocks. */
static void bench_sha256(struct bench_ctx *b)
{
	struct hash_arg h = { .len = 1 << 20 };
	h.data = calloc(1, h.len);
	if (!h.data)
		abort();
	fprintf(stderr, "SHA-256\n");
	sha256_init(&h.ctx);
	double stream = bench_rate(b, hash_stream, &h, 4) * (double)h.len / 64.0;
	sha256_finish(&h.ctx, h.out);
	sha256_release(&h.ctx);
	bench_figure(b, "sha256_blocks_per_sec", stream);

	h.len = 32;
	double r32 = bench_rate(b, hash_oneshot, &h, 4096);
	bench_figure(b, "sha256_32b_per_sec", r32);
	bench_figure(b, "sha256_32b_ratio", r32 / stream);

	h.len = 1024;
	double r1k = bench_rate(b, hash_oneshot, &h, 1024);
	bench_figure(b, "sha256_1k_per_sec", r1k);
	bench_figure(b, "sha256_1k_ratio", r1k * 17.0 / stream);
	free(h.data);
}

/* ----------------------------------------------------------- transactions */

#define TX_SET 64

struct tx_set {
	uint8_t *raw[TX_SET];
	size_t len[TX_SET];
};

/* TX_SET signed posts of a 200-byte body with two tags, each from its own
 * key: a typical social transaction. */
static void tx_set_make(struct tx_set *s)
{
	static const char body[] = "Benchmarks are figures held against a bound measured in the "
		"same run, so that a change of machine does not change the verdict. This post is "
		"two hundred bytes long, like a typical short post....";
	static const char *tags[] = { "bench", "rostra" };
	struct chain_id chain;
	if (!chain_id_parse(&chain, "bench-00000000"))
		abort();
	for (int i = 0; i < TX_SET; i++) {
		struct seckey sk;
		struct tx tx;
		struct buf out = BUF_INIT;
		enum prim_err err;
		tx_init(&tx);
		tx.chain_id = chain;
		tx.type = TX_POST;
		tx.nonce = (uint64_t)i;
		tx.fee = 5000;
		tx.u.post.body.p = (const uint8_t *)body;
		tx.u.post.body.len = sizeof(body) - 1;
		tx.u.post.ntags = 2;
		for (int t = 0; t < 2; t++) {
			tx.u.post.tags[t].p = (const uint8_t *)tags[t];
			tx.u.post.tags[t].len = strlen(tags[t]);
		}
		if (!key_generate(&sk, &tx.sender) || !tx_sign(&tx, &sk, NULL, &err) ||
		    !tx_encode(&out, &tx))
			abort();
		s->raw[i] = buf_detach(&out, &s->len[i]);
		tx_release(&tx);
		key_wipe(&sk);
	}
}

/* Decode and verify one transaction of the set; with check, run the
 * stateless checks in between. */
static void tx_decode_verify(struct tx_set *s, uint64_t i, bool check)
{
	size_t k = i % TX_SET;
	struct tx tx;
	enum prim_err err;
	if (!tx_decode(&tx, s->raw[k], s->len[k], &err) || (check && !tx_check(&tx, &err)) ||
	    !tx_verify_sig(&tx))
		abort();
	tx_release(&tx);
}

static void tx_decode_verify_one(void *arg, uint64_t i)
{
	tx_decode_verify(arg, i, false);
}

static void tx_decode_check_verify_one(void *arg, uint64_t i)
{
	tx_decode_verify(arg, i, true);
}

/* Transaction decode + signature verification, against raw verification:
 * verification should dominate, so the ratio should be close to 1. The
 * same with the stateless checks (tx_check) added is reported beside it;
 * tx_check validates every key in the transaction, the sender's included,
 * which costs one more x-only key parse. */
static void bench_tx(struct bench_ctx *b, double verify_rate)
{
	struct tx_set s;
	tx_set_make(&s);
	fprintf(stderr, "transaction decode + verify (1 thread, %zu-byte posts)\n", s.len[0]);
	double rate = bench_rate(b, tx_decode_verify_one, &s, 64);
	bench_figure(b, "tx_verify_per_sec", rate);
	bench_figure(b, "tx_verify_ratio", rate / bench_bound(b, verify_rate));
	double full = bench_rate(b, tx_decode_check_verify_one, &s, 64);
	bench_figure(b, "tx_check_verify_per_sec", full);
	bench_figure(b, "tx_check_verify_ratio", full / bench_bound(b, verify_rate));
	for (int i = 0; i < TX_SET; i++)
		free(s.raw[i]);
}

/* ------------------------------------------------------------ state root */

struct lthash_arg {
	struct lthash acc;
	struct lthash elem;
	uint8_t key[40];
	uint8_t val[64];
};

static void lthash_update_one(void *arg, uint64_t i)
{
	struct lthash_arg *a = arg;
	memcpy(a->key, &i, sizeof(i));
	lthash_expand(&a->elem, a->key, sizeof(a->key), a->val, sizeof(a->val));
	lthash_add(&a->acc, &a->elem);
}

/* One state-root element update (expand a 40 B key and 64 B value, add it
 * to the accumulator), against one signature verification. */
static void bench_lthash(struct bench_ctx *b, double verify_rate)
{
	struct lthash_arg *a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	lthash_init(&a->acc);
	fprintf(stderr, "state root (LtHash16, 1 thread)\n");
	double rate = bench_rate(b, lthash_update_one, a, 256);
	bench_figure(b, "lthash_update_per_sec", rate);
	bench_figure(b, "lthash_update_ns", 1e9 / rate);
	bench_figure(b, "lthash_updates_per_verify", rate / bench_bound(b, verify_rate));
	free(a);
}

/* ----------------------------------------------------------------- main */

/* The benchmarks' names, in the order they run; -filter=S runs those whose
 * name contains S (the signature bound always runs). */
enum { BENCH_SHA256, BENCH_TX, BENCH_LTHASH, BENCH_LEDGER, BENCH_FEED, BENCH_NAMES };
static const char *const bench_names[BENCH_NAMES] = {
	[BENCH_SHA256] = "sha256", [BENCH_TX] = "tx", [BENCH_LTHASH] = "lthash",
	[BENCH_LEDGER] = "ledger", [BENCH_FEED] = "feed",
};

/* A filter must pick at least one benchmark: one that picks none is a
 * typing mistake, not a request for the bound alone. */
static bool bench_filter_ok(const char *filter)
{
	for (size_t i = 0; i < BENCH_NAMES; i++)
		if (strstr(bench_names[i], filter) != NULL)
			return true;
	return false;
}

static bool bench_parse_args(struct bench_ctx *b, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		uint32_t n;
		if (strncmp(a, "-seconds=", 9) == 0) {
			if (!parse_u64(&b->seconds, a + 9, 1, 3600)) {
				fprintf(stderr, "bench_rostra: invalid value for -seconds: '%s'\n", a + 9);
				return false;
			}
		} else if (strncmp(a, "-threads=", 9) == 0) {
			if (!parse_u32(&n, a + 9, 1, 64)) {
				fprintf(stderr, "bench_rostra: invalid value for -threads: '%s' "
					"(1 to 64)\n", a + 9);
				return false;
			}
			b->threads = n;
		} else if (strncmp(a, "-filter=", 8) == 0) {
			if (a[8] == '\0' || !bench_filter_ok(a + 8)) {
				fprintf(stderr, "bench_rostra: invalid value for -filter: '%s' (no benchmark "
					"name contains it:", a + 8);
				for (size_t k = 0; k < BENCH_NAMES; k++)
					fprintf(stderr, "%s %s", k ? "," : "", bench_names[k]);
				fprintf(stderr, ")\n");
				return false;
			}
			b->filter = a + 8;
		} else if (strcmp(a, "-quick") == 0) {
			b->quick = true;
		} else {
			fprintf(stderr, "bench_rostra: unknown option %s\n"
				"usage: bench_rostra [-seconds=N] [-filter=NAME] [-threads=N] [-quick]\n",
				a);
			return false;
		}
	}
	return true;
}

/* One worker per online core, as the ledger's default (threads 0). */
static unsigned bench_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

int main(int argc, char **argv)
{
	struct bench_ctx b = { .seconds = 1 };
	buf_init(&b.json);
	if (!bench_parse_args(&b, argc, argv))
		return 2;
	if (b.threads == 0)
		b.threads = bench_default_threads();
	if (!crypto_init()) {
		fprintf(stderr, "bench_rostra: crypto_init failed\n");
		return 1;
	}
	struct bench_verify_set *vs = malloc(sizeof(*vs));
	if (!vs)
		abort();
	verify_set_make(vs);
	b.vs = vs;
	double verify_rate = bench_verify(&b);
	if (bench_wanted(&b, bench_names[BENCH_SHA256]))
		bench_sha256(&b);
	if (bench_wanted(&b, bench_names[BENCH_TX]))
		bench_tx(&b, verify_rate);
	if (bench_wanted(&b, bench_names[BENCH_LTHASH]))
		bench_lthash(&b, verify_rate);
	if (bench_wanted(&b, bench_names[BENCH_LEDGER]))
		bench_ledger_block(&b);
	if (bench_wanted(&b, bench_names[BENCH_FEED]))
		bench_feed(&b);
	printf("{%s}\n", b.json.data ? (const char *)b.json.data : "");
	free(vs);
	buf_release(&b.json);
	crypto_cleanup();
	return 0;
}
