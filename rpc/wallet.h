/* The wallet area of the RPC interface (doc/rpc.md, "Wallet";
 * doc/wallet.md): getnewaddress, listaddresses, getbalance, and the actions
 * sendtoaddress, post, vote, endorse, follow, unfollow, setprofile, stake,
 * unstake. Each action builds a transaction from its arguments, takes the
 * sender's next nonce after its pending transactions (the mempool's
 * pendingnonce), pays the least fee for its size unless `fee` is given,
 * signs it with the wallet's key, submits it to the mempool as
 * sendrawtransaction does, records it for rebroadcast, and answers its txid.
 *
 * Every method touches the wallet or the mempool, so all run on the main
 * loop (RPC_RUN_MAIN). The context is borrowed and must outlive the
 * dispatcher; the node fills it once the wallet, ledger and mempool are open:
 *     rpc_wallet_register(dispatcher, &rw);
 *     rpc_wallet_rebroadcast(&rw, &n);   (at start, after the mempool loads)
 */
#ifndef ROSTRA_RPC_WALLET_H
#define ROSTRA_RPC_WALLET_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc/dispatch.h"

struct ledger;
struct mempool;
struct tx;
struct wallet;

struct rpc_wallet {
	struct wallet *wallet;
	struct ledger *ledger;
	struct mempool *mempool;
	const char *hrp;            /* address HRP of the network */
	/* Optional: called with each transaction admitted (P2P relay later). */
	void (*relay)(void *arg, const struct tx *tx);
	void *relay_arg;
};

#define RPC_WALLET_COUNT 12
extern const struct rpc_method rpc_wallet_methods[RPC_WALLET_COUNT];

/* Register the wallet methods under area "wallet" with ctx w. Returns false
 * when out of memory. */
bool rpc_wallet_register(struct rpc_dispatcher *d, struct rpc_wallet *w);

/* Submit again every transaction the wallet recorded and that is not yet in
 * a block: each goes through mempool_add; those the tip has already used
 * (nonce_too_low) or that can never be admitted are dropped from the
 * record, the others (admitted, already pending, or refused for a reason
 * that may pass later) are kept. Main loop only. Out: *readmitted, err.
 * Returns false when the record cannot be rewritten. */
bool rpc_wallet_rebroadcast(struct rpc_wallet *w, size_t *readmitted, char *err, size_t errlen);

/* For the node: open the wallet in folder dir (wallet_open, importing the
 * key file import_path when it exists), fill w with it and l, mp, hrp
 * (borrowed), and rebroadcast. Out: w, *readmitted, err. Returns false
 * (w zeroed) when the wallet cannot be opened or its record rewritten. */
bool rpc_wallet_open(struct rpc_wallet *w, size_t *readmitted, char *err, size_t errlen,
		     const char *dir, const char *import_path, struct ledger *l,
		     struct mempool *mp, const char *hrp);
/* Close the wallet of w (wallet_close) and zero w. */
void rpc_wallet_close(struct rpc_wallet *w);

#endif
