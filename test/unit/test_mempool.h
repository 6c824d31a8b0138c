/* Shared helpers of the mempool tests: signed test transactions, a fake
 * chain (a small in-memory account map standing in for the ledger, which
 * the node wires to the real one) and a pool fixture. */
#ifndef ROSTRA_TEST_MEMPOOL_H
#define ROSTRA_TEST_MEMPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mempool/mempool.h"
#include "unit.h"

#define TM_CHAIN "regtest-0011aabb"
#define TM_KEYS 12 /* test accounts 0..11 */
#define TM_REFUSED_MAX 64

/* The fake chain's state: every test account's committed nonce and
 * balance, and txids the "ledger" refuses (name "refused"). */
struct fake_chain {
	struct chain_id id;
	uint64_t nonce[TM_KEYS];
	uint64_t balance[TM_KEYS];
	bool fail_account; /* account() reports a storage error */
	struct hash256 refused[TM_REFUSED_MAX];
	size_t nrefused;
	size_t checks;    /* calls of check() */
	bool sig_answer;  /* what fake_verify_sig says */
	size_t sig_calls; /* calls of fake_verify_sig */
};

/* A pool on a fake chain with a mock clock. */
struct tm_pool {
	struct fake_chain fc;
	struct clock clock;
	struct mempool *mp;
};

#define TM_START_MS INT64_C(1700000000000)
#define TM_BALANCE UINT64_C(1000000000)

/* Make the keys (once). Returns false if crypto fails. */
bool tm_setup(void);
const struct pubkey *tm_pub(size_t i);

/* Every account nonce 0 with TM_BALANCE. */
void fake_chain_init(struct fake_chain *fc);
void fake_chain_refuse(struct fake_chain *fc, const struct hash256 *txid);
/* Out: c, wired to fc, min_fee_per_byte 1, no verify_sig. */
void fake_chain_wire(struct mempool_chain *c, struct fake_chain *fc);
/* A signature cache's answer: fc->sig_answer, counted. */
bool fake_verify_sig(void *ctx, const struct tx *tx);

/* Open a pool (clock at TM_START_MS). max_bytes 0: the default, cap 0:
 * the default, expiry 0: the default. Returns false (with a check
 * failure) on error. */
bool tm_open(struct tm_pool *p, size_t max_bytes, size_t cap, int64_t expiry_ms);
void tm_close(struct tm_pool *p);

/* What a test transaction looks like: a transfer of 1 unit from account
 * `from` to account 0 with a memo of `memo` bytes. */
struct tm_spec {
	size_t from;
	uint64_t nonce;
	uint64_t fee;
	size_t memo;
	const char *chain; /* NULL: TM_CHAIN */
	bool bad_to;       /* recipient is not a valid key (tx_check) */
	bool bad_sig;      /* signature corrupted after signing */
};
/* A sealed transaction of spec s. Aborts on failure (test set-up). */
void tm_make(struct tx *out, const struct tm_spec *s);
/* A transfer from `from` with nonce, fee and a memo of `memo` bytes. */
void tm_tx(struct tx *out, size_t from, uint64_t nonce, uint64_t fee, size_t memo);
/* The encoded size of tm_tx(.., memo) for a fee of 128 to 16383. */
size_t tm_size(size_t memo);

/* mempool_add with a throw-away reject; returns the code. */
enum mempool_err tm_add(struct tm_pool *p, const struct tx *tx);
/* Make and add tm_tx(from, nonce, fee, memo); keep a copy in *out when not
 * NULL. Returns the code. */
enum mempool_err tm_add_new(struct tm_pool *p, struct tx *out, size_t from, uint64_t nonce,
			    uint64_t fee, size_t memo);
/* True if txid is pending. */
bool tm_has(const struct tm_pool *p, const struct tx *tx);

/* Cases of the other files. */
extern const struct unit_case tm_model_cases[];
extern const size_t tm_model_ncases;
extern const struct unit_case tm_file_cases[];
extern const size_t tm_file_ncases;

#endif
