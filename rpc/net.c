/* The net area: peers, manual connections, bans, the network switch. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2p/p2p.h"
#include "rpc/net.h"
#include "util/clock.h"

#define RPC_NET_MAX_PEERS 1024
#define RPC_NET_BAN_DEFAULT_S 86400
#define RPC_NET_BAN_MAX_S ((int64_t)100 * 365 * 86400)

/* The context, or NULL after answering RPC_NO_NETWORK. */
static struct p2p *rpc_net_p2p(void *ctx, struct rpc_request *req)
{
	struct rpc_net *n = ctx;
	if (n->p2p == NULL)
		rpc_respond_error(req, RPC_NO_NETWORK, "networking is not running (no chain)");
	return n->p2p;
}

static json_t *rpc_net_addr_json(const struct p2p_addr *a)
{
	char s[P2P_ADDR_STRLEN];
	p2p_addr_format(s, sizeof(s), a);
	return json_string(s);
}

static void rpc_getnetworkinfo(void *ctx, struct rpc_request *req)
{
	struct rpc_net *n = ctx;
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	struct p2p_stats st;
	uint64_t best = 0;
	if (p2p == NULL)
		return;
	bool syncing = n->sync_status != NULL && n->sync_status(n->sync_arg, &best);
	p2p_get_stats(p2p, &st);
	rpc_respond(req, json_pack("{s:s, s:i, s:I, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:b, s:I}",
				   "subversion", "/rostra:" PACKAGE_VERSION "/",
				   "protocolversion", P2P_PROTOCOL_VERSION,
				   "localservices", (json_int_t)P2P_SERVICE_NETWORK,
				   "networkactive", p2p_network_active(p2p),
				   "listening", n->listening,
				   "connections", (json_int_t)st.handshaked,
				   "connections_in", (json_int_t)st.inbound,
				   "connections_out", (json_int_t)(st.outbound + st.manual + st.seed),
				   "banned", (json_int_t)p2p_banlist_count(p2p_get_banlist(p2p)),
				   "addresses", (json_int_t)p2p_addrman_count(p2p_get_addrman(p2p)),
				   "initialsync", syncing,
				   "bestpeerheight", (json_int_t)best));
}

static json_t *rpc_net_peer_json(const struct p2p_peer_info *i)
{
	return json_pack("{s:I, s:o, s:b, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I}",
			 "id", (json_int_t)i->id, "addr", rpc_net_addr_json(&i->addr),
			 "inbound", i->kind == P2P_CONN_INBOUND,
			 "connection_type", p2p_conn_kind_name(i->kind),
			 "version", (json_int_t)i->version, "subver", i->user_agent,
			 "services", (json_int_t)i->services,
			 "startingheight", (json_int_t)i->start_height,
			 "conntime", (json_int_t)(i->connected_ms / 1000),
			 "timeoffset", (json_int_t)(i->time_offset_ms / 1000),
			 "lastsend", (json_int_t)(i->last_send_ms / 1000),
			 "lastrecv", (json_int_t)(i->last_recv_ms / 1000),
			 "pingtime_us", (json_int_t)i->ping_us,
			 "minping_us", (json_int_t)i->min_ping_us,
			 "bytessent", (json_int_t)i->bytes_sent,
			 "bytesrecv", (json_int_t)i->bytes_recv,
			 "sendqueue", (json_int_t)i->send_queued);
}

static void rpc_getpeerinfo(void *ctx, struct rpc_request *req)
{
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	struct p2p_peer_info info;
	if (p2p == NULL)
		return;
	struct p2p_peer **peers = calloc(RPC_NET_MAX_PEERS, sizeof(*peers));
	size_t np = peers ? p2p_peers(p2p, peers, RPC_NET_MAX_PEERS) : 0;
	json_t *arr = peers ? json_array() : NULL;
	for (size_t i = 0; arr && i < np && i < RPC_NET_MAX_PEERS; i++) {
		p2p_peer_info(peers[i], &info);
		if (json_array_append_new(arr, rpc_net_peer_json(&info)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	free(peers);
	rpc_respond(req, arr);
}

static void rpc_getconnectioncount(void *ctx, struct rpc_request *req)
{
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	struct p2p_stats st;
	if (p2p == NULL)
		return;
	p2p_get_stats(p2p, &st);
	rpc_respond(req, json_integer((json_int_t)st.handshaked));
}

/* Parse parameter i as an address. Returns false after answering. */
static bool rpc_net_param_addr(struct rpc_request *req, struct p2p_addr *out, size_t i,
			       uint16_t port)
{
	const char *s = rpc_param_str(req, i, "");
	if (p2p_addr_parse(out, s, port))
		return true;
	rpc_respond_error(req, RPC_INVALID_PARAMETER, "invalid address '%.64s' (an IP literal, "
			  "with an optional port)", s);
	return false;
}

static void rpc_addnode(void *ctx, struct rpc_request *req)
{
	struct rpc_net *n = ctx;
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	struct p2p_addr a;
	char err[256];
	if (p2p == NULL || !rpc_net_param_addr(req, &a, 0, n->default_port))
		return;
	const char *cmd = rpc_param_str(req, 1, "");
	if (strcmp(cmd, "add") == 0) {
		if (!p2p_addnode(p2p, &a)) {
			rpc_respond_error(req, RPC_INVALID_PARAMETER, "node already added (or 64 added)");
			return;
		}
	} else if (strcmp(cmd, "remove") == 0) {
		if (!p2p_addnode_remove(p2p, &a)) {
			rpc_respond_error(req, RPC_NOT_FOUND, "node has not been added");
			return;
		}
	} else if (strcmp(cmd, "onetry") == 0) {
		if (!p2p_connect(p2p, NULL, err, sizeof(err), &a, P2P_CONN_MANUAL)) {
			rpc_respond_error(req, RPC_INVALID_PARAMETER, "%s", err);
			return;
		}
	} else {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "command must be add, remove or onetry");
		return;
	}
	rpc_respond(req, json_null());
}

/* The connected peer at a, or NULL. */
static struct p2p_peer *rpc_net_peer_at(struct p2p *p2p, const struct p2p_addr *a)
{
	struct p2p_peer_info info;
	struct p2p_peer *found = NULL;
	struct p2p_peer **peers = calloc(RPC_NET_MAX_PEERS, sizeof(*peers));
	size_t np = peers ? p2p_peers(p2p, peers, RPC_NET_MAX_PEERS) : 0;
	for (size_t i = 0; found == NULL && i < np && i < RPC_NET_MAX_PEERS; i++) {
		p2p_peer_info(peers[i], &info);
		if (p2p_addr_eq(&info.addr, a))
			found = peers[i];
	}
	free(peers);
	return found;
}

static void rpc_disconnectnode(void *ctx, struct rpc_request *req)
{
	struct rpc_net *n = ctx;
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	struct p2p_peer *peer = NULL;
	struct p2p_addr a;
	int64_t id;
	if (p2p == NULL)
		return;
	bool by_addr = rpc_param(req, 0) != NULL && rpc_param_str(req, 0, "")[0] != '\0';
	if (by_addr == (rpc_param(req, 1) != NULL)) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "give either address or nodeid");
		return;
	}
	if (by_addr) {
		if (!rpc_net_param_addr(req, &a, 0, n->default_port))
			return;
		peer = rpc_net_peer_at(p2p, &a);
	} else {
		if (!rpc_param_int(req, &id, 1, 0, 1, INT64_MAX))
			return;
		peer = p2p_peer_find(p2p, (uint64_t)id);
	}
	if (peer == NULL) {
		rpc_respond_error(req, RPC_NOT_FOUND, "node not found in connected nodes");
		return;
	}
	p2p_peer_disconnect(p2p, peer, P2P_ERR_REQUESTED);
	rpc_respond(req, json_null());
}

/* setban's expiry from bantime and absolute. Returns false after answering. */
static bool rpc_net_ban_until(struct rpc_request *req, int64_t *until_ms)
{
	int64_t t, now = clock_now_ms(NULL);
	if (!rpc_param_int(req, &t, 2, 0, 0, RPC_NET_BAN_MAX_S + now / 1000))
		return false;
	if (rpc_param_bool(req, 3, false)) {
		if (t * 1000 <= now) {
			rpc_respond_error(req, RPC_INVALID_PARAMETER, "absolute bantime is in the past");
			return false;
		}
		*until_ms = t * 1000;
		return true;
	}
	if (t > RPC_NET_BAN_MAX_S) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "bantime is above 100 years");
		return false;
	}
	*until_ms = now + (t == 0 ? RPC_NET_BAN_DEFAULT_S : t) * 1000;
	return true;
}

static void rpc_setban(void *ctx, struct rpc_request *req)
{
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	struct p2p_subnet net;
	int64_t until;
	char err[256];
	if (p2p == NULL)
		return;
	const char *s = rpc_param_str(req, 0, "");
	const char *cmd = rpc_param_str(req, 1, "");
	if (!p2p_subnet_parse(&net, s)) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "invalid IP or subnet '%.64s'", s);
	} else if (strcmp(cmd, "add") == 0) {
		if (!rpc_net_ban_until(req, &until))
			return;
		if (!p2p_ban(p2p, err, sizeof(err), &net, until))
			rpc_respond_error(req, RPC_INVALID_PARAMETER, "%s", err);
		else
			rpc_respond(req, json_null());
	} else if (strcmp(cmd, "remove") == 0) {
		if (!p2p_unban(p2p, &net))
			rpc_respond_error(req, RPC_NOT_FOUND, "not banned: %.64s", s);
		else
			rpc_respond(req, json_null());
	} else {
		rpc_respond_error(req, RPC_INVALID_PARAMETER, "command must be add or remove");
	}
}

static void rpc_listbanned(void *ctx, struct rpc_request *req)
{
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	char s[P2P_ADDR_STRLEN];
	if (p2p == NULL)
		return;
	struct p2p_ban *bans = calloc(P2P_BANLIST_MAX, sizeof(*bans));
	size_t nb = bans ? p2p_banlist_list(p2p_get_banlist(p2p), bans, P2P_BANLIST_MAX) : 0;
	json_t *arr = bans ? json_array() : NULL;
	for (size_t i = 0; arr && i < nb && i < P2P_BANLIST_MAX; i++) {
		p2p_subnet_format(s, sizeof(s), &bans[i].subnet);
		json_t *o = json_pack("{s:s, s:I, s:I}", "address", s,
				      "ban_created", (json_int_t)(bans[i].created_ms / 1000),
				      "banned_until", (json_int_t)(bans[i].until_ms / 1000));
		if (json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	free(bans);
	rpc_respond(req, arr);
}

static void rpc_clearbanned(void *ctx, struct rpc_request *req)
{
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	if (p2p == NULL)
		return;
	p2p_clear_bans(p2p);
	rpc_respond(req, json_null());
}

static void rpc_setnetworkactive(void *ctx, struct rpc_request *req)
{
	struct p2p *p2p = rpc_net_p2p(ctx, req);
	if (p2p == NULL)
		return;
	p2p_set_network_active(p2p, rpc_param_bool(req, 0, true));
	rpc_respond(req, json_boolean(p2p_network_active(p2p)));
}

static const struct rpc_field rpc_networkinfo_fields[] = {
	{ "subversion", "string", "the user agent sent to peers" },
	{ "protocolversion", "number", "the P2P protocol version" },
	{ "localservices", "number", "the service bits offered (1: serves blocks and relays)" },
	{ "networkactive", "boolean", "false after setnetworkactive false" },
	{ "listening", "boolean", "whether inbound connections are accepted" },
	{ "connections", "number", "peers whose handshake completed" },
	{ "connections_in", "number", "inbound connections" },
	{ "connections_out", "number", "outbound connections (automatic, manual and seed)" },
	{ "banned", "number", "entries in the ban list" },
	{ "addresses", "number", "addresses in the address book" },
	{ "initialsync", "boolean", "true while a peer is ahead and blocks are being fetched" },
	{ "bestpeerheight", "number", "the highest height a peer has shown (0: none)" },
	{ NULL, NULL, NULL },
};

static const struct rpc_field rpc_peerinfo_fields[] = {
	{ "id", "number", "the peer's id (for disconnectnode)" },
	{ "addr", "string", "its address, ip:port" },
	{ "inbound", "boolean", "true when it dialled us" },
	{ "connection_type", "string", "inbound, outbound, manual or seed" },
	{ "version", "number", "its protocol version" },
	{ "subver", "string", "its user agent" },
	{ "services", "number", "its service bits" },
	{ "startingheight", "number", "its best height when it connected" },
	{ "conntime", "number", "when it connected, seconds since the epoch" },
	{ "timeoffset", "number", "its clock minus ours, seconds" },
	{ "lastsend", "number", "last send, seconds since the epoch (0: never)" },
	{ "lastrecv", "number", "last receive, seconds since the epoch (0: never)" },
	{ "pingtime_us", "number", "last ping round trip in microseconds (-1: none yet)" },
	{ "minping_us", "number", "smallest ping round trip in microseconds (-1: none yet)" },
	{ "bytessent", "number", "bytes sent to it" },
	{ "bytesrecv", "number", "bytes received from it" },
	{ "sendqueue", "number", "bytes queued to it" },
	{ NULL, NULL, NULL },
};

static const struct rpc_field rpc_banned_fields[] = {
	{ "address", "string", "the banned subnet" },
	{ "ban_created", "number", "when, seconds since the epoch" },
	{ "banned_until", "number", "until when, seconds since the epoch" },
	{ NULL, NULL, NULL },
};

const struct rpc_method rpc_net_methods[RPC_NET_COUNT] = {
	{
		.name = "getnetworkinfo", .fn = rpc_getnetworkinfo, .run = RPC_RUN_MAIN,
		.help = "Returns the state of the P2P network.",
		.result = "object", .fields = rpc_networkinfo_fields,
	},
	{
		.name = "getpeerinfo", .fn = rpc_getpeerinfo, .run = RPC_RUN_MAIN,
		.help = "Returns one object per connected peer whose handshake completed.",
		.result = "array of objects", .fields = rpc_peerinfo_fields,
	},
	{
		.name = "getconnectioncount", .fn = rpc_getconnectioncount, .run = RPC_RUN_MAIN,
		.help = "Returns the number of peers whose handshake completed.",
		.result = "integer: the number of connections",
	},
	{
		.name = "addnode", .fn = rpc_addnode, .run = RPC_RUN_MAIN,
		.help = "Adds a node to the list of manual peers (dialled now and again whenever it "
			"is down), removes it, or dials it once.",
		.params = (const struct rpc_param[]){
			{ "node", RPC_TYPE_STRING, true, "ip or ip:port (default: the network's port)" },
			{ "command", RPC_TYPE_STRING, true, "add, remove or onetry" },
			{ NULL, 0, false, NULL },
		},
		.result = "null",
	},
	{
		.name = "disconnectnode", .fn = rpc_disconnectnode, .run = RPC_RUN_MAIN,
		.help = "Disconnects a peer, given by address or by id (one of the two).",
		.params = (const struct rpc_param[]){
			{ "address", RPC_TYPE_STRING, false, "the peer's ip:port as getpeerinfo shows it" },
			{ "nodeid", RPC_TYPE_INT, false, "the peer's id from getpeerinfo" },
			{ NULL, 0, false, NULL },
		},
		.result = "null",
	},
	{
		.name = "setban", .fn = rpc_setban, .run = RPC_RUN_MAIN,
		.help = "Bans an IP or subnet (disconnecting its peers and refusing it) or lifts a ban. "
			"Bans are kept in banlist.dat across restarts.",
		.params = (const struct rpc_param[]){
			{ "subnet", RPC_TYPE_STRING, true, "an IP or a subnet such as 1.2.3.0/24" },
			{ "command", RPC_TYPE_STRING, true, "add or remove" },
			{ "bantime", RPC_TYPE_INT, false, "seconds (0 or absent: 86400), or the end as "
			  "seconds since the epoch with absolute" },
			{ "absolute", RPC_TYPE_BOOL, false, "bantime is a time, not a duration (default "
			  "false)" },
			{ NULL, 0, false, NULL },
		},
		.result = "null",
	},
	{
		.name = "listbanned", .fn = rpc_listbanned, .run = RPC_RUN_MAIN,
		.help = "Lists the bans.",
		.result = "array of objects", .fields = rpc_banned_fields,
	},
	{
		.name = "clearbanned", .fn = rpc_clearbanned, .run = RPC_RUN_MAIN,
		.help = "Lifts every ban.",
		.result = "null",
	},
	{
		.name = "setnetworkactive", .fn = rpc_setnetworkactive, .run = RPC_RUN_MAIN,
		.help = "Switches networking off (closing every connection) or on.",
		.params = (const struct rpc_param[]){
			{ "state", RPC_TYPE_BOOL, true, "true to switch on, false to switch off" },
			{ NULL, 0, false, NULL },
		},
		.result = "boolean: whether networking is on",
	},
};

bool rpc_net_register(struct rpc_dispatcher *d, struct rpc_net *n)
{
	return rpc_dispatcher_add(d, "net", rpc_net_methods, RPC_NET_COUNT, n);
}
