/* The genesis file: JSON in, validation, the canonical form and its hash
 * (genesis.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto/bech32m.h"
#include "ledger/genesis.h"
#include "util/buf.h"
#include "util/checked.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/utf8.h"

static bool gfail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool gfail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (cap == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return false;
}

const char *ledger_network_hrp(const char *name)
{
	if (strcmp(name, "main") == 0)
		return "ro";
	if (strcmp(name, "testnet") == 0)
		return "tro";
	if (strcmp(name, "regtest") == 0)
		return "rro";
	return NULL;
}

void ledger_genesis_release(struct ledger_genesis *g)
{
	free(g->balances);
	free(g->validators);
	memset(g, 0, sizeof(*g));
}

/* ------------------------------------------------------------ canonical form */

bool ledger_genesis_encode(struct buf *out, const struct ledger_genesis *g)
{
	buf_put_u8(out, 1);
	buf_put_bytes(out, g->name, strlen(g->name));
	buf_put_u64le(out, g->time);
	buf_put_varint(out, g->params.block_reward);
	buf_put_varint(out, g->params.reward_era_blocks);
	buf_put_varint(out, g->params.min_fee_per_byte);
	buf_put_varint(out, g->params.unbonding_ms);
	buf_put_varint(out, g->nbalances);
	for (size_t i = 0; i < g->nbalances; i++) {
		buf_put(out, g->balances[i].key.b, PUBKEY_LEN);
		buf_put_varint(out, g->balances[i].amount);
	}
	buf_put_varint(out, g->nvalidators);
	for (size_t i = 0; i < g->nvalidators; i++) {
		const struct ledger_genesis_validator *v = &g->validators[i];
		buf_put(out, v->operator_key.b, PUBKEY_LEN);
		buf_put(out, v->consensus_key.b, PUBKEY_LEN);
		buf_put_bytes(out, v->moniker, v->moniker_len);
		buf_put_varint(out, v->commission);
		buf_put_varint(out, v->stake);
	}
	return buf_ok(out);
}

static int balance_cmp(const void *a, const void *b)
{
	return memcmp(((const struct ledger_genesis_balance *)a)->key.b,
		      ((const struct ledger_genesis_balance *)b)->key.b, PUBKEY_LEN);
}

static int validator_cmp(const void *a, const void *b)
{
	return memcmp(((const struct ledger_genesis_validator *)a)->operator_key.b,
		      ((const struct ledger_genesis_validator *)b)->operator_key.b, PUBKEY_LEN);
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > CHAIN_ID_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

static bool check_validators(const struct ledger_genesis *g, char *err, size_t cap)
{
	if (g->nvalidators == 0)
		return gfail(err, cap, "genesis: at least one validator is needed");
	if (g->nvalidators > LEDGER_GENESIS_MAX_VALIDATORS)
		return gfail(err, cap, "genesis: at most %d validators", LEDGER_GENESIS_MAX_VALIDATORS);
	for (size_t i = 0; i < g->nvalidators; i++) {
		const struct ledger_genesis_validator *v = &g->validators[i];
		if (!key_pubkey_valid(&v->operator_key) || !key_pubkey_valid(&v->consensus_key))
			return gfail(err, cap, "genesis: validator %zu: not a valid public key", i);
		if (v->moniker_len < 1 || v->moniker_len > TX_MONIKER_MAX ||
		    !utf8_valid(v->moniker, v->moniker_len))
			return gfail(err, cap, "genesis: validator %zu: moniker must be 1 to 64 bytes of UTF-8", i);
		if (v->commission > TX_COMMISSION_MAX)
			return gfail(err, cap, "genesis: validator %zu: commission above 10000", i);
		if (v->stake < 1 || v->stake > MAX_MONEY)
			return gfail(err, cap, "genesis: validator %zu: stake must be 1 to 2^53 - 1", i);
		if (i > 0 && memcmp(v->operator_key.b, v[-1].operator_key.b, PUBKEY_LEN) == 0)
			return gfail(err, cap, "genesis: validator operator listed twice");
		for (size_t j = 0; j < i; j++)
			if (memcmp(v->consensus_key.b, g->validators[j].consensus_key.b, PUBKEY_LEN) == 0)
				return gfail(err, cap, "genesis: consensus key listed twice");
	}
	return true;
}

bool ledger_genesis_finalize(struct ledger_genesis *g, char *err, size_t cap)
{
	struct buf b = BUF_INIT;
	struct hash_tag tag;
	uint64_t total = 0, limit;

	if (!name_valid(g->name))
		return gfail(err, cap, "genesis: chain name must be 1 to 16 letters a-z");
	if (g->time >= LEDGER_TIME_MAX)
		return gfail(err, cap, "genesis: genesis_time must be below 2^62");
	if (!ledger_params_valid(&g->params))
		return gfail(err, cap, "genesis: a parameter is out of range (doc/social.md section 13)");
	if (g->nbalances > LEDGER_GENESIS_MAX_BALANCES)
		return gfail(err, cap, "genesis: at most %d balances", LEDGER_GENESIS_MAX_BALANCES);
	if (g->nbalances > 0)
		qsort(g->balances, g->nbalances, sizeof(*g->balances), balance_cmp);
	if (g->nvalidators > 0)
		qsort(g->validators, g->nvalidators, sizeof(*g->validators), validator_cmp);
	for (size_t i = 0; i < g->nbalances; i++) {
		const struct ledger_genesis_balance *x = &g->balances[i];
		if (!key_pubkey_valid(&x->key))
			return gfail(err, cap, "genesis: balance %zu: not a valid public key", i);
		if (x->amount < 1 || x->amount > MAX_MONEY)
			return gfail(err, cap, "genesis: balance %zu: amount must be 1 to 2^53 - 1", i);
		if (i > 0 && memcmp(x->key.b, x[-1].key.b, PUBKEY_LEN) == 0)
			return gfail(err, cap, "genesis: an account is listed twice in balances");
		if (!checked_add_u64(&total, total, x->amount))
			return gfail(err, cap, "genesis: the total is above the supply cap");
	}
	if (!check_validators(g, err, cap))
		return false;
	for (size_t i = 0; i < g->nvalidators; i++)
		if (!checked_add_u64(&total, total, g->validators[i].stake))
			return gfail(err, cap, "genesis: the total is above the supply cap");
	if (!ledger_genesis_limit(&limit, &g->params) || total > limit)
		return gfail(err, cap,
			     "genesis: balances and stakes (%" PRIu64 ") exceed the supply cap: "
			     "MAX_MONEY - 2 x block_reward x reward_era_blocks", total);
	g->total = total;
	if (!ledger_genesis_encode(&b, g))
		abort();
	hash_tag_init(&tag, "Rostra/genesis");
	tagged_hash(g->hash.b, &tag, b.data, b.len);
	buf_release(&b);
	if (!chain_id_make(&g->chain_id, g->name, &g->hash))
		return gfail(err, cap, "genesis: chain name must be 1 to 16 letters a-z");
	return true;
}

/* ------------------------------------------------------------ JSON in */

/* Fail unless every key of obj is one of the NULL-terminated names. */
static bool only_keys(json_t *obj, const char *const *names, const char *what, char *err, size_t cap)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) {
		bool known = false;
		for (size_t i = 0; names[i] != NULL; i++)
			if (strcmp(key, names[i]) == 0)
				known = true;
		if (!known)
			return gfail(err, cap, "genesis: unknown field \"%s\" in %s", key, what);
	}
	return true;
}

static bool get_uint(uint64_t *out, json_t *obj, const char *name, const char *what, char *err,
		     size_t cap)
{
	json_t *v = json_object_get(obj, name);
	*out = 0;
	if (v == NULL)
		return gfail(err, cap, "genesis: %s: missing \"%s\"", what, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return gfail(err, cap, "genesis: %s: \"%s\" must be a non-negative integer", what, name);
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static bool parse_key(struct pubkey *pk, const char *s, const char *hrp)
{
	if (strlen(s) == 2 * PUBKEY_LEN)
		return hex_decode_exact(pk->b, PUBKEY_LEN, s) && key_pubkey_valid(pk);
	return hrp != NULL && address_decode(pk, hrp, s);
}

static bool get_key(struct pubkey *pk, json_t *obj, const char *name, const char *hrp,
		    const char *what, char *err, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (v == NULL || !json_is_string(v))
		return gfail(err, cap, "genesis: %s: missing string \"%s\"", what, name);
	if (!parse_key(pk, json_string_value(v), hrp))
		return gfail(err, cap, "genesis: %s: \"%s\" is not a valid %s", what, name,
			     hrp ? "address or hex public key" : "hex public key");
	return true;
}

static bool parse_params(struct ledger_params *p, json_t *obj, char *err, size_t cap)
{
	static const char *const names[] = { "block_reward", "reward_era_blocks",
					     "min_fee_per_byte", "unbonding_ms", NULL };
	if (!json_is_object(obj))
		return gfail(err, cap, "genesis: \"params\" must be an object");
	return only_keys(obj, names, "params", err, cap) &&
	       get_uint(&p->block_reward, obj, "block_reward", "params", err, cap) &&
	       get_uint(&p->reward_era_blocks, obj, "reward_era_blocks", "params", err, cap) &&
	       get_uint(&p->min_fee_per_byte, obj, "min_fee_per_byte", "params", err, cap) &&
	       get_uint(&p->unbonding_ms, obj, "unbonding_ms", "params", err, cap);
}

static bool parse_balances(struct ledger_genesis *g, json_t *arr, const char *hrp, char *err,
			   size_t cap)
{
	static const char *const names[] = { "address", "pubkey", "amount", NULL };
	size_t n;
	if (!json_is_array(arr))
		return gfail(err, cap, "genesis: \"balances\" must be an array");
	n = json_array_size(arr);
	if (n > LEDGER_GENESIS_MAX_BALANCES)
		return gfail(err, cap, "genesis: at most %d balances", LEDGER_GENESIS_MAX_BALANCES);
	g->balances = calloc(n ? n : 1, sizeof(*g->balances));
	if (g->balances == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		bool has_addr = json_object_get(e, "address") != NULL;
		char what[32];
		snprintf(what, sizeof(what), "balance %zu", i);
		if (!json_is_object(e))
			return gfail(err, cap, "genesis: %s must be an object", what);
		if (!only_keys(e, names, what, err, cap))
			return false;
		if (has_addr == (json_object_get(e, "pubkey") != NULL))
			return gfail(err, cap, "genesis: %s: give exactly one of \"address\" and \"pubkey\"", what);
		if (!get_key(&g->balances[i].key, e, has_addr ? "address" : "pubkey",
			     has_addr ? hrp : NULL, what, err, cap) ||
		    !get_uint(&g->balances[i].amount, e, "amount", what, err, cap))
			return false;
		g->nbalances = i + 1;
	}
	return true;
}

static bool parse_validator(struct ledger_genesis_validator *v, json_t *e, const char *hrp,
			    const char *what, char *err, size_t cap)
{
	static const char *const names[] = { "operator", "consensus_key", "moniker",
					     "commission", "stake", NULL };
	json_t *m;
	uint64_t commission;
	size_t ml;
	if (!json_is_object(e))
		return gfail(err, cap, "genesis: %s must be an object", what);
	if (!only_keys(e, names, what, err, cap) ||
	    !get_key(&v->operator_key, e, "operator", hrp, what, err, cap) ||
	    !get_key(&v->consensus_key, e, "consensus_key", NULL, what, err, cap) ||
	    !get_uint(&commission, e, "commission", what, err, cap) ||
	    !get_uint(&v->stake, e, "stake", what, err, cap))
		return false;
	if (commission > TX_COMMISSION_MAX)
		return gfail(err, cap, "genesis: %s: commission above 10000", what);
	v->commission = (uint16_t)commission;
	m = json_object_get(e, "moniker");
	if (m == NULL || !json_is_string(m))
		return gfail(err, cap, "genesis: %s: missing string \"moniker\"", what);
	ml = json_string_length(m);
	if (ml < 1 || ml > TX_MONIKER_MAX)
		return gfail(err, cap, "genesis: %s: moniker must be 1 to 64 bytes", what);
	memcpy(v->moniker, json_string_value(m), ml);
	v->moniker_len = (uint8_t)ml;
	return true;
}

static bool parse_validators(struct ledger_genesis *g, json_t *arr, const char *hrp, char *err,
			     size_t cap)
{
	size_t n;
	if (!json_is_array(arr))
		return gfail(err, cap, "genesis: \"validators\" must be an array");
	n = json_array_size(arr);
	if (n > LEDGER_GENESIS_MAX_VALIDATORS)
		return gfail(err, cap, "genesis: at most %d validators", LEDGER_GENESIS_MAX_VALIDATORS);
	g->validators = calloc(n ? n : 1, sizeof(*g->validators));
	if (g->validators == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		char what[32];
		snprintf(what, sizeof(what), "validator %zu", i);
		if (!parse_validator(&g->validators[i], json_array_get(arr, i), hrp, what, err, cap))
			return false;
		g->nvalidators = i + 1;
	}
	return true;
}

static bool parse_root(struct ledger_genesis *g, json_t *root, char *err, size_t cap)
{
	static const char *const names[] = { "chain", "genesis_time", "params", "balances",
					     "validators", NULL };
	json_t *chain;
	const char *hrp;

	if (!json_is_object(root))
		return gfail(err, cap, "genesis: the file must hold one JSON object");
	if (!only_keys(root, names, "the genesis", err, cap))
		return false;
	chain = json_object_get(root, "chain");
	if (chain == NULL || !json_is_string(chain) || json_string_length(chain) > CHAIN_ID_NAME_MAX ||
	    !name_valid(json_string_value(chain)))
		return gfail(err, cap, "genesis: \"chain\" must be a name of 1 to 16 letters a-z");
	memcpy(g->name, json_string_value(chain), json_string_length(chain) + 1);
	hrp = ledger_network_hrp(g->name);
	if (!get_uint(&g->time, root, "genesis_time", "the genesis", err, cap))
		return false;
	if (json_object_get(root, "params") == NULL)
		return gfail(err, cap, "genesis: missing \"params\"");
	if (!parse_params(&g->params, json_object_get(root, "params"), err, cap))
		return false;
	if (json_object_get(root, "balances") != NULL &&
	    !parse_balances(g, json_object_get(root, "balances"), hrp, err, cap))
		return false;
	if (json_object_get(root, "validators") == NULL)
		return gfail(err, cap, "genesis: missing \"validators\"");
	return parse_validators(g, json_object_get(root, "validators"), hrp, err, cap);
}

bool ledger_genesis_parse(struct ledger_genesis *g, char *err, size_t cap, const char *text,
			  size_t len)
{
	json_error_t je;
	json_t *root;
	bool ok;

	memset(g, 0, sizeof(*g));
	if (cap > 0)
		err[0] = '\0';
	if (len > LEDGER_GENESIS_MAX_BYTES)
		return gfail(err, cap, "genesis: file larger than %zu bytes", LEDGER_GENESIS_MAX_BYTES);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return gfail(err, cap, "genesis: not valid JSON (line %d: %s)", je.line, je.text);
	ok = parse_root(g, root, err, cap) && ledger_genesis_finalize(g, err, cap);
	json_decref(root);
	if (!ok)
		ledger_genesis_release(g);
	return ok;
}

bool ledger_genesis_load(struct ledger_genesis *g, char *err, size_t cap, const char *path)
{
	struct buf b = BUF_INIT;
	char why[256];
	bool ok;

	memset(g, 0, sizeof(*g));
	if (!file_read_all(why, sizeof(why), &b, NULL, path, LEDGER_GENESIS_MAX_BYTES))
		return gfail(err, cap, "cannot read genesis file: %s", why);
	ok = ledger_genesis_parse(g, err, cap, (const char *)b.data, b.len);
	buf_release(&b);
	return ok;
}

/* ------------------------------------------------------------ JSON out */

static json_t *key_json(const struct pubkey *pk, const char *hrp)
{
	char s[ADDRESS_MAX_LEN > 65 ? ADDRESS_MAX_LEN : 65];
	if (hrp != NULL && address_encode(s, hrp, pk))
		return json_string(s);
	hex_encode(s, sizeof(s), pk->b, PUBKEY_LEN);
	return json_string(s);
}

bool ledger_genesis_to_json(struct buf *out, const struct ledger_genesis *g)
{
	const char *hrp = ledger_network_hrp(g->name);
	json_t *root = json_object(), *params = json_object();
	json_t *bal = json_array(), *vals = json_array();
	char hex[65];
	char *text;
	bool ok;

	json_object_set_new(root, "chain", json_string(g->name));
	json_object_set_new(root, "genesis_time", json_integer((json_int_t)g->time));
	json_object_set_new(params, "block_reward", json_integer((json_int_t)g->params.block_reward));
	json_object_set_new(params, "reward_era_blocks",
			    json_integer((json_int_t)g->params.reward_era_blocks));
	json_object_set_new(params, "min_fee_per_byte",
			    json_integer((json_int_t)g->params.min_fee_per_byte));
	json_object_set_new(params, "unbonding_ms", json_integer((json_int_t)g->params.unbonding_ms));
	json_object_set_new(root, "params", params);
	for (size_t i = 0; i < g->nbalances; i++) {
		json_t *e = json_object();
		json_object_set_new(e, hrp ? "address" : "pubkey", key_json(&g->balances[i].key, hrp));
		json_object_set_new(e, "amount", json_integer((json_int_t)g->balances[i].amount));
		json_array_append_new(bal, e);
	}
	json_object_set_new(root, "balances", bal);
	for (size_t i = 0; i < g->nvalidators; i++) {
		const struct ledger_genesis_validator *v = &g->validators[i];
		json_t *e = json_object();
		json_object_set_new(e, "operator", key_json(&v->operator_key, hrp));
		hex_encode(hex, sizeof(hex), v->consensus_key.b, PUBKEY_LEN);
		json_object_set_new(e, "consensus_key", json_string(hex));
		json_object_set_new(e, "moniker", json_stringn((const char *)v->moniker, v->moniker_len));
		json_object_set_new(e, "commission", json_integer(v->commission));
		json_object_set_new(e, "stake", json_integer((json_int_t)v->stake));
		json_array_append_new(vals, e);
	}
	json_object_set_new(root, "validators", vals);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		abort();
	ok = buf_puts(out, text) && buf_put(out, "\n", 1);
	free(text);
	return ok;
}
