/* Peers over real sockets (p2p/p2p.h): two or three struct p2p in one
 * process on 127.0.0.1, in one event loop, and raw peers where bytes must
 * be controlled. The handshake and ping, peers on another chain or network,
 * connections to ourselves, the receive-buffer cap and pausing, send
 * backpressure, the inbound limit with eviction, address gossip and its
 * limits, the outbound target, seeds, bans, the files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "p2p/p2p_internal.h" /* p2p_evict_select */
#include "test_p2p_net.h"
#include "unit.h"
#include "util/clock.h"

static struct p2p_peer *only_peer(struct tnode *n)
{
	struct p2p_peer *peers[8];
	return p2p_peers(n->p2p, peers, 8) == 1 ? peers[0] : NULL;
}

static bool pings_measured(void *ctx)
{
	struct tnode **n = ctx;
	struct p2p_peer_info a, b;
	struct p2p_peer *pa = only_peer(n[0]), *pb = only_peer(n[1]);
	if (pa == NULL || pb == NULL)
		return false;
	p2p_peer_info(pa, &a);
	p2p_peer_info(pb, &b);
	return a.ping_us >= 0 && b.ping_us >= 0;
}

static bool disconnects_seen(void *ctx)
{
	struct tnode **n = ctx;
	return n[0]->disconnects >= 1 && n[1]->disconnects >= 1;
}

static void test_handshake_ping(void)
{
	struct tnode a, b;
	struct tnode *both[2] = { &a, &b };
	struct p2p_peer_info ia, ib;
	struct p2p_msg m;
	struct p2p_inv inv[3] = { { P2P_INV_TX, { { 1 } } }, { P2P_INV_BLOCK, { { 2 } } },
				  { P2P_INV_TX, { { 3 } } } };
	struct p2p_options o;

	tn_setup();
	tn_start(&a, NULL, true);
	tn_options(&o);
	o.user_agent = "/b:2/";
	o.ping_interval_ms = 100;
	tn_start(&b, &o, true);
	a.best_height = 42;
	CHECK(tn_connect(&b, &a, P2P_CONN_OUTBOUND) == 1);
	CHECK(tn_wait_handshakes(&a, 1) && tn_wait_handshakes(&b, 1));
	if (!CHECK(only_peer(&a) != NULL && only_peer(&b) != NULL))
		goto out;
	p2p_peer_info(only_peer(&a), &ia);
	p2p_peer_info(only_peer(&b), &ib);
	CHECK(ia.kind == P2P_CONN_INBOUND && ib.kind == P2P_CONN_OUTBOUND);
	CHECK(ia.handshaked && ib.handshaked && ia.version == P2P_PROTOCOL_VERSION);
	CHECK(strcmp(ia.user_agent, "/b:2/") == 0 && strcmp(ib.user_agent, "/test:1/") == 0);
	CHECK(ib.start_height == 42 && ia.start_height == 0);
	CHECK(ib.services == P2P_SERVICE_NETWORK && p2p_addr_eq(&ib.addr, &a.addr));
	CHECK(ia.time_offset_ms > -5000 && ia.time_offset_ms < 5000);
	/* Both sides ping and get an answer. */
	CHECK(tn_run_until(pings_measured, both, 2000));
	p2p_peer_info(only_peer(&a), &ia);
	CHECK(ia.min_ping_us >= 0 && ia.bytes_recv > 0 && ia.bytes_sent > 0 && ia.msgs_recv >= 3);
	/* b told a where it listens; a knows that address now. */
	struct p2p_addrman_entry e;
	CHECK(p2p_addrman_find(p2p_get_addrman(a.p2p), &e, &b.addr));
	/* b asked a for addresses and marked a good. */
	CHECK(p2p_addrman_find(p2p_get_addrman(b.p2p), &e, &a.addr) && e.last_success_ms > 0);
	/* A message for the node. */
	p2p_msg_init(&m, P2P_CMD_INV);
	m.u.inv.n = 3;
	m.u.inv.v = inv;
	CHECK(p2p_send(b.p2p, only_peer(&b), &m));
	TN_WAIT(a.messages >= 1, 3000);
	CHECK(a.messages == 1 && a.last_cmd == P2P_CMD_INV && a.last_count == 3);
	/* An encoded payload, sent as is. */
	uint8_t pay[8] = { 0 };
	CHECK(!p2p_send_payload(b.p2p, only_peer(&b), P2P_CMD_PING, pay, 9));
	CHECK(p2p_send_payload(b.p2p, only_peer(&b), P2P_CMD_PONG, pay, 8));
	/* Disconnect on request: both sides are told. */
	p2p_peer_disconnect(a.p2p, only_peer(&a), P2P_ERR_REQUESTED);
	CHECK(tn_run_until(disconnects_seen, both, 2000));
	/* b sees the end of the stream, or a reset if data was in flight. */
	CHECK(a.last_reason == P2P_ERR_REQUESTED &&
	      (b.last_reason == P2P_ERR_CLOSED || b.last_reason == P2P_ERR_SOCKET));
	CHECK(tn_stats(&a).closed[P2P_ERR_REQUESTED] == 1 && tn_stats(&a).discouraged == 0);
	CHECK(p2p_peer_find(a.p2p, ia.id) == NULL);
out:
	tn_stop(&b);
	tn_stop(&a);
	tn_teardown();
}

/* Peers on another chain id, genesis or network magic are refused, with
 * a line in the log that says why. */
static void test_other_chains(void)
{
	static const struct {
		const char *name, *chain, *network;
		bool other_genesis;
		enum p2p_err reason;
		const char *log;
	} rows[] = {
		{ "chain id", "regtest-0a1b2c3e", "regtest", false, P2P_ERR_WRONG_CHAIN, "is on another chain" },
		{ "genesis", TN_CHAIN, "regtest", true, P2P_ERR_WRONG_CHAIN, "is on another chain" },
		{ "network magic", TN_CHAIN, "testnet", false, P2P_ERR_BAD_MAGIC, "bad_magic" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tnode a, c;
		struct p2p_options o;
		tn_setup();
		tn_start(&a, NULL, true);
		tn_options(&o);
		CHECK(chain_id_parse(&o.chain_id, rows[i].chain) && p2p_network_magic(o.magic, rows[i].network));
		if (rows[i].other_genesis)
			o.genesis.b[31] ^= 1;
		tn_start(&c, &o, false);
		tn_connect(&c, &a, P2P_CONN_OUTBOUND);
		TN_WAIT(tn_stats(&a).closed[rows[i].reason] >= 1 && tn_stats(&c).peers == 0, 3000);
		CHECK(a.handshakes == 0 && c.handshakes == 0);
		if (!CHECK(tn_stats(&a).closed[rows[i].reason] == 1 && tn_stats(&a).discouraged == 1))
			unit_note("%s", rows[i].name);
		CHECK(strstr(tn_log(&a), rows[i].log) != NULL);
		CHECK(tn_stats(&c).peers == 0);
		tn_stop(&c);
		tn_stop(&a);
		tn_teardown();
	}
}

static void test_self_connection(void)
{
	struct tnode a, b;
	tn_setup();
	tn_start(&a, NULL, true);
	tn_connect(&a, &a, P2P_CONN_OUTBOUND);
	TN_WAIT(tn_stats(&a).closed[P2P_ERR_SELF] >= 2 && tn_stats(&a).peers == 0, 3000);
	CHECK(a.handshakes == 0 && tn_stats(&a).peers == 0);
	CHECK(tn_stats(&a).closed[P2P_ERR_SELF] == 2 && tn_stats(&a).discouraged == 0);
	CHECK(strstr(tn_log(&a), "connected to ourselves") != NULL);
	/* Nobody was punished: others still connect. */
	tn_start(&b, NULL, false);
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 1));
	tn_stop(&b);
	tn_stop(&a);
	tn_teardown();
}

/* ------------------------------------------------------- flow control */

static bool messages_at_least(void *ctx)
{
	struct tnode *n = ctx;
	return n->messages >= 100;
}

static void test_recv_cap(void)
{
	struct p2p_options o;
	struct tnode a;
	struct raw r;
	struct p2p_peer_info info;
	uint8_t big[5000] = { 0 };

	tn_options(&o);
	o.recv_cap = 4096;
	tn_setup();
	tn_start(&a, &o, true);
	/* A frame that cannot fit the receive buffer closes the connection,
	 * without blame: the limit is ours. */
	CHECK(raw_handshake(&r, &a));
	raw_frame(&r, "tx", big, sizeof(big), false);
	CHECK(raw_wait_closed(&r, 2000));
	tn_run_for(30);
	CHECK(tn_stats(&a).closed[P2P_ERR_RECV_BUFFER] == 1 && tn_stats(&a).discouraged == 0);
	raw_close(&r);

	/* A paused peer is not read past the cap; resumed, all of it is
	 * handled. */
	a.pause_on_message = true;
	CHECK(raw_handshake(&r, &a));
	for (int i = 0; i < 100; i++) {
		struct buf b = BUF_INIT;
		buf_put_varint(&b, 100);
		for (int j = 0; j < 100; j++) {
			uint8_t e[33] = { P2P_INV_TX, (uint8_t)i, (uint8_t)j };
			buf_put(&b, e, sizeof(e));
		}
		raw_frame(&r, "inv", b.data, b.len, false);
		buf_release(&b);
	}
	tn_run_for(300);
	struct p2p_peer *p = a.last_peer;
	if (CHECK(p != NULL)) {
		p2p_peer_info(p, &info);
		CHECK(a.messages == 1 && info.recv_paused && info.recv_queued <= 4096);
		p2p_peer_pause(a.p2p, p, false);
		CHECK(tn_run_until(messages_at_least, &a, 3000));
		CHECK(a.messages == 100 && a.last_count == 100 && !r.closed);
	}
	raw_close(&r);
	tn_stop(&a);
	tn_teardown();
}

static bool send_ready(void *ctx)
{
	return ((struct tnode *)ctx)->send_ready > 0;
}

static void test_send_backpressure(void)
{
	struct p2p_options o;
	struct tnode a;
	struct raw r;
	struct p2p_msg m;
	static struct p2p_inv inv[1000];
	struct p2p_peer_info info;
	int sent = 0;

	tn_options(&o);
	o.send_cap = 4096;
	tn_setup();
	tn_start(&a, &o, true);
	CHECK(raw_handshake(&r, &a));
	struct p2p_peer *p = a.last_peer;
	if (!CHECK(p != NULL))
		goto out;
	for (size_t i = 0; i < 1000; i++)
		inv[i].type = P2P_INV_TX;
	p2p_msg_init(&m, P2P_CMD_INV);
	m.u.inv.n = 1000;
	m.u.inv.v = inv;
	CHECK(!p2p_peer_send_blocked(p));
	CHECK(p2p_send(a.p2p, p, &m));
	CHECK(p2p_peer_send_blocked(p));
	p2p_peer_info(p, &info);
	CHECK(info.send_blocked && info.recv_paused && info.send_queued > 4096);
	/* The queue drains (into the socket), and the node hears of it. */
	CHECK(tn_run_until(send_ready, &a, 3000) && !p2p_peer_send_blocked(p));
	/* Past the hard limit, the peer is dropped as one that does not read. */
	while (sent < 1000 && p2p_send(a.p2p, p, &m))
		sent++;
	CHECK(sent < 1000);
	CHECK(raw_wait_closed(&r, 3000));
	tn_run_for(30);
	CHECK(tn_stats(&a).closed[P2P_ERR_SEND_QUEUE] == 1 && tn_stats(&a).discouraged == 0);
out:
	raw_close(&r);
	tn_stop(&a);
	tn_teardown();
}

/* --------------------------------------------------------- the limits */

static void test_inbound_eviction(void)
{
	struct p2p_options o;
	struct tnode a, b, c, d, e;
	struct p2p_stats st;

	tn_options(&o);
	o.max_inbound = 2;
	tn_setup();
	tn_start(&a, &o, true);
	tn_start(&b, NULL, false);
	tn_start(&c, NULL, false);
	tn_start(&d, NULL, false);
	tn_start(&e, NULL, true);
	/* a's own outbound connection, never a candidate. */
	tn_connect(&a, &e, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 1));
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 2));
	tn_run_for(50);
	tn_connect(&c, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 3));
	st = tn_stats(&a);
	CHECK(st.inbound == 2 && st.outbound == 1);
	/* A third inbound peer: the youngest inbound makes room. */
	tn_connect(&d, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 4) && tn_wait_handshakes(&d, 1));
	TN_WAIT(c.disconnects >= 1, 3000);
	st = tn_stats(&a);
	CHECK(st.evicted == 1 && st.closed[P2P_ERR_EVICTED] == 1 && st.inbound == 2 && st.outbound == 1);
	CHECK(c.disconnects == 1 && b.disconnects == 0 && d.disconnects == 0 && e.disconnects == 0);
	tn_stop(&e);
	tn_stop(&d);
	tn_stop(&c);
	tn_stop(&b);
	tn_stop(&a);
	tn_teardown();
}

/* The selection alone: protections, then the biggest group's youngest. */
static void test_evict_select(void)
{
	struct p2p_evict_candidate c[12];
	uint64_t victim = 0;
	/* 12 peers: ids 1..12, connected in id order; 1..4 have the best pings;
	 * 5..7 were useful; 8..12 in two groups: 8, 9 in group 1, 10..12 in
	 * group 2. */
	for (uint64_t i = 0; i < 12; i++) {
		c[i].id = i + 1;
		c[i].connected_mono = 100 + i;
		c[i].min_ping_us = i < 4 ? 10 + (int64_t)i : 1000;
		c[i].useful_mono = i >= 4 && i < 7 ? 500 + i : 0;
		c[i].netgroup = i < 9 ? 1 : 2;
	}
	/* Protected: 3 by ping (12/4), 3 useful, then half of the other 6
	 * (the oldest: ids 4, 8, 9): left 10, 11, 12, all group 2: 12 goes. */
	CHECK(p2p_evict_select(&victim, c, 12) && victim == 12);
	/* One candidate: it may go. None: nobody. */
	struct p2p_evict_candidate one = { 7, 1, -1, 0, 5 };
	CHECK(p2p_evict_select(&victim, &one, 1) && victim == 7);
	CHECK(!p2p_evict_select(&victim, c, 0));
	/* The biggest group loses, even if another has a younger peer. */
	struct p2p_evict_candidate g[4] = {
		{ 1, 1, 10, 0, 9 }, { 2, 2, 20, 0, 9 }, { 3, 3, 30, 0, 8 }, { 4, 4, 40, 0, 8 },
	};
	struct p2p_evict_candidate h[6] = {
		{ 1, 1, 10, 0, 9 }, { 2, 2, 20, 0, 9 }, { 3, 3, 30, 0, 9 },
		{ 4, 4, 40, 0, 8 }, { 5, 5, 50, 0, 8 }, { 6, 6, 60, 0, 9 },
	};
	/* g: id 1 protected by ping (4/4), then the older half of the other
	 * three (id 2): left 3 and 4, group 8: the younger, 4, goes. */
	CHECK(p2p_evict_select(&victim, g, 4) && victim == 4);
	/* h: id 1 by ping, 2 and 3 by age: left 4 and 5 (group 8) and 6
	 * (group 9): the bigger group loses its youngest, 5, though 6 is
	 * younger. */
	CHECK(p2p_evict_select(&victim, h, 6) && victim == 5);
}

/* ------------------------------------------------------------- gossip */

static void fill_book(struct tnode *n, int count)
{
	for (int i = 0; i < count; i++) {
		char s[32];
		struct p2p_addr_entry e = { { { 0 }, 0 }, 1, (uint64_t)clock_now_ms(NULL) };
		snprintf(s, sizeof(s), "10.7.%d.%d:27370", i / 200, i % 200 + 1);
		CHECK(p2p_addr_parse(&e.addr, s, 0));
		CHECK(p2p_addrman_add_one(p2p_get_addrman(n->p2p), &e, clock_now_ms(NULL)) ==
		      P2P_ADDRMAN_ADDED);
	}
}

static void test_getaddr_and_rate(void)
{
	struct tnode a;
	struct raw r;
	struct p2p_msg m;
	static struct p2p_addr_entry e[100];

	tn_setup();
	tn_start(&a, NULL, true);
	fill_book(&a, 50);
	CHECK(raw_handshake(&r, &a));
	/* getaddr is answered once per connection. */
	p2p_msg_init(&m, P2P_CMD_GETADDR);
	raw_msg(&r, &m);
	raw_msg(&r, &m);
	CHECK(raw_barrier(&r));
	CHECK(r.got[P2P_CMD_ADDR] == 1 && r.last_addr_count == 50);
	/* An unsolicited flood of addresses is rate limited: one is taken (a
	 * self-announcement), the rest dropped. */
	for (int i = 0; i < 100; i++) {
		char s[32];
		snprintf(s, sizeof(s), "10.8.0.%d:1", i + 1);
		CHECK(p2p_addr_parse(&e[i].addr, s, 0));
		e[i].time_ms = (uint64_t)clock_now_ms(NULL);
	}
	p2p_msg_init(&m, P2P_CMD_ADDR);
	m.u.addr.n = 100;
	m.u.addr.v = e;
	raw_msg(&r, &m);
	CHECK(raw_barrier(&r));
	CHECK(p2p_addrman_count(p2p_get_addrman(a.p2p)) == 51);
	CHECK(tn_stats(&a).addr_rate_limited == 99 && !r.closed);
	raw_close(&r);
	tn_stop(&a);
	tn_teardown();
}

static bool relayed(void *ctx)
{
	struct tnode **n = ctx;
	struct p2p_addr a;
	struct p2p_addrman_entry e;
	if (!p2p_addr_parse(&a, "10.9.9.9:1234", 0))
		return false;
	return p2p_addrman_find(p2p_get_addrman(n[0]->p2p), &e, &a) &&
	       p2p_addrman_find(p2p_get_addrman(n[1]->p2p), &e, &a);
}

/* A peer announcing itself reaches the others through us. */
static void test_addr_relay(void)
{
	struct tnode a, b, c;
	struct tnode *bc[2] = { &b, &c };
	struct raw r;
	struct p2p_msg m;
	struct p2p_addr_entry e = { { { 0 }, 0 }, 1, 0 };

	tn_setup();
	tn_start(&a, NULL, true);
	tn_start(&b, NULL, false);
	tn_start(&c, NULL, false);
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	tn_connect(&c, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 2));
	CHECK(raw_handshake(&r, &a));
	CHECK(p2p_addr_parse(&e.addr, "10.9.9.9:1234", 0));
	e.time_ms = (uint64_t)clock_now_ms(NULL);
	p2p_msg_init(&m, P2P_CMD_ADDR);
	m.u.addr.n = 1;
	m.u.addr.v = &e;
	raw_msg(&r, &m);
	CHECK(tn_run_until(relayed, bc, 2000));
	/* Told again, nothing new: not relayed back to r. */
	raw_msg(&r, &m);
	CHECK(raw_barrier(&r) && r.got[P2P_CMD_ADDR] == 0);
	raw_close(&r);
	tn_stop(&c);
	tn_stop(&b);
	tn_stop(&a);
	tn_teardown();
}

static bool outbound_full(void *ctx)
{
	struct tnode *n = ctx;
	return tn_stats(n).outbound == 2 && n->handshakes == 2;
}

/* The outbound target is met from the address book; a seed connection
 * fetches addresses and leaves. */
static void test_outbound_and_seed(void)
{
	struct p2p_options o;
	struct tnode a, b, c, s;
	struct p2p_addr_entry e[2];

	tn_setup();
	tn_start(&b, NULL, true);
	tn_start(&c, NULL, true);
	tn_options(&o);
	o.max_outbound = 2;
	tn_start(&a, &o, true);
	e[0].addr = b.addr;
	e[1].addr = c.addr;
	for (int i = 0; i < 2; i++) {
		e[i].services = 1;
		e[i].time_ms = (uint64_t)clock_now_ms(NULL);
	}
	CHECK(p2p_addrman_add(p2p_get_addrman(a.p2p), e, 2, clock_now_ms(NULL)) == 2);
	CHECK(tn_run_until(outbound_full, &a, 3000));
	tn_run_for(100);
	CHECK(tn_stats(&a).outbound == 2 && b.handshakes == 1 && c.handshakes == 1);
	/* s asks a, as a seed, for addresses: it learns b and c, and
	 * the connection ends without the node hearing of it. */
	tn_start(&s, NULL, false);
	tn_connect(&s, &a, P2P_CONN_SEED);
	TN_WAIT(tn_stats(&s).closed[P2P_ERR_SEED_DONE] >= 1 && tn_stats(&s).peers == 0, 3000);
	struct p2p_addrman_entry got;
	CHECK(p2p_addrman_find(p2p_get_addrman(s.p2p), &got, &b.addr));
	CHECK(p2p_addrman_find(p2p_get_addrman(s.p2p), &got, &c.addr));
	CHECK(tn_stats(&s).closed[P2P_ERR_SEED_DONE] == 1 && s.handshakes == 0 &&
	      tn_stats(&s).peers == 0);
	/* Networking off closes everything and refuses to dial. */
	p2p_set_network_active(a.p2p, false);
	CHECK(!p2p_network_active(a.p2p));
	TN_WAIT(tn_stats(&a).peers == 0, 3000);
	CHECK(tn_stats(&a).peers == 0 && tn_stats(&a).closed[P2P_ERR_NETWORK_INACTIVE] == 2);
	char err[256];
	CHECK(!p2p_connect(a.p2p, NULL, err, sizeof(err), &b.addr, P2P_CONN_MANUAL) &&
	      strstr(err, "networking is off") != NULL);
	p2p_set_network_active(a.p2p, true);
	CHECK(tn_run_until(outbound_full, &a, 3000) || tn_stats(&a).outbound == 2);
	tn_stop(&s);
	tn_stop(&a);
	tn_stop(&c);
	tn_stop(&b);
	tn_teardown();
}

/* ------------------------------------------------------ bans and files */

static void test_bans_and_files(void)
{
	struct p2p_options o;
	struct tnode a, b;
	char peers[128], bans[128], err[256];
	struct p2p_subnet net;
	struct p2p_ban list[4];
	int64_t now = clock_now_ms(NULL);

	snprintf(peers, sizeof(peers), "/tmp/rostra-p2p-peers-%d.dat", (int)getpid());
	snprintf(bans, sizeof(bans), "/tmp/rostra-p2p-bans-%d.dat", (int)getpid());
	unlink(peers);
	unlink(bans);
	tn_options(&o);
	o.peers_path = peers;
	o.banlist_path = bans;
	tn_setup();
	tn_start(&a, &o, true);
	CHECK(tn_stats(&a).peers_file == P2P_FILE_MISSING && tn_stats(&a).banlist_file == P2P_FILE_MISSING);
	tn_start(&b, NULL, true);
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 1));
	tn_run_for(50);
	/* A ban closes the peers in it and refuses new connections. */
	CHECK(p2p_subnet_parse(&net, "127.0.0.0/8"));
	CHECK(!p2p_ban(a.p2p, err, sizeof(err), &net, now - 1));
	CHECK(p2p_ban(a.p2p, err, sizeof(err), &net, now + 3600 * 1000));
	TN_WAIT(b.disconnects >= 1, 3000);
	CHECK(b.disconnects == 1 && tn_stats(&a).closed[P2P_ERR_BANNED] == 1);
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	TN_WAIT(tn_stats(&a).refused_banned >= 1, 3000);
	CHECK(b.handshakes == 1 && tn_stats(&a).refused_banned == 1);
	CHECK(p2p_banlist_list(p2p_get_banlist(a.p2p), list, 4) == 1);
	/* Kept across a restart, with the address book. */
	tn_stop(&a);
	tn_start(&a, &o, true);
	CHECK(tn_stats(&a).banlist_file == P2P_FILE_OK && tn_stats(&a).peers_file == P2P_FILE_OK);
	CHECK(p2p_banlist_is_banned(p2p_get_banlist(a.p2p), &b.addr, now));
	CHECK(p2p_addrman_count(p2p_get_addrman(a.p2p)) >= 1);
	/* Lifted: b connects again. */
	CHECK(!p2p_unban(a.p2p, &(struct p2p_subnet){ { 0 }, 0 }));
	CHECK(p2p_unban(a.p2p, &net));
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&b, 2));
	CHECK(p2p_ban(a.p2p, err, sizeof(err), &net, now + 1000));
	p2p_clear_bans(a.p2p);
	CHECK(p2p_banlist_count(p2p_get_banlist(a.p2p)) == 0);
	CHECK(p2p_save(a.p2p, err, sizeof(err)));
	tn_stop(&a);
	/* A corrupt file is reported and ignored; the node starts anyway. */
	FILE *f = fopen(peers, "r+b");
	if (CHECK(f != NULL)) {
		fputc('X', f);
		fclose(f);
	}
	tn_start(&a, &o, true);
	CHECK(tn_stats(&a).peers_file == P2P_FILE_CORRUPT && p2p_addrman_count(p2p_get_addrman(a.p2p)) == 0);
	CHECK(strstr(tn_log(&a), "ignoring") != NULL);
	tn_stop(&a);
	tn_stop(&b);
	tn_teardown();
	unlink(peers);
	unlink(bans);
}

static void test_options(void)
{
	struct p2p_options o;
	char err[256];
	CHECK(!p2p_options_default(&o, "signet"));
	CHECK(p2p_options_default(&o, "main") && o.max_inbound == 117 && o.max_outbound == 8);
	tn_setup();
	/* No chain id. */
	CHECK(p2p_create(err, sizeof(err), tn_base, &o, NULL, NULL, NULL) == NULL && strlen(err) > 0);
	tn_options(&o);
	o.user_agent = "bad\nagent";
	CHECK(p2p_create(err, sizeof(err), tn_base, &o, NULL, NULL, NULL) == NULL);
	tn_options(&o);
	o.recv_cap = 100;
	CHECK(p2p_create(err, sizeof(err), tn_base, &o, NULL, NULL, NULL) == NULL);
	tn_options(&o);
	o.tick_ms = 0;
	CHECK(p2p_create(err, sizeof(err), tn_base, &o, NULL, NULL, NULL) == NULL);
	tn_options(&o);
	o.addrman.max_entries = 0;
	CHECK(p2p_create(err, sizeof(err), tn_base, &o, NULL, NULL, NULL) == NULL);
	tn_options(&o);
	struct p2p *p = p2p_create(err, sizeof(err), tn_base, &o, NULL, NULL, NULL);
	CHECK(p != NULL);
	struct p2p_addr bad;
	CHECK(p2p_addr_parse(&bad, "192.0.2.1:1", 0));
	CHECK(!p2p_listen(p, NULL, err, sizeof(err), &bad) && strlen(err) > 0);
	CHECK(strcmp(p2p_conn_kind_name(P2P_CONN_SEED), "seed") == 0);
	p2p_destroy(p);
	p2p_destroy(NULL);
	tn_teardown();
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_handshake_ping),
	UNIT_CASE(test_other_chains),
	UNIT_CASE(test_self_connection),
	UNIT_CASE(test_recv_cap),
	UNIT_CASE(test_send_backpressure),
	UNIT_CASE(test_inbound_eviction),
	UNIT_CASE(test_evict_select),
	UNIT_CASE(test_getaddr_and_rate),
	UNIT_CASE(test_addr_relay),
	UNIT_CASE(test_outbound_and_seed),
	UNIT_CASE(test_bans_and_files),
	UNIT_CASE(test_options),
};

int main(void)
{
	int rc;
	if (!crypto_init())
		return 1;
	rc = unit_run(cases, UNIT_COUNT(cases));
	tn_cleanup();
	crypto_cleanup();
	return rc;
}
