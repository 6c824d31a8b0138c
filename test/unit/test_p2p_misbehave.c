/* Misbehaving peers over real sockets (p2p/p2p.h): every kind of malformed
 * traffic from a raw peer on 127.0.0.1 gets it disconnected for the right
 * reason and discouraged (or not, as the policy says), what is merely
 * unknown or stale is dropped with the peer kept, a manual peer is never
 * punished, and timeouts close silent peers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/listener.h>

#include "crypto/crypto.h"
#include "crypto/key.h"
#include "crypto/sha256.h"
#include "test_p2p_net.h"
#include "unit.h"
#include "util/clock.h"

/* What a case sends after the handshake (or instead of it). */
enum send {
	S_GARBAGE,        /* random bytes */
	S_BAD_MAGIC,      /* a ping framed for testnet */
	S_BAD_CHECKSUM,   /* a ping with a broken checksum */
	S_PING_LONG,      /* a ping header declaring 9 bytes */
	S_HUGE_LENGTH,    /* a block header declaring 4 GiB */
	S_PING_SHORT,     /* a ping of 7 bytes, valid checksum */
	S_BAD_COMMAND,    /* "ping\0x" */
	S_TRAILING,       /* inv with a byte after its list */
	S_LONG_LIST,      /* addr declaring 1001 entries */
	S_UNKNOWN_FLOOD,  /* 25 unknown commands */
	S_UNKNOWN_FEW,    /* 3 unknown commands */
	S_BAD_TX,         /* a tx that does not decode */
	S_UNKNOWN_TX,     /* a tx of an unknown type */
	S_BLOCK_MISMATCH, /* a block message whose commit is for another block */
	S_VERSION_AGAIN,  /* a second version */
	S_VERACK_AGAIN,   /* a second verack */
	S_INV_EARLY,      /* inv before any version */
	S_VERACK_EARLY,   /* verack before version */
	S_WRONG_CHAIN,    /* version of another chain */
	S_OBSOLETE,       /* version 0 */
	S_MISBEHAVED,     /* an inv the node then reports as invalid */
};

struct bad_case {
	const char *name;
	bool handshake;      /* complete the handshake first */
	enum send what;
	bool closed;         /* the node closes the connection */
	enum p2p_err reason; /* ... for this reason */
	bool discouraged;
};

static const struct bad_case bad_cases[] = {
	{ "random bytes", true, S_GARBAGE, true, P2P_ERR_BAD_MAGIC, true },
	{ "bad magic", true, S_BAD_MAGIC, true, P2P_ERR_BAD_MAGIC, true },
	{ "bad checksum", true, S_BAD_CHECKSUM, true, P2P_ERR_BAD_CHECKSUM, true },
	{ "oversized length", true, S_PING_LONG, true, P2P_ERR_TOO_LARGE, true },
	{ "4 GiB length", true, S_HUGE_LENGTH, true, P2P_ERR_TOO_LARGE, true },
	{ "truncated payload", true, S_PING_SHORT, true, P2P_ERR_TRUNCATED, true },
	{ "non-canonical command", true, S_BAD_COMMAND, true, P2P_ERR_BAD_COMMAND, true },
	{ "trailing bytes", true, S_TRAILING, true, P2P_ERR_TRAILING, true },
	{ "over-long list", true, S_LONG_LIST, true, P2P_ERR_LIST_LENGTH, true },
	{ "flood of unknown commands", true, S_UNKNOWN_FLOOD, true, P2P_ERR_UNKNOWN_FLOOD, true },
	{ "a few unknown commands", true, S_UNKNOWN_FEW, false, P2P_ERR_OK, false },
	{ "undecodable tx", true, S_BAD_TX, true, P2P_ERR_PRIM, true },
	{ "tx of an unknown type", true, S_UNKNOWN_TX, false, P2P_ERR_OK, false },
	{ "block with another's commit", true, S_BLOCK_MISMATCH, true, P2P_ERR_BLOCK_COMMIT, true },
	{ "second version", true, S_VERSION_AGAIN, true, P2P_ERR_DUPLICATE_VERSION, true },
	{ "second verack", true, S_VERACK_AGAIN, true, P2P_ERR_UNEXPECTED, true },
	{ "inv before version", false, S_INV_EARLY, true, P2P_ERR_BEFORE_HANDSHAKE, true },
	{ "verack before version", false, S_VERACK_EARLY, true, P2P_ERR_UNEXPECTED, true },
	{ "another chain", false, S_WRONG_CHAIN, true, P2P_ERR_WRONG_CHAIN, true },
	{ "obsolete version", false, S_OBSOLETE, true, P2P_ERR_OBSOLETE, false },
	{ "reported by the node", true, S_MISBEHAVED, true, P2P_ERR_MISBEHAVING, true },
};

static void send_inv(struct raw *r, size_t n, bool trailing)
{
	struct buf b = BUF_INIT;
	buf_put_varint(&b, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t h[33] = { P2P_INV_TX };
		h[1] = (uint8_t)i;
		buf_put(&b, h, sizeof(h));
	}
	if (trailing)
		buf_put_u8(&b, 0);
	raw_frame(r, "inv", b.data, b.len, false);
	buf_release(&b);
}

/* A valid tx encoding, with its type byte at offset 18 (version 1 and a
 * 16-byte chain id before it). */
static void tx_bytes(struct buf *out)
{
	struct tx tx;
	struct seckey sk;
	struct pubkey pk;
	uint8_t aux[32] = { 0 };
	enum prim_err e;

	sha256(sk.b, "k", 1);
	if (!key_pubkey(&pk, &sk))
		abort();
	tx_init(&tx);
	if (!chain_id_parse(&tx.chain_id, TN_CHAIN))
		abort();
	tx.type = TX_FOLLOW;
	tx.sender = pk;
	tx.fee = 500;
	tx.u.follow.target = pk;
	if (!tx_sign(&tx, &sk, aux, &e) || !tx_encode(out, &tx))
		abort();
	tx_release(&tx);
}

/* A block at height 1 with an empty body, and a commit of height 1 for
 * another block id. */
static void send_block_mismatch(struct raw *r)
{
	static struct block b;
	static struct commit c;
	struct buf blk = BUF_INIT, com = BUF_INIT, pay = BUF_INIT;

	block_init(&b);
	b.header.version = BLOCK_VERSION;
	if (!chain_id_parse(&b.header.chain_id, TN_CHAIN))
		abort();
	b.header.height = 1;
	commit_init_empty(&b.last_commit);
	block_compute_roots(&b.header.tx_root, &b.header.evidence_root, &b.header.last_commit_hash, &b);
	memset(&c, 0, sizeof(c));
	c.height = 1;
	memset(c.block_id.b, 9, 32);
	c.n = 1;
	if (!block_encode(&blk, &b) || !commit_encode(&com, &c) ||
	    !p2p_msg_block_payload(&pay, blk.data, blk.len, com.data, com.len))
		abort();
	raw_frame(r, "block", pay.data, pay.len, false);
	buf_release(&blk);
	buf_release(&com);
	buf_release(&pay);
}

static void send_bad(struct raw *r, enum send what)
{
	uint8_t bytes[200] = { 0 }, ping[8] = { 1 };
	struct buf b = BUF_INIT;

	switch (what) {
	case S_GARBAGE:
		unit_rand_bytes(bytes, sizeof(bytes));
		bytes[0] = 0; /* never the magic's first byte */
		raw_send(r, bytes, sizeof(bytes));
		break;
	case S_BAD_MAGIC:
		if (!p2p_network_magic(r->magic, "testnet"))
			abort();
		raw_frame(r, "ping", ping, 8, false);
		break;
	case S_BAD_CHECKSUM:
		raw_frame(r, "ping", ping, 8, true);
		break;
	case S_PING_LONG:
		raw_frame(r, "ping", bytes, 9, false);
		break;
	case S_HUGE_LENGTH: {
		uint8_t hdr[24] = { 0xf9, 'R', 'O', 'R', 'b', 'l', 'o', 'c', 'k' };
		memset(hdr + 16, 0xff, 4);
		raw_send(r, hdr, sizeof(hdr));
		break;
	}
	case S_PING_SHORT:
		raw_frame(r, "ping", ping, 7, false);
		break;
	case S_BAD_COMMAND: {
		uint8_t hdr[24] = { 0xf9, 'R', 'O', 'R', 'p', 'i', 'n', 'g', 0, 'x' };
		uint8_t sum[32];
		hdr[16] = 8;
		sha256(sum, ping, 8);
		memcpy(hdr + 20, sum, 4);
		raw_send(r, hdr, sizeof(hdr));
		raw_send(r, ping, 8);
		break;
	}
	case S_TRAILING:
		send_inv(r, 2, true);
		break;
	case S_LONG_LIST: {
		/* The count is checked before the entries are looked for. */
		uint8_t list[2 + 34] = { 0 };
		list[0] = 0xe9;
		list[1] = 0x07;
		raw_frame(r, "addr", list, sizeof(list), false);
		break;
	}
	case S_UNKNOWN_FLOOD:
	case S_UNKNOWN_FEW:
		for (int i = 0; i < (what == S_UNKNOWN_FEW ? 3 : 25); i++)
			raw_frame(r, "sendnews", bytes, 10, false);
		break;
	case S_BAD_TX:
		raw_frame(r, "tx", bytes, 5, false);
		break;
	case S_UNKNOWN_TX:
		tx_bytes(&b);
		b.data[18] = 99;
		raw_frame(r, "tx", b.data, b.len, false);
		break;
	case S_BLOCK_MISMATCH:
		send_block_mismatch(r);
		break;
	case S_VERSION_AGAIN:
		raw_version(r, TN_CHAIN, P2P_PROTOCOL_VERSION);
		break;
	case S_VERACK_AGAIN:
	case S_VERACK_EARLY:
		raw_frame(r, "verack", NULL, 0, false);
		break;
	case S_INV_EARLY:
	case S_MISBEHAVED:
		send_inv(r, 1, false);
		break;
	case S_WRONG_CHAIN:
		raw_version(r, "regtest-ffffffff", P2P_PROTOCOL_VERSION);
		break;
	case S_OBSOLETE:
		raw_version(r, TN_CHAIN, 0);
		break;
	}
	buf_release(&b);
}

static void test_malformed_traffic(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct tnode a;
		struct raw r;
		struct p2p_stats st;

		tn_setup();
		tn_start(&a, NULL, true);
		if (c->handshake) {
			if (!CHECK(raw_handshake(&r, &a)))
				unit_note("case %s: no handshake", c->name);
		} else {
			raw_connect(&r, &a);
		}
		send_bad(&r, c->what);
		if (c->what == S_MISBEHAVED) {
			/* The node got the inv, finds it invalid and says so. */
			struct p2p_peer *peers[4];
			CHECK(raw_barrier(&r));
			if (CHECK(p2p_peers(a.p2p, peers, 4) == 1) && CHECK(a.messages == 1))
				CHECK(p2p_peer_misbehaved(a.p2p, peers[0], P2P_VERDICT_DISCOURAGE,
							  "bad transaction") == P2P_VERDICT_DISCOURAGE);
		}
		if (c->closed) {
			if (!CHECK(raw_wait_closed(&r, 3000)))
				unit_note("case %s: not closed", c->name);
		} else {
			/* Still served: a ping is answered after what was sent. */
			if (!CHECK(raw_barrier(&r)))
				unit_note("case %s: closed", c->name);
		}
		tn_run_for(30);
		st = tn_stats(&a);
		if (c->closed && !CHECK(st.closed[c->reason] == 1))
			unit_note("case %s: closed for another reason", c->name);
		if (!CHECK((st.discouraged == 1) == c->discouraged &&
			   p2p_banlist_is_discouraged(p2p_get_banlist(a.p2p), &a.addr, clock_now_ms(NULL)) ==
				   c->discouraged))
			unit_note("case %s: discouraged %llu", c->name, (unsigned long long)st.discouraged);
		/* Nothing malformed reached the node. */
		CHECK(c->what == S_MISBEHAVED || a.messages == 0);
		if (c->what == S_WRONG_CHAIN)
			CHECK(strstr(tn_log(&a), "is on another chain: chain id regtest-ffffffff") != NULL);
		if (c->what == S_OBSOLETE)
			CHECK(strstr(tn_log(&a), "below our minimum") != NULL);
		if (c->discouraged)
			CHECK(strstr(tn_log(&a), "discouraging") != NULL);
		raw_close(&r);
		tn_stop(&a);
		tn_teardown();
	}
}

/* A discouraged address is refused on its next connection; other peers go
 * on being served. */
static void test_garbage_others_keep_working(void)
{
	struct tnode a, b, c, d;
	struct raw r;
	struct p2p_peer *peers[4];
	struct p2p_msg m;
	struct p2p_inv inv = { P2P_INV_TX, { { 1 } } };

	tn_setup();
	tn_start(&a, NULL, true);
	tn_start(&b, NULL, false);
	tn_start(&c, NULL, false);
	tn_connect(&b, &a, P2P_CONN_OUTBOUND);
	tn_connect(&c, &a, P2P_CONN_OUTBOUND);
	CHECK(tn_wait_handshakes(&a, 2) && tn_wait_handshakes(&b, 1) && tn_wait_handshakes(&c, 1));
	CHECK(raw_handshake(&r, &a));
	send_bad(&r, S_GARBAGE);
	CHECK(raw_wait_closed(&r, 3000));
	raw_close(&r);
	tn_run_for(30);
	CHECK(tn_stats(&a).discouraged == 1 && tn_stats(&a).handshaked == 2);
	/* b and c still reach a. */
	p2p_msg_init(&m, P2P_CMD_INV);
	m.u.inv.n = 1;
	m.u.inv.v = &inv;
	CHECK(p2p_peers(b.p2p, peers, 4) == 1 && p2p_send(b.p2p, peers[0], &m));
	CHECK(p2p_peers(c.p2p, peers, 4) == 1 && p2p_send(c.p2p, peers[0], &m));
	TN_WAIT(a.messages >= 2, 3000);
	CHECK(a.messages == 2 && a.last_cmd == P2P_CMD_INV);
	CHECK(b.disconnects == 0 && c.disconnects == 0);
	/* A new connection from the discouraged address is refused. */
	tn_start(&d, NULL, false);
	tn_connect(&d, &a, P2P_CONN_OUTBOUND);
	TN_WAIT(tn_stats(&a).refused_discouraged >= 1, 3000);
	CHECK(d.handshakes == 0 && tn_stats(&a).refused_discouraged == 1);
	tn_stop(&d);
	tn_stop(&c);
	tn_stop(&b);
	tn_stop(&a);
	tn_teardown();
}

/* ------------------------------------------------------------ timeouts */

static void test_timeouts(void)
{
	static const struct {
		const char *name;
		bool handshake, answer_pings;
		enum p2p_err reason;
	} rows[] = {
		{ "silent before the handshake", false, true, P2P_ERR_HANDSHAKE_TIMEOUT },
		{ "no pong", true, false, P2P_ERR_PING_TIMEOUT },
		{ "silent after the handshake", true, true, P2P_ERR_INACTIVITY },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct p2p_options o;
		struct tnode a;
		struct raw r;
		tn_options(&o);
		o.handshake_timeout_ms = 200;
		if (rows[i].reason == P2P_ERR_PING_TIMEOUT) {
			o.ping_interval_ms = 50;
			o.ping_timeout_ms = 200;
		} else {
			o.inactivity_timeout_ms = 300;
		}
		tn_setup();
		tn_start(&a, &o, true);
		if (rows[i].handshake) {
			CHECK(raw_handshake(&r, &a));
		} else {
			raw_connect(&r, &a);
		}
		/* After the handshake the node pings at once; with a long ping
		 * interval, one pong is all it receives. */
		r.answer_pings = rows[i].answer_pings;
		if (!CHECK(raw_wait_closed(&r, 2000)))
			unit_note("%s: not closed", rows[i].name);
		tn_run_for(30);
		if (!CHECK(tn_stats(&a).closed[rows[i].reason] == 1))
			unit_note("%s", rows[i].name);
		CHECK(tn_stats(&a).discouraged == 0);
		raw_close(&r);
		tn_stop(&a);
		tn_teardown();
	}
}

/* --------------------------------------------------- manual peers exempt */

struct listener_ctx {
	struct raw *r;
	int accepted;
};

static void accept_raw(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		       void *arg)
{
	struct listener_ctx *ctx = arg;
	(void)l;
	(void)sa;
	(void)len;
	if (ctx->accepted > 0)
		raw_close(ctx->r);
	raw_accept(ctx->r, fd);
	ctx->r->act_as_node = true;
	ctx->accepted++;
}

static bool b_handshakes(void *ctx)
{
	return ((struct tnode *)ctx)->handshakes >= 2;
}

static void test_manual_exempt(void)
{
	struct tnode b;
	struct raw r;
	struct listener_ctx lc = { &r, 0 };
	struct sockaddr_storage ss;
	struct p2p_addr at;
	socklen_t len;
	struct evconnlistener *l;
	uint8_t ping[8] = { 0 };

	tn_setup();
	tn_start(&b, NULL, false);
	CHECK(p2p_addr_parse(&at, "127.0.0.1", 0));
	len = p2p_addr_to_sockaddr(&ss, &at);
	l = evconnlistener_new_bind(tn_base, accept_raw, &lc, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
				    8, (struct sockaddr *)&ss, (int)len);
	if (!CHECK(l != NULL))
		return;
	len = sizeof(ss);
	getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &len);
	p2p_addr_from_sockaddr(&at, (struct sockaddr *)&ss, len);
	/* b keeps a manual connection to the raw node. */
	CHECK(p2p_addnode(b.p2p, &at));
	CHECK(!p2p_addnode(b.p2p, &at));
	CHECK(tn_wait_handshakes(&b, 1) && lc.accepted == 1);
	/* Non-fatal offences are dropped: the connection stays. */
	raw_frame(&r, "ping", ping, 8, true);
	raw_frame(&r, "tx", ping, 5, false);
	send_inv(&r, 1, true);
	CHECK(raw_barrier(&r));
	CHECK(b.disconnects == 0);
	/* A broken stream closes it, without discouragement... */
	send_bad(&r, S_BAD_MAGIC);
	CHECK(raw_wait_closed(&r, 3000));
	tn_run_for(30);
	CHECK(tn_stats(&b).closed[P2P_ERR_BAD_MAGIC] == 1 && tn_stats(&b).discouraged == 0);
	/* ...and b dials it again. */
	CHECK(tn_run_until(b_handshakes, &b, 3000) && lc.accepted == 2);
	struct p2p_addr list[2];
	CHECK(p2p_addnode_list(b.p2p, list, 2) == 1 && p2p_addr_eq(&list[0], &at));
	CHECK(p2p_addnode_remove(b.p2p, &at) && !p2p_addnode_remove(b.p2p, &at));
	raw_close(&r);
	evconnlistener_free(l);
	tn_stop(&b);
	tn_teardown();
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_malformed_traffic),
	UNIT_CASE(test_garbage_others_keep_working),
	UNIT_CASE(test_timeouts),
	UNIT_CASE(test_manual_exempt),
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
