/* The primitives test vectors (test/data/vectors.json), built by C code
 * shared by the unit test (which checks that the committed file is exactly
 * what this code produces) and by gen_vectors (which writes it).
 *
 * The document's layout is described in doc/protocol.md, section "Test
 * vectors". Everything is deterministic: fixed keys (secret key i is the 32
 * bytes 32*i+1 .. 32*i+32) and BIP340 aux = 32 zero bytes.
 */
#ifndef ROSTRA_TEST_PRIMITIVES_VECTORS_H
#define ROSTRA_TEST_PRIMITIVES_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "crypto/key.h"
#include "primitives/block.h"
#include "primitives/chain_id.h"
#include "primitives/commit.h"
#include "primitives/evidence.h"
#include "primitives/tx.h"
#include "primitives/vote.h"

/* The fixed keys: alice, bob, val1, val2, val3. */
enum vec_key { VEC_ALICE, VEC_BOB, VEC_VAL1, VEC_VAL2, VEC_VAL3, VEC_NKEYS };

#define VEC_CHAIN_ID "testnet-1a2b3c4d"

/* Out: sk, pk of fixed key k. */
void vectors_key(struct seckey *sk, struct pubkey *pk, enum vec_key k);
/* Out: c = VEC_CHAIN_ID. */
void vectors_chain_id(struct chain_id *c);
/* The aux randomness used for every vector signature (32 zero bytes). */
extern const uint8_t vectors_aux[32];

/* The whole document. Requires crypto_init(). Returns a new reference, or
 * NULL if something could not be built (a bug: a message is printed). */
json_t *vectors_build(void);
/* The text of the committed file: json_dumps with the file's flags plus a
 * final newline. Returns a malloc'd string (NULL if out of memory). */
char *vectors_dump(const json_t *doc);

/* The "fields" objects, as written in the file, of decoded structures. */
json_t *vectors_tx_fields(const struct tx *tx);
json_t *vectors_header_fields(const struct block_header *h);
json_t *vectors_block_fields(const struct block *b);
json_t *vectors_vote_fields(const struct vote *v);
json_t *vectors_proposal_fields(const struct proposal *p);
json_t *vectors_commit_fields(const struct commit *c);
json_t *vectors_evidence_fields(const struct evidence *e);

/* The hash tag of a validator set member (doc/protocol.md, "Validator set
 * hash"). No C module defines the validator set hash yet: the consensus
 * engine will, and must then give the hashes of the vectors. */
#define VEC_TAG_VALIDATOR "Rostra/validator"

/* Out: out = the validator set hash of the n members with consensus keys
 * keys[i] and voting powers power[i], in set order: the Merkle root of
 * tagged("Rostra/validator", key || u64le power) of each member. n is at
 * most MAX_VALIDATORS (aborts otherwise: a bug in the caller). */
void vectors_validators_hash(struct hash256 *out, const struct pubkey *keys,
			     const uint64_t *power, size_t n);

/* Decode hex (a vectors field) into a malloc'd buffer. Out: *len. Returns
 * NULL on malformed hex. */
uint8_t *vectors_unhex(const char *hex, size_t *len);

#endif
