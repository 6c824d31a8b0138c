/* The mempool: valid transactions waiting for a block.
 *
 * The rules (order of the admission checks, replacement, eviction, expiry,
 * the block-building order and the file format) are doc/mempool.md; the fee
 * rules they use are doc/social.md §1.4 and the basic checks §2.
 *
 * A struct mempool is an opaque object owned by the node context. It is not
 * thread-safe: the main loop owns it (DESIGN.md, Runtime model), except for
 * mempool_pending_nonce_shared, which any thread may call. It never
 * reads the ledger directly: the node hands it a struct mempool_chain, a
 * small table of callbacks onto the tip state, which it calls during
 * admission, re-validation, loading and pendingnonce queries.
 *
 * Invariants between calls (after mempool_revalidate has run for the current
 * tip):
 *   - each sender's pending transactions carry consecutive nonces, the first
 *     one equal to the sender's committed nonce, so taking them in nonce
 *     order never leaves a gap;
 *   - every pending transaction passed the checks of doc/mempool.md against
 *     the tip state, with the balance left after the fees of the sender's
 *     other pending transactions;
 *   - mempool_bytes() <= options.max_bytes and each sender has at most
 *     options.sender_cap pending transactions.
 *
 * Costs (n transactions, s senders; a hash is one SHA-256 of 48 bytes, keyed
 * with a random salt so that peers cannot grind txids or keys into one
 * bucket):
 *   add            O(1) expected hash operations, O(log n) heap updates,
 *                  O(r) for the sender's run of r <= sender_cap, plus
 *                  O(k log n) for k evicted transactions
 *   get, pending   O(1) expected
 *   build, list    O(s + m log s) for m transactions returned
 *   expire         O(k log n) for k expired transactions
 *   revalidate     one account read per sender and one chain check per
 *                  transaction, O(k log n) for k removed
 */
#ifndef ROSTRA_MEMPOOL_MEMPOOL_H
#define ROSTRA_MEMPOOL_MEMPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/tx.h"
#include "util/clock.h"

struct mempool;

/* Why mempool_add refused a transaction. The stable name of each code is
 * what RPC shows (sendrawtransaction's reject reason); see doc/mempool.md.
 * MEMPOOL_ERR_INVALID carries the prim_err name of tx_check, and
 * MEMPOOL_ERR_CHAIN the name the chain's check gave. */
enum mempool_err {
	MEMPOOL_OK = 0,
	MEMPOOL_ERR_DUPLICATE,       /* "duplicate" */
	MEMPOOL_ERR_INVALID,         /* tx_check's prim_err name */
	MEMPOOL_ERR_WRONG_CHAIN,     /* "wrong_chain" */
	MEMPOOL_ERR_FEE_TOO_LOW,     /* "fee_too_low" */
	MEMPOOL_ERR_STATE,           /* "state_unavailable" */
	MEMPOOL_ERR_NONCE_TOO_LOW,   /* "nonce_too_low" */
	MEMPOOL_ERR_NONCE_TOO_HIGH,  /* "nonce_too_high": it would leave a gap */
	MEMPOOL_ERR_REPLACEMENT_FEE, /* "replacement_fee_too_low" */
	MEMPOOL_ERR_SENDER_CAP,      /* "sender_cap" */
	MEMPOOL_ERR_BAD_SIGNATURE,   /* "bad_signature" */
	MEMPOOL_ERR_CHAIN,           /* the chain check's name */
	MEMPOOL_ERR_FULL,            /* "mempool_full" */
	MEMPOOL_ERR_NO_MEMORY,       /* "out_of_memory" */
};

#define MEMPOOL_NAME_LEN 32
#define MEMPOOL_MSG_LEN 160

/* A rejection: code, stable name and a message a person understands.
 * punishable is true when no honest peer would have relayed the
 * transaction (malformed, bad signature, wrong chain; DESIGN.md, P2P);
 * rejections that depend on state (nonces, fees, a full pool) are not. */
struct mempool_reject {
	enum mempool_err code;
	bool punishable;
	char name[MEMPOOL_NAME_LEN];
	char msg[MEMPOOL_MSG_LEN];
};

/* Fill a rejection (for chain callbacks): name (truncated to fit) and a
 * printf-style message. code and punishable are left as they are.
 * Out: why. */
void mempool_reject_set(struct mempool_reject *why, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The stable name of a mempool-side code ("duplicate"); for
 * MEMPOOL_ERR_INVALID and MEMPOOL_ERR_CHAIN, which take their name from
 * elsewhere, "invalid" and "chain". Static string; "?" when out of range. */
const char *mempool_err_name(enum mempool_err code);

/* What the mempool needs from the ledger, wired by the node. ctx is passed
 * back to every callback and must outlive the mempool. The callbacks read
 * the committed tip state; they must not call back into the mempool. */
struct mempool_chain {
	void *ctx;
	/* This chain's id (doc/social.md §2 check 3). */
	struct chain_id chain_id;
	/* The chain parameter min_fee_per_byte (doc/social.md §1.4, 1..10^6). */
	uint64_t min_fee_per_byte;
	/* The committed state of account who at the tip. Out: *nonce (the next
	 * nonce the state expects), *balance. An account without a record is
	 * nonce 0 and balance 0 and returns true. Returns false only if the
	 * state cannot be read (a storage error). */
	bool (*account)(void *ctx, uint64_t *nonce, uint64_t *balance, const struct pubkey *who);
	/* The basic checks of doc/social.md §2 against the tip, for a tx that
	 * must carry expected_nonce and may spend available_balance on its fee
	 * (the balance left after the fees of the sender's other pending
	 * transactions). The mempool has already run checks 1, 2, 3, 4 and 5
	 * (decode, tx_check, chain id, minimum fee, signature); repeating them
	 * is harmless. Out: *why (name and message, with mempool_reject_set)
	 * when it returns false. Returns true if tx passes. */
	bool (*check)(void *ctx, struct mempool_reject *why, const struct tx *tx,
		      uint64_t expected_nonce, uint64_t available_balance);
	/* Optional: verify tx's signature (check 5) through the node's
	 * signature cache, so that a transaction verified on admission is not
	 * verified again in its block. NULL: tx_verify_sig. Returns true if
	 * the signature is valid. */
	bool (*verify_sig)(void *ctx, const struct tx *tx);
};

/* Policy limits (not consensus). */
struct mempool_options {
	size_t max_bytes;  /* sum of the pending encodings (raw_len) */
	size_t sender_cap; /* pending transactions per sender */
	int64_t expiry_ms; /* a transaction this old is dropped */
};

#define MEMPOOL_DEFAULT_MAX_BYTES ((size_t)32 << 20) /* 32 MiB */
#define MEMPOOL_DEFAULT_SENDER_CAP 64
#define MEMPOOL_DEFAULT_EXPIRY_MS ((int64_t)72 * 3600 * 1000) /* 72 hours */

/* Out: o, the defaults above. */
void mempool_options_default(struct mempool_options *o);

/* A new, empty mempool. opt must have max_bytes >= TX_MAX_SIZE,
 * sender_cap >= 1 and expiry_ms >= 1; chain must have both callbacks and a
 * min_fee_per_byte of 1 to 10^6. chain is copied; clock (borrowed, must
 * outlive the mempool) stamps admissions and drives expiry.
 * Out: err (errlen bytes) on failure. Returns NULL if the options or chain
 * are unusable, no random salt is available, or memory runs out. */
struct mempool *mempool_create(char *err, size_t errlen, const struct mempool_options *opt,
			       const struct mempool_chain *chain, const struct clock *clock);
/* Free the mempool and every transaction in it. NULL is a no-op. */
void mempool_destroy(struct mempool *mp);

/* Details of a successful mempool_add. */
struct mempool_added {
	bool replaced;                /* it replaced a pending tx */
	struct hash256 replaced_txid; /* that tx, when replaced */
	size_t evicted;               /* transactions evicted to make room */
};

/* Admit tx (sealed; the caller keeps it: the mempool stores its own copy)
 * after the checks of doc/mempool.md, in that order. On success it may
 * replace the sender's pending tx of the same nonce and evict transactions
 * of lower fee rate. Out: *why (code MEMPOOL_OK and empty strings on
 * success), *info (may be NULL; zeroed on failure). Returns why->code; on
 * any failure the mempool is unchanged. */
enum mempool_err mempool_add(struct mempool *mp, struct mempool_reject *why,
			     struct mempool_added *info, const struct tx *tx);

/* Take transactions for a block: at each step the best-ranked (doc/social.md
 * §1.4 fee-rate order) of the senders' next-nonce transactions, while the
 * block holds fewer than cap transactions; a transaction that would take
 * the total past max_bytes ends its sender's run (its later nonces would
 * leave a gap) and the others go on. Run mempool_revalidate for the tip
 * first. Out: out[0..*n) in block order, borrowed from the mempool and valid
 * until its next change. Returns false (*n = 0) if memory runs out. */
bool mempool_build(const struct mempool *mp, const struct tx **out, size_t *n, size_t cap,
		   size_t max_bytes);

/* Re-check every pending transaction against the chain's new tip state
 * (call after each block is committed): a sender's transactions whose
 * nonce the tip has used (the block included them or a conflicting one)
 * are removed, and then, from the first one that fails the chain's check
 * or would leave a gap, the rest of that sender's. A sender whose account
 * cannot be read is kept as it is. Returns the number removed. */
size_t mempool_revalidate(struct mempool *mp);

/* Drop every transaction admitted expiry_ms or longer ago (by the clock),
 * with the same sender's later nonces. Returns the number removed. */
size_t mempool_expire(struct mempool *mp);

/* The number of pending transactions / the sum of their encodings. */
size_t mempool_count(const struct mempool *mp);
size_t mempool_bytes(const struct mempool *mp);

/* The pending transaction with id txid, or NULL; borrowed, valid until the
 * mempool's next change. Out: *time_ms (may be NULL) its admission time. */
const struct tx *mempool_get(const struct mempool *mp, int64_t *time_ms,
			     const struct hash256 *txid);

/* The ids of every pending transaction, in block-building order (as
 * mempool_build without limits). Out: out[0..*n), at most cap of them.
 * Returns false (*n = 0) if memory runs out. */
bool mempool_list(const struct mempool *mp, struct hash256 *out, size_t *n, size_t cap);

/* The next nonce of account who after its pending transactions
 * (getaccount's pendingnonce): its committed nonce plus its pending count.
 * Out: *nonce. Returns false if who has nothing pending and its state
 * cannot be read. */
bool mempool_pending_nonce(const struct mempool *mp, uint64_t *nonce, const struct pubkey *who);

/* The same from any thread, while the owning thread keeps changing the
 * mempool (getaccount's pendingnonce, answered on the RPC server's HTTP
 * thread): the next nonce after who's pending transactions, as of one
 * moment between two of the owner's changes. Never reads the chain: it
 * returns false when who has nothing pending (the caller then uses the
 * committed nonce of its own state snapshot). Takes a mutex that the
 * owner holds only for the few writes of each change (doc/mempool.md,
 * "Threads"); the mempool must outlive every caller. Out: *nonce (left
 * unchanged on false). */
bool mempool_pending_nonce_shared(struct mempool *mp, uint64_t *nonce, const struct pubkey *who);

/* The pending transactions of account who in nonce order (for the wallet's
 * rebroadcast). Out: out[0..min(cap, result)), borrowed as for mempool_get.
 * Returns how many who has pending. */
size_t mempool_account_txs(const struct mempool *mp, const struct tx **out, size_t cap,
			   const struct pubkey *who);

/* The file name in the data directory. */
#define MEMPOOL_FILE_NAME "mempool.dat"

/* Write every pending transaction with its admission time to path (see
 * doc/mempool.md, "File"), through path.new and a rename, synced, so that a
 * crash leaves either the old file or the new one. Out: err on failure.
 * Returns false if the file cannot be written. */
bool mempool_save(const struct mempool *mp, char *err, size_t errlen, const char *path);

/* What mempool_load did. */
struct mempool_load_stats {
	bool missing;    /* there was no file (not an error) */
	size_t read;     /* transactions in the file */
	size_t added;    /* admitted again */
	size_t expired;  /* too old to keep */
	size_t rejected; /* failed admission against the current tip */
};

/* Read a file written by mempool_save and admit its transactions again,
 * each through every check of mempool_add against the current tip, keeping
 * their admission times. A file that is corrupt (bad magic, version,
 * checksum or encoding) is reported and nothing of it is admitted.
 * Out: *stats, err on failure. Returns false if the file exists but
 * cannot be read or is corrupt (the mempool is then unchanged); a missing
 * file returns true with stats->missing. */
bool mempool_load(struct mempool *mp, struct mempool_load_stats *stats, char *err, size_t errlen,
		  const char *path);

/* As mempool_load, from the file's bytes data[0..len) in memory. */
bool mempool_load_bytes(struct mempool *mp, struct mempool_load_stats *stats, char *err,
			size_t errlen, const uint8_t *data, size_t len);

#endif
