/* libFuzzer target: the genesis file parser (ledger/genesis.h), which
 * reads a JSON file an operator got from somebody else.
 *
 * Properties: a refusal leaves an empty genesis and a message; an accepted
 * genesis is within its bounds (total within the supply cap, a chain id
 * made of its name and hash), written back as JSON it parses again to the
 * same hash and chain id, and its canonical form is stable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "ledger/genesis.h"

FUZZ_INITIALIZE_CRYPTO()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger_genesis g, g2;
	struct buf json = BUF_INIT, e1 = BUF_INIT, e2 = BUF_INIT;
	char err[256];
	uint64_t limit;

	if (!ledger_genesis_parse(&g, err, sizeof(err), (const char *)data, size)) {
		if (g.balances != NULL || g.validators != NULL || g.nbalances != 0 || err[0] == '\0')
			abort();
		return 0;
	}
	if (g.nvalidators == 0 || !ledger_genesis_limit(&limit, &g.params) || g.total > limit ||
	    strncmp(g.chain_id.s, g.name, strlen(g.name)) != 0)
		abort();
	if (!ledger_genesis_to_json(&json, &g) ||
	    !ledger_genesis_parse(&g2, err, sizeof(err), (const char *)json.data, json.len))
		abort();
	if (memcmp(g.hash.b, g2.hash.b, 32) != 0 || !chain_id_eq(&g.chain_id, &g2.chain_id))
		abort();
	if (!ledger_genesis_encode(&e1, &g) || !ledger_genesis_encode(&e2, &g2) || e1.len != e2.len ||
	    memcmp(e1.data, e2.data, e1.len) != 0)
		abort();
	ledger_genesis_release(&g2);
	ledger_genesis_release(&g);
	buf_release(&json);
	buf_release(&e1);
	buf_release(&e2);
	return 0;
}
