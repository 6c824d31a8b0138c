/* rostra-util: chain operations (doc/man/rostra-util.1, doc/testnet.md).
 *
 *   rostra-util genesis -chain=NAME -out=FILE [-time=MS] [-balance=ACCOUNT:AMOUNT]...
 *                       -validator=OPERATOR:CONSENSUSKEY:STAKE[:MONIKER[:COMMISSION]]...
 *                       [-blockreward=N] [-rewardera=N] [-minfee=N] [-unbonding=MS]
 *   rostra-util testnet -dir=DIR [-nodes=N] [-validators=N] [-baseport=PORT]
 *                       [-blockinterval=MS] [-emptyblockinterval=S]
 *
 * Exit status 0 on success, 1 on a failure (one line on stderr), 2 on a
 * usage error. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/bech32m.h"
#include "crypto/crypto.h"
#include "ledger/genesis.h"
#include "node/node.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/hex.h"

#define UTIL_ERR_LEN 512
#define UTIL_MAX_NODES 64
#define UTIL_PATH_MAX 4096

enum { UTIL_OK = 0, UTIL_FAIL = 1, UTIL_USAGE = 2 };

static const char util_usage[] =
	"Usage:\n"
	"  rostra-util genesis -chain=NAME -out=FILE -validator=OPERATOR:CONSENSUSKEY:STAKE[:MONIKER[:COMMISSION]]...\n"
	"                      [-balance=ACCOUNT:AMOUNT]... [-time=MS] [-blockreward=N] [-rewardera=N]\n"
	"                      [-minfee=N] [-unbonding=MS]\n"
	"  rostra-util testnet -dir=DIR [-nodes=N] [-validators=N] [-baseport=PORT] [-blockinterval=MS]\n"
	"                      [-emptyblockinterval=S]\n"
	"  rostra-util -help | -version\n"
	"ACCOUNT and OPERATOR are addresses of the chain's network or 64 hex digits (a public key);\n"
	"CONSENSUSKEY is 64 hex digits; amounts are integers in base units. See rostra-util(1).\n";

/* The value of "-name=value" in arg, or NULL when arg is another option. */
static const char *util_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (arg[0] != '-' || strncmp(arg + 1, name, n) != 0 || arg[1 + n] != '=')
		return NULL;
	return arg + 2 + n;
}

static bool util_u64(uint64_t *out, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	if (s == NULL || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != 0 || v < min || v > max)
		return false;
	*out = (uint64_t)v;
	return true;
}

/* An account: an address under hrp (if any) or 64 hex digits. */
static bool util_account(struct pubkey *pk, const char *s, size_t len, const char *hrp)
{
	char tmp[ADDRESS_MAX_LEN + 1];
	if (len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (hrp != NULL && address_decode(pk, hrp, tmp))
		return true;
	return len == 64 && hex_decode_exact(pk->b, 32, tmp) && key_pubkey_valid(pk);
}

/* ------------------------------------------------------------ genesis */

static bool util_add_balance(struct ledger_genesis *g, char *err, size_t errcap, const char *v,
			     const char *hrp)
{
	const char *colon = strrchr(v, ':');
	struct ledger_genesis_balance *b = &g->balances[g->nbalances];
	if (colon == NULL || !util_account(&b->key, v, (size_t)(colon - v), hrp) ||
	    !util_u64(&b->amount, colon + 1, 1, UINT64_MAX)) {
		snprintf(err, errcap, "invalid -balance=%.100s (expected ACCOUNT:AMOUNT)", v);
		return false;
	}
	g->nbalances++;
	return true;
}

static bool util_add_validator(struct ledger_genesis *g, char *err, size_t errcap, const char *v,
			       const char *hrp)
{
	char copy[512], *field[5] = { NULL }, *save = NULL;
	struct ledger_genesis_validator *val = &g->validators[g->nvalidators];
	uint64_t commission = 0;
	size_t n = 0;
	snprintf(copy, sizeof(copy), "%s", v);
	for (char *t = strtok_r(copy, ":", &save); t != NULL && n < 5; t = strtok_r(NULL, ":", &save))
		field[n++] = t;
	const char *moniker = n >= 4 ? field[3] : "validator";
	bool ok = n >= 3 && strlen(v) < sizeof(copy) &&
		  util_account(&val->operator_key, field[0], strlen(field[0]), hrp) &&
		  strlen(field[1]) == 64 && hex_decode_exact(val->consensus_key.b, 32, field[1]) &&
		  key_pubkey_valid(&val->consensus_key) && util_u64(&val->stake, field[2], 1, UINT64_MAX) &&
		  (n < 5 || util_u64(&commission, field[4], 0, 10000)) && strlen(moniker) >= 1 &&
		  strlen(moniker) <= TX_MONIKER_MAX;
	if (!ok) {
		snprintf(err, errcap, "invalid -validator=%.100s (expected OPERATOR:CONSENSUSKEY:STAKE"
			 "[:MONIKER[:COMMISSION]])", v);
		return false;
	}
	val->moniker_len = (uint8_t)strlen(moniker);
	memcpy(val->moniker, moniker, val->moniker_len);
	val->commission = (uint16_t)commission;
	g->nvalidators++;
	return true;
}

/* The parameters of a network (doc/social.md §13). */
static void util_default_params(struct ledger_params *p, const char *chain)
{
	p->block_reward = 200000000;
	p->reward_era_blocks = strcmp(chain, "regtest") == 0 ? 150 : 10000000;
	p->min_fee_per_byte = 10;
	p->unbonding_ms = strcmp(chain, "main") == 0 ? UINT64_C(1814400000)
		       : strcmp(chain, "testnet") == 0 ? 86400000 : 60000;
}

static bool util_write_genesis(char *err, size_t errcap, const char *path,
			       struct ledger_genesis *g)
{
	struct buf json = BUF_INIT;
	bool ok = ledger_genesis_finalize(g, err, errcap);
	if (ok && !(ledger_genesis_to_json(&json, g) && buf_put(&json, "\n", 1))) {
		snprintf(err, errcap, "out of memory");
		ok = false;
	}
	if (ok) {
		FILE *f = fopen(path, "wx");
		ok = f != NULL && fwrite(json.data, 1, json.len, f) == json.len;
		if (f != NULL)
			ok = fclose(f) == 0 && ok;
		if (!ok)
			snprintf(err, errcap, "cannot write %.300s: %s", path, strerror(errno));
	}
	buf_release(&json);
	return ok;
}

/* One option of genesis. Returns UTIL_OK, or the failure. */
static int util_genesis_opt(struct ledger_genesis *g, const char **out, char *err, size_t errcap,
			    const char *a, const char *hrp)
{
	const char *v;
	uint64_t *param = NULL, lo = 1, hi = UINT64_MAX;
	if ((v = util_opt(a, "chain")))
		return UTIL_OK; /* read first, by the caller */
	if ((v = util_opt(a, "out"))) {
		*out = v;
		return UTIL_OK;
	}
	if ((v = util_opt(a, "balance")))
		return util_add_balance(g, err, errcap, v, hrp) ? UTIL_OK : UTIL_USAGE;
	if ((v = util_opt(a, "validator")))
		return util_add_validator(g, err, errcap, v, hrp) ? UTIL_OK : UTIL_USAGE;
	if ((v = util_opt(a, "time")))
		param = &g->time, lo = 0, hi = (UINT64_C(1) << 62) - 1;
	else if ((v = util_opt(a, "blockreward")))
		param = &g->params.block_reward, lo = 0;
	else if ((v = util_opt(a, "rewardera")))
		param = &g->params.reward_era_blocks;
	else if ((v = util_opt(a, "minfee")))
		param = &g->params.min_fee_per_byte;
	else if ((v = util_opt(a, "unbonding")))
		param = &g->params.unbonding_ms;
	if (param == NULL) {
		snprintf(err, errcap, "unknown option %.100s", a);
		return UTIL_USAGE;
	}
	if (!util_u64(param, v, lo, hi)) {
		snprintf(err, errcap, "invalid value in %.100s", a);
		return UTIL_USAGE;
	}
	return UTIL_OK;
}

static int util_genesis(char *err, size_t errcap, int argc, char **argv)
{
	struct ledger_genesis g;
	const char *chain = NULL, *out = NULL;
	int rc = UTIL_OK;
	memset(&g, 0, sizeof(g));
	for (int i = 0; i < argc; i++)
		if (util_opt(argv[i], "chain"))
			chain = util_opt(argv[i], "chain");
	if (chain == NULL || strlen(chain) == 0 || strlen(chain) >= sizeof(g.name)) {
		snprintf(err, errcap, "genesis needs -chain=NAME (1 to %d letters a-z)", CHAIN_ID_NAME_MAX);
		return UTIL_USAGE;
	}
	snprintf(g.name, sizeof(g.name), "%s", chain);
	util_default_params(&g.params, chain);
	g.time = (uint64_t)clock_now_ms(NULL);
	g.balances = calloc((size_t)argc + 1, sizeof(*g.balances));
	g.validators = calloc((size_t)argc + 1, sizeof(*g.validators));
	if (g.balances == NULL || g.validators == NULL) {
		snprintf(err, errcap, "out of memory");
		rc = UTIL_FAIL;
	}
	for (int i = 0; rc == UTIL_OK && i < argc; i++)
		rc = util_genesis_opt(&g, &out, err, errcap, argv[i], ledger_network_hrp(chain));
	if (rc == UTIL_OK && out == NULL) {
		snprintf(err, errcap, "genesis needs -out=FILE");
		rc = UTIL_USAGE;
	}
	if (rc == UTIL_OK && !util_write_genesis(err, errcap, out, &g))
		rc = UTIL_FAIL;
	if (rc == UTIL_OK)
		printf("wrote %s: chain id %s\n", out, g.chain_id.s);
	ledger_genesis_release(&g);
	return rc;
}

/* ------------------------------------------------------------ testnet */

struct util_testnet {
	const char *dir;
	uint64_t nodes, validators, baseport, interval, empty;
	uint16_t p2p[UTIL_MAX_NODES], rpc[UTIL_MAX_NODES];
	struct pubkey vkey[UTIL_MAX_NODES], opkey[UTIL_MAX_NODES];
};

/* A free loopback TCP port (the kernel's choice), or 0. */
static uint16_t util_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* A free port that no node before slot (k, rpc) of t was given: the kernel
 * may hand the same port out twice once the probe socket is closed. */
static uint16_t util_testnet_port(const struct util_testnet *t, uint64_t k, bool rpc)
{
	for (int tries = 0; tries < 64; tries++) {
		uint16_t port = util_free_port();
		bool used = port == 0 || (rpc && t->p2p[k] == port);
		for (uint64_t i = 0; i < k && !used; i++)
			used = t->p2p[i] == port || t->rpc[i] == port;
		if (!used)
			return port;
	}
	return 0;
}

static bool util_path(char *out, char *err, size_t errcap, const char *dir, uint64_t node,
		      const char *name)
{
	int n = snprintf(out, UTIL_PATH_MAX, "%s/node%" PRIu64 "%s%s", dir, node, name[0] ? "/" : "",
			 name);
	if (n < 0 || n >= UTIL_PATH_MAX) {
		snprintf(err, errcap, "path too long under %.100s", dir);
		return false;
	}
	return true;
}

static bool util_mkdir(char *err, size_t errcap, const char *path)
{
	if (mkdir(path, 0700) == 0)
		return true;
	snprintf(err, errcap, "cannot create %.300s: %s", path, strerror(errno));
	return false;
}

/* nodeK/ and nodeK/testnet/, the validator's keys for K < validators. */
static bool util_testnet_node(struct util_testnet *t, char *err, size_t errcap, uint64_t k)
{
	char path[UTIL_PATH_MAX];
	struct seckey sk;
	bool ok = util_path(path, err, errcap, t->dir, k, "") && util_mkdir(err, errcap, path) &&
		  util_path(path, err, errcap, t->dir, k, "testnet") && util_mkdir(err, errcap, path);
	if (ok && k < t->validators) {
		ok = util_path(path, err, errcap, t->dir, k, "testnet/validator_key") &&
		     node_keyfile_generate(&sk, &t->vkey[k], err, errcap, path) &&
		     util_path(path, err, errcap, t->dir, k, "testnet/operator_key");
		key_wipe(&sk);
		ok = ok && node_keyfile_generate(&sk, &t->opkey[k], err, errcap, path);
		key_wipe(&sk);
	}
	t->p2p[k] = t->baseport ? (uint16_t)(t->baseport + 2 * k) : util_testnet_port(t, k, false);
	t->rpc[k] = t->baseport ? (uint16_t)(t->baseport + 2 * k + 1) : util_testnet_port(t, k, true);
	if (ok && (t->p2p[k] == 0 || t->rpc[k] == 0)) {
		snprintf(err, errcap, "cannot find a free port");
		ok = false;
	}
	return ok;
}

static bool util_testnet_conf(struct util_testnet *t, char *err, size_t errcap, uint64_t k)
{
	char path[UTIL_PATH_MAX];
	if (!util_path(path, err, errcap, t->dir, k, "rostra.conf"))
		return false;
	FILE *f = fopen(path, "wx");
	if (f == NULL) {
		snprintf(err, errcap, "cannot write %.300s: %s", path, strerror(errno));
		return false;
	}
	fprintf(f, "# node%" PRIu64 " of a local testnet made by rostra-util testnet\n"
		"testnet=1\n\n[testnet]\nport=%u\nrpcport=%u\nbind=127.0.0.1\n"
		"blockinterval=%" PRIu64 "\nemptyblockinterval=%" PRIu64 "\n",
		k, (unsigned)t->p2p[k], (unsigned)t->rpc[k], t->interval, t->empty);
	for (uint64_t j = 0; j < t->nodes; j++)
		if (j != k)
			fprintf(f, "addnode=127.0.0.1:%u\n", (unsigned)t->p2p[j]);
	return fclose(f) == 0;
}

static bool util_link(char *err, size_t errcap, const char *from, const char *to)
{
	if (link(from, to) == 0)
		return true;
	snprintf(err, errcap, "cannot link %.200s to %.200s: %s", to, from, strerror(errno));
	return false;
}

/* The shared genesis: each validator with 100,000 ROS staked, the
 * faucet key with 10,000,000 ROS; copied into every node. */
static bool util_testnet_genesis(struct util_testnet *t, char *err, size_t errcap)
{
	struct ledger_genesis g;
	struct seckey sk;
	struct pubkey faucet;
	char path[UTIL_PATH_MAX], gpath[UTIL_PATH_MAX];
	memset(&g, 0, sizeof(g));
	snprintf(g.name, sizeof(g.name), "testnet");
	util_default_params(&g.params, "testnet");
	g.time = (uint64_t)clock_now_ms(NULL);
	snprintf(path, sizeof(path), "%s/faucet_key", t->dir);
	g.balances = calloc(1, sizeof(*g.balances));
	g.validators = calloc(t->validators, sizeof(*g.validators));
	bool ok = g.balances != NULL && g.validators != NULL &&
		  node_keyfile_generate(&sk, &faucet, err, errcap, path);
	key_wipe(&sk);
	if (ok) {
		g.nbalances = 1;
		g.balances[0].key = faucet;
		g.balances[0].amount = UINT64_C(1000000000000000);
	}
	for (uint64_t k = 0; ok && k < t->validators; k++) {
		struct ledger_genesis_validator *v = &g.validators[g.nvalidators++];
		v->operator_key = t->opkey[k];
		v->consensus_key = t->vkey[k];
		v->moniker_len = (uint8_t)snprintf((char *)v->moniker, TX_MONIKER_MAX, "node%" PRIu64, k);
		v->stake = UINT64_C(10000000000000);
	}
	snprintf(gpath, sizeof(gpath), "%s/genesis.json", t->dir);
	ok = ok && util_write_genesis(err, errcap, gpath, &g);
	for (uint64_t k = 0; ok && k < t->nodes; k++)
		ok = util_path(path, err, errcap, t->dir, k, "testnet/genesis.json") &&
		     util_link(err, errcap, gpath, path);
	if (ok)
		printf("chain id %s\n", g.chain_id.s);
	ledger_genesis_release(&g);
	return ok;
}

static int util_testnet_opts(struct util_testnet *t, char *err, size_t errcap, int argc,
			     char **argv)
{
	const char *v;
	for (int i = 0; i < argc; i++) {
		uint64_t *dst = NULL, lo = 1, hi = UTIL_MAX_NODES;
		const char *a = argv[i];
		if ((v = util_opt(a, "dir"))) {
			t->dir = v;
			continue;
		}
		if ((v = util_opt(a, "nodes")))
			dst = &t->nodes;
		else if ((v = util_opt(a, "validators")))
			dst = &t->validators;
		else if ((v = util_opt(a, "baseport")))
			dst = &t->baseport, lo = 1024, hi = 65535 - 2 * UTIL_MAX_NODES;
		else if ((v = util_opt(a, "blockinterval")))
			dst = &t->interval, lo = 100, hi = 3600000;
		else if ((v = util_opt(a, "emptyblockinterval")))
			dst = &t->empty, lo = 0, hi = 86400;
		if (dst == NULL) {
			snprintf(err, errcap, "unknown option %.100s", a);
			return UTIL_USAGE;
		}
		if (!util_u64(dst, v, lo, hi)) {
			snprintf(err, errcap, "invalid value in %.100s", a);
			return UTIL_USAGE;
		}
	}
	if (t->dir == NULL || t->dir[0] == 0) {
		snprintf(err, errcap, "testnet needs -dir=DIR");
		return UTIL_USAGE;
	}
	if (t->validators > t->nodes) {
		snprintf(err, errcap, "-validators=%" PRIu64 " is more than -nodes=%" PRIu64,
			 t->validators, t->nodes);
		return UTIL_USAGE;
	}
	return UTIL_OK;
}

static int util_testnet(char *err, size_t errcap, int argc, char **argv)
{
	struct util_testnet *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		snprintf(err, errcap, "out of memory");
		return UTIL_FAIL;
	}
	t->nodes = 1;
	t->validators = 1;
	t->interval = 1000;
	t->empty = 60;
	int rc = util_testnet_opts(t, err, errcap, argc, argv);
	bool ok = rc == UTIL_OK && util_mkdir(err, errcap, t->dir);
	for (uint64_t k = 0; ok && k < t->nodes; k++)
		ok = util_testnet_node(t, err, errcap, k);
	for (uint64_t k = 0; ok && k < t->nodes; k++)
		ok = util_testnet_conf(t, err, errcap, k);
	ok = ok && util_testnet_genesis(t, err, errcap);
	for (uint64_t k = 0; ok && k < t->nodes; k++)
		printf("node%" PRIu64 ": %s -datadir=%s/node%" PRIu64 "   (p2p port %u, rpc port %u%s)\n",
		       k, "rostrad", t->dir, k, (unsigned)t->p2p[k], (unsigned)t->rpc[k],
		       k < t->validators ? ", validator" : "");
	if (rc == UTIL_OK && !ok)
		rc = UTIL_FAIL;
	free(t);
	return rc;
}

int main(int argc, char **argv)
{
	char err[UTIL_ERR_LEN] = "";
	int rc;
	if (argc >= 2 && (strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0 ||
			  strcmp(argv[1], "--help") == 0)) {
		fputs(util_usage, stdout);
		return UTIL_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "-version") == 0) {
		printf("rostra-util version %s\n", PACKAGE_VERSION);
		return UTIL_OK;
	}
	if (argc < 2) {
		fputs(util_usage, stderr);
		return UTIL_USAGE;
	}
	if (!crypto_init()) {
		fprintf(stderr, "error: cannot initialise the crypto libraries\n");
		return UTIL_FAIL;
	}
	if (strcmp(argv[1], "genesis") == 0)
		rc = util_genesis(err, sizeof(err), argc - 2, argv + 2);
	else if (strcmp(argv[1], "testnet") == 0)
		rc = util_testnet(err, sizeof(err), argc - 2, argv + 2);
	else {
		snprintf(err, sizeof(err), "unknown command '%.64s' (genesis or testnet)", argv[1]);
		rc = UTIL_USAGE;
	}
	if (rc != UTIL_OK)
		fprintf(stderr, "error: %s\n", err);
	crypto_cleanup();
	return rc;
}
