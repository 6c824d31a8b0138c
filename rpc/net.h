/* The net area of the RPC interface (doc/rpc.md, "Net"): getnetworkinfo,
 * getpeerinfo, getconnectioncount, addnode, disconnectnode, setban,
 * listbanned, clearbanned, setnetworkactive.
 *
 * Every method reads or changes the P2P layer, which belongs to the main
 * loop, so all run there (RPC_RUN_MAIN). The context is borrowed and must
 * outlive the dispatcher; the node fills it once P2P is created:
 *     rpc_net_register(dispatcher, &rn);
 * A node without networking (no chain) registers it with p2p NULL: the
 * methods then answer RPC_NO_NETWORK.
 *
 * Addresses given to addnode, disconnectnode and setban are IP literals
 * ("1.2.3.4", "1.2.3.4:7370", "[::1]:7370"; setban also takes subnets
 * "1.2.3.0/24"); a missing port is the network's default.
 */
#ifndef ROSTRA_RPC_NET_H
#define ROSTRA_RPC_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/dispatch.h"

struct p2p;

/* The error of a net method on a node without networking. */
#define RPC_NO_NETWORK (-31)

/* What the methods read; owned by the node. */
struct rpc_net {
	struct p2p *p2p;          /* NULL: no networking */
	uint16_t default_port;    /* the network's P2P port */
	bool listening;           /* a listener is open */
	/* Optional: block sync's state. Returns true while catching up.
	 * Out: *best_peer the highest height a peer showed. */
	bool (*sync_status)(void *arg, uint64_t *best_peer);
	void *sync_arg;
};

#define RPC_NET_COUNT 9
extern const struct rpc_method rpc_net_methods[RPC_NET_COUNT];

/* Register the net methods under area "net" with ctx n. Returns false
 * when out of memory. */
bool rpc_net_register(struct rpc_dispatcher *d, struct rpc_net *n);

#endif
