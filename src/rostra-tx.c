/* rostra-tx: offline keys and transactions (doc/man/rostra-tx.1).
 *
 *   rostra-tx [options] genkey              a new key: JSON seckey, pubkey, address
 *   rostra-tx [options] address             the address of -key / -keyfile
 *   rostra-tx [options] TYPE ARGS...        build and sign a transaction: hex
 *   rostra-tx [options] decode HEX          a transaction as JSON
 *
 * It never talks to a node: the chain id, nonce and fee come from options.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto/bech32m.h"
#include "crypto/crypto.h"
#include "primitives/tx.h"
#include "util/buf.h"
#include "util/hex.h"
#include "wallet/wallet.h"

struct rtx_opts {
	const char *chain;        /* network name: main, testnet, regtest */
	const char *chainid;      /* -chainid */
	const char *key;          /* -key: secret key hex */
	const char *keyfile;      /* -keyfile */
	uint64_t nonce, fee, feerate;
	const char *parent;       /* post -parent */
	const char *tags[TX_MAX_TAGS + 1];
	size_t ntags;
};

static int rtx_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int rtx_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static const char *rtx_hrp(const char *chain)
{
	if (strcmp(chain, "main") == 0)
		return "ro";
	if (strcmp(chain, "testnet") == 0)
		return "tro";
	if (strcmp(chain, "regtest") == 0)
		return "rro";
	return NULL;
}

/* A decimal u64 up to max. */
static bool rtx_u64(uint64_t *out, const char *s, uint64_t max)
{
	char *end;
	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = (uint64_t)v;
	return true;
}

static bool rtx_i64(int64_t *out, const char *s, int64_t min, int64_t max)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (s[0] == '\0' || errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = (int64_t)v;
	return true;
}

static const char *rtx_val(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* Parse the options before the command. Returns the index of the command,
 * or -1 after printing an error. */
static int rtx_options(struct rtx_opts *o, int argc, char **argv)
{
	int i;
	o->chain = "main";
	o->feerate = 10;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *a = argv[i][1] == '-' ? argv[i] + 2 : argv[i] + 1, *v;
		bool ok = true;
		if (strcmp(a, "testnet") == 0 || strcmp(a, "regtest") == 0)
			o->chain = a;
		else if ((v = rtx_val(a, "chain")))
			o->chain = v;
		else if ((v = rtx_val(a, "chainid")))
			o->chainid = v;
		else if ((v = rtx_val(a, "key")))
			o->key = v;
		else if ((v = rtx_val(a, "keyfile")))
			o->keyfile = v;
		else if ((v = rtx_val(a, "nonce")))
			ok = rtx_u64(&o->nonce, v, UINT64_MAX);
		else if ((v = rtx_val(a, "fee")))
			ok = rtx_u64(&o->fee, v, MAX_MONEY);
		else if ((v = rtx_val(a, "feerate")))
			ok = rtx_u64(&o->feerate, v, 1000000) && o->feerate > 0;
		else if ((v = rtx_val(a, "parent")))
			o->parent = v;
		else if ((v = rtx_val(a, "tag")) && o->ntags < TX_MAX_TAGS + 1)
			o->tags[o->ntags++] = v;
		else
			return rtx_fail("unknown option %s (see rostra-tx -help)", argv[i]), -1;
		if (!ok)
			return rtx_fail("invalid value in %s", argv[i]), -1;
	}
	if (rtx_hrp(o->chain) == NULL)
		return rtx_fail("unknown chain '%s' (main, testnet or regtest)", o->chain), -1;
	return i;
}

static bool rtx_seckey(struct seckey *sk, const struct rtx_opts *o)
{
	char err[300];
	if (o->key != NULL) {
		struct pubkey pk;
		if (!hex_decode_exact(sk->b, SECKEY_LEN, o->key) || !key_pubkey(&pk, sk)) {
			rtx_fail("%s", "-key is not a secret key (64 hex digits)");
			return false;
		}
		return true;
	}
	if (o->keyfile != NULL) {
		if (!wallet_read_key_file(sk, err, sizeof(err), o->keyfile)) {
			rtx_fail("%s", err);
			return false;
		}
		return true;
	}
	rtx_fail("%s", "give the key with -key=HEX or -keyfile=FILE");
	return false;
}

static void rtx_print(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (s != NULL)
		puts(s);
	free(s);
	json_decref(j);
}

static json_t *rtx_addr(const char *hrp, const struct pubkey *pk)
{
	char a[ADDRESS_MAX_LEN];
	return address_encode(a, hrp, pk) ? json_string(a) : json_null();
}

static json_t *rtx_hex(const uint8_t *p, size_t n)
{
	struct buf b = BUF_INIT;
	hex_append(&b, p, n);
	json_t *j = buf_ok(&b) ? json_stringn(n ? (const char *)b.data : "", b.len) : NULL;
	buf_release(&b);
	return j;
}

static int rtx_genkey(const struct rtx_opts *o)
{
	struct seckey sk;
	struct pubkey pk;
	if (!key_generate(&sk, &pk))
		return rtx_fail("%s", "no entropy");
	rtx_print(json_pack("{s:o, s:o, s:o}", "seckey", rtx_hex(sk.b, SECKEY_LEN),
			    "pubkey", rtx_hex(pk.b, PUBKEY_LEN), "address",
			    rtx_addr(rtx_hrp(o->chain), &pk)));
	key_wipe(&sk);
	return 0;
}

static int rtx_address(const struct rtx_opts *o)
{
	struct seckey sk;
	struct pubkey pk;
	char a[ADDRESS_MAX_LEN];
	if (!rtx_seckey(&sk, o))
		return 1;
	bool ok = key_pubkey(&pk, &sk) && address_encode(a, rtx_hrp(o->chain), &pk);
	key_wipe(&sk);
	if (!ok)
		return rtx_fail("%s", "cannot make the address");
	puts(a);
	return 0;
}

/* ------------------------------------------------------------ decode */

static json_t *rtx_bytes(const struct tx_bytes *b)
{
	return json_stringn(b->len ? (const char *)b->p : "", b->len);
}

static json_t *rtx_payload(const struct tx *tx, const char *hrp)
{
	switch (tx->type) {
	case TX_TRANSFER:
		return json_pack("{s:o, s:I, s:o}", "to", rtx_addr(hrp, &tx->u.transfer.to),
				 "amount", (json_int_t)tx->u.transfer.amount,
				 "memo", rtx_bytes(&tx->u.transfer.memo));
	case TX_POST: {
		json_t *tags = json_array();
		for (size_t i = 0; tags && i < tx->u.post.ntags; i++)
			json_array_append_new(tags, rtx_bytes(&tx->u.post.tags[i]));
		return json_pack("{s:o, s:o, s:o}", "parent",
				 tx->u.post.has_parent ? rtx_hex(tx->u.post.parent.b, 32) : json_null(),
				 "body", rtx_bytes(&tx->u.post.body), "tags", tags);
	}
	case TX_VOTE:
		return json_pack("{s:o, s:i}", "post", rtx_hex(tx->u.vote.post.b, 32),
				 "weight", (int)tx->u.vote.weight);
	case TX_ENDORSE:
		return json_pack("{s:o, s:i}", "subject", rtx_addr(hrp, &tx->u.endorse.subject),
				 "weight", (int)tx->u.endorse.weight);
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		return json_pack("{s:o}", "target", rtx_addr(hrp, &tx->u.follow.target));
	case TX_PROFILE:
		return json_pack("{s:o, s:o, s:o, s:o}", "handle", rtx_bytes(&tx->u.profile.handle),
				 "name", rtx_bytes(&tx->u.profile.name),
				 "about", rtx_bytes(&tx->u.profile.about),
				 "website", rtx_bytes(&tx->u.profile.website));
	case TX_STAKE:
	case TX_UNSTAKE:
		return json_pack("{s:o, s:I}", "validator", rtx_addr(hrp, &tx->u.stake.validator),
				 "amount", (json_int_t)tx->u.stake.amount);
	case TX_VALIDATOR:
		return json_pack("{s:o, s:o, s:i}", "consensus_key",
				 rtx_hex(tx->u.validator.consensus_key.b, 32),
				 "moniker", rtx_bytes(&tx->u.validator.moniker),
				 "commission", (int)tx->u.validator.commission);
	default:
		return json_object();
	}
}

static int rtx_decode(int argc, char **argv, int i)
{
	struct buf raw = BUF_INIT;
	struct tx tx;
	enum prim_err perr;
	if (argc != i + 2)
		return rtx_fail("%s", "usage: rostra-tx decode HEX");
	size_t hexlen = strlen(argv[i + 1]), n = 0;
	if (hexlen > 2 * TX_MAX_SIZE || !buf_reserve(&raw, hexlen / 2 + 1) ||
	    !hex_decode(raw.data, hexlen / 2 + 1, &n, argv[i + 1])) {
		buf_release(&raw);
		return rtx_fail("%s", "not a hex transaction");
	}
	if (!tx_decode(&tx, raw.data, n, &perr)) {
		buf_release(&raw);
		return rtx_fail("cannot decode: %s", prim_err_str(perr));
	}
	buf_release(&raw);
	/* The HRP from the chain id's network name. */
	char name[CHAIN_ID_MAX_LEN + 1];
	snprintf(name, sizeof(name), "%s", tx.chain_id.s);
	char *dash = strrchr(name, '-');
	if (dash)
		*dash = '\0';
	const char *hrp = rtx_hrp(name) ? rtx_hrp(name) : "ro";
	bool valid = tx_check(&tx, &perr) && tx_verify_sig(&tx);
	rtx_print(json_pack("{s:o, s:i, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:i, s:b}",
			    "txid", rtx_hex(tx.txid.b, 32), "version", (int)tx.version,
			    "chainid", tx.chain_id.s, "type", tx_type_name(tx.type),
			    "sender", rtx_addr(hrp, &tx.sender), "nonce", (json_int_t)tx.nonce,
			    "fee", (json_int_t)tx.fee, "payload", rtx_payload(&tx, hrp),
			    "sig", rtx_hex(tx.sig, SIG_LEN), "size", (int)tx.raw_len,
			    "valid", valid));
	tx_release(&tx);
	return 0;
}

/* ------------------------------------------------------------ build */

static bool rtx_account(struct pubkey *pk, const char *hrp, const char *s)
{
	return address_decode(pk, hrp, s) ||
	       (strlen(s) == 64 && hex_decode_exact(pk->b, 32, s) && key_pubkey_valid(pk));
}

static struct tx_bytes rtx_text(const char *s)
{
	struct tx_bytes b = { (const uint8_t *)s, strlen(s) };
	return b;
}

static int rtx_tag_cmp(const void *a, const void *b)
{
	const struct tx_bytes *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Fill the payload of tx from args[0..n). Returns false with a message. */
static bool rtx_fill(struct tx *tx, const struct rtx_opts *o, const char *hrp, char **args,
		     int n)
{
	static const int want[TX_TYPE_MAX + 1] = { 0, 2, 1, 2, 2, 1, 1, 4, 2, 2, 3, 0 };
	int64_t w = 0;
	uint64_t amount = 0;
	bool ok = true;
	if (n != want[tx->type] && !(tx->type == TX_TRANSFER && n == 3) &&
	    !(tx->type == TX_PROFILE && n >= 1 && n <= 4))
		return rtx_fail("wrong number of arguments for %s (see rostra-tx -help)",
				tx_type_name(tx->type)), false;
	switch (tx->type) {
	case TX_TRANSFER:
		ok = rtx_account(&tx->u.transfer.to, hrp, args[0]) &&
		     rtx_u64(&amount, args[1], MAX_MONEY);
		tx->u.transfer.amount = amount;
		if (n == 3)
			tx->u.transfer.memo = rtx_text(args[2]);
		break;
	case TX_POST:
		tx->u.post.body = rtx_text(args[0]);
		if (o->parent) {
			tx->u.post.has_parent = true;
			ok = hex_decode_exact(tx->u.post.parent.b, 32, o->parent);
		}
		if (o->ntags > TX_MAX_TAGS)
			return rtx_fail("at most %d tags", TX_MAX_TAGS), false;
		for (size_t i = 0; i < o->ntags; i++)
			tx->u.post.tags[i] = rtx_text(o->tags[i]);
		tx->u.post.ntags = o->ntags;
		qsort(tx->u.post.tags, o->ntags, sizeof(tx->u.post.tags[0]), rtx_tag_cmp);
		break;
	case TX_VOTE:
		ok = hex_decode_exact(tx->u.vote.post.b, 32, args[0]) &&
		     rtx_i64(&w, args[1], -TX_WEIGHT_MAX, TX_WEIGHT_MAX);
		tx->u.vote.weight = (int16_t)(ok ? w : 0);
		break;
	case TX_ENDORSE:
		ok = rtx_account(&tx->u.endorse.subject, hrp, args[0]) &&
		     rtx_i64(&w, args[1], 0, TX_WEIGHT_MAX);
		tx->u.endorse.weight = (uint16_t)(ok ? w : 0);
		break;
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		ok = rtx_account(&tx->u.follow.target, hrp, args[0]);
		break;
	case TX_PROFILE:
		tx->u.profile.handle = rtx_text(args[0]);
		tx->u.profile.name = rtx_text(n > 1 ? args[1] : "");
		tx->u.profile.about = rtx_text(n > 2 ? args[2] : "");
		tx->u.profile.website = rtx_text(n > 3 ? args[3] : "");
		break;
	case TX_STAKE:
	case TX_UNSTAKE:
		ok = rtx_account(&tx->u.stake.validator, hrp, args[0]) &&
		     rtx_u64(&amount, args[1], MAX_MONEY);
		tx->u.stake.amount = amount;
		break;
	case TX_VALIDATOR:
		ok = hex_decode_exact(tx->u.validator.consensus_key.b, 32, args[0]) &&
		     rtx_i64(&w, args[2], 0, TX_COMMISSION_MAX);
		tx->u.validator.moniker = rtx_text(args[1]);
		tx->u.validator.commission = (uint16_t)(ok ? w : 0);
		break;
	default:
		break;
	}
	if (!ok)
		rtx_fail("invalid argument for %s (see rostra-tx -help)", tx_type_name(tx->type));
	return ok;
}

static int rtx_build(const struct rtx_opts *o, int argc, char **argv, int i)
{
	struct tx tx;
	struct seckey sk;
	enum prim_err perr;
	uint8_t type = tx_type_from_name(argv[i]);
	const char *hrp = rtx_hrp(o->chain);
	tx_init(&tx);
	tx.type = type;
	if (type == 0)
		return rtx_fail("unknown command '%s' (see rostra-tx -help)", argv[i]);
	if (o->chainid == NULL || !chain_id_parse(&tx.chain_id, o->chainid))
		return rtx_fail("%s", "give the chain id with -chainid=NAME-xxxxxxxx "
				      "(getblockchaininfo's chainid)");
	if (!rtx_fill(&tx, o, hrp, argv + i + 1, argc - i - 1) || !rtx_seckey(&sk, o))
		return 1;
	tx.nonce = o->nonce;
	if (!key_pubkey(&tx.sender, &sk)) {
		key_wipe(&sk);
		return rtx_fail("%s", "invalid key");
	}
	bool ok = wallet_tx_sign(&tx, &perr, &sk, o->feerate, o->fee) && tx_check(&tx, &perr);
	key_wipe(&sk);
	if (!ok) {
		tx_release(&tx);
		return rtx_fail("invalid transaction: %s", prim_err_str(perr));
	}
	struct buf b = BUF_INIT;
	hex_append(&b, tx.raw, tx.raw_len);
	buf_put_u8(&b, 0);
	if (buf_ok(&b))
		puts((const char *)b.data);
	buf_release(&b);
	tx_release(&tx);
	return 0;
}

static const char rtx_usage[] =
	"Usage: rostra-tx [options] COMMAND [ARGS...]\n"
	"\n"
	"Offline keys and transactions for Rostra. Amounts are integers in base units.\n"
	"\n"
	"Commands:\n"
	"  genkey                          a new key (JSON: seckey, pubkey, address)\n"
	"  address                         the address of -key or -keyfile\n"
	"  decode HEX                      a transaction as JSON\n"
	"  transfer ADDRESS AMOUNT [MEMO]\n"
	"  post BODY                       with -parent=ID for a reply, -tag=TAG (repeat)\n"
	"  vote POSTID WEIGHT              weight -10000..10000 basis points\n"
	"  endorse ADDRESS WEIGHT          weight 0..10000\n"
	"  follow ADDRESS | unfollow ADDRESS\n"
	"  profile HANDLE [NAME [ABOUT [WEBSITE]]]   (HANDLE \"\" for none)\n"
	"  stake VALIDATOR AMOUNT | unstake VALIDATOR AMOUNT\n"
	"  validator CONSENSUSKEY MONIKER COMMISSION\n"
	"  unjail\n"
	"A transaction is printed as hex, for sendrawtransaction.\n"
	"\n"
	"Options:\n"
	"  -chain=NAME, -testnet, -regtest  the network of addresses (default main)\n"
	"  -chainid=ID     the chain id to sign for (getblockchaininfo's chainid)\n"
	"  -key=HEX        the secret key; or -keyfile=FILE, a file holding it\n"
	"  -nonce=N        the sender's next nonce (getaccount's pendingnonce; default 0)\n"
	"  -fee=N          the fee (default: feerate times the size)\n"
	"  -feerate=N      base units per byte for the default fee (default 10)\n";

int main(int argc, char **argv)
{
	struct rtx_opts o;
	memset(&o, 0, sizeof(o));
	for (int k = 1; k < argc; k++)
		if (strcmp(argv[k], "-help") == 0 || strcmp(argv[k], "-h") == 0 ||
		    strcmp(argv[k], "--help") == 0) {
			fputs(rtx_usage, stdout);
			return 0;
		}
	if (!crypto_init())
		return rtx_fail("%s", "cannot initialise the crypto library");
	int i = rtx_options(&o, argc, argv);
	if (i < 0)
		return 1;
	if (i >= argc)
		return rtx_fail("%s", "no command (see rostra-tx -help)");
	if (strcmp(argv[i], "genkey") == 0)
		return argc == i + 1 ? rtx_genkey(&o) : rtx_fail("%s", "genkey takes no argument");
	if (strcmp(argv[i], "address") == 0)
		return argc == i + 1 ? rtx_address(&o) : rtx_fail("%s", "address takes no argument");
	if (strcmp(argv[i], "decode") == 0)
		return rtx_decode(argc, argv, i);
	return rtx_build(&o, argc, argv, i);
}
