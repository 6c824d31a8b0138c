/* libFuzzer target: the block and block header decoders.
 *
 * Properties: an accepted input re-encodes to exactly itself; a block's id
 * is the id of its header and of the header's own encoding; every tx of
 * the block lies inside the block's storage; block_check and the root
 * computation run without harm.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "primitives/block.h"

FUZZ_INITIALIZE_CRYPTO()

static void same_bytes(const struct buf *b, const uint8_t *data, size_t size)
{
	if (!buf_ok(b) || b->len != size || memcmp(b->data, data, size) != 0)
		abort();
}

static void fuzz_header(const uint8_t *data, size_t size)
{
	struct block_header h;
	enum prim_err err;
	struct buf b = BUF_INIT;
	if (!block_header_decode(&h, data, size, &err)) {
		if (err == PRIM_ERR_OK)
			abort();
		return;
	}
	block_header_encode(&b, &h);
	same_bytes(&b, data, size);
	buf_release(&b);
}

static void fuzz_block(const uint8_t *data, size_t size)
{
	static struct block blk; /* large: keep it off the stack */
	enum prim_err err;
	struct buf b = BUF_INIT;
	struct hash256 id;
	if (!block_decode(&blk, data, size, &err)) {
		if (err == PRIM_ERR_OK)
			abort();
		return;
	}
	block_encode(&b, &blk);
	same_bytes(&b, data, size);
	block_header_id(&id, &blk.header);
	if (memcmp(id.b, blk.id.b, 32) != 0)
		abort();
	for (size_t i = 0; i < blk.ntx; i++) {
		const struct tx *tx = &blk.txs[i];
		if (tx->owned || tx->raw < blk.raw || tx->raw + tx->raw_len > blk.raw + blk.raw_len)
			abort();
	}
	if (block_check(&blk, &err) != (err == PRIM_ERR_OK))
		abort();
	buf_release(&b);
	block_release(&blk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_header(data, size);
	fuzz_block(data, size);
	return 0;
}
