/* Index writes (non-consensus prefixes, doc/ledger.md "Indexes") and the
 * encodings of the ledger's own records (tx record, tip). Index entries go
 * into the same change set as the state, so they are committed in the same
 * batch; most are written blind (no read of the old value). */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

/* ------------------------------------------------------------ posts */

/* The feed head of an author: the newest LEDGER_HEAD_MAX (pos, post id)
 * pairs, newest first. */
static bool head_push(struct ledger_view *v, const struct pubkey *author,
		      const struct ledger_pos *pos, const struct hash256 *id)
{
	uint8_t nv[LEDGER_HEAD_MAX * LEDGER_HEAD_ENTRY];
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen, keep;
	bool present;

	ledger_key_pk(&k, LEDGER_P_IX_HEAD, author);
	if (!ledger_view_get(v, &present, &val, &vlen, &k))
		return false;
	if (present && (vlen % LEDGER_HEAD_ENTRY != 0 || vlen > sizeof(nv)))
		return ledger_view_corrupt(v, &k, "feed head");
	ledger_pos_put(nv, pos);
	memcpy(nv + LEDGER_POS_LEN, id->b, 32);
	keep = present ? vlen : 0;
	if (keep > sizeof(nv) - LEDGER_HEAD_ENTRY)
		keep = sizeof(nv) - LEDGER_HEAD_ENTRY;
	if (keep > 0)
		memcpy(nv + LEDGER_HEAD_ENTRY, val, keep);
	return ledger_view_put(v, &k, nv, LEDGER_HEAD_ENTRY + keep);
}

bool ledger_index_post(struct ledger_txctx *c, const struct ledger_post *p)
{
	struct ledger_key k;

	ledger_key_pos(&k, LEDGER_P_IX_AUTHOR, p->author.b, &c->pos);
	ledger_view_put_blind(c->v, &k, true, c->txid.b, 32);
	if (p->has_parent) {
		ledger_key_pos(&k, LEDGER_P_IX_REPLY, p->parent.b, &c->pos);
		ledger_view_put_blind(c->v, &k, true, c->txid.b, 32);
	}
	return head_push(c->v, &p->author, &c->pos, &c->txid);
}

/* ------------------------------------------------------------ transactions */

bool ledger_txrec_encode(struct buf *out, const struct ledger_receipt *rc, const uint8_t *raw,
			 size_t rawlen)
{
	buf_put_varint(out, rc->height);
	buf_put_varint(out, rc->index);
	buf_put_varint(out, rc->code);
	buf_put_bytes(out, raw, rawlen);
	return buf_ok(out);
}

bool ledger_txrec_decode(struct ledger_receipt *rc, const uint8_t **raw, size_t *rawlen,
			 const uint8_t *data, size_t len)
{
	struct reader r;
	uint64_t index = 0, code = 0;
	struct hash256 id = rc->txid;

	memset(rc, 0, sizeof(*rc));
	rc->txid = id;
	reader_init(&r, data, len);
	reader_get_varint(&r, &rc->height);
	reader_get_varint(&r, &index);
	reader_get_varint(&r, &code);
	reader_get_bytes(&r, raw, rawlen, TX_MAX_SIZE);
	if (!reader_done(&r) || index > UINT32_MAX || code > UINT16_MAX ||
	    ledger_code_name((unsigned)code) == NULL) {
		*raw = NULL;
		*rawlen = 0;
		return false;
	}
	rc->index = (uint32_t)index;
	rc->code = (uint16_t)code;
	return true;
}

bool ledger_index_tx(struct ledger_txctx *c, uint16_t code)
{
	struct ledger_view *v = c->v;
	struct ledger_receipt rc;
	struct ledger_key k;

	rc.txid = c->txid;
	rc.height = c->pos.height;
	rc.index = c->pos.index;
	rc.code = code;
	buf_reset(&v->tmp);
	if (!ledger_txrec_encode(&v->tmp, &rc, c->tx->raw, c->tx->raw_len))
		abort();
	ledger_key_hash(&k, LEDGER_P_TX, &c->txid);
	ledger_view_put_blind(v, &k, true, v->tmp.data, v->tmp.len);

	ledger_key_pos(&k, LEDGER_P_IX_HISTORY, c->tx->sender.b, &c->pos);
	ledger_view_put_blind(v, &k, true, c->txid.b, 32);
	for (size_t i = 0; i < c->ntouched; i++) {
		ledger_key_pos(&k, LEDGER_P_IX_HISTORY, c->touched[i].b, &c->pos);
		ledger_view_put_blind(v, &k, true, c->txid.b, 32);
	}
	return true;
}

/* ------------------------------------------------------------ reputation */

static bool entry_rep(struct ledger_view *v, int64_t *rep, bool present, const uint8_t *val,
		      size_t len, const struct ledger_key *k)
{
	struct ledger_account a;
	*rep = 0;
	if (!present)
		return true;
	if (!ledger_account_decode(&a, val, len))
		return ledger_view_corrupt(v, k, "account");
	*rep = a.reputation;
	return true;
}

bool ledger_index_reputation(struct ledger_view *v)
{
	size_t n = v->ov.nall;
	for (size_t i = 0; i < n; i++) {
		struct ledger_ov_entry *e = v->ov.all[i];
		struct ledger_key k, rk;
		struct pubkey who;
		int64_t before, after;

		if (e->klen != 1 + PUBKEY_LEN || e->key[0] != LEDGER_P_ACCOUNT ||
		    !ledger_ov_changed(e))
			continue;
		memcpy(k.b, e->key, e->klen);
		k.len = e->klen;
		if (!entry_rep(v, &before, e->ohas, e->orig, e->olen, &k) ||
		    !entry_rep(v, &after, e->chas, e->cur, e->clen, &k))
			return false;
		if (before == after)
			continue;
		memcpy(who.b, e->key + 1, PUBKEY_LEN);
		if (before != 0) {
			ledger_key_rep(&rk, before, &who);
			ledger_view_put_blind(v, &rk, false, NULL, 0);
		}
		if (after != 0) {
			ledger_key_rep(&rk, after, &who);
			ledger_view_put_blind(v, &rk, true, NULL, 0);
		}
	}
	return true;
}

/* ------------------------------------------------------------ tip */

bool ledger_tip_encode(struct buf *out, const struct ledger_tip *t)
{
	buf_put_varint(out, t->height);
	buf_put(out, t->block_id.b, 32);
	buf_put_varint(out, t->time);
	buf_put(out, t->state_root.b, 32);
	return buf_ok(out);
}

bool ledger_tip_decode(struct ledger_tip *t, const uint8_t *data, size_t len)
{
	struct reader r;
	reader_init(&r, data, len);
	reader_get_varint(&r, &t->height);
	reader_get(&r, t->block_id.b, 32);
	reader_get_varint(&r, &t->time);
	reader_get(&r, t->state_root.b, 32);
	if (!reader_done(&r)) {
		memset(t, 0, sizeof(*t));
		return false;
	}
	return true;
}
