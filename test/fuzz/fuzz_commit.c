/* libFuzzer target: the commit and evidence decoders.
 *
 * Properties: an accepted input re-encodes to exactly itself; a commit is
 * the empty commit or has entries and names a block; commit_verify against
 * a set of the commit's size runs without harm and never accepts a commit
 * whose present entries do not hold more than 2/3 of the power; evidence
 * keeps its canonical order.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "primitives/commit.h"
#include "primitives/evidence.h"
#include "fuzz.h"

static struct pubkey set_keys[MAX_VALIDATORS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct seckey sk;
	(void)argc;
	(void)argv;
	if (!crypto_init())
		abort();
	memset(sk.b, 1, sizeof(sk.b));
	for (size_t i = 0; i < MAX_VALIDATORS; i++) {
		sk.b[0] = (uint8_t)(i + 1);
		if (!key_pubkey(&set_keys[i], &sk))
			abort();
	}
	return 0;
}

static void same_bytes(const struct buf *b, const uint8_t *data, size_t size)
{
	if (!buf_ok(b) || b->len != size || memcmp(b->data, data, size) != 0)
		abort();
}

static bool is_zero(const struct hash256 *h)
{
	static const struct hash256 zero;
	return memcmp(h->b, zero.b, 32) == 0;
}

static void fuzz_commit(const uint8_t *data, size_t size, const struct chain_id *chain)
{
	static struct commit c;
	uint64_t power[MAX_VALIDATORS];
	enum prim_err err;
	struct buf b = BUF_INIT;
	size_t present = 0;

	if (!commit_decode(&c, data, size, &err)) {
		if (err == PRIM_ERR_OK)
			abort();
		return;
	}
	commit_encode(&b, &c);
	same_bytes(&b, data, size);
	if (c.n == 0 ? (c.height != 0 || c.round != 0 || !is_zero(&c.block_id))
		     : (c.height == 0 || is_zero(&c.block_id)))
		abort();
	for (size_t i = 0; i < c.n; i++) {
		power[i] = 1;
		present += c.present[i];
	}
	if (commit_verify(&c, chain, set_keys, power, c.n, &err) && 3 * present <= 2 * c.n)
		abort();
	buf_release(&b);
}

static void fuzz_evidence(const uint8_t *data, size_t size, const struct chain_id *chain)
{
	struct evidence e;
	enum prim_err err;
	struct buf b = BUF_INIT;
	struct hash256 h;

	if (!evidence_decode(&e, data, size, &err)) {
		if (err == PRIM_ERR_OK)
			abort();
		return;
	}
	evidence_encode(&b, &e);
	same_bytes(&b, data, size);
	if (memcmp(e.a.block_id.b, e.b.block_id.b, 32) >= 0)
		abort();
	evidence_hash(&h, &e);
	(void)evidence_verify(&e, chain, &err);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chain_id chain;
	if (!chain_id_parse(&chain, "testnet-1a2b3c4d"))
		abort();
	fuzz_commit(data, size, &chain);
	fuzz_evidence(data, size, &chain);
	return 0;
}
