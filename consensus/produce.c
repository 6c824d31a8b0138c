/* Block production by the single validator (doc/consensus.md, "The
 * single-validator flow"): build, execute, sign the proposal and the
 * precommit through the signer state, make the commit, and accept the
 * block through cons_accept_block as any full node would. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/consensus.h"
#include "ledger/query.h"

bool cons_tip_commit(struct ledger *l, struct commit *c, char *err, size_t errcap)
{
	struct ledger_tip tip;
	struct ledger_error le;
	struct buf raw = BUF_INIT;
	enum prim_err pe = PRIM_ERR_OK;
	bool found = false;
	ledger_get_tip(l, &tip);
	commit_init_empty(c);
	if (tip.height == 0)
		return true;
	struct ledger_query *q = ledger_query_create(ledger_db(l));
	bool ok = q != NULL && ledger_q_commit(q, &found, &raw, &le, tip.height) && found &&
		  commit_decode(c, raw.data, raw.len, &pe);
	if (!ok)
		snprintf(err, errcap, "cannot read the commit of block %" PRIu64 "%s%s", tip.height,
			 found ? "" : ": not stored", pe != PRIM_ERR_OK ? ": malformed" : "");
	ledger_query_destroy(q);
	buf_release(&raw);
	return ok;
}

/* Execute the mempool's pick at tip + 1 into b (its txs and state root).
 * Transactions the ledger rejects are left out. */
static bool cons_build_body(struct ledger *l, struct block *b, char *err, size_t errcap,
			    struct mempool *mp, const struct pubkey *proposer, uint64_t time)
{
	struct ledger_exec *x = NULL;
	struct ledger_error le;
	struct ledger_receipt rc;
	size_t n = 0;
	const struct tx **pick = calloc(BLOCK_MAX_TXS, sizeof(*pick));
	bool ok = pick != NULL &&
		  mempool_build(mp, pick, &n, BLOCK_MAX_TXS, BLOCK_MAX_SIZE - CONS_BLOCK_RESERVE) &&
		  (b->txs = calloc(n > 0 ? n : 1, sizeof(*b->txs))) != NULL;
	if (!ok)
		snprintf(err, errcap, "out of memory");
	ok = ok && ledger_exec_begin(l, &x, &le, time, proposer);
	for (size_t i = 0; ok && x != NULL && i < n; i++) {
		if (ledger_exec_apply(x, &rc, &le, pick[i])) {
			if (!tx_copy(&b->txs[b->ntx++], pick[i]))
				abort(); /* out of memory */
		} else if (le.code == LEDGER_ERR_IO || le.code == LEDGER_ERR_CORRUPT) {
			ok = false;
		}
	}
	ok = ok && ledger_exec_finish(x, &b->header.state_root, &le);
	if (!ok && x != NULL)
		snprintf(err, errcap, "cannot execute the block: %s", le.msg);
	else if (!ok && pick != NULL && b->txs != NULL)
		snprintf(err, errcap, "cannot begin the block: %s", le.msg);
	ledger_exec_destroy(x);
	free(pick);
	return ok;
}

/* Fill b's header and roots, then decode its encoding into *out (what a
 * full node receiving it would hold). */
static bool cons_seal_block(struct ledger *l, struct block *out, char *err, size_t errcap,
			    struct block *b, const struct cons_valset *set,
			    const struct pubkey *proposer, uint64_t time)
{
	struct ledger_tip tip;
	struct buf enc = BUF_INIT;
	enum prim_err pe = PRIM_ERR_OK;
	ledger_get_tip(l, &tip);
	b->header.version = BLOCK_VERSION;
	b->header.chain_id = *ledger_chain_id(l);
	b->header.height = tip.height + 1;
	b->header.time = time;
	b->header.prev_block = tip.block_id;
	cons_valset_hash(&b->header.validators_hash, set);
	b->header.next_validators_hash = b->header.validators_hash;
	b->header.proposer = *proposer;
	if (!cons_tip_commit(l, &b->last_commit, err, errcap))
		return false;
	block_compute_roots(&b->header.tx_root, &b->header.evidence_root,
			    &b->header.last_commit_hash, b);
	bool ok = block_encode(&enc, b) && block_decode(out, enc.data, enc.len, &pe);
	if (!ok)
		snprintf(err, errcap, "cannot encode the block: %s",
			 pe != PRIM_ERR_OK ? prim_err_name(pe) : "too large");
	buf_release(&enc);
	return ok;
}

/* Sign the proposal and the precommit of b, and make its commit. */
static bool cons_sign_block(struct commit *c, char *err, size_t errcap, struct cons_signer *s,
			    const struct cons_valset *set, const struct block *b,
			    const struct chain_id *chain)
{
	struct cons_sign_state last;
	struct proposal p;
	struct vote v;
	int idx = cons_valset_find(set, cons_signer_pubkey(s));
	cons_signer_last(s, &last);
	uint32_t round = last.height == b->header.height ? last.round + 1 : 0;
	memset(&p, 0, sizeof(p));
	p.height = b->header.height;
	p.round = round;
	p.pol_round = POL_ROUND_NONE;
	p.block_id = b->id;
	memset(&v, 0, sizeof(v));
	v.type = VOTE_PRECOMMIT;
	v.height = b->header.height;
	v.round = round;
	v.block_id = b->id;
	if (idx < 0) {
		snprintf(err, errcap, "this node's validator key is not in the active set");
		return false;
	}
	if (!cons_sign_proposal(s, err, errcap, &p, chain) || !cons_sign_vote(s, err, errcap, &v, chain))
		return false;
	memset(c, 0, sizeof(*c));
	c->height = v.height;
	c->round = round;
	c->block_id = b->id;
	c->n = set->n;
	c->present[idx] = true;
	memcpy(c->sigs[idx], v.sig, SIG_LEN);
	return true;
}

bool cons_produce_block(struct ledger *l, struct cons_produced *out, char *err, size_t errcap,
			struct mempool *mp, struct cons_signer *s, const struct cons_valset *set,
			uint64_t now_ms)
{
	struct ledger_tip tip;
	struct block b, bd;
	struct commit *c = calloc(1, sizeof(*c));
	const struct pubkey *pk = cons_signer_pubkey(s);
	memset(out, 0, sizeof(*out));
	if (c == NULL || cons_valset_find(set, pk) < 0) {
		snprintf(err, errcap, c == NULL ? "out of memory"
			 : "this node's validator key is not in the active set");
		free(c);
		return false;
	}
	ledger_get_tip(l, &tip);
	uint64_t time = now_ms > tip.time ? now_ms : tip.time + 1;
	block_init(&b);
	block_init(&bd);
	mempool_revalidate(mp);
	bool ok = cons_build_body(l, &b, err, errcap, mp, pk, time) &&
		  cons_seal_block(l, &bd, err, errcap, &b, set, pk, time) &&
		  cons_sign_block(c, err, errcap, s, set, &bd, ledger_chain_id(l)) &&
		  cons_accept_block(l, err, errcap, set, &bd, c);
	if (ok) {
		out->block_id = bd.id;
		out->height = bd.header.height;
		out->round = c->round;
		out->ntx = bd.ntx;
		mempool_revalidate(mp);
	}
	block_release(&b);
	block_release(&bd);
	free(c);
	return ok;
}
