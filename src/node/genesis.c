/* The genesis of the node's network (doc/node.md, "Genesis"): regtest
 * makes its own at first start, with a validator key and a funded key in
 * the network directory; testnet and main read genesis.json, written by
 * rostra-util. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/node_internal.h"
#include "util/args.h"
#include "util/file.h"
#include "util/log.h"

/* Regtest's parameters and amounts (doc/social.md §13). */
#define NODE_REGTEST_FUNDED ((uint64_t)1000000000000000)   /* 10,000,000 ROS */
#define NODE_REGTEST_STAKE ((uint64_t)10000000000000)      /* 100,000 ROS */

bool node_regtest_make(struct ledger_genesis *g, char *err, size_t errcap,
		       const struct pubkey *validator, const struct pubkey *funded, uint64_t time_ms)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "regtest");
	g->time = time_ms;
	g->params.block_reward = 200000000;
	g->params.reward_era_blocks = 150;
	g->params.min_fee_per_byte = 10;
	g->params.unbonding_ms = 60000;
	g->balances = calloc(1, sizeof(*g->balances));
	g->validators = calloc(1, sizeof(*g->validators));
	if (g->balances == NULL || g->validators == NULL) {
		ledger_genesis_release(g);
		snprintf(err, errcap, "out of memory");
		return false;
	}
	g->nbalances = 1;
	g->balances[0].key = *funded;
	g->balances[0].amount = NODE_REGTEST_FUNDED;
	g->nvalidators = 1;
	g->validators[0].operator_key = *validator;
	g->validators[0].consensus_key = *validator;
	g->validators[0].moniker_len = 7;
	memcpy(g->validators[0].moniker, "regtest", 7);
	g->validators[0].stake = NODE_REGTEST_STAKE;
	return ledger_genesis_finalize(g, err, errcap);
}

/* First start of a regtest node: the two keys, then genesis.json. */
static bool node_regtest_genesis(struct node *n, char *err, size_t errcap, const char *gpath)
{
	struct seckey vsk, fsk;
	struct pubkey vpk, fpk;
	struct ledger_genesis g;
	struct buf json = BUF_INIT;
	char *vpath = node_config_path(&n->cfg, args_get_str(n->cfg.args, "validatorkey"));
	char *fpath = node_config_path(&n->cfg, NODE_FUNDED_KEY_FILE);
	bool ok = vpath != NULL && fpath != NULL;
	if (!ok)
		snprintf(err, errcap, "out of memory");
	if (ok && access(vpath, F_OK) == 0)
		ok = node_keyfile_read(&vsk, &vpk, err, errcap, vpath);
	else if (ok)
		ok = node_keyfile_generate(&vsk, &vpk, err, errcap, vpath);
	if (ok && access(fpath, F_OK) == 0)
		ok = node_keyfile_read(&fsk, &fpk, err, errcap, fpath);
	else if (ok)
		ok = node_keyfile_generate(&fsk, &fpk, err, errcap, fpath);
	key_wipe(&vsk);
	key_wipe(&fsk);
	ok = ok && node_regtest_make(&g, err, errcap, &vpk, &fpk, (uint64_t)clock_now_ms(&n->clock));
	if (ok) {
		ok = ledger_genesis_to_json(&json, &g) && buf_put(&json, "\n", 1) &&
		     file_write_atomic(err, errcap, gpath, json.data, json.len, 0644);
		ledger_genesis_release(&g);
	}
	if (ok)
		LOG_INFO(n->log, 0, "regtest: created genesis.json, %s and %s", vpath, fpath);
	buf_release(&json);
	free(vpath);
	free(fpath);
	return ok;
}

bool node_genesis_load(struct node *n, bool *found, char *err, size_t errcap)
{
	char *gpath = node_config_path(&n->cfg, NODE_GENESIS_FILE);
	bool regtest = strcmp(n->cfg.chain->name, "regtest") == 0;
	bool ok = gpath != NULL;
	*found = false;
	if (!ok)
		snprintf(err, errcap, "out of memory");
	if (ok && access(gpath, F_OK) != 0) {
		if (!regtest) {
			free(gpath);
			return true;
		}
		ok = node_regtest_genesis(n, err, errcap, gpath);
	}
	ok = ok && ledger_genesis_load(&n->genesis, err, errcap, gpath);
	if (ok && strcmp(n->genesis.name, n->cfg.chain->name) != 0) {
		snprintf(err, errcap, "%s is for the network '%s', not '%s'", gpath, n->genesis.name,
			 n->cfg.chain->name);
		ledger_genesis_release(&n->genesis);
		ok = false;
	}
	*found = ok;
	free(gpath);
	return ok;
}
