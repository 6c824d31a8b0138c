/* The genesis: the chain's name, start time, parameters, initial balances
 * and initial validators with their stake, read from a JSON file
 * (doc/ledger.md, "Genesis").
 *
 * The genesis hash is a tagged hash of a canonical binary form (never of
 * the JSON text), so that whitespace, key order and the order of the
 * balances and validators in the file do not matter:
 *
 *   tagged("Rostra/genesis",
 *     u8 1 (version) || bytes(name) || u64le(time)
 *     || varint(block_reward) || varint(reward_era_blocks)
 *     || varint(min_fee_per_byte) || varint(unbonding_ms)
 *     || varint(n) || n × (key[32] || varint(amount))           by key
 *     || varint(m) || m × (operator[32] || consensus_key[32]
 *                          || bytes(moniker) || varint(commission)
 *                          || varint(stake))                     by operator)
 *
 * and the chain id is chain_id_make(name, genesis hash).
 */
#ifndef ROSTRA_LEDGER_GENESIS_H
#define ROSTRA_LEDGER_GENESIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "ledger/state.h"
#include "primitives/chain_id.h"
#include "util/buf.h"

/* Most entries a genesis may list (each of balances and validators). */
#define LEDGER_GENESIS_MAX_BALANCES 100000
#define LEDGER_GENESIS_MAX_VALIDATORS 150
/* Largest genesis file read. */
#define LEDGER_GENESIS_MAX_BYTES ((size_t)32 << 20)

struct ledger_genesis_balance {
	struct pubkey key;
	uint64_t amount;           /* 1..MAX_MONEY */
};

struct ledger_genesis_validator {
	struct pubkey operator_key;
	struct pubkey consensus_key;
	uint8_t moniker_len;       /* 1..64 */
	uint8_t moniker[TX_MONIKER_MAX];
	uint16_t commission;       /* 0..10000 */
	uint64_t stake;            /* 1..MAX_MONEY, bonded by the operator to itself */
};

/* A parsed genesis. Balances sorted by key, validators by operator key
 * (the canonical order); hash and chain_id filled by the parser. */
struct ledger_genesis {
	char name[CHAIN_ID_NAME_MAX + 1];  /* the network name, a-z */
	uint64_t time;                     /* ms, < 2^62 */
	struct ledger_params params;
	size_t nbalances;
	struct ledger_genesis_balance *balances;
	size_t nvalidators;
	struct ledger_genesis_validator *validators;
	uint64_t total;                    /* sum of balances and stakes */
	struct hash256 hash;
	struct chain_id chain_id;
};

/* Parse and validate a genesis from JSON text[0..len):
 *   { "chain": "testnet", "genesis_time": 1700000000000,
 *     "params": { "block_reward": 200000000, "reward_era_blocks": 10000000,
 *                 "min_fee_per_byte": 10, "unbonding_ms": 86400000 },
 *     "balances": [ { "address": "tro1...", "amount": 100000000 } ],
 *     "validators": [ { "operator": "tro1...", "consensus_key": "<hex>",
 *                       "moniker": "v1", "commission": 0, "stake": 1 } ] }
 * An account may be given as "address" (bech32m under the network's HRP:
 * ro, tro, rro for main, testnet, regtest) or as "pubkey" (64 hex
 * digits); for other network names only "pubkey". Unknown fields, a
 * duplicate key, an amount of 0 or above MAX_MONEY, parameters out of
 * range, no validator, and a total above the supply cap (doc/social.md
 * §1.2) are rejected. Out: g (ledger_genesis_release), err (errcap bytes,
 * one line). Returns false on any error (g then empty). */
bool ledger_genesis_parse(struct ledger_genesis *g, char *err, size_t errcap,
			  const char *text, size_t len);
/* Read and parse the file at path. Out: g, err. */
bool ledger_genesis_load(struct ledger_genesis *g, char *err, size_t errcap, const char *path);

/* Finish a genesis built in memory (rostra-util, tests): sort, validate
 * as the parser does, compute total, hash and chain id. Out: g, err.
 * The arrays must come from malloc; g owns them afterwards. */
bool ledger_genesis_finalize(struct ledger_genesis *g, char *err, size_t errcap);

/* Write g as JSON (the format above, pubkeys as addresses for the three
 * known networks and as hex otherwise). Out: out. Returns buf_ok(out). */
bool ledger_genesis_to_json(struct buf *out, const struct ledger_genesis *g);

/* Out: out = the canonical form hashed (above). Returns buf_ok(out). */
bool ledger_genesis_encode(struct buf *out, const struct ledger_genesis *g);

/* The HRP of a network name ("ro", "tro", "rro"), or NULL. Static. */
const char *ledger_network_hrp(const char *name);

/* Free the arrays and zero g. Safe on a zeroed g. */
void ledger_genesis_release(struct ledger_genesis *g);

#endif
