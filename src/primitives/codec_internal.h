/* Private to src/primitives: a decoding cursor that records the first
 * reason a decode failed, and the readers shared by every structure.
 *
 * A struct dec wraps the bounded struct reader from util/buf.h and adds the
 * reason (enum prim_err). Every dec_* call is a no-op returning false once
 * an error is recorded, so a decoder reads field after field and the FIRST
 * failing check in reading order decides the error (doc/protocol.md,
 * "Rejections", relies on this order).
 */
#ifndef ROSTRA_PRIMITIVES_CODEC_INTERNAL_H
#define ROSTRA_PRIMITIVES_CODEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/prim_err.h"
#include "util/buf.h"

struct dec {
	struct reader r;
	enum prim_err err;
};

void dec_init(struct dec *d, const uint8_t *data, size_t len);
/* Record err unless an error is already recorded. Returns false. */
bool dec_fail(struct dec *d, enum prim_err err);
static inline bool dec_ok(const struct dec *d) { return d->err == PRIM_ERR_OK; }
/* The current read position (for views into the input). */
static inline const uint8_t *dec_pos(const struct dec *d) { return d->r.p; }
/* Fail with PRIM_ERR_TRAILING if bytes are left; returns dec_ok(). */
bool dec_finish(struct dec *d);

bool dec_u8(struct dec *d, uint8_t *out);
bool dec_u16(struct dec *d, uint16_t *out);
bool dec_u32(struct dec *d, uint32_t *out);
bool dec_u64(struct dec *d, uint64_t *out);
/* Minimal LEB128: truncated, varint_noncanonical or varint_overflow. */
bool dec_varint(struct dec *d, uint64_t *out);
/* Fixed-size raw bytes (hashes, keys, signatures). */
bool dec_raw(struct dec *d, void *out, size_t n);
bool dec_hash(struct dec *d, struct hash256 *out);
bool dec_key(struct dec *d, struct pubkey *out);
/* A varint length in [min, max] (else fail with len_err, before the bytes
 * are looked at), then that many bytes viewed in place. */
bool dec_bytes(struct dec *d, const uint8_t **out, size_t *n,
	       size_t min, size_t max, enum prim_err len_err);
bool dec_chain_id(struct dec *d, struct chain_id *out);

/* Encoders for the shared fields. */
void enc_hash(struct buf *b, const struct hash256 *h);
void enc_key(struct buf *b, const struct pubkey *k);
void enc_chain_id(struct buf *b, const struct chain_id *c);

/* True if h is 32 zero bytes (a nil block id). */
bool hash_is_zero(const struct hash256 *h);

/* The readers of embedded structures, used by the block and evidence
 * decoders. Each reads one structure at the cursor and leaves the cursor
 * after it; no trailing check. See the public decoders for the rules. */
struct tx;
struct block_header;
struct vote;
struct commit;
struct evidence;
bool tx_read(struct dec *d, struct tx *out);
bool block_header_read(struct dec *d, struct block_header *out);
bool vote_read(struct dec *d, struct vote *out);
bool commit_read(struct dec *d, struct commit *out);
bool evidence_read(struct dec *d, struct evidence *out);

#endif
