/* Wiring the mempool to the ledger: the callbacks of struct mempool_chain
 * (mempool/mempool.h) as adapters onto the ledger's mempool functions
 * (ledger/ledger.h), and the mapping of a ledger rejection to a mempool
 * one. See doc/mempool.md, "Wiring to the ledger".
 *
 * The mempool itself never includes the ledger: this file is the one place
 * where the two meet, so that the mempool's own tests run on a fake chain
 * and only a program that calls mempool_chain_from_ledger links the ledger.
 *
 * Like the ledger and the mempool, the adapters belong to the node's main
 * loop: they are not thread-safe.
 */
#ifndef ROSTRA_MEMPOOL_MEMPOOL_LEDGER_H
#define ROSTRA_MEMPOOL_MEMPOOL_LEDGER_H

#include <stdbool.h>

#include "ledger/ledger.h"
#include "mempool/mempool.h"

/* Fill every member of out for the ledger l (borrowed; it must outlive
 * every mempool created with out):
 *   ctx              l
 *   chain_id         ledger_chain_id(l)
 *   min_fee_per_byte ledger_params(l)->min_fee_per_byte (a genesis
 *                    parameter, fixed for the life of the chain)
 *   account          ledger_account_at_tip; false on a storage error
 *   check            ledger_check_tx, its rejection mapped by
 *                    mempool_reject_from_ledger
 *   verify_sig       ledger_verify_sig, so that a transaction admitted to
 *                    the mempool is in the ledger's signature cache and its
 *                    block does not verify it again
 * Out: out. */
void mempool_chain_from_ledger(struct mempool_chain *out, struct ledger *l);

/* Map the ledger rejection e (as ledger_check_tx fills it) to a mempool
 * rejection. Out: why:
 *   name        ledger_error_name(e) ("fee_exceeds_balance", "to_key", ...;
 *               the basic-check names are those of mempool_err_name for the
 *               same check)
 *   msg         e->msg (truncated to MEMPOOL_MSG_LEN), or the code's
 *               generic message when e->msg is empty
 *   code        the nearest mempool code: BAD_SIGNATURE, INVALID (another
 *               primitives rejection), WRONG_CHAIN, FEE_TOO_LOW,
 *               NONCE_TOO_LOW, NONCE_TOO_HIGH, STATE (IO, CORRUPT), CHAIN
 *               (fee_exceeds_balance and anything else); MEMPOOL_OK for
 *               LEDGER_ERR_OK. mempool_add itself reports every rejection
 *               of the check callback as MEMPOOL_ERR_CHAIN, keeping the
 *               name and punishable flag.
 *   punishable  mempool_ledger_punishable(e)
 * In: e. */
void mempool_reject_from_ledger(struct mempool_reject *why, const struct ledger_error *e);

/* True when no honest peer would relay a transaction the ledger rejected
 * with e: a primitives rejection for which prim_err_punishable holds (a
 * malformed transaction, a bad signature) and wrong_chain. False for what
 * depends on state or policy (nonces, fees, the balance, a storage error)
 * and for every other code. */
bool mempool_ledger_punishable(const struct ledger_error *e);

#endif
