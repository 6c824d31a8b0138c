/* The hash tags of the primitives (BIP340-style tagged SHA-256, see
 * crypto/sha256.h): one tag per kind of signed message and per kind of id,
 * so that no hash of one kind can be taken for another.
 *
 * The 64-byte prefixes SHA-256(tag) || SHA-256(tag) are constant tables,
 * generated offline; a unit test checks each against hash_tag_init(). They
 * are const, so they are not mutable global state.
 */
#ifndef ROSTRA_PRIMITIVES_TAGS_H
#define ROSTRA_PRIMITIVES_TAGS_H

#include <stddef.h>

#include "crypto/sha256.h"

/* "Rostra/tx/sig": what a transaction signs. */
extern const struct hash_tag tag_tx_sig;
/* "Rostra/txid": transaction id. */
extern const struct hash_tag tag_txid;
/* "Rostra/block": block id: hash of the encoded header. */
extern const struct hash_tag tag_block;
/* "Rostra/vote": what a vote (and a commit entry) signs. */
extern const struct hash_tag tag_vote;
/* "Rostra/proposal": what a proposal signs. */
extern const struct hash_tag tag_proposal;
/* "Rostra/commit": commit hash. */
extern const struct hash_tag tag_commit;
/* "Rostra/evidence": evidence hash. */
extern const struct hash_tag tag_evidence;
/* "Rostra/merkle/leaf": Merkle leaf. */
extern const struct hash_tag tag_merkle_leaf;
/* "Rostra/merkle/node": Merkle inner node. */
extern const struct hash_tag tag_merkle_node;
/* "Rostra/merkle/empty": root of an empty Merkle tree. */
extern const struct hash_tag tag_merkle_empty;

/* Every tag with its name, for tests and documentation. */
struct tag_entry {
	const char *name;
	const struct hash_tag *tag;
};
extern const struct tag_entry tag_table[];
extern const size_t tag_table_len;

#endif
