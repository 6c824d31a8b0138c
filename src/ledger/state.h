/* The ledger's state model: the records of doc/social.md §0.1, their
 * canonical binary encodings, the key layout (doc/ledger.md, "Key layout")
 * and the integer formulas of doc/social.md (issuance, fees, voting power,
 * vote and endorsement effects, the reputation display score).
 *
 * Every record is a plain value type. Encoders append to a struct buf and
 * return buf_ok(). Decoders read a stored value through a struct reader,
 * consume it whole and return false on any malformed byte (the caller
 * reports a corrupt database: stored bytes are never trusted to an assert).
 * Integers are unsigned LEB128 varints (util/buf.h), signed ones zigzag
 * varints, keys 32 raw bytes, text a varint length and the bytes.
 *
 * "Absent means default": a record equal to its default (ledger_*_is_default)
 * is deleted, never written, so the state depends only on values. The one
 * exception is the post-stats record, which exists exactly when its post
 * exists (written with the post, never deleted).
 *
 * Every function here is pure and thread-safe.
 */
#ifndef ROSTRA_LEDGER_STATE_H
#define ROSTRA_LEDGER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/tx.h"
#include "util/buf.h"

/* ------------------------------------------------------------ constants */

#define LEDGER_COIN UINT64_C(100000000)
#define LEDGER_VP_MAX 10000
#define LEDGER_VP_REGEN_MS UINT64_C(432000000)
#define LEDGER_VOTE_SPEND_DIV 50
#define LEDGER_REP_UNIT INT64_C(1000000)
#define LEDGER_REP_LIMIT (INT64_C(1) << 62)
#define LEDGER_ENDORSE_BUDGET 10000
#define LEDGER_REPLY_DEPTH_MAX 32
#define LEDGER_FOLLOW_MAX 5000
#define LEDGER_TIME_MAX (UINT64_C(1) << 62)

/* Bounds of the chain parameters (doc/social.md §13). */
#define LEDGER_REWARD_ERA_MAX (UINT64_C(1) << 32)
#define LEDGER_MIN_FEE_PER_BYTE_MAX UINT64_C(1000000)
#define LEDGER_UNBONDING_MS_MAX (UINT64_C(1) << 40)

/* ------------------------------------------------------------ key layout */

/* One-byte key prefixes. Those below LEDGER_PREFIX_CONSENSUS_END are
 * consensus state: the state root covers exactly them. The others (block
 * store, metadata, indexes) never enter the root. doc/ledger.md lists the
 * full key and value of each. */
enum ledger_prefix {
	/* consensus state */
	LEDGER_P_CHAIN = 0x01,      /* (empty)                 chain record */
	LEDGER_P_ACCOUNT = 0x02,    /* key                      account */
	LEDGER_P_PROFILE = 0x03,    /* key                      profile */
	LEDGER_P_HANDLE = 0x04,     /* handle bytes             owner key */
	LEDGER_P_POST = 0x05,       /* post id                  post (immutable) */
	LEDGER_P_STATS = 0x06,      /* post id                  post stats */
	LEDGER_P_VOTE = 0x07,       /* voter || post id         vote */
	LEDGER_P_ENDORSE = 0x08,    /* endorser || subject      endorsement */
	LEDGER_P_FOLLOW = 0x09,     /* follower || target       (empty) */
	LEDGER_P_VALIDATOR = 0x0a,  /* operator                 validator */
	LEDGER_P_CONSKEY = 0x0b,    /* consensus key            operator key */
	LEDGER_P_BOND = 0x0c,       /* delegator || validator   amount */
	LEDGER_P_UNBONDING = 0x0d,  /* completion BE || txid    unbonding */
	LEDGER_PREFIX_CONSENSUS_END = 0x10,

	/* metadata and block store */
	LEDGER_P_META = 0x40,       /* one byte name            see ledger.md */
	LEDGER_P_BLOCK = 0x41,      /* height BE                block encoding */
	LEDGER_P_BLOCK_ID = 0x42,   /* block id                 height BE */
	LEDGER_P_COMMIT = 0x43,     /* height BE                commit encoding */
	LEDGER_P_TX = 0x44,         /* txid                     receipt and tx */

	/* indexes */
	LEDGER_P_IX_AUTHOR = 0x50,  /* author || pos            post id */
	LEDGER_P_IX_HEAD = 0x51,    /* author                   newest posts */
	LEDGER_P_IX_REPLY = 0x52,   /* parent || pos            reply id */
	LEDGER_P_IX_VOTE = 0x53,    /* post id || voter         weight */
	LEDGER_P_IX_HISTORY = 0x54, /* account || pos           txid */
	LEDGER_P_IX_FOLLOWER = 0x55,/* target || follower       (empty) */
	LEDGER_P_IX_REP = 0x56,     /* rep (sortable) || key    (empty) */
	LEDGER_P_IX_ENDORSED = 0x57,/* subject || endorser      weight */
	LEDGER_P_IX_STAKER = 0x58,  /* validator || delegator   amount */
};

/* Names under LEDGER_P_META. */
enum ledger_meta {
	LEDGER_META_GENESIS = 'g',  /* chain id, genesis hash, genesis time */
	LEDGER_META_TIP = 't',      /* the tip record */
	LEDGER_META_LTHASH = 'l',   /* the serialised multiset hash of the tip */
	LEDGER_META_VERSION = 'v',  /* layout version */
};

/* The longest key the ledger writes (a pair of 32-byte keys plus the
 * prefix, or an author plus a position). */
#define LEDGER_KEY_MAX 80

/* A position in the chain: block height and index of the transaction in
 * that block. Encoded in keys as 12 bytes (height u64 BE, index u32 BE) so
 * that keys sort by position. */
struct ledger_pos {
	uint64_t height;
	uint32_t index;
};
#define LEDGER_POS_LEN 12

/* True when a key with prefix byte p is consensus state. */
static inline bool ledger_prefix_is_consensus(uint8_t p)
{
	return p >= LEDGER_P_CHAIN && p < LEDGER_PREFIX_CONSENSUS_END;
}

/* Big-endian helpers for keys. Out: out[0..8) / out[0..4). */
void ledger_be64(uint8_t out[8], uint64_t v);
void ledger_be32(uint8_t out[4], uint32_t v);
uint64_t ledger_read_be64(const uint8_t in[8]);
uint32_t ledger_read_be32(const uint8_t in[4]);
/* Out: out[0..12) = pos as in keys. */
void ledger_pos_put(uint8_t out[LEDGER_POS_LEN], const struct ledger_pos *pos);
/* Out: *pos read from in[0..12). */
void ledger_pos_get(struct ledger_pos *pos, const uint8_t in[LEDGER_POS_LEN]);
/* -1, 0, 1 as a is before, at, after b. */
int ledger_pos_cmp(const struct ledger_pos *a, const struct ledger_pos *b);

/* A key under construction (prefix + components). */
struct ledger_key {
	uint8_t b[LEDGER_KEY_MAX];
	size_t len;
};
/* Start key k with prefix p. Out: k. */
void ledger_key_init(struct ledger_key *k, uint8_t p);
/* Append n bytes (aborts past LEDGER_KEY_MAX: the ledger never builds such
 * a key). */
void ledger_key_put(struct ledger_key *k, const void *p, size_t n);
void ledger_key_put_pubkey(struct ledger_key *k, const struct pubkey *pk);
void ledger_key_put_hash(struct ledger_key *k, const struct hash256 *h);
void ledger_key_put_be64(struct ledger_key *k, uint64_t v);
void ledger_key_put_pos(struct ledger_key *k, const struct ledger_pos *pos);

/* Out: k = the key of one record (prefix + components as in enum
 * ledger_prefix). */
void ledger_key_chain(struct ledger_key *k);
void ledger_key_pk(struct ledger_key *k, uint8_t prefix, const struct pubkey *pk);
void ledger_key_hash(struct ledger_key *k, uint8_t prefix, const struct hash256 *h);
void ledger_key_pair(struct ledger_key *k, uint8_t prefix, const uint8_t a[32],
		     const uint8_t b[32]);
/* In: handle[0..len), len <= TX_HANDLE_MAX. */
void ledger_key_handle(struct ledger_key *k, const uint8_t *handle, size_t len);
void ledger_key_unbonding(struct ledger_key *k, uint64_t completion, const struct hash256 *txid);
void ledger_key_meta(struct ledger_key *k, uint8_t name);
void ledger_key_height(struct ledger_key *k, uint8_t prefix, uint64_t height);
/* Out: k = a 32-byte key then a position (indexes ordered by position). */
void ledger_key_pos(struct ledger_key *k, uint8_t prefix, const uint8_t a[32],
		    const struct ledger_pos *pos);
/* Out: k = the reputation index key of (rep, who): rep as a big-endian u64
 * with the sign bit flipped, so keys sort by rep, then the key. */
void ledger_key_rep(struct ledger_key *k, int64_t rep, const struct pubkey *who);

/* ------------------------------------------------------------ records */

struct ledger_params {
	uint64_t block_reward;
	uint64_t reward_era_blocks;
	uint64_t min_fee_per_byte;
	uint64_t unbonding_ms;
};

struct ledger_chain {
	struct ledger_params params;
	uint64_t supply;
};

struct ledger_account {
	uint64_t balance;
	uint64_t nonce;
	uint64_t staked;
	uint64_t unbonding;
	int64_t reputation;
	uint16_t vp;
	uint64_t vp_time;
	uint16_t endorse_used;
	uint64_t posts;
	uint64_t followers;
	uint64_t following;
	uint8_t handle_len;
	uint8_t handle[TX_HANDLE_MAX];
};

struct ledger_profile {
	uint16_t name_len, about_len, website_len;
	uint8_t name[TX_NAME_MAX];
	uint8_t about[TX_ABOUT_MAX];
	uint8_t website[TX_WEBSITE_MAX];
};

/* A view of a stored post record: body and tags point into the bytes it was
 * decoded from, which the caller keeps alive. */
struct ledger_post {
	struct pubkey author;
	bool has_parent;
	struct hash256 parent;   /* zero when !has_parent */
	struct hash256 root;
	uint8_t depth;
	uint64_t height;
	uint64_t time;
	const uint8_t *body;
	size_t body_len;
	size_t ntags;
	struct tx_bytes tags[TX_MAX_TAGS];
};

struct ledger_stats {
	uint64_t upvotes;
	uint64_t downvotes;
	uint64_t votes;
	uint64_t replies;
};

struct ledger_vote {
	int16_t weight;          /* != 0 */
	int64_t rep_delta;
};

struct ledger_endorsement {
	uint16_t weight;         /* != 0 */
	int64_t rep_delta;
};

struct ledger_validator {
	struct pubkey consensus_key;
	uint8_t moniker_len;
	uint8_t moniker[TX_MONIKER_MAX];
	uint16_t commission;
	uint64_t self_stake;
	uint64_t total_bonded;
	bool jailed;
	uint64_t jailed_until;
	bool tombstoned;
};

struct ledger_unbonding {
	struct pubkey delegator;
	struct pubkey validator;
	uint64_t amount;
};

/* Out: the default record (doc/social.md §0.1). */
void ledger_account_default(struct ledger_account *a);
void ledger_profile_default(struct ledger_profile *p);
/* True when the record equals its default (it is then deleted). */
bool ledger_account_is_default(const struct ledger_account *a);
bool ledger_profile_is_default(const struct ledger_profile *p);
/* True when two records are equal field by field. */
bool ledger_account_eq(const struct ledger_account *a, const struct ledger_account *b);
bool ledger_profile_eq(const struct ledger_profile *a, const struct ledger_profile *b);

/* Encoders: append the canonical encoding. Returns buf_ok(out). */
bool ledger_chain_encode(struct buf *out, const struct ledger_chain *c);
bool ledger_account_encode(struct buf *out, const struct ledger_account *a);
bool ledger_profile_encode(struct buf *out, const struct ledger_profile *p);
bool ledger_post_encode(struct buf *out, const struct ledger_post *p);
bool ledger_stats_encode(struct buf *out, const struct ledger_stats *s);
bool ledger_vote_encode(struct buf *out, const struct ledger_vote *v);
bool ledger_endorsement_encode(struct buf *out, const struct ledger_endorsement *e);
bool ledger_validator_encode(struct buf *out, const struct ledger_validator *v);
bool ledger_unbonding_encode(struct buf *out, const struct ledger_unbonding *u);
/* A bond is one varint amount. */
bool ledger_amount_encode(struct buf *out, uint64_t amount);

/* Decoders: exactly data[0..len). Out: the record (zeroed or default on
 * failure). Returns false if the bytes are not a canonical encoding of a
 * valid record (a corrupt database). */
bool ledger_chain_decode(struct ledger_chain *c, const uint8_t *data, size_t len);
bool ledger_account_decode(struct ledger_account *a, const uint8_t *data, size_t len);
bool ledger_profile_decode(struct ledger_profile *p, const uint8_t *data, size_t len);
/* The post points into data (see struct ledger_post). */
bool ledger_post_decode(struct ledger_post *p, const uint8_t *data, size_t len);
bool ledger_stats_decode(struct ledger_stats *s, const uint8_t *data, size_t len);
bool ledger_vote_decode(struct ledger_vote *v, const uint8_t *data, size_t len);
bool ledger_endorsement_decode(struct ledger_endorsement *e, const uint8_t *data, size_t len);
bool ledger_validator_decode(struct ledger_validator *v, const uint8_t *data, size_t len);
bool ledger_unbonding_decode(struct ledger_unbonding *u, const uint8_t *data, size_t len);
bool ledger_amount_decode(uint64_t *amount, const uint8_t *data, size_t len);

/* Zigzag varints for signed values (i16 weights, i64 reputation). */
bool ledger_put_svarint(struct buf *b, int64_t v);
bool ledger_get_svarint(struct reader *r, int64_t *v);

/* ------------------------------------------------------------ formulas */

/* True when the parameters are within doc/social.md §13. */
bool ledger_params_valid(const struct ledger_params *p);
/* reward(h) of §1.3 (h >= 1). */
uint64_t ledger_reward(const struct ledger_params *p, uint64_t height);
/* Total issuance over all time: reward_era_blocks × (2R − popcount(R)),
 * computed in u128. Out: *out. Returns false if it does not fit u64. */
bool ledger_issuance_total(uint64_t *out, const struct ledger_params *p);
/* MAX_MONEY − 2 × block_reward × reward_era_blocks, the most a genesis may
 * hold (§1.2). Out: *out. Returns false when it is negative. */
bool ledger_genesis_limit(uint64_t *out, const struct ledger_params *p);
/* min_fee(size) of §1.4. */
uint64_t ledger_min_fee(const struct ledger_params *p, size_t size);
/* vp_now(x, T) of §5.1. vp_time > T (never true in a valid state) counts as
 * no time elapsed. */
uint16_t ledger_vp_now(uint16_t vp, uint64_t vp_time, uint64_t now);
/* mag and used of §5.3 for stake s, |w| = absw (<= 10000), power p. */
uint64_t ledger_vote_mag(uint64_t stake, uint16_t absw, uint16_t power);
uint16_t ledger_vote_used(uint16_t power, uint16_t absw);
/* The delta of §7.2 for an endorser of stake s and reputation rep, weight w. */
int64_t ledger_endorse_delta(uint64_t stake, int64_t rep, uint16_t w);
/* reputationscore(r) of §6.1 (−166..166 for |r| <= 2^62). */
int ledger_rep_score(int64_t r);

#endif
