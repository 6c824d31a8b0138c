/* Chain ids: the network name, '-', and the first 8 hex digits of the
 * genesis hash ("testnet-1a2b3c4d"). Every transaction carries one and
 * every vote and proposal signs one, so that nothing signed for one chain
 * is accepted on another (a relaunched testnet gets a new id).
 *
 * A valid chain id matches ^[a-z]{1,16}-[0-9a-f]{8}$ (so it is 10 to 25
 * bytes). On the wire it is a length-prefixed field whose length must be
 * 10 to 26 (CHAIN_ID_MIN_LEN, CHAIN_ID_MAX_LEN: the protocol's stated
 * bound, checked before the bytes are read), then the pattern is checked.
 */
#ifndef ROSTRA_PRIMITIVES_CHAIN_ID_H
#define ROSTRA_PRIMITIVES_CHAIN_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"

#define CHAIN_ID_MIN_LEN 10
#define CHAIN_ID_MAX_LEN 26
#define CHAIN_ID_NAME_MAX 16

/* A chain id value (28 bytes). s is NUL-terminated; len excludes the NUL. */
struct chain_id {
	uint8_t len;
	char s[CHAIN_ID_MAX_LEN + 1];
};

/* Returns true if s[0..len) is a valid chain id. */
bool chain_id_valid(const uint8_t *s, size_t len);
/* Out: out = s[0..len) if valid (out zeroed otherwise). Returns validity. */
bool chain_id_set(struct chain_id *out, const uint8_t *s, size_t len);
/* Out: out = the NUL-terminated string s if valid. Returns validity. */
bool chain_id_parse(struct chain_id *out, const char *s);
/* The chain id of network name (1 to 16 of a-z) and genesis hash: name,
 * '-', hex of genesis->b[0..4). Out: out (zeroed on failure). Returns false
 * if name is not 1 to 16 lower-case letters. */
bool chain_id_make(struct chain_id *out, const char *name, const struct hash256 *genesis);
/* True if a and b are the same id. */
bool chain_id_eq(const struct chain_id *a, const struct chain_id *b);

#endif
