/* Why a primitive (transaction, header, block, vote, proposal, commit,
 * evidence) was rejected.
 *
 * One enum serves the whole primitives module, so that a block decoder can
 * report the error of the transaction inside it unchanged, and so that a
 * caller has one table of stable names. Every value has:
 *   - a stable name (prim_err_name), used in test/data/vectors.json, in RPC
 *     reject reasons and in doc/protocol.md ("truncated", "unknown_type");
 *   - a message a person understands (prim_err_str).
 *
 * The decoder errors are listed in doc/protocol.md, section "Rejections",
 * with the order in which a decoder meets them.
 */
#ifndef ROSTRA_PRIMITIVES_PRIM_ERR_H
#define ROSTRA_PRIMITIVES_PRIM_ERR_H

#include <stdbool.h>

/* X(ENUM_SUFFIX, "name", "message"). Append only at the end of a group;
 * the names are an external interface. */
#define PRIM_ERRORS(X) \
	X(OK, "ok", "no error") \
	/* decoding, any structure */ \
	X(TRUNCATED, "truncated", "input ends in the middle of a field") \
	X(TRAILING, "trailing", "unexpected bytes after the end") \
	X(VARINT_NONCANONICAL, "varint_noncanonical", "integer is not minimally encoded") \
	X(VARINT_OVERFLOW, "varint_overflow", "integer does not fit in 64 bits") \
	X(TOO_LARGE, "too_large", "encoding is larger than the maximum size") \
	X(CHAIN_ID, "chain_id", "chain id must be a-z network name (1 to 16 letters), '-' and 8 lower-case hex digits") \
	/* transaction decoding */ \
	X(TX_VERSION, "tx_version", "unsupported transaction version") \
	X(UNKNOWN_TYPE, "unknown_type", "unknown transaction type") \
	X(FEE_RANGE, "fee_range", "fee is above the money limit (2^53 - 1)") \
	X(AMOUNT_RANGE, "amount_range", "amount must be from 1 to 2^53 - 1") \
	X(MEMO_LENGTH, "memo_length", "memo must be at most 256 bytes") \
	X(HAS_PARENT, "has_parent", "has_parent must be 0 or 1") \
	X(BODY_LENGTH, "body_length", "post body must be 1 to 4096 bytes") \
	X(TAG_COUNT, "tag_count", "a post has at most 8 tags") \
	X(TAG_LENGTH, "tag_length", "a tag must be 1 to 32 bytes") \
	X(TAG_ORDER, "tag_order", "tags must be strictly ascending") \
	X(VOTE_WEIGHT, "vote_weight", "vote weight must be from -10000 to 10000") \
	X(ENDORSE_WEIGHT, "endorse_weight", "endorsement weight must be from 0 to 10000") \
	X(HANDLE_LENGTH, "handle_length", "handle must be empty or 3 to 24 bytes") \
	X(NAME_LENGTH, "name_length", "name must be at most 64 bytes") \
	X(ABOUT_LENGTH, "about_length", "about must be at most 512 bytes") \
	X(WEBSITE_LENGTH, "website_length", "website must be at most 128 bytes") \
	X(MONIKER_LENGTH, "moniker_length", "moniker must be 1 to 64 bytes") \
	X(COMMISSION_RANGE, "commission_range", "commission must be from 0 to 10000 basis points") \
	/* transaction stateless checks (tx_check) */ \
	X(SENDER_KEY, "sender_key", "sender is not a valid public key") \
	X(TO_KEY, "to_key", "recipient is not a valid public key") \
	X(SUBJECT_KEY, "subject_key", "endorsed account is not a valid public key") \
	X(TARGET_KEY, "target_key", "followed account is not a valid public key") \
	X(VALIDATOR_KEY, "validator_key", "validator is not a valid public key") \
	X(CONSENSUS_KEY, "consensus_key", "consensus key is not a valid public key") \
	X(MEMO_UTF8, "memo_utf8", "memo is not valid UTF-8 (or contains NUL)") \
	X(BODY_UTF8, "body_utf8", "body is not valid UTF-8 (or contains NUL)") \
	X(TAG_CHARS, "tag_chars", "tags must be 1 to 32 characters of a-z, 0-9 and _") \
	X(HANDLE_CHARS, "handle_chars", "handle must be 3 to 24 characters of a-z, 0-9 and _") \
	X(NAME_UTF8, "name_utf8", "name is not valid UTF-8 (or contains NUL)") \
	X(ABOUT_UTF8, "about_utf8", "about is not valid UTF-8 (or contains NUL)") \
	X(WEBSITE_UTF8, "website_utf8", "website is not valid UTF-8 (or contains NUL)") \
	X(MONIKER_UTF8, "moniker_utf8", "moniker is not valid UTF-8 (or contains NUL)") \
	/* signatures */ \
	X(BAD_SIGNATURE, "bad_signature", "signature is not valid") \
	/* header and block */ \
	X(HEADER_VERSION, "header_version", "unsupported block header version") \
	X(UPGRADE_REQUIRED, "upgrade_required", "block version is newer than this node: upgrade required") \
	X(TX_COUNT, "tx_count", "a block holds at most 16384 transactions") \
	X(EVIDENCE_COUNT, "evidence_count", "a block holds at most 16 pieces of evidence") \
	X(BLOCK_HEIGHT, "block_height", "block height must be at least 1") \
	X(LAST_COMMIT_HEIGHT, "last_commit_height", "last commit is not for the previous height") \
	X(LAST_COMMIT_HASH, "last_commit_hash", "header last_commit_hash does not match the last commit") \
	X(TX_ROOT, "tx_root", "header tx_root does not match the transactions") \
	X(EVIDENCE_ROOT, "evidence_root", "header evidence_root does not match the evidence") \
	X(TX_CHAIN_ID, "tx_chain_id", "a transaction in the block is for another chain") \
	/* votes, proposals, commits, evidence */ \
	X(VOTE_TYPE, "vote_type", "vote type must be 1 (prevote) or 2 (precommit)") \
	X(POL_ROUND, "pol_round", "pol_round must be below round, or 0xFFFFFFFF for none") \
	X(PROPOSAL_NIL, "proposal_nil", "a proposal must name a block (block id is zero)") \
	X(COMMIT_COUNT, "commit_count", "a commit holds at most 150 entries") \
	X(COMMIT_EMPTY, "commit_empty", "a commit without entries must be the empty commit (height 0, round 0, zero block id), and only it") \
	X(COMMIT_NIL, "commit_nil", "a commit must name a block (block id is zero)") \
	X(COMMIT_FLAG, "commit_flag", "commit entry flag must be 0 or 1") \
	X(COMMIT_SET_SIZE, "commit_set_size", "commit entries do not match the validator set size") \
	X(COMMIT_POWER, "commit_power", "present signatures do not hold more than 2/3 of the voting power") \
	X(EVIDENCE_MISMATCH, "evidence_mismatch", "evidence votes must have the same type, height, round and validator") \
	X(EVIDENCE_ORDER, "evidence_order", "evidence block ids must differ, the smaller first")

enum prim_err {
#define PRIM_ERR_ENUM(e, name, msg) PRIM_ERR_##e,
	PRIM_ERRORS(PRIM_ERR_ENUM)
#undef PRIM_ERR_ENUM
	PRIM_ERR_COUNT_
};

/* Returns the stable name of e ("truncated"); "?" for a value out of
 * range. The string is static. */
const char *prim_err_name(enum prim_err e);
/* Returns a message a person understands ("unknown transaction type");
 * static. */
const char *prim_err_str(enum prim_err e);
/* Returns the error whose name is name, or PRIM_ERR_COUNT_ if none. */
enum prim_err prim_err_from_name(const char *name);
/* Returns true when e means the peer that sent the bytes misbehaved: false
 * for PRIM_ERR_OK, for UNKNOWN_TYPE (a newer node may know the type) and for
 * UPGRADE_REQUIRED (the block is newer than this node). */
bool prim_err_punishable(enum prim_err e);

#endif
