/* Transactions: the eleven types, their canonical encoding, ids, the
 * stateless checks and signatures. The byte format is doc/protocol.md,
 * section "Transaction".
 *
 * struct tx is a value type. Its fixed fields are inline; its
 * variable-length fields (struct tx_bytes) point into storage that the tx
 * either owns or borrows:
 *
 *   - tx_decode() copies the input once and points every field into that
 *     copy (one allocation per transaction, none per field); the tx owns it
 *     and tx_release() frees it. It also hashes the encoding once and caches
 *     the sighash and txid, so decode + tx_verify_sig costs one signature
 *     verification plus two short hashes.
 *   - the transactions of a decoded block point into the block's storage
 *     (owned == false); they live as long as the block (tx_copy keeps one).
 *   - a builder (wallet, rostra-tx, tests) zeroes a tx with tx_init(), sets
 *     the fields, pointing tx_bytes at memory it owns, and calls tx_sign()
 *     (or sets sig and calls tx_seal()). Sealing encodes the fields,
 *     validates the encoding with the decoder, and replaces the fields by
 *     an owned decoded copy: after it the builder's memory is no longer used.
 *
 * A tx is "sealed" once it came out of tx_decode, tx_seal, tx_sign, tx_copy
 * or a block decoder: only then are raw, sighash and txid valid.
 */
#ifndef ROSTRA_PRIMITIVES_TX_H
#define ROSTRA_PRIMITIVES_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/prim_err.h"
#include "util/buf.h"

#define TX_VERSION 1
#define TX_MAX_SIZE 8192                 /* bytes, whole encoding */
#define MAX_MONEY ((UINT64_C(1) << 53) - 1) /* base units */
#define TX_MEMO_MAX 256
#define TX_BODY_MAX 4096
#define TX_MAX_TAGS 8
#define TX_TAG_MAX 32
#define TX_HANDLE_MIN 3
#define TX_HANDLE_MAX 24
#define TX_NAME_MAX 64
#define TX_ABOUT_MAX 512
#define TX_WEBSITE_MAX 128
#define TX_MONIKER_MAX 64
#define TX_WEIGHT_MAX 10000              /* basis points */
#define TX_COMMISSION_MAX 10000          /* basis points */

enum tx_type {
	TX_TRANSFER = 1,
	TX_POST = 2,
	TX_VOTE = 3,
	TX_ENDORSE = 4,
	TX_FOLLOW = 5,
	TX_UNFOLLOW = 6,
	TX_PROFILE = 7,
	TX_STAKE = 8,
	TX_UNSTAKE = 9,
	TX_VALIDATOR = 10,
	TX_UNJAIL = 11,
};
#define TX_TYPE_MIN TX_TRANSFER
#define TX_TYPE_MAX TX_UNJAIL

/* A variable-length field: len bytes at p (p may be NULL when len == 0). */
struct tx_bytes {
	const uint8_t *p;
	size_t len;
};

struct tx_transfer {
	struct pubkey to;
	uint64_t amount;
	struct tx_bytes memo;
};
struct tx_post {
	bool has_parent;
	struct hash256 parent;   /* zero when !has_parent */
	struct tx_bytes body;
	size_t ntags;
	struct tx_bytes tags[TX_MAX_TAGS];
};
struct tx_vote {
	struct hash256 post;
	int16_t weight;
};
struct tx_endorse {
	struct pubkey subject;
	uint16_t weight;
};
struct tx_follow {                /* follow and unfollow */
	struct pubkey target;
};
struct tx_profile {
	struct tx_bytes handle, name, about, website;
};
struct tx_stake {                 /* stake and unstake */
	struct pubkey validator;
	uint64_t amount;
};
struct tx_validator {
	struct pubkey consensus_key;
	struct tx_bytes moniker;
	uint16_t commission;
};

struct tx {
	uint8_t version;
	struct chain_id chain_id;
	uint8_t type;             /* enum tx_type */
	struct pubkey sender;
	uint64_t nonce;
	uint64_t fee;
	union {
		struct tx_transfer transfer;
		struct tx_post post;
		struct tx_vote vote;
		struct tx_endorse endorse;
		struct tx_follow follow;      /* TX_FOLLOW and TX_UNFOLLOW */
		struct tx_profile profile;
		struct tx_stake stake;        /* TX_STAKE and TX_UNSTAKE */
		struct tx_validator validator;
	} u;
	uint8_t sig[SIG_LEN];

	/* Valid once sealed. */
	const uint8_t *raw;       /* the encoding */
	size_t raw_len;
	struct hash256 sighash;   /* tagged("Rostra/tx/sig", raw minus sig) */
	struct hash256 txid;      /* tagged("Rostra/txid", raw) */
	bool sealed;
	bool owned;               /* raw is ours to free */
};

/* Zero a tx for building: version TX_VERSION, everything else zero. */
void tx_init(struct tx *tx);
/* Free what the tx owns and zero it. Safe on a zeroed or borrowed tx. */
void tx_release(struct tx *tx);

/* Decode one transaction (the whole of data[0..len), no trailing bytes).
 * Out: out (sealed and owning a copy of data; zeroed on failure), *err
 * (PRIM_ERR_OK or the first rejection, see doc/protocol.md "Rejections").
 * Returns true on success. Only the decoder's rules are applied: call
 * tx_check and tx_verify_sig as well. On success encode(out) == data. */
bool tx_decode(struct tx *out, const uint8_t *data, size_t len, enum prim_err *err);

/* Append the canonical encoding of tx (sealed or built) to out. Returns
 * buf_ok(out). A tx that breaks the decoder's rules still encodes; tx_seal
 * is what validates. */
bool tx_encode(struct buf *out, const struct tx *tx);

/* Encode a built tx (sig as set) and turn it into a sealed tx that owns its
 * encoding. Out: *err. Returns false (tx unchanged) if the encoding does
 * not decode (the reason in *err) or memory runs out (PRIM_ERR_TOO_LARGE). */
bool tx_seal(struct tx *tx, enum prim_err *err);

/* Compute the sighash of a built or sealed tx from its fields.
 * Out: out. Returns false only when out of memory. */
bool tx_compute_sighash(struct hash256 *out, const struct tx *tx);

/* Sign tx (built or sealed) with sk, whose public key must be tx->sender,
 * and seal it. aux: 32 bytes of BIP340 auxiliary randomness (NULL: fresh
 * random bytes). Out: *err. Returns false (tx unchanged) if sk is not the
 * sender's key (PRIM_ERR_SENDER_KEY) or sealing fails. */
bool tx_sign(struct tx *tx, const struct seckey *sk, const uint8_t aux[32],
	     enum prim_err *err);

/* The cached hashes of a sealed tx (aborts if the tx is not sealed). */
const struct hash256 *tx_id(const struct tx *tx);
const struct hash256 *tx_sighash(const struct tx *tx);

/* Stateless checks that need no chain state: valid x-only keys, UTF-8
 * text without NUL, the tag and handle character sets (doc/protocol.md,
 * "Stateless transaction checks"). The signature is not checked here.
 * Out: *err. Returns true if tx passes. */
bool tx_check(const struct tx *tx, enum prim_err *err);

/* tx_check without the sender's key: every other stateless check, in the
 * same order. For a caller that verifies the signature right after: a
 * valid signature proves the sender's key valid, so the key is parsed once
 * (by the verification) instead of twice. Such a caller reports
 * PRIM_ERR_SENDER_KEY itself when the key is invalid, to keep tx_check's
 * order of errors. Out: *err. Returns true if tx passes. */
bool tx_check_payload(const struct tx *tx, enum prim_err *err);

/* A judge of x-only keys for tx_check_payload_with: must return exactly
 * what key_pubkey_valid(k) returns (e.g. from a cache of keys already
 * found valid). */
typedef bool tx_key_valid_fn(void *ctx, const struct pubkey *k);

/* tx_check_payload with the keys judged by valid(ctx, key) (NULL:
 * key_pubkey_valid); the checks and their order are the same. Out: *err.
 * Returns true if tx passes. */
bool tx_check_payload_with(const struct tx *tx, enum prim_err *err, tx_key_valid_fn *valid,
			   void *ctx);

/* True if tx->sig is a valid BIP340 signature of the sighash by
 * tx->sender. tx must be sealed. */
bool tx_verify_sig(const struct tx *tx);
/* tx_verify_sig with the sender's key parsed before (key_pubkey_parse of
 * tx->sender; the caller vouches that it is that key's). */
bool tx_verify_sig_parsed(const struct tx *tx, const struct pubkey_parsed *sender);

/* A sealed copy of a sealed tx that owns its storage (for keeping a tx
 * of a block after the block is released). Out: out (zeroed on failure).
 * Returns false if out of memory. */
bool tx_copy(struct tx *out, const struct tx *in);

/* The lower-case name of a type ("transfer", "post"...), or NULL. */
const char *tx_type_name(uint8_t type);
/* The type named name, or 0 if none. */
uint8_t tx_type_from_name(const char *name);

#endif
