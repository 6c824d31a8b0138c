/* Accepting a block with the commit that finalised it: the one path by
 * which a block joins the chain, for the validator that made it and for
 * every full node (doc/consensus.md, "Accepting a block"). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consensus/consensus.h"

/* c must be for (height, id) and carry more than 2/3 of set's power. */
static bool cons_check_commit(char *err, size_t errcap, const char *what,
			      const struct cons_valset *set, const struct commit *c,
			      const struct chain_id *chain, uint64_t height, const struct hash256 *id)
{
	enum prim_err pe;
	if (c->height != height || memcmp(c->block_id.b, id->b, 32) != 0) {
		snprintf(err, errcap, "%s is not for block %" PRIu64 " of this chain", what, height);
		return false;
	}
	if (!commit_verify(c, chain, set->keys, set->power, set->n, &pe)) {
		snprintf(err, errcap, "%s does not verify: %s", what, prim_err_name(pe));
		return false;
	}
	return true;
}

/* The header's fields that depend on the validator set. */
static bool cons_check_sets(char *err, size_t errcap, const struct cons_valset *set,
			    const struct block_header *h)
{
	struct hash256 sh;
	cons_valset_hash(&sh, set);
	if (memcmp(sh.b, h->validators_hash.b, 32) != 0 ||
	    memcmp(sh.b, h->next_validators_hash.b, 32) != 0) {
		snprintf(err, errcap, "the header's validator set hashes are not the active set's");
		return false;
	}
	if (cons_valset_find(set, &h->proposer) < 0) {
		snprintf(err, errcap, "the proposer is not in the active set");
		return false;
	}
	return true;
}

bool cons_accept_block(struct ledger *l, char *err, size_t errcap, const struct cons_valset *set,
		       const struct block *b, const struct commit *c)
{
	const struct chain_id *chain = ledger_chain_id(l);
	struct ledger_tip tip;
	struct hash256 id;
	struct ledger_exec *x = NULL;
	struct ledger_error le;
	ledger_get_tip(l, &tip);
	block_header_id(&id, &b->header);
	if (!cons_check_sets(err, errcap, set, &b->header))
		return false;
	if (b->header.height >= 2 &&
	    !cons_check_commit(err, errcap, "the block's last commit", set, &b->last_commit, chain,
			       b->header.height - 1, &tip.block_id))
		return false;
	if (!cons_check_commit(err, errcap, "the commit", set, c, chain, b->header.height, &id))
		return false;
	if (!ledger_execute_block(l, &x, &le, b)) {
		snprintf(err, errcap, "invalid block: %s", le.msg);
		return false;
	}
	bool ok = ledger_commit(l, &le, x, b, c);
	if (!ok)
		snprintf(err, errcap, "cannot commit the block: %s", le.msg);
	ledger_exec_destroy(x);
	return ok;
}
