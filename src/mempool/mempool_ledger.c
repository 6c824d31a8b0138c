/* The mempool's chain callbacks on the real ledger (mempool_ledger.h). */
#include "config.h"

#include <stddef.h>

#include "mempool/mempool_ledger.h"

/* The mempool side of each ledger code that ledger_check_tx or
 * ledger_account_at_tip can report. Codes not listed (block and ledger
 * codes the mempool functions never produce) map to MEMPOOL_ERR_CHAIN,
 * not punishable. LEDGER_ERR_PRIM is decided by its prim_err. */
struct mempool_ledger_map {
	enum ledger_err err;
	enum mempool_err code;
	bool punishable;
};

static const struct mempool_ledger_map mempool_ledger_maps[] = {
	{ LEDGER_ERR_OK, MEMPOOL_OK, false },
	/* Signed for another chain: an honest peer checks the chain id. */
	{ LEDGER_ERR_WRONG_CHAIN, MEMPOOL_ERR_WRONG_CHAIN, true },
	/* State and policy: an honest peer may have seen another tip. */
	{ LEDGER_ERR_FEE_TOO_LOW, MEMPOOL_ERR_FEE_TOO_LOW, false },
	{ LEDGER_ERR_NONCE_TOO_LOW, MEMPOOL_ERR_NONCE_TOO_LOW, false },
	{ LEDGER_ERR_NONCE_TOO_HIGH, MEMPOOL_ERR_NONCE_TOO_HIGH, false },
	{ LEDGER_ERR_FEE_EXCEEDS_BALANCE, MEMPOOL_ERR_CHAIN, false },
	/* Our own storage failed: no fault of the peer. */
	{ LEDGER_ERR_IO, MEMPOOL_ERR_STATE, false },
	{ LEDGER_ERR_CORRUPT, MEMPOOL_ERR_STATE, false },
};

static const struct mempool_ledger_map *mempool_ledger_find(enum ledger_err err)
{
	for (size_t i = 0; i < sizeof(mempool_ledger_maps) / sizeof(mempool_ledger_maps[0]); i++)
		if (mempool_ledger_maps[i].err == err)
			return &mempool_ledger_maps[i];
	return NULL;
}

bool mempool_ledger_punishable(const struct ledger_error *e)
{
	const struct mempool_ledger_map *m;

	if (e->code == LEDGER_ERR_PRIM)
		return prim_err_punishable(e->prim);
	m = mempool_ledger_find(e->code);
	return m != NULL && m->punishable;
}

static enum mempool_err mempool_ledger_code(const struct ledger_error *e)
{
	const struct mempool_ledger_map *m;

	if (e->code == LEDGER_ERR_PRIM)
		return e->prim == PRIM_ERR_BAD_SIGNATURE ? MEMPOOL_ERR_BAD_SIGNATURE
							 : MEMPOOL_ERR_INVALID;
	m = mempool_ledger_find(e->code);
	return m != NULL ? m->code : MEMPOOL_ERR_CHAIN;
}

void mempool_reject_from_ledger(struct mempool_reject *why, const struct ledger_error *e)
{
	const char *msg = e->msg[0] != '\0' ? e->msg : ledger_err_str(e->code);

	why->code = mempool_ledger_code(e);
	why->punishable = mempool_ledger_punishable(e);
	/* The ledger's messages are at most LEDGER_MSG_MAX: cut to ours. */
	mempool_reject_set(why, ledger_error_name(e), "%.*s", MEMPOOL_MSG_LEN - 1, msg);
}

/* ------------------------------------------------------------ callbacks */

static bool mempool_ledger_account(void *ctx, uint64_t *nonce, uint64_t *balance,
				   const struct pubkey *who)
{
	struct ledger_error err;

	/* A storage error is reported to the mempool as state_unavailable;
	 * the ledger's reason would have nowhere to go. */
	return ledger_account_at_tip(ctx, nonce, balance, &err, who);
}

static bool mempool_ledger_check(void *ctx, struct mempool_reject *why, const struct tx *tx,
				 uint64_t expected_nonce, uint64_t available_balance)
{
	struct ledger_error err;

	ledger_error_clear(&err);
	if (ledger_check_tx(ctx, &err, tx, expected_nonce, available_balance))
		return true;
	mempool_reject_from_ledger(why, &err);
	return false;
}

static bool mempool_ledger_verify_sig(void *ctx, const struct tx *tx)
{
	return ledger_verify_sig(ctx, tx);
}

void mempool_chain_from_ledger(struct mempool_chain *out, struct ledger *l)
{
	out->ctx = l;
	out->chain_id = *ledger_chain_id(l);
	out->min_fee_per_byte = ledger_params(l)->min_fee_per_byte;
	out->account = mempool_ledger_account;
	out->check = mempool_ledger_check;
	out->verify_sig = mempool_ledger_verify_sig;
}
