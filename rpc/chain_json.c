/* JSON forms of chain objects for the chain and validators areas
 * (doc/rpc.md, "Chain objects"). */
#include "config.h"

#include <string.h>

#include "crypto/bech32m.h"
#include "ledger/genesis.h"
#include "rpc/chain_internal.h"
#include "util/hex.h"

void rpc_chain_name(char *out, size_t cap, const struct chain_id *id)
{
	size_t n = id->len;
	while (n > 0 && id->s[n - 1] != '-')
		n--;
	n = n > 0 ? n - 1 : 0;
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, id->s, n);
	out[n] = 0;
}

json_t *rpc_json_hex(const uint8_t *p, size_t len)
{
	struct buf b = BUF_INIT;
	json_t *j = NULL;
	if (hex_append(&b, p, len) && buf_put_u8(&b, 0))
		j = json_string((const char *)b.data);
	else if (len == 0)
		j = json_string("");
	buf_release(&b);
	return j;
}

json_t *rpc_json_hash(const struct hash256 *h)
{
	return rpc_json_hex(h->b, 32);
}

json_t *rpc_json_address(const struct chain_id *chain, const struct pubkey *pk)
{
	char name[CHAIN_ID_MAX_LEN + 1], addr[ADDRESS_MAX_LEN];
	rpc_chain_name(name, sizeof(name), chain);
	const char *hrp = ledger_network_hrp(name);
	if (hrp != NULL && address_encode(addr, hrp, pk))
		return json_string(addr);
	return rpc_json_hex(pk->b, PUBKEY_LEN);
}

static json_t *rpc_json_text(const struct tx_bytes *b)
{
	return json_stringn_nocheck((const char *)(b->p ? b->p : (const uint8_t *)""), b->len);
}

static void rpc_json_payload(json_t *o, const struct tx *tx)
{
	const struct chain_id *c = &tx->chain_id;
	switch (tx->type) {
	case TX_TRANSFER:
		json_object_set_new(o, "to", rpc_json_address(c, &tx->u.transfer.to));
		json_object_set_new(o, "amount", json_integer((json_int_t)tx->u.transfer.amount));
		json_object_set_new(o, "memo", rpc_json_text(&tx->u.transfer.memo));
		break;
	case TX_POST: {
		json_t *tags = json_array();
		for (size_t i = 0; tags && i < tx->u.post.ntags; i++)
			json_array_append_new(tags, rpc_json_text(&tx->u.post.tags[i]));
		json_object_set_new(o, "parent", tx->u.post.has_parent ?
				    rpc_json_hash(&tx->u.post.parent) : json_null());
		json_object_set_new(o, "body", rpc_json_text(&tx->u.post.body));
		json_object_set_new(o, "tags", tags);
		break;
	}
	case TX_VOTE:
		json_object_set_new(o, "post", rpc_json_hash(&tx->u.vote.post));
		json_object_set_new(o, "weight", json_integer(tx->u.vote.weight));
		break;
	case TX_ENDORSE:
		json_object_set_new(o, "subject", rpc_json_address(c, &tx->u.endorse.subject));
		json_object_set_new(o, "weight", json_integer(tx->u.endorse.weight));
		break;
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		json_object_set_new(o, "target", rpc_json_address(c, &tx->u.follow.target));
		break;
	case TX_PROFILE:
		json_object_set_new(o, "handle", rpc_json_text(&tx->u.profile.handle));
		json_object_set_new(o, "name", rpc_json_text(&tx->u.profile.name));
		json_object_set_new(o, "about", rpc_json_text(&tx->u.profile.about));
		json_object_set_new(o, "website", rpc_json_text(&tx->u.profile.website));
		break;
	case TX_STAKE:
	case TX_UNSTAKE:
		json_object_set_new(o, "validator", rpc_json_address(c, &tx->u.stake.validator));
		json_object_set_new(o, "amount", json_integer((json_int_t)tx->u.stake.amount));
		break;
	case TX_VALIDATOR:
		json_object_set_new(o, "consensuskey", rpc_json_hex(tx->u.validator.consensus_key.b,
								   PUBKEY_LEN));
		json_object_set_new(o, "moniker", rpc_json_text(&tx->u.validator.moniker));
		json_object_set_new(o, "commission", json_integer(tx->u.validator.commission));
		break;
	default:
		break;
	}
}

json_t *rpc_json_tx(const struct tx *tx, bool with_hex)
{
	const char *type = tx_type_name(tx->type);
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "txid", rpc_json_hash(&tx->txid));
	json_object_set_new(o, "version", json_integer(tx->version));
	json_object_set_new(o, "chainid", json_stringn(tx->chain_id.s, tx->chain_id.len));
	json_object_set_new(o, "type", json_string(type ? type : "unknown"));
	json_object_set_new(o, "sender", rpc_json_address(&tx->chain_id, &tx->sender));
	json_object_set_new(o, "nonce", json_integer((json_int_t)tx->nonce));
	json_object_set_new(o, "fee", json_integer((json_int_t)tx->fee));
	rpc_json_payload(o, tx);
	json_object_set_new(o, "size", json_integer((json_int_t)tx->raw_len));
	if (with_hex)
		json_object_set_new(o, "hex", rpc_json_hex(tx->raw, tx->raw_len));
	return o;
}

void rpc_json_receipt(json_t *o, const struct ledger_receipt *rc)
{
	const char *name = ledger_code_name(rc->code), *msg = ledger_code_str(rc->code);
	json_object_set_new(o, "height", json_integer((json_int_t)rc->height));
	json_object_set_new(o, "index", json_integer(rc->index));
	json_object_set_new(o, "status", json_string(rc->code == 0 ? "ok" : "failed"));
	json_object_set_new(o, "code", json_integer(rc->code));
	json_object_set_new(o, "codename", json_string(name ? name : "unknown"));
	json_object_set_new(o, "message", json_string(msg ? msg : "unknown code"));
}

json_t *rpc_json_header(const struct block_header *h, const struct hash256 *id)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "hash", rpc_json_hash(id));
	json_object_set_new(o, "height", json_integer((json_int_t)h->height));
	json_object_set_new(o, "version", json_integer(h->version));
	json_object_set_new(o, "chainid", json_stringn(h->chain_id.s, h->chain_id.len));
	json_object_set_new(o, "time", json_integer((json_int_t)h->time));
	json_object_set_new(o, "previousblockhash", rpc_json_hash(&h->prev_block));
	json_object_set_new(o, "txroot", rpc_json_hash(&h->tx_root));
	json_object_set_new(o, "stateroot", rpc_json_hash(&h->state_root));
	json_object_set_new(o, "lastcommithash", rpc_json_hash(&h->last_commit_hash));
	json_object_set_new(o, "evidenceroot", rpc_json_hash(&h->evidence_root));
	json_object_set_new(o, "validatorshash", rpc_json_hash(&h->validators_hash));
	json_object_set_new(o, "nextvalidatorshash", rpc_json_hash(&h->next_validators_hash));
	json_object_set_new(o, "proposer", rpc_json_hex(h->proposer.b, PUBKEY_LEN));
	return o;
}

bool rpc_param_hash(struct rpc_request *req, struct hash256 *out, size_t i, const char *what)
{
	const char *s = rpc_param_str(req, i, "");
	if (strlen(s) != 64 || !hex_decode_exact(out->b, 32, s)) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "%s must be 64 hex digits", what);
		return false;
	}
	return true;
}

bool rpc_param_account(struct rpc_request *req, struct pubkey *out, size_t i,
		       const struct chain_id *chain)
{
	char name[CHAIN_ID_MAX_LEN + 1];
	const char *s = rpc_param_str(req, i, "");
	rpc_chain_name(name, sizeof(name), chain);
	const char *hrp = ledger_network_hrp(name);
	if ((hrp != NULL && address_decode(out, hrp, s)) ||
	    (strlen(s) == 64 && hex_decode_exact(out->b, 32, s) && key_pubkey_valid(out)))
		return true;
	rpc_respond_error(req, RPC_NOT_FOUND, "invalid address: %.100s", s);
	return false;
}

void rpc_no_chain(struct rpc_request *req)
{
	rpc_respond_error(req, RPC_NO_CHAIN, "no chain (no genesis.json in the data directory)");
}

struct ledger_query *rpc_chain_query(struct rpc_request *req, const struct rpc_chain *c)
{
	if (c->db == NULL) {
		rpc_no_chain(req);
		return NULL;
	}
	struct ledger_query *q = rpc_request_snapshot(req);
	if (q == NULL)
		rpc_respond_error(req, RPC_INTERNAL_ERROR, "cannot read the database");
	return q;
}

void rpc_chain_fail(struct rpc_request *req, const struct ledger_error *e)
{
	rpc_respond_error(req, RPC_INTERNAL_ERROR, "database error: %s", e->msg);
}
