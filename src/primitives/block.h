/* Block headers and blocks (doc/protocol.md, "Block header" and "Block").
 *
 * The header commits to every byte of the block: tx_root to the
 * transactions (Merkle root of their txids), last_commit_hash to the last
 * commit, evidence_root to the evidence (Merkle root of their hashes).
 * block_check verifies those links; the block id is the tagged hash of the
 * encoded header.
 *
 * A decoded struct block owns one copy of its encoding; its transactions
 * point into it (see tx.h) and its commit and evidence are inline values.
 * block_release frees everything.
 */
#ifndef ROSTRA_PRIMITIVES_BLOCK_H
#define ROSTRA_PRIMITIVES_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/commit.h"
#include "primitives/evidence.h"
#include "primitives/prim_err.h"
#include "primitives/tx.h"
#include "util/buf.h"

#define BLOCK_VERSION 1
#define BLOCK_MAX_SIZE ((size_t)2 << 20)  /* 2 MiB, whole encoding */
#define BLOCK_MAX_TXS 16384
#define BLOCK_MAX_EVIDENCE 16

struct block_header {
	uint32_t version;
	struct chain_id chain_id;
	uint64_t height;
	uint64_t time;                    /* ms since the Unix epoch */
	struct hash256 prev_block;
	struct hash256 tx_root;
	struct hash256 state_root;
	struct hash256 last_commit_hash;
	struct hash256 evidence_root;
	struct hash256 validators_hash;
	struct hash256 next_validators_hash;
	struct pubkey proposer;
};

struct block {
	struct block_header header;
	size_t ntx;
	struct tx *txs;                   /* ntx entries, malloc'd; NULL if 0 */
	struct commit last_commit;
	size_t nevidence;
	struct evidence evidence[BLOCK_MAX_EVIDENCE];

	/* Set by block_decode. */
	struct hash256 id;                /* tagged("Rostra/block", header) */
	uint8_t *raw;                     /* owned copy of the encoding */
	size_t raw_len;
};

/* Decode a header: exactly data[0..len). Out: out (zeroed on failure),
 * *err; a version above BLOCK_VERSION gives UPGRADE_REQUIRED. Returns true
 * on success; then block_header_encode(out) == data. */
bool block_header_decode(struct block_header *out, const uint8_t *data, size_t len,
			 enum prim_err *err);
/* Append the encoding of h to out. Returns buf_ok(out). */
bool block_header_encode(struct buf *out, const struct block_header *h);
/* Out: out = the block id of h, tagged("Rostra/block", encoding of h). */
void block_header_id(struct hash256 *out, const struct block_header *h);

/* Zero a block for building (no allocation). */
void block_init(struct block *b);
/* Free what b owns (txs, each tx, raw) and zero it. A builder that puts
 * txs in a block hands them over: b->txs must come from malloc and each tx
 * must be owned or borrowed from storage that outlives the block. */
void block_release(struct block *b);

/* Decode a block: exactly data[0..len), at most BLOCK_MAX_SIZE. Out: out
 * (owning a copy of data, with id set; zeroed on failure), *err (the first
 * rejection; a transaction's own error is passed on unchanged). Returns
 * true on success; then block_encode(out) == data. Only structure is
 * checked: call block_check too. */
bool block_decode(struct block *out, const uint8_t *data, size_t len, enum prim_err *err);
/* Append the encoding of b to out. Returns buf_ok(out). */
bool block_encode(struct buf *out, const struct block *b);

/* Out: tx_root, evidence_root, last_commit_hash computed from the body of b
 * (any of them may be NULL). For block builders and block_check. */
void block_compute_roots(struct hash256 *tx_root, struct hash256 *evidence_root,
			 struct hash256 *last_commit_hash, const struct block *b);

/* Stateless block checks, in this order: height >= 1 (BLOCK_HEIGHT); last
 * commit height == height - 1, so height 1 carries the empty commit
 * (LAST_COMMIT_HEIGHT); last_commit_hash, tx_root and evidence_root match
 * the body (LAST_COMMIT_HASH, TX_ROOT, EVIDENCE_ROOT); then for each tx in
 * order: its chain id is the header's (TX_CHAIN_ID) and tx_check passes
 * (its reason). Signatures, the proposer, the validator sets, the state
 * root and the commit's signatures need chain state and are checked by
 * consensus. Out: *err. Returns true if b passes. */
bool block_check(const struct block *b, enum prim_err *err);

#endif
