/* The misbehaviour table and the mappings of other modules' rejections
 * (policy.h). */
#include "config.h"

#include <string.h>

#include "ledger/ledger.h"
#include "mempool/mempool.h"
#include "p2p/policy.h"

struct p2p_err_row {
	const char *name;
	const char *msg;
	enum p2p_verdict verdict;
	bool fatal;
};

static const struct p2p_err_row p2p_err_rows[P2P_ERR_COUNT_] = {
#define P2P_ERR_ROW(e, name, verdict, fatal, msg) { name, msg, P2P_VERDICT_##verdict, fatal },
	P2P_ERRORS(P2P_ERR_ROW)
#undef P2P_ERR_ROW
};

static const char *const p2p_verdict_names[] = { "ok", "ignore", "disconnect", "discourage" };

static bool p2p_err_in_range(enum p2p_err e)
{
	return (unsigned)e < (unsigned)P2P_ERR_COUNT_;
}

const char *p2p_err_name(enum p2p_err e)
{
	return p2p_err_in_range(e) ? p2p_err_rows[e].name : "?";
}

const char *p2p_err_str(enum p2p_err e)
{
	return p2p_err_in_range(e) ? p2p_err_rows[e].msg : "unknown error";
}

enum p2p_err p2p_err_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < P2P_ERR_COUNT_; i++)
		if (strcmp(p2p_err_rows[i].name, name) == 0)
			return (enum p2p_err)i;
	return P2P_ERR_COUNT_;
}

bool p2p_err_fatal(enum p2p_err e)
{
	return p2p_err_in_range(e) && p2p_err_rows[e].fatal;
}

const char *p2p_verdict_name(enum p2p_verdict v)
{
	if ((unsigned)v >= sizeof(p2p_verdict_names) / sizeof(p2p_verdict_names[0]))
		return "?";
	return p2p_verdict_names[v];
}

const char *p2p_reject_name(const struct p2p_reject *r)
{
	if (r->code == P2P_ERR_PRIM)
		return prim_err_name(r->prim);
	return p2p_err_name(r->code);
}

enum p2p_verdict p2p_policy_prim(enum prim_err e)
{
	if (e == PRIM_ERR_OK)
		return P2P_VERDICT_OK;
	return prim_err_punishable(e) ? P2P_VERDICT_DISCOURAGE : P2P_VERDICT_IGNORE;
}

enum p2p_verdict p2p_policy_verdict(enum p2p_err e, enum prim_err prim)
{
	if (e == P2P_ERR_PRIM)
		return p2p_policy_prim(prim);
	if (!p2p_err_in_range(e))
		return P2P_VERDICT_DISCONNECT;
	return p2p_err_rows[e].verdict;
}

enum p2p_verdict p2p_policy_mempool(const struct mempool_reject *r)
{
	if (r->code == MEMPOOL_OK)
		return P2P_VERDICT_OK;
	return r->punishable ? P2P_VERDICT_DISCOURAGE : P2P_VERDICT_IGNORE;
}

enum p2p_verdict p2p_policy_ledger(enum ledger_err code, enum prim_err prim)
{
	switch (code) {
	case LEDGER_ERR_OK:
		return P2P_VERDICT_OK;
	case LEDGER_ERR_PRIM:
		return p2p_policy_prim(prim);
	/* A transaction of a block must pass the basic checks, and a block
	 * must extend the tip with a consistent header and state root: a
	 * block that fails any of these is invalid whoever relays it. */
	case LEDGER_ERR_WRONG_CHAIN:
	case LEDGER_ERR_FEE_TOO_LOW:
	case LEDGER_ERR_NONCE_TOO_LOW:
	case LEDGER_ERR_NONCE_TOO_HIGH:
	case LEDGER_ERR_FEE_EXCEEDS_BALANCE:
	case LEDGER_ERR_TIME_RANGE:
	case LEDGER_ERR_UNKNOWN_PROPOSER:
	case LEDGER_ERR_BLOCK_CHAIN_ID:
	case LEDGER_ERR_BLOCK_PREV:
	case LEDGER_ERR_BLOCK_TIME:
	case LEDGER_ERR_STATE_ROOT:
		return P2P_VERDICT_DISCOURAGE;
	/* Not the next height: we lack its parent, or already have it.
	 * Honest peers race; the rest are our own problems. */
	case LEDGER_ERR_BLOCK_NOT_NEXT:
	case LEDGER_ERR_BLOCK_MISMATCH:
	case LEDGER_ERR_STALE:
	case LEDGER_ERR_FINISHED:
	case LEDGER_ERR_IO:
	case LEDGER_ERR_CORRUPT:
	case LEDGER_ERR_GENESIS:
	case LEDGER_ERR_GENESIS_MISMATCH:
	case LEDGER_ERR_REINDEX:
	case LEDGER_ERR_CURSOR:
	case LEDGER_ERR_COUNT_:
		break;
	}
	return P2P_VERDICT_IGNORE;
}

enum p2p_verdict p2p_policy_exempt(enum p2p_verdict v, bool fatal, bool manual)
{
	if (!manual || v != P2P_VERDICT_DISCOURAGE)
		return v;
	return fatal ? P2P_VERDICT_DISCONNECT : P2P_VERDICT_IGNORE;
}
