/* Opening and closing the chain: the database, the ledger, the mempool
 * and the validator (doc/node.md, "The chain"). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/ledger.h"
#include "mempool/mempool_ledger.h"
#include "node/node_internal.h"
#include "store/db.h"
#include "util/args.h"
#include "util/log.h"
#include "wallet/wallet.h"

/* -dbcache (MiB) is split in half: LevelDB's block cache and the ledger's
 * hot-state cache. */
static void node_cache_split(const struct node *n, struct db_options *dbo,
			     struct ledger_options *lo)
{
	size_t total = (size_t)args_get_int(n->cfg.args, "dbcache") << 20;
	db_options_init(dbo);
	dbo->create_if_missing = true;
	dbo->cache_bytes = total / 2;
	ledger_options_init(lo);
	lo->cache_bytes = total - total / 2;
}

static bool node_open_ledger(struct node *n, char *err, size_t errcap)
{
	struct db_options dbo;
	struct ledger_options lo;
	struct ledger_error le;
	char *path = node_config_path(&n->cfg, NODE_CHAINSTATE_DIR);
	if (path == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	node_cache_split(n, &dbo, &lo);
	n->db = db_open(err, errcap, path, &dbo);
	free(path);
	if (n->db == NULL)
		return false;
	if (args_get_bool(n->cfg.args, "reindex")) {
		uint64_t height = 0;
		LOG_INFO(n->log, LOG_CAT_LEDGER, "reindex: rebuilding the state from the stored blocks");
		if (!ledger_rebuild(&le, &height, n->db, &n->genesis, &lo)) {
			snprintf(err, errcap, "reindex failed: %s", le.msg);
			return false;
		}
		LOG_INFO(n->log, LOG_CAT_LEDGER, "reindex: done at height %" PRIu64, height);
	}
	n->ledger = ledger_open(&le, n->db, &n->genesis, &lo);
	if (n->ledger == NULL) {
		snprintf(err, errcap, "cannot open the chain state: %s%s", le.msg,
			 le.code == LEDGER_ERR_REINDEX ? " (start with -reindex)" : "");
		return false;
	}
	return true;
}

static bool node_open_mempool(struct node *n, char *err, size_t errcap)
{
	struct mempool_chain chain;
	struct mempool_options mo;
	struct mempool_load_stats st;
	char lerr[NODE_ERR_LEN];
	mempool_chain_from_ledger(&chain, n->ledger);
	mempool_options_default(&mo);
	n->mempool = mempool_create(err, errcap, &mo, &chain, &n->clock);
	if (n->mempool == NULL)
		return false;
	char *path = node_config_path(&n->cfg, MEMPOOL_FILE_NAME);
	if (path == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	if (!mempool_load(n->mempool, &st, lerr, sizeof(lerr), path))
		LOG_WARNING(n->log, LOG_CAT_MEMPOOL, "%s not loaded: %s", path, lerr);
	else if (!st.missing)
		LOG_INFO(n->log, LOG_CAT_MEMPOOL, "mempool: %zu of %zu transactions loaded (%zu expired, "
			 "%zu rejected)", st.added, st.read, st.expired, st.rejected);
	free(path);
	return true;
}

/* The validator: its key file, when it exists and its key is in the set. */
static bool node_open_signer(struct node *n, char *err, size_t errcap)
{
	struct seckey sk;
	struct pubkey pk;
	char *kpath = node_config_path(&n->cfg, args_get_str(n->cfg.args, "validatorkey"));
	char *spath = node_config_path(&n->cfg, NODE_SIGNER_FILE);
	bool ok = kpath != NULL && spath != NULL;
	if (!ok)
		snprintf(err, errcap, "out of memory");
	else if (access(kpath, F_OK) != 0 && !args_is_set(n->cfg.args, "validatorkey"))
		LOG_INFO(n->log, LOG_CAT_CONSENSUS, "no validator key: running as a full node");
	else if ((ok = node_keyfile_read(&sk, &pk, err, errcap, kpath))) {
		if (cons_valset_find(&n->valset, &pk) < 0)
			LOG_INFO(n->log, LOG_CAT_CONSENSUS, "the validator key is not in the active set: "
				 "running as a full node");
		else
			ok = (n->signer = cons_signer_open(err, errcap, spath, &sk)) != NULL;
		key_wipe(&sk);
	}
	if (n->signer)
		LOG_INFO(n->log, LOG_CAT_CONSENSUS, "validating with the key in %s", kpath);
	free(kpath);
	free(spath);
	return ok;
}

/* The wallet (doc/wallet.md), unless -wallet=0; it imports regtest's
 * funded key and submits its pending transactions again. */
static bool node_open_wallet(struct node *n, char *err, size_t errcap)
{
	size_t readmitted;
	const char *hrp = ledger_network_hrp(n->cfg.chain->name);
	if (!args_get_bool(n->cfg.args, "wallet"))
		return true;
	char *dir = node_config_path(&n->cfg, WALLET_DIR_NAME);
	char *funded = node_config_path(&n->cfg, NODE_FUNDED_KEY_FILE);
	bool ok = dir != NULL && funded != NULL &&
		  rpc_wallet_open(&n->rpc_wallet, &readmitted, err, errcap, dir, funded, n->ledger,
				  n->mempool, hrp ? hrp : "ro");
	if (ok) {
		n->wallet = n->rpc_wallet.wallet;
		LOG_INFO(n->log, LOG_CAT_WALLET, "wallet: %zu keys, %zu transactions submitted again",
			 wallet_count(n->wallet), readmitted);
	} else if (dir == NULL || funded == NULL) {
		snprintf(err, errcap, "out of memory");
	}
	free(dir);
	free(funded);
	return ok;
}

bool node_chain_open(struct node *n, char *err, size_t errcap)
{
	bool found;
	struct ledger_tip tip;
	if (!node_genesis_load(n, &found, err, errcap))
		return false;
	if (!found) {
		LOG_WARNING(n->log, 0, "no %s in %s: running without a chain (rostra-util genesis or "
			 "rostra-util testnet writes one)", NODE_GENESIS_FILE, n->cfg.netdir);
		return true;
	}
	cons_valset_from_genesis(&n->valset, &n->genesis);
	if (!node_open_ledger(n, err, errcap) || !node_open_mempool(n, err, errcap) ||
	    !node_open_signer(n, err, errcap))
		return false;
	ledger_get_tip(n->ledger, &tip);
	LOG_INFO(n->log, LOG_CAT_LEDGER, "chain %s at height %" PRIu64,
		 ledger_chain_id(n->ledger)->s, tip.height);
	n->have_chain = true;
	n->rpc_chain.ledger = n->ledger;
	n->rpc_chain.mempool = n->mempool;
	n->rpc_chain.db = n->db;
	n->rpc_chain.valset = &n->valset;
	n->rpc_chain.signer = n->signer;
	return node_open_wallet(n, err, errcap);
}

void node_chain_close(struct node *n)
{
	char err[NODE_ERR_LEN];
	rpc_wallet_close(&n->rpc_wallet);
	n->wallet = NULL;
	if (n->mempool) {
		char *path = node_config_path(&n->cfg, MEMPOOL_FILE_NAME);
		if (path == NULL || !mempool_save(n->mempool, err, sizeof(err), path))
			LOG_WARNING(n->log, LOG_CAT_MEMPOOL, "mempool not saved: %s",
				 path ? err : "out of memory");
		free(path);
		mempool_destroy(n->mempool);
		n->mempool = NULL;
	}
	cons_signer_close(n->signer);
	n->signer = NULL;
	ledger_close(n->ledger);
	n->ledger = NULL;
	if (n->db)
		db_close(n->db);
	n->db = NULL;
	ledger_genesis_release(&n->genesis);
	memset(&n->rpc_chain, 0, sizeof(n->rpc_chain));
	n->have_chain = false;
}
