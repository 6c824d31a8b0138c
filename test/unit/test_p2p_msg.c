/* P2P frames and messages (p2p/msg.h): every message round trip, every
 * frame and payload rejection with its reason and verdict, the encoders'
 * refusals, and random bytes through every decoder. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/key.h"
#include "crypto/sha256.h"
#include "p2p/msg.h"
#include "p2p/policy.h"
#include "unit.h"

static const uint8_t magic[P2P_MAGIC_LEN] = { 0xf9, 'R', 'O', 'R' };
#define CHAIN "regtest-0a1b2c3d"

/* ------------------------------------------------------------- builders */

static void make_key(struct seckey *sk, struct pubkey *pk, uint8_t seed)
{
	uint8_t s[8] = "p2p-key";
	s[7] = seed;
	sha256(sk->b, s, sizeof(s));
	if (!key_pubkey(pk, sk))
		abort();
}

/* A signed transfer of amount from key 1 to key 2. */
static void make_tx(struct tx *tx, uint64_t nonce)
{
	struct seckey sk;
	struct pubkey from, to;
	uint8_t aux[32] = { 0 };
	enum prim_err e;

	make_key(&sk, &from, 1);
	make_key(&sk, &to, 2);
	make_key(&sk, &from, 1);
	tx_init(tx);
	if (!chain_id_parse(&tx->chain_id, CHAIN))
		abort();
	tx->type = TX_TRANSFER;
	tx->sender = from;
	tx->nonce = nonce;
	tx->fee = 1000;
	tx->u.transfer.to = to;
	tx->u.transfer.amount = 5;
	if (!tx_sign(tx, &sk, aux, &e))
		abort();
}

/* The encoding of a block at height 1 holding ntx transfers. */
static void make_block_bytes(struct buf *out, size_t ntx)
{
	struct block b;
	struct seckey sk;

	block_init(&b);
	b.header.version = BLOCK_VERSION;
	if (!chain_id_parse(&b.header.chain_id, CHAIN))
		abort();
	b.header.height = 1;
	b.header.time = 1700000000000;
	make_key(&sk, &b.header.proposer, 3);
	commit_init_empty(&b.last_commit);
	b.ntx = ntx;
	b.txs = ntx ? calloc(ntx, sizeof(*b.txs)) : NULL;
	for (size_t i = 0; i < ntx; i++)
		make_tx(&b.txs[i], i);
	block_compute_roots(&b.header.tx_root, &b.header.evidence_root,
			    &b.header.last_commit_hash, &b);
	if (!block_encode(out, &b))
		abort();
	block_release(&b);
}

/* A one-entry commit for (height, id). */
static void make_commit(struct commit *c, uint64_t height, const struct hash256 *id)
{
	memset(c, 0, sizeof(*c));
	c->height = height;
	c->round = 2;
	c->block_id = *id;
	c->n = 1;
	c->present[0] = true;
	memset(c->sigs[0], 0x5a, SIG_LEN);
}

static void commit_bytes(struct buf *out, uint64_t height, const struct hash256 *id)
{
	static struct commit c;
	make_commit(&c, height, id);
	if (!commit_encode(out, &c))
		abort();
}

/* The block id of an encoded block. */
static void block_id_of(struct hash256 *id, const struct buf *blk)
{
	static struct block b;
	enum prim_err e;
	if (!block_decode(&b, blk->data, blk->len, &e))
		abort();
	*id = b.id;
	block_release(&b);
}

static void make_version(struct p2p_version *v)
{
	memset(v, 0, sizeof(*v));
	v->version = P2P_PROTOCOL_VERSION;
	v->services = P2P_SERVICE_NETWORK;
	v->time_ms = 1700000000123;
	v->nonce = 0x0102030405060708;
	if (!chain_id_parse(&v->chain_id, CHAIN))
		abort();
	memset(v->genesis.b, 0x0a, 32);
	v->best_height = 77;
	if (!p2p_addr_parse(&v->addr_recv, "10.1.2.3:27370", 0))
		abort();
	v->listen_port = 27370;
	snprintf(v->user_agent, sizeof(v->user_agent), "/rostra:0.1.0/");
	v->user_agent_len = strlen(v->user_agent);
}

/* Frame m, split the frame, decode it, and check that re-encoding gives
 * the same payload. Out: got (the decoded message; release it). */
static bool frame_roundtrip(struct p2p_msg *got, const struct p2p_msg *m)
{
	struct buf f = BUF_INIT, again = BUF_INIT;
	struct p2p_frame_header h;
	struct p2p_reject why;
	const uint8_t *payload;
	size_t flen;
	enum p2p_err err;
	bool ok = CHECK(p2p_msg_frame(&f, magic, m));

	ok = ok && CHECK(p2p_frame_next(&h, &payload, &flen, &err, f.data, f.len, magic) ==
			 P2P_FRAME_READY);
	ok = ok && CHECK(flen == f.len) && CHECK(h.cmd == m->cmd) &&
	     CHECK(strcmp(h.command, p2p_cmd_name(m->cmd)) == 0);
	ok = ok && CHECK(p2p_msg_decode(got, &why, h.cmd, payload, h.length)) &&
	     CHECK(why.code == P2P_ERR_OK);
	ok = ok && CHECK(p2p_msg_encode(&again, got)) && CHECK(again.len == h.length) &&
	     CHECK(h.length == 0 || memcmp(again.data, payload, h.length) == 0);
	/* Every shorter prefix of the frame is incomplete, not an error. */
	for (size_t cut = 0; ok && cut < f.len; cut += 1 + cut / 3) {
		struct p2p_frame_header h2;
		ok = CHECK(p2p_frame_next(&h2, &payload, &flen, &err, f.data, cut, magic) ==
			   P2P_FRAME_MORE);
	}
	buf_release(&f);
	buf_release(&again);
	return ok;
}

/* ---------------------------------------------------------- round trips */

static void test_roundtrip_simple(void)
{
	static const enum p2p_cmd cmds[] = { P2P_CMD_VERACK, P2P_CMD_GETADDR, P2P_CMD_PING,
					     P2P_CMD_PONG };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct p2p_msg m, got;
		p2p_msg_init(&m, cmds[i]);
		m.u.nonce = cmds[i] == P2P_CMD_PING ? UINT64_MAX : 42;
		if (frame_roundtrip(&got, &m) && (cmds[i] == P2P_CMD_PING || cmds[i] == P2P_CMD_PONG))
			CHECK(got.u.nonce == m.u.nonce);
		p2p_msg_release(&got);
	}
}

static void test_roundtrip_version(void)
{
	struct p2p_msg m, got;
	p2p_msg_init(&m, P2P_CMD_VERSION);
	make_version(&m.u.version);
	if (frame_roundtrip(&got, &m))
		CHECK(memcmp(&got.u.version, &m.u.version, sizeof(m.u.version)) == 0);
	p2p_msg_release(&got);

	/* An empty and a longest user agent, an IPv6 address. */
	m.u.version.user_agent_len = 0;
	memset(m.u.version.user_agent, 0, sizeof(m.u.version.user_agent));
	CHECK(p2p_addr_parse(&m.u.version.addr_recv, "[2001:db8::1]:1", 0));
	if (frame_roundtrip(&got, &m))
		CHECK(memcmp(&got.u.version, &m.u.version, sizeof(m.u.version)) == 0);
	p2p_msg_release(&got);
	memset(m.u.version.user_agent, '~', P2P_USER_AGENT_MAX);
	m.u.version.user_agent_len = P2P_USER_AGENT_MAX;
	if (frame_roundtrip(&got, &m))
		CHECK(got.u.version.user_agent_len == P2P_USER_AGENT_MAX);
	p2p_msg_release(&got);
}

static void test_roundtrip_addr(void)
{
	static struct p2p_addr_entry e[P2P_MAX_ADDR];
	static const size_t sizes[] = { 1, 2, P2P_MAX_ADDR };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct p2p_msg m, got;
		p2p_msg_init(&m, P2P_CMD_ADDR);
		for (size_t i = 0; i < sizes[s]; i++) {
			unit_rand_bytes(e[i].addr.ip, P2P_IP_LEN);
			e[i].addr.port = (uint16_t)unit_rand();
			e[i].services = unit_rand();
			e[i].time_ms = unit_rand();
		}
		m.u.addr.n = sizes[s];
		m.u.addr.v = e;
		if (frame_roundtrip(&got, &m) && CHECK(got.u.addr.n == sizes[s]))
			CHECK(memcmp(got.u.addr.v, e, sizes[s] * sizeof(e[0])) == 0);
		p2p_msg_release(&got);
	}
}

static void test_roundtrip_inv(void)
{
	static struct p2p_inv v[P2P_MAX_INV];
	static const enum p2p_cmd cmds[] = { P2P_CMD_INV, P2P_CMD_GETDATA, P2P_CMD_NOTFOUND };
	static const size_t sizes[] = { 1, 3, P2P_MAX_INV };
	for (size_t c = 0; c < 3; c++) {
		for (size_t s = 0; s < 3; s++) {
			struct p2p_msg m, got;
			p2p_msg_init(&m, cmds[c]);
			for (size_t i = 0; i < sizes[s]; i++) {
				v[i].type = (uint8_t)(i % 2 ? P2P_INV_BLOCK : P2P_INV_TX);
				unit_rand_bytes(v[i].hash.b, 32);
			}
			m.u.inv.n = sizes[s];
			m.u.inv.v = v;
			if (frame_roundtrip(&got, &m) && CHECK(got.u.inv.n == sizes[s]))
				CHECK(memcmp(got.u.inv.v, v, sizes[s] * sizeof(v[0])) == 0);
			p2p_msg_release(&got);
		}
	}
}

static void test_roundtrip_tx_getblocks(void)
{
	struct p2p_msg m, got;
	p2p_msg_init(&m, P2P_CMD_TX);
	make_tx(&m.u.tx, 9);
	if (frame_roundtrip(&got, &m))
		CHECK(memcmp(got.u.tx.txid.b, m.u.tx.txid.b, 32) == 0 && got.u.tx.nonce == 9);
	p2p_msg_release(&got);
	p2p_msg_release(&m);

	static const struct p2p_getblocks g[] = {
		{ 1, 1 }, { 100, P2P_MAX_GETBLOCKS }, { UINT64_MAX, 1 }, { UINT64_MAX - 31, 32 },
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		p2p_msg_init(&m, P2P_CMD_GETBLOCKS);
		m.u.getblocks = g[i];
		if (frame_roundtrip(&got, &m))
			CHECK(got.u.getblocks.from_height == g[i].from_height &&
			      got.u.getblocks.count == g[i].count);
		p2p_msg_release(&got);
	}
}

static void test_roundtrip_block(void)
{
	static struct p2p_msg m, got;
	struct buf blk = BUF_INIT, com = BUF_INIT, pay = BUF_INIT, enc = BUF_INIT;
	struct p2p_reject why;
	struct hash256 id;
	enum prim_err e;

	make_block_bytes(&blk, 3);
	block_id_of(&id, &blk);
	commit_bytes(&com, 1, &id);
	p2p_msg_init(&m, P2P_CMD_BLOCK);
	CHECK(block_decode(&m.u.block.block, blk.data, blk.len, &e));
	make_commit(&m.u.block.commit, 1, &id);
	if (frame_roundtrip(&got, &m)) {
		CHECK(got.u.block.block.ntx == 3);
		CHECK(memcmp(got.u.block.block.id.b, id.b, 32) == 0);
		CHECK(got.u.block.commit.round == 2);
	}
	p2p_msg_release(&got);
	p2p_msg_release(&m);

	/* The payload built from stored bytes is the same. */
	CHECK(p2p_msg_block_payload(&pay, blk.data, blk.len, com.data, com.len));
	if (CHECK(p2p_msg_decode(&got, &why, P2P_CMD_BLOCK, pay.data, pay.len))) {
		CHECK(p2p_msg_encode(&enc, &got));
		CHECK(enc.len == pay.len && memcmp(enc.data, pay.data, pay.len) == 0);
	}
	p2p_msg_release(&got);
	buf_release(&blk);
	buf_release(&com);
	buf_release(&pay);
	buf_release(&enc);
}

static void test_roundtrip_opaque(void)
{
	static const enum p2p_cmd cmds[] = { P2P_CMD_PROPOSAL, P2P_CMD_VOTE };
	uint8_t bytes[300];
	unit_rand_bytes(bytes, sizeof(bytes));
	for (size_t i = 0; i < 2; i++) {
		struct p2p_msg m, got;
		p2p_msg_init(&m, cmds[i]);
		m.u.opaque.p = bytes;
		m.u.opaque.len = sizeof(bytes);
		if (frame_roundtrip(&got, &m))
			CHECK(got.u.opaque.len == sizeof(bytes));
		p2p_msg_release(&got);
	}
}

/* --------------------------------------------------------------- frames */

/* A frame header with fields given directly. */
static void raw_header(struct buf *b, const uint8_t mg[4], const uint8_t cmd[12], uint32_t len,
		       const uint8_t sum[4])
{
	buf_put(b, mg, 4);
	buf_put(b, cmd, 12);
	buf_put_u32le(b, len);
	buf_put(b, sum, 4);
}

struct frame_case {
	const char *name;
	uint8_t magic[4];
	uint8_t command[12];
	uint32_t length;       /* declared */
	size_t payload;        /* bytes of payload that follow */
	bool bad_sum;
	enum p2p_frame_status status;
	enum p2p_err err;
};

static const struct frame_case frame_cases[] = {
	{ "ok ping", { 0xf9, 'R', 'O', 'R' }, "ping", 8, 8, false, P2P_FRAME_READY, P2P_ERR_OK },
	{ "ok unknown", { 0xf9, 'R', 'O', 'R' }, "sendnews", 5, 5, false, P2P_FRAME_READY, P2P_ERR_OK },
	{ "12-char command", { 0xf9, 'R', 'O', 'R' }, "abcdefghijkl", 0, 0, false, P2P_FRAME_READY, P2P_ERR_OK },
	{ "partial payload", { 0xf9, 'R', 'O', 'R' }, "ping", 8, 7, false, P2P_FRAME_MORE, P2P_ERR_OK },
	{ "bad magic", { 0xf9, 'R', 'O', 'T' }, "ping", 8, 8, false, P2P_FRAME_BAD, P2P_ERR_BAD_MAGIC },
	{ "empty command", { 0xf9, 'R', 'O', 'R' }, "", 0, 0, false, P2P_FRAME_BAD, P2P_ERR_BAD_COMMAND },
	{ "byte after NUL", { 0xf9, 'R', 'O', 'R' }, "ping\0x", 8, 8, false, P2P_FRAME_BAD, P2P_ERR_BAD_COMMAND },
	{ "space in command", { 0xf9, 'R', 'O', 'R' }, "pi ng", 8, 8, false, P2P_FRAME_BAD, P2P_ERR_BAD_COMMAND },
	{ "control byte", { 0xf9, 'R', 'O', 'R' }, "ping\n", 8, 8, false, P2P_FRAME_BAD, P2P_ERR_BAD_COMMAND },
	{ "high byte", { 0xf9, 'R', 'O', 'R' }, "p\x80ng", 8, 8, false, P2P_FRAME_BAD, P2P_ERR_BAD_COMMAND },
	{ "ping too long", { 0xf9, 'R', 'O', 'R' }, "ping", 9, 0, false, P2P_FRAME_BAD, P2P_ERR_TOO_LARGE },
	{ "verack payload", { 0xf9, 'R', 'O', 'R' }, "verack", 1, 0, false, P2P_FRAME_BAD, P2P_ERR_TOO_LARGE },
	{ "tx too long", { 0xf9, 'R', 'O', 'R' }, "tx", TX_MAX_SIZE + 1, 0, false, P2P_FRAME_BAD, P2P_ERR_TOO_LARGE },
	{ "unknown too long", { 0xf9, 'R', 'O', 'R' }, "x", P2P_MAX_PAYLOAD + 1, 0, false, P2P_FRAME_BAD, P2P_ERR_TOO_LARGE },
	{ "length 4 GiB", { 0xf9, 'R', 'O', 'R' }, "block", UINT32_MAX, 0, false, P2P_FRAME_BAD, P2P_ERR_TOO_LARGE },
	{ "bad checksum", { 0xf9, 'R', 'O', 'R' }, "ping", 8, 8, true, P2P_FRAME_BAD, P2P_ERR_BAD_CHECKSUM },
	{ "bad checksum empty", { 0xf9, 'R', 'O', 'R' }, "verack", 0, 0, true, P2P_FRAME_BAD, P2P_ERR_BAD_CHECKSUM },
};

static void test_frame_rejections(void)
{
	for (size_t i = 0; i < sizeof(frame_cases) / sizeof(frame_cases[0]); i++) {
		const struct frame_case *c = &frame_cases[i];
		struct buf b = BUF_INIT;
		uint8_t payload[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
		uint8_t h[SHA256_LEN];
		struct p2p_frame_header hdr;
		const uint8_t *p;
		size_t flen;
		enum p2p_err err;
		enum p2p_frame_status st;

		sha256(h, payload, c->length <= sizeof(payload) ? c->length : 0);
		if (c->bad_sum)
			h[0] ^= 1;
		raw_header(&b, c->magic, c->command, c->length, h);
		buf_put(&b, payload, c->payload);
		st = p2p_frame_next(&hdr, &p, &flen, &err, b.data, b.len, magic);
		if (!CHECK(st == c->status && err == c->err))
			unit_note("case %s: status %d err %s", c->name, (int)st, p2p_err_name(err));
		if (st == P2P_FRAME_READY)
			CHECK(flen == b.len && p == b.data + P2P_HEADER_LEN);
		else
			CHECK(flen == 0 && p == NULL);
		/* The header alone already decides everything but the checksum. */
		st = p2p_frame_header_decode(&hdr, &err, b.data, P2P_HEADER_LEN, magic);
		if (c->err == P2P_ERR_OK || c->err == P2P_ERR_BAD_CHECKSUM)
			CHECK(st == P2P_FRAME_READY && hdr.length == c->length);
		else
			CHECK(st == P2P_FRAME_BAD && err == c->err);
		/* Every frame error gets the sender discouraged. */
		if (c->err != P2P_ERR_OK)
			CHECK(p2p_policy_verdict(c->err, PRIM_ERR_OK) == P2P_VERDICT_DISCOURAGE);
		buf_release(&b);
	}
	/* A header shorter than 24 bytes is incomplete. */
	{
		struct p2p_frame_header hdr;
		enum p2p_err err;
		uint8_t z[P2P_HEADER_LEN] = { 0 };
		CHECK(p2p_frame_header_decode(&hdr, &err, z, P2P_HEADER_LEN - 1, magic) == P2P_FRAME_MORE);
		CHECK(p2p_frame_header_decode(&hdr, &err, z, P2P_HEADER_LEN, magic) == P2P_FRAME_BAD &&
		      err == P2P_ERR_BAD_MAGIC);
	}
}

static void test_frame_encode_refusals(void)
{
	uint8_t big[16] = { 0 };
	static const char *const bad[] = { "", "pi ng", "abcdefghijklm", "p\x01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf b = BUF_INIT;
		CHECK(!p2p_frame_encode(&b, magic, bad[i], NULL, 0) && !buf_ok(&b) && b.len == 0);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	CHECK(!p2p_frame_encode(&b, magic, "ping", big, 9));
	buf_release(&b);
	buf_init(&b);
	CHECK(p2p_frame_encode(&b, magic, "ping", big, 8) && b.len == P2P_HEADER_LEN + 8);
	buf_release(&b);
	buf_init(&b);
	CHECK(!p2p_frame_encode(&b, magic, NULL, NULL, 0));
	buf_release(&b);

	/* Messages that break their own rules are not encoded. */
	struct p2p_msg m;
	struct p2p_inv inv = { 3, { { 0 } } };
	struct p2p_addr_entry e = { { { 0 }, 1 }, 0, 0 };
	p2p_msg_init(&m, P2P_CMD_INV);
	m.u.inv.n = 1;
	m.u.inv.v = &inv;
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	m.u.inv.n = 0;
	inv.type = P2P_INV_TX;
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	m.u.inv.n = P2P_MAX_INV + 1;
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	p2p_msg_init(&m, P2P_CMD_ADDR);
	m.u.addr.v = &e;
	m.u.addr.n = 0;
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	m.u.addr.n = P2P_MAX_ADDR + 1;
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	p2p_msg_init(&m, P2P_CMD_GETBLOCKS);
	m.u.getblocks.from_height = 0;
	m.u.getblocks.count = 1;
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	p2p_msg_init(&m, P2P_CMD_VERSION);
	make_version(&m.u.version);
	m.u.version.user_agent[0] = '\t';
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	make_version(&m.u.version);
	m.u.version.chain_id.s[0] = 'X';
	buf_init(&b);
	CHECK(!p2p_msg_encode(&b, &m));
	buf_release(&b);
	p2p_msg_init(&m, P2P_CMD_UNKNOWN);
	buf_init(&b);
	CHECK(!p2p_msg_frame(&b, magic, &m));
	buf_release(&b);
	buf_init(&b);
	CHECK(!p2p_msg_block_payload(&b, big, BLOCK_MAX_SIZE + 1, big, 1));
	buf_release(&b);
	buf_init(&b);
	CHECK(!p2p_msg_block_payload(&b, big, 1, big, P2P_COMMIT_MAX_SIZE + 1));
	buf_release(&b);
}

/* ------------------------------------------------------------- payloads */

/* How a rejected payload is built: a base encoding with a change. */
enum base {
	B_NONE,      /* start empty */
	B_VERSION,   /* a valid version payload */
	B_TX,        /* a valid tx */
	B_BLOCK,     /* a valid block payload (block at height 1 + its commit) */
};

struct payload_case {
	const char *name;
	enum p2p_cmd cmd;
	enum base base;
	/* applied in order: */
	long cut;           /* >= 0: keep only the first cut bytes; < -1: drop -cut-1 from the end */
	const char *append; /* hex appended */
	size_t patch_at;    /* patch_len bytes at this offset replaced by patch */
	size_t patch_len;
	const char *patch;
	enum p2p_err err;
	enum prim_err prim;
	enum p2p_verdict verdict;
};

#define NOCUT (-1)
/* Offsets in the version payload: version 0, services 4, time 12, nonce 20,
 * chain id length 28, chain id 29..44 ("regtest-0a1b2c3d", 16 bytes),
 * genesis 45, height 77, ip 85, port 101, listen 103, ua length 105. */
#define V_CHAINLEN 28
#define V_UALEN 105

static const struct payload_case payload_cases[] = {
	/* fixed-size messages */
	{ "ping short", P2P_CMD_PING, B_NONE, NOCUT, "01020304050607", 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "ping long", P2P_CMD_PING, B_NONE, NOCUT, "010203040506070809", 0, 0, NULL, P2P_ERR_TOO_LARGE, 0, P2P_VERDICT_DISCOURAGE },
	{ "pong empty", P2P_CMD_PONG, B_NONE, NOCUT, "", 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "verack byte", P2P_CMD_VERACK, B_NONE, NOCUT, "00", 0, 0, NULL, P2P_ERR_TOO_LARGE, 0, P2P_VERDICT_DISCOURAGE },
	{ "getaddr byte", P2P_CMD_GETADDR, B_NONE, NOCUT, "00", 0, 0, NULL, P2P_ERR_TOO_LARGE, 0, P2P_VERDICT_DISCOURAGE },
	/* version */
	{ "version truncated", P2P_CMD_VERSION, B_VERSION, 50, NULL, 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "version no ua", P2P_CMD_VERSION, B_VERSION, V_UALEN, NULL, 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "version ua cut", P2P_CMD_VERSION, B_VERSION, -2, NULL, 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "version trailing", P2P_CMD_VERSION, B_VERSION, NOCUT, "00", 0, 0, NULL, P2P_ERR_TRAILING, 0, P2P_VERDICT_DISCOURAGE },
	{ "chain id short", P2P_CMD_VERSION, B_VERSION, NOCUT, NULL, V_CHAINLEN, 1, "09", P2P_ERR_PRIM, PRIM_ERR_CHAIN_ID, P2P_VERDICT_DISCOURAGE },
	{ "chain id long", P2P_CMD_VERSION, B_VERSION, NOCUT, NULL, V_CHAINLEN, 1, "1b", P2P_ERR_PRIM, PRIM_ERR_CHAIN_ID, P2P_VERDICT_DISCOURAGE },
	{ "chain id chars", P2P_CMD_VERSION, B_VERSION, NOCUT, NULL, V_CHAINLEN + 1, 1, "52", P2P_ERR_PRIM, PRIM_ERR_CHAIN_ID, P2P_VERDICT_DISCOURAGE },
	{ "chain id varint", P2P_CMD_VERSION, B_VERSION, NOCUT, NULL, V_CHAINLEN, 2, "9000", P2P_ERR_VARINT, 0, P2P_VERDICT_DISCOURAGE },
	{ "ua too long", P2P_CMD_VERSION, B_VERSION, V_UALEN, "8102", 0, 0, NULL, P2P_ERR_USER_AGENT, 0, P2P_VERDICT_DISCOURAGE },
	{ "ua newline", P2P_CMD_VERSION, B_VERSION, V_UALEN, "020a41", 0, 0, NULL, P2P_ERR_USER_AGENT, 0, P2P_VERDICT_DISCOURAGE },
	{ "ua del", P2P_CMD_VERSION, B_VERSION, V_UALEN, "017f", 0, 0, NULL, P2P_ERR_USER_AGENT, 0, P2P_VERDICT_DISCOURAGE },
	{ "ua varint", P2P_CMD_VERSION, B_VERSION, V_UALEN, "8000", 0, 0, NULL, P2P_ERR_VARINT, 0, P2P_VERDICT_DISCOURAGE },
	/* addr */
	{ "addr empty", P2P_CMD_ADDR, B_NONE, NOCUT, "00", 0, 0, NULL, P2P_ERR_LIST_LENGTH, 0, P2P_VERDICT_DISCOURAGE },
	{ "addr 1001", P2P_CMD_ADDR, B_NONE, NOCUT, "e907", 0, 0, NULL, P2P_ERR_LIST_LENGTH, 0, P2P_VERDICT_DISCOURAGE },
	{ "addr huge count", P2P_CMD_ADDR, B_NONE, NOCUT, "ffffffffffffffffff01", 0, 0, NULL, P2P_ERR_LIST_LENGTH, 0, P2P_VERDICT_DISCOURAGE },
	{ "addr count overflow", P2P_CMD_ADDR, B_NONE, NOCUT, "ffffffffffffffffff02", 0, 0, NULL, P2P_ERR_VARINT, 0, P2P_VERDICT_DISCOURAGE },
	{ "addr count cut", P2P_CMD_ADDR, B_NONE, NOCUT, "80", 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "addr missing entry", P2P_CMD_ADDR, B_NONE, NOCUT,
	  "02" "00000000000000000000ffff0a000001" "0100" "0100000000000000" "0200000000000000", 0, 0, NULL,
	  P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "addr trailing", P2P_CMD_ADDR, B_NONE, NOCUT,
	  "01" "00000000000000000000ffff0a000001" "0100" "0100000000000000" "0200000000000000" "00", 0, 0, NULL,
	  P2P_ERR_TRAILING, 0, P2P_VERDICT_DISCOURAGE },
	/* inv, getdata, notfound */
	{ "inv empty", P2P_CMD_INV, B_NONE, NOCUT, "00", 0, 0, NULL, P2P_ERR_LIST_LENGTH, 0, P2P_VERDICT_DISCOURAGE },
	{ "inv 16385", P2P_CMD_INV, B_NONE, NOCUT, "818001", 0, 0, NULL, P2P_ERR_LIST_LENGTH, 0, P2P_VERDICT_DISCOURAGE },
	{ "getdata type 0", P2P_CMD_GETDATA, B_NONE, NOCUT,
	  "01" "00" "0000000000000000000000000000000000000000000000000000000000000000", 0, 0, NULL,
	  P2P_ERR_INV_TYPE, 0, P2P_VERDICT_DISCOURAGE },
	{ "notfound type 3", P2P_CMD_NOTFOUND, B_NONE, NOCUT,
	  "02" "01" "0000000000000000000000000000000000000000000000000000000000000000"
	  "03" "0000000000000000000000000000000000000000000000000000000000000000", 0, 0, NULL,
	  P2P_ERR_INV_TYPE, 0, P2P_VERDICT_DISCOURAGE },
	{ "inv hash cut", P2P_CMD_INV, B_NONE, NOCUT,
	  "01" "01" "00000000000000000000000000000000000000000000000000000000000000", 0, 0, NULL,
	  P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "inv trailing", P2P_CMD_INV, B_NONE, NOCUT,
	  "01" "02" "0000000000000000000000000000000000000000000000000000000000000000" "ff", 0, 0, NULL,
	  P2P_ERR_TRAILING, 0, P2P_VERDICT_DISCOURAGE },
	{ "inv count noncanonical", P2P_CMD_INV, B_NONE, NOCUT,
	  "8100" "01" "0000000000000000000000000000000000000000000000000000000000000000", 0, 0, NULL,
	  P2P_ERR_VARINT, 0, P2P_VERDICT_DISCOURAGE },
	/* getblocks */
	{ "getblocks from 0", P2P_CMD_GETBLOCKS, B_NONE, NOCUT, "0000000000000000" "01000000", 0, 0, NULL, P2P_ERR_GETBLOCKS_RANGE, 0, P2P_VERDICT_DISCOURAGE },
	{ "getblocks count 0", P2P_CMD_GETBLOCKS, B_NONE, NOCUT, "0100000000000000" "00000000", 0, 0, NULL, P2P_ERR_GETBLOCKS_RANGE, 0, P2P_VERDICT_DISCOURAGE },
	{ "getblocks count 33", P2P_CMD_GETBLOCKS, B_NONE, NOCUT, "0100000000000000" "21000000", 0, 0, NULL, P2P_ERR_GETBLOCKS_RANGE, 0, P2P_VERDICT_DISCOURAGE },
	{ "getblocks wraps", P2P_CMD_GETBLOCKS, B_NONE, NOCUT, "ffffffffffffffff" "02000000", 0, 0, NULL, P2P_ERR_GETBLOCKS_RANGE, 0, P2P_VERDICT_DISCOURAGE },
	{ "getblocks short", P2P_CMD_GETBLOCKS, B_NONE, NOCUT, "0100000000000000" "010000", 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	/* tx */
	{ "tx empty", P2P_CMD_TX, B_NONE, NOCUT, "", 0, 0, NULL, P2P_ERR_PRIM, PRIM_ERR_TRUNCATED, P2P_VERDICT_DISCOURAGE },
	{ "tx trailing", P2P_CMD_TX, B_TX, NOCUT, "00", 0, 0, NULL, P2P_ERR_PRIM, PRIM_ERR_TRAILING, P2P_VERDICT_DISCOURAGE },
	{ "tx cut", P2P_CMD_TX, B_TX, -2, NULL, 0, 0, NULL, P2P_ERR_PRIM, PRIM_ERR_TRUNCATED, P2P_VERDICT_DISCOURAGE },
	{ "tx version", P2P_CMD_TX, B_TX, NOCUT, NULL, 0, 1, "02", P2P_ERR_PRIM, PRIM_ERR_TX_VERSION, P2P_VERDICT_DISCOURAGE },
	/* version 1, chain id of 16 bytes: the type is at 1 + 1 + 16. */
	{ "tx unknown type", P2P_CMD_TX, B_TX, NOCUT, NULL, 18, 1, "63", P2P_ERR_PRIM, PRIM_ERR_UNKNOWN_TYPE, P2P_VERDICT_IGNORE },
	/* block */
	{ "block empty", P2P_CMD_BLOCK, B_NONE, NOCUT, "", 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "block too large", P2P_CMD_BLOCK, B_NONE, NOCUT, "81808001", 0, 0, NULL, P2P_ERR_PRIM, PRIM_ERR_TOO_LARGE, P2P_VERDICT_DISCOURAGE },
	{ "block bytes cut", P2P_CMD_BLOCK, B_NONE, NOCUT, "0500", 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "block garbage", P2P_CMD_BLOCK, B_NONE, NOCUT, "0102" "00", 0, 0, NULL, P2P_ERR_PRIM, PRIM_ERR_TRUNCATED, P2P_VERDICT_DISCOURAGE },
	{ "block no commit", P2P_CMD_BLOCK, B_BLOCK, -1 - (1 + 8 + 4 + 32 + 1 + 65), NULL, 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "commit cut", P2P_CMD_BLOCK, B_BLOCK, -2, NULL, 0, 0, NULL, P2P_ERR_TRUNCATED, 0, P2P_VERDICT_DISCOURAGE },
	{ "block trailing", P2P_CMD_BLOCK, B_BLOCK, NOCUT, "00", 0, 0, NULL, P2P_ERR_TRAILING, 0, P2P_VERDICT_DISCOURAGE },
	{ "block commit height", P2P_CMD_BLOCK, B_BLOCK, NOCUT, NULL, SIZE_MAX, 1, "02", P2P_ERR_BLOCK_COMMIT, 0, P2P_VERDICT_DISCOURAGE },
	{ "block commit id", P2P_CMD_BLOCK, B_BLOCK, NOCUT, NULL, SIZE_MAX - 1, 1, "ee", P2P_ERR_BLOCK_COMMIT, 0, P2P_VERDICT_DISCOURAGE },
	{ "block commit flag", P2P_CMD_BLOCK, B_BLOCK, NOCUT, NULL, SIZE_MAX - 2, 1, "07", P2P_ERR_PRIM, PRIM_ERR_COMMIT_FLAG, P2P_VERDICT_DISCOURAGE },
};

/* Offsets into the block payload's commit, resolved at run time: SIZE_MAX
 * the commit's height, SIZE_MAX - 1 its block id, SIZE_MAX - 2 its first
 * entry flag. */
static size_t resolve_patch(size_t at, size_t commit_start)
{
	if (at == SIZE_MAX)
		return commit_start;
	if (at == SIZE_MAX - 1)
		return commit_start + 12;
	if (at == SIZE_MAX - 2)
		return commit_start + 8 + 4 + 32 + 1;
	return at;
}

static void build_base(struct buf *b, size_t *commit_start, enum base base)
{
	struct p2p_msg m;
	struct buf blk = BUF_INIT, com = BUF_INIT;
	struct hash256 id;

	*commit_start = 0;
	switch (base) {
	case B_NONE:
		break;
	case B_VERSION:
		p2p_msg_init(&m, P2P_CMD_VERSION);
		make_version(&m.u.version);
		if (!p2p_msg_encode(b, &m))
			abort();
		break;
	case B_TX:
		p2p_msg_init(&m, P2P_CMD_TX);
		make_tx(&m.u.tx, 1);
		if (!p2p_msg_encode(b, &m))
			abort();
		p2p_msg_release(&m);
		break;
	case B_BLOCK:
		make_block_bytes(&blk, 1);
		block_id_of(&id, &blk);
		commit_bytes(&com, 1, &id);
		if (!p2p_msg_block_payload(b, blk.data, blk.len, com.data, com.len))
			abort();
		*commit_start = b->len - com.len;
		buf_release(&blk);
		buf_release(&com);
		break;
	}
}

static void test_payload_rejections(void)
{
	for (size_t i = 0; i < sizeof(payload_cases) / sizeof(payload_cases[0]); i++) {
		const struct payload_case *c = &payload_cases[i];
		struct buf b = BUF_INIT;
		uint8_t tmp[128];
		size_t commit_start, n;
		struct p2p_msg m;
		struct p2p_reject why;

		build_base(&b, &commit_start, c->base);
		if (c->cut >= 0 && (size_t)c->cut < b.len)
			b.len = (size_t)c->cut;
		else if (c->cut < -1)
			b.len -= (size_t)(-c->cut - 1);
		if (c->append) {
			n = unit_unhex(tmp, sizeof(tmp), c->append);
			buf_put(&b, tmp, n);
		}
		if (c->patch) {
			size_t at = resolve_patch(c->patch_at, commit_start);
			n = unit_unhex(tmp, sizeof(tmp), c->patch);
			if (CHECK(n == c->patch_len && at + n <= b.len))
				memcpy(b.data + at, tmp, n);
		}
		memset(&m, 0xa5, sizeof(m));
		bool ok = p2p_msg_decode(&m, &why, c->cmd, b.data, b.len);
		if (!CHECK(!ok && why.code == c->err && why.prim == c->prim))
			unit_note("case %s: %s (%s)", c->name, p2p_err_name(why.code),
				  prim_err_name(why.prim));
		CHECK(m.cmd == P2P_CMD_UNKNOWN && m.u.opaque.p == NULL);
		if (!CHECK(p2p_policy_verdict(why.code, why.prim) == c->verdict))
			unit_note("case %s: verdict %s", c->name,
				  p2p_verdict_name(p2p_policy_verdict(why.code, why.prim)));
		CHECK(strcmp(p2p_reject_name(&why), c->err == P2P_ERR_PRIM ? prim_err_name(c->prim)
									    : p2p_err_name(c->err)) == 0);
		p2p_msg_release(&m);
		buf_release(&b);
	}
}

/* The base payloads themselves decode (so each case fails because of its
 * change alone). */
static void test_payload_bases(void)
{
	static const enum p2p_cmd cmds[] = { P2P_CMD_UNKNOWN, P2P_CMD_VERSION, P2P_CMD_TX,
					     P2P_CMD_BLOCK };
	for (int base = B_VERSION; base <= B_BLOCK; base++) {
		struct buf b = BUF_INIT;
		size_t cs;
		struct p2p_msg m;
		struct p2p_reject why;
		build_base(&b, &cs, (enum base)base);
		CHECK(p2p_msg_decode(&m, &why, cmds[base], b.data, b.len));
		if (base == B_VERSION)
			CHECK(b.len == V_UALEN + 1 + strlen("/rostra:0.1.0/") &&
			      b.data[V_CHAINLEN] == 16);
		p2p_msg_release(&m);
		buf_release(&b);
	}
	/* An unknown command and the reserved ones carry any payload. */
	uint8_t any[3] = { 1, 2, 3 };
	struct p2p_msg m;
	struct p2p_reject why;
	CHECK(p2p_msg_decode(&m, &why, P2P_CMD_UNKNOWN, any, 3) && m.u.opaque.p == any &&
	      m.u.opaque.len == 3);
	CHECK(p2p_msg_decode(&m, &why, P2P_CMD_COUNT_, NULL, 0) && m.cmd == P2P_CMD_UNKNOWN);
	CHECK(p2p_msg_decode(&m, &why, P2P_CMD_VOTE, any, 0));
}

/* ------------------------------------------------------------ the table */

static void test_command_table(void)
{
	for (int c = 1; c < P2P_CMD_COUNT_; c++) {
		const char *name = p2p_cmd_name((enum p2p_cmd)c);
		CHECK(strlen(name) >= 1 && strlen(name) <= P2P_COMMAND_LEN);
		CHECK(p2p_cmd_from_name(name) == (enum p2p_cmd)c);
		CHECK(p2p_cmd_max_payload((enum p2p_cmd)c) <= P2P_MAX_PAYLOAD);
	}
	CHECK(p2p_cmd_from_name("") == P2P_CMD_UNKNOWN);
	CHECK(p2p_cmd_from_name("Version") == P2P_CMD_UNKNOWN);
	CHECK(p2p_cmd_from_name(NULL) == P2P_CMD_UNKNOWN);
	CHECK(strcmp(p2p_cmd_name(P2P_CMD_COUNT_), "") == 0);
	CHECK(p2p_cmd_max_payload(P2P_CMD_UNKNOWN) == P2P_MAX_PAYLOAD);
	CHECK(p2p_cmd_max_payload(P2P_CMD_PING) == 8);
	CHECK(p2p_cmd_max_payload(P2P_CMD_VERSION) == 4 + 8 + 8 + 8 + 27 + 32 + 8 + 18 + 2 + 2 + 256);
	CHECK(p2p_cmd_max_payload(P2P_CMD_ADDR) == 2 + 1000 * 34);
	CHECK(p2p_cmd_max_payload(P2P_CMD_INV) == 3 + 16384 * 33);
	CHECK(p2p_cmd_max_payload(P2P_CMD_BLOCK) == 4 + BLOCK_MAX_SIZE + 2 + 9796);
	CHECK(P2P_COMMIT_MAX_SIZE == 9796);

	uint8_t m1[4], m2[4], m3[4], m4[4] = { 1, 1, 1, 1 };
	CHECK(p2p_network_magic(m1, "main") && p2p_network_magic(m2, "testnet") &&
	      p2p_network_magic(m3, "regtest"));
	CHECK(memcmp(m1, m2, 4) != 0 && memcmp(m2, m3, 4) != 0 && memcmp(m1, m3, 4) != 0);
	CHECK(memcmp(m3, magic, 4) == 0);
	CHECK(!p2p_network_magic(m4, "signet") && m4[0] == 0 && m4[3] == 0);
}

/* A largest block message fits the frame limit; a block message's maximum
 * is not enough for one byte more. */
static void test_size_limits(void)
{
	static uint8_t big[BLOCK_MAX_SIZE + 1];
	struct buf b = BUF_INIT, f = BUF_INIT;
	CHECK(p2p_msg_block_payload(&b, big, BLOCK_MAX_SIZE, big, P2P_COMMIT_MAX_SIZE));
	CHECK(b.len == p2p_cmd_max_payload(P2P_CMD_BLOCK));
	CHECK(p2p_frame_encode(&f, magic, "block", b.data, b.len));
	buf_put_u8(&b, 0);
	buf_reset(&f);
	CHECK(!p2p_frame_encode(&f, magic, "block", b.data, b.len));
	buf_release(&b);
	buf_release(&f);
}

/* --------------------------------------------------------------- random */

/* Random payloads and their mutations: every decoder either accepts (and
 * then re-encodes to the same bytes) or gives a reason. */
static void test_random_payloads(void)
{
	static uint8_t data[4096];
	size_t accepted = 0, rejected = 0;
	for (int round = 0; round < 4000; round++) {
		enum p2p_cmd cmd = (enum p2p_cmd)(unit_rand() % P2P_CMD_COUNT_);
		size_t len = (size_t)(unit_rand() % 200);
		struct p2p_msg m;
		struct p2p_reject why;
		unit_rand_bytes(data, len);
		/* Make list counts small and inv types plausible now and then. */
		if (len > 0 && (round & 1))
			data[0] = (uint8_t)(unit_rand() % 4);
		if (len > 1 && (round & 2))
			data[1] = (uint8_t)(1 + unit_rand() % 2);
		if (p2p_msg_decode(&m, &why, cmd, data, len)) {
			struct buf b = BUF_INIT;
			CHECK(why.code == P2P_ERR_OK);
			CHECK(p2p_msg_encode(&b, &m) && b.len == len &&
			      (len == 0 || memcmp(b.data, data, len) == 0));
			buf_release(&b);
			accepted++;
		} else {
			CHECK(why.code != P2P_ERR_OK && m.cmd == P2P_CMD_UNKNOWN);
			rejected++;
		}
		p2p_msg_release(&m);
	}
	CHECK(accepted > 0 && rejected > 0);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_roundtrip_simple),
	UNIT_CASE(test_roundtrip_version),
	UNIT_CASE(test_roundtrip_addr),
	UNIT_CASE(test_roundtrip_inv),
	UNIT_CASE(test_roundtrip_tx_getblocks),
	UNIT_CASE(test_roundtrip_block),
	UNIT_CASE(test_roundtrip_opaque),
	UNIT_CASE(test_frame_rejections),
	UNIT_CASE(test_frame_encode_refusals),
	UNIT_CASE(test_payload_rejections),
	UNIT_CASE(test_payload_bases),
	UNIT_CASE(test_command_table),
	UNIT_CASE(test_size_limits),
	UNIT_CASE(test_random_payloads),
};

int main(void)
{
	int rc;
	if (!crypto_init())
		return 1;
	rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
