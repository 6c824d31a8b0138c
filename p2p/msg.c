/* Message payloads: decoders and encoders (msg.h, doc/p2p.md "Messages").
 *
 * A decoder reads its fields in order through struct p2p_dec, which keeps
 * the first failure's reason; once a reason is set every later read is a
 * no-op, so the first failing rule in reading order decides the error. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "p2p/msg.h"

struct p2p_dec {
	struct reader r;
	struct p2p_reject why;
};

static void p2p_dec_init(struct p2p_dec *d, const uint8_t *data, size_t len)
{
	reader_init(&d->r, data, len);
	d->why.code = P2P_ERR_OK;
	d->why.prim = PRIM_ERR_OK;
}

static bool p2p_dec_ok(const struct p2p_dec *d)
{
	return d->why.code == P2P_ERR_OK;
}

static bool p2p_dec_fail(struct p2p_dec *d, enum p2p_err e)
{
	if (p2p_dec_ok(d))
		d->why.code = e;
	reader_fail(&d->r);
	return false;
}

static bool p2p_dec_fail_prim(struct p2p_dec *d, enum prim_err e)
{
	if (p2p_dec_ok(d))
		d->why.prim = e;
	return p2p_dec_fail(d, P2P_ERR_PRIM);
}

static bool p2p_dec_raw(struct p2p_dec *d, void *out, size_t n)
{
	if (!p2p_dec_ok(d)) {
		memset(out, 0, n);
		return false;
	}
	if (!reader_get(&d->r, out, n))
		return p2p_dec_fail(d, P2P_ERR_TRUNCATED);
	return true;
}

static bool p2p_dec_u8(struct p2p_dec *d, uint8_t *out)
{
	return p2p_dec_raw(d, out, 1);
}

static bool p2p_dec_u16(struct p2p_dec *d, uint16_t *out)
{
	*out = 0;
	if (!p2p_dec_ok(d))
		return false;
	return reader_get_u16le(&d->r, out) || p2p_dec_fail(d, P2P_ERR_TRUNCATED);
}

static bool p2p_dec_u32(struct p2p_dec *d, uint32_t *out)
{
	*out = 0;
	if (!p2p_dec_ok(d))
		return false;
	return reader_get_u32le(&d->r, out) || p2p_dec_fail(d, P2P_ERR_TRUNCATED);
}

static bool p2p_dec_u64(struct p2p_dec *d, uint64_t *out)
{
	*out = 0;
	if (!p2p_dec_ok(d))
		return false;
	return reader_get_u64le(&d->r, out) || p2p_dec_fail(d, P2P_ERR_TRUNCATED);
}

/* A varint: TRUNCATED when the input ends inside it, VARINT when it is not
 * minimal or does not fit in 64 bits. */
static bool p2p_dec_varint(struct p2p_dec *d, uint64_t *out)
{
	const uint8_t *p = d->r.p;
	size_t left = d->r.left;

	*out = 0;
	if (!p2p_dec_ok(d))
		return false;
	if (reader_get_varint(&d->r, out))
		return true;
	for (size_t i = 0; i < 10 && i < left; i++)
		if ((p[i] & 0x80) == 0)
			return p2p_dec_fail(d, P2P_ERR_VARINT);
	return p2p_dec_fail(d, left < 10 ? P2P_ERR_TRUNCATED : P2P_ERR_VARINT);
}

/* A varint length in [min, max] (else len_err, before any byte of the
 * field is read), then the bytes, viewed in place. */
static bool p2p_dec_bytes(struct p2p_dec *d, const uint8_t **out, size_t *n, size_t min, size_t max,
			  struct p2p_reject len_err)
{
	uint64_t len;
	*out = NULL;
	*n = 0;
	if (!p2p_dec_varint(d, &len))
		return false;
	if (len < min || len > max) {
		d->why = len_err;
		reader_fail(&d->r);
		return false;
	}
	if (!reader_view(&d->r, out, (size_t)len))
		return p2p_dec_fail(d, P2P_ERR_TRUNCATED);
	*n = (size_t)len;
	return true;
}

/* A list count in [1, max] (else LIST_LENGTH) whose entries of entry_size
 * bytes are all present (else TRUNCATED), so that nothing is allocated for
 * bytes that are not there. */
static bool p2p_dec_count(struct p2p_dec *d, size_t *out, size_t max, size_t entry_size)
{
	uint64_t n;
	*out = 0;
	if (!p2p_dec_varint(d, &n))
		return false;
	if (n == 0 || n > max)
		return p2p_dec_fail(d, P2P_ERR_LIST_LENGTH);
	if (reader_remaining(&d->r) / entry_size < n)
		return p2p_dec_fail(d, P2P_ERR_TRUNCATED);
	*out = (size_t)n;
	return true;
}

/* A list's count (as p2p_dec_count) and its zeroed array of elem_size
 * entries: the one place where a declared length from a peer turns into an
 * allocation, after it has been checked against the bytes that remain.
 * Out: *n. Returns the array (the caller owns it), or NULL with d failed. */
static void *p2p_dec_list(struct p2p_dec *d, size_t *n, size_t max, size_t entry_size,
			  size_t elem_size)
{
	void *v;
	if (!p2p_dec_count(d, n, max, entry_size))
		return NULL;
	v = calloc(*n, elem_size);
	if (v == NULL) {
		*n = 0;
		p2p_dec_fail(d, P2P_ERR_NO_MEMORY);
	}
	return v;
}

static bool p2p_dec_finish(struct p2p_dec *d)
{
	if (p2p_dec_ok(d) && reader_remaining(&d->r) != 0)
		p2p_dec_fail(d, P2P_ERR_TRAILING);
	return p2p_dec_ok(d);
}

static void p2p_dec_addr(struct p2p_dec *d, struct p2p_addr *a)
{
	p2p_dec_raw(d, a->ip, P2P_IP_LEN);
	p2p_dec_u16(d, &a->port);
}

static void p2p_enc_addr(struct buf *b, const struct p2p_addr *a)
{
	buf_put(b, a->ip, P2P_IP_LEN);
	buf_put_u16le(b, a->port);
}

/* ---------------------------------------------------------------- version */

static bool p2p_user_agent_valid(const uint8_t *p, size_t n)
{
	if (n > P2P_USER_AGENT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

static void p2p_dec_version(struct p2p_dec *d, struct p2p_version *v)
{
	const struct p2p_reject chain_len = { P2P_ERR_PRIM, PRIM_ERR_CHAIN_ID };
	const struct p2p_reject ua_len = { P2P_ERR_USER_AGENT, PRIM_ERR_OK };
	const uint8_t *p;
	size_t n;

	p2p_dec_u32(d, &v->version);
	p2p_dec_u64(d, &v->services);
	p2p_dec_u64(d, &v->time_ms);
	p2p_dec_u64(d, &v->nonce);
	if (p2p_dec_bytes(d, &p, &n, CHAIN_ID_MIN_LEN, CHAIN_ID_MAX_LEN, chain_len) &&
	    !chain_id_set(&v->chain_id, p, n))
		p2p_dec_fail_prim(d, PRIM_ERR_CHAIN_ID);
	p2p_dec_raw(d, v->genesis.b, sizeof(v->genesis.b));
	p2p_dec_u64(d, &v->best_height);
	p2p_dec_addr(d, &v->addr_recv);
	p2p_dec_u16(d, &v->listen_port);
	if (p2p_dec_bytes(d, &p, &n, 0, P2P_USER_AGENT_MAX, ua_len)) {
		if (!p2p_user_agent_valid(p, n)) {
			p2p_dec_fail(d, P2P_ERR_USER_AGENT);
			return;
		}
		if (n > 0)
			memcpy(v->user_agent, p, n);
		v->user_agent[n] = '\0';
		v->user_agent_len = n;
	}
}

static bool p2p_enc_version(struct buf *b, const struct p2p_version *v)
{
	if (v->user_agent_len > P2P_USER_AGENT_MAX ||
	    !p2p_user_agent_valid((const uint8_t *)v->user_agent, v->user_agent_len) ||
	    !chain_id_valid((const uint8_t *)v->chain_id.s, v->chain_id.len))
		return false;
	buf_put_u32le(b, v->version);
	buf_put_u64le(b, v->services);
	buf_put_u64le(b, v->time_ms);
	buf_put_u64le(b, v->nonce);
	buf_put_bytes(b, v->chain_id.s, v->chain_id.len);
	buf_put(b, v->genesis.b, sizeof(v->genesis.b));
	buf_put_u64le(b, v->best_height);
	p2p_enc_addr(b, &v->addr_recv);
	buf_put_u16le(b, v->listen_port);
	buf_put_bytes(b, v->user_agent, v->user_agent_len);
	return true;
}

/* ------------------------------------------------------------------ lists */

static void p2p_dec_addr_list(struct p2p_dec *d, struct p2p_addr_list *l)
{
	size_t n;
	l->v = p2p_dec_list(d, &n, P2P_MAX_ADDR, P2P_ADDR_ENTRY_SIZE, sizeof(*l->v));
	if (l->v == NULL)
		return;
	l->n = n;
	l->owned = true;
	for (size_t i = 0; i < n; i++) {
		p2p_dec_addr(d, &l->v[i].addr);
		p2p_dec_u64(d, &l->v[i].services);
		p2p_dec_u64(d, &l->v[i].time_ms);
	}
}

static bool p2p_enc_addr_list(struct buf *b, const struct p2p_addr_list *l)
{
	if (l->n == 0 || l->n > P2P_MAX_ADDR)
		return false;
	buf_put_varint(b, l->n);
	for (size_t i = 0; i < l->n; i++) {
		p2p_enc_addr(b, &l->v[i].addr);
		buf_put_u64le(b, l->v[i].services);
		buf_put_u64le(b, l->v[i].time_ms);
	}
	return true;
}

static bool p2p_inv_type_valid(uint8_t t)
{
	return t == P2P_INV_TX || t == P2P_INV_BLOCK;
}

static void p2p_dec_inv_list(struct p2p_dec *d, struct p2p_inv_list *l)
{
	size_t n;
	l->v = p2p_dec_list(d, &n, P2P_MAX_INV, P2P_INV_ENTRY_SIZE, sizeof(*l->v));
	if (l->v == NULL)
		return;
	l->n = n;
	l->owned = true;
	for (size_t i = 0; i < n && p2p_dec_ok(d); i++) {
		if (p2p_dec_u8(d, &l->v[i].type) && !p2p_inv_type_valid(l->v[i].type))
			p2p_dec_fail(d, P2P_ERR_INV_TYPE);
		p2p_dec_raw(d, l->v[i].hash.b, sizeof(l->v[i].hash.b));
	}
}

static bool p2p_enc_inv_list(struct buf *b, const struct p2p_inv_list *l)
{
	if (l->n == 0 || l->n > P2P_MAX_INV)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (!p2p_inv_type_valid(l->v[i].type))
			return false;
	buf_put_varint(b, l->n);
	for (size_t i = 0; i < l->n; i++) {
		buf_put_u8(b, l->v[i].type);
		buf_put(b, l->v[i].hash.b, sizeof(l->v[i].hash.b));
	}
	return true;
}

/* --------------------------------------------------------------- getblocks */

static bool p2p_getblocks_valid(const struct p2p_getblocks *g)
{
	return g->from_height >= 1 && g->count >= 1 && g->count <= P2P_MAX_GETBLOCKS &&
	       g->from_height - 1 <= UINT64_MAX - g->count;
}

static void p2p_dec_getblocks(struct p2p_dec *d, struct p2p_getblocks *g)
{
	p2p_dec_u64(d, &g->from_height);
	p2p_dec_u32(d, &g->count);
	if (p2p_dec_ok(d) && !p2p_getblocks_valid(g))
		p2p_dec_fail(d, P2P_ERR_GETBLOCKS_RANGE);
}

/* ------------------------------------------------------------------ block */

static void p2p_dec_block(struct p2p_dec *d, struct p2p_block_msg *m)
{
	const struct p2p_reject too_large = { P2P_ERR_PRIM, PRIM_ERR_TOO_LARGE };
	const uint8_t *p;
	size_t n;
	enum prim_err e;

	if (p2p_dec_bytes(d, &p, &n, 0, BLOCK_MAX_SIZE, too_large) &&
	    !block_decode(&m->block, p, n, &e))
		p2p_dec_fail_prim(d, e);
	if (p2p_dec_bytes(d, &p, &n, 0, P2P_COMMIT_MAX_SIZE, too_large) &&
	    !commit_decode(&m->commit, p, n, &e))
		p2p_dec_fail_prim(d, e);
	if (p2p_dec_finish(d) &&
	    (m->commit.height != m->block.header.height ||
	     memcmp(m->commit.block_id.b, m->block.id.b, sizeof(m->block.id.b)) != 0))
		p2p_dec_fail(d, P2P_ERR_BLOCK_COMMIT);
}

bool p2p_msg_block_payload(struct buf *out, const uint8_t *block, size_t block_len,
			   const uint8_t *commit, size_t commit_len)
{
	if (block_len > BLOCK_MAX_SIZE || commit_len > P2P_COMMIT_MAX_SIZE) {
		out->failed = true;
		return false;
	}
	buf_put_bytes(out, block, block_len);
	buf_put_bytes(out, commit, commit_len);
	return buf_ok(out);
}

static bool p2p_enc_block(struct buf *b, const struct p2p_block_msg *m)
{
	struct buf blk = BUF_INIT, com = BUF_INIT;
	bool ok = block_encode(&blk, &m->block) && commit_encode(&com, &m->commit) &&
		  p2p_msg_block_payload(b, blk.data, blk.len, com.data, com.len);
	buf_release(&blk);
	buf_release(&com);
	return ok;
}

/* ------------------------------------------------------------- the message */

void p2p_msg_init(struct p2p_msg *m, enum p2p_cmd cmd)
{
	memset(m, 0, sizeof(*m));
	m->cmd = cmd;
	if (cmd == P2P_CMD_TX)
		tx_init(&m->u.tx);
	else if (cmd == P2P_CMD_BLOCK)
		block_init(&m->u.block.block);
}

void p2p_msg_release(struct p2p_msg *m)
{
	switch (m->cmd) {
	case P2P_CMD_ADDR:
		if (m->u.addr.owned)
			free(m->u.addr.v);
		break;
	case P2P_CMD_INV:
	case P2P_CMD_GETDATA:
	case P2P_CMD_NOTFOUND:
		if (m->u.inv.owned)
			free(m->u.inv.v);
		break;
	case P2P_CMD_TX:
		tx_release(&m->u.tx);
		break;
	case P2P_CMD_BLOCK:
		block_release(&m->u.block.block);
		break;
	default:
		break;
	}
	memset(m, 0, sizeof(*m));
}

static void p2p_dec_payload(struct p2p_dec *d, struct p2p_msg *m, const uint8_t *data, size_t len)
{
	enum prim_err e;

	switch (m->cmd) {
	case P2P_CMD_VERSION:
		p2p_dec_version(d, &m->u.version);
		break;
	case P2P_CMD_PING:
	case P2P_CMD_PONG:
		p2p_dec_u64(d, &m->u.nonce);
		break;
	case P2P_CMD_ADDR:
		p2p_dec_addr_list(d, &m->u.addr);
		break;
	case P2P_CMD_INV:
	case P2P_CMD_GETDATA:
	case P2P_CMD_NOTFOUND:
		p2p_dec_inv_list(d, &m->u.inv);
		break;
	case P2P_CMD_TX:
		if (!tx_decode(&m->u.tx, data, len, &e))
			p2p_dec_fail_prim(d, e);
		else
			reader_view(&d->r, &data, len);
		return;
	case P2P_CMD_GETBLOCKS:
		p2p_dec_getblocks(d, &m->u.getblocks);
		break;
	case P2P_CMD_BLOCK:
		p2p_dec_block(d, &m->u.block);
		return;
	case P2P_CMD_VERACK:
	case P2P_CMD_GETADDR:
		break;
	case P2P_CMD_PROPOSAL:
	case P2P_CMD_VOTE:
	case P2P_CMD_UNKNOWN:
	case P2P_CMD_COUNT_:
		m->u.opaque.p = data;
		m->u.opaque.len = len;
		reader_view(&d->r, &data, len);
		break;
	}
	p2p_dec_finish(d);
}

bool p2p_msg_decode(struct p2p_msg *out, struct p2p_reject *why, enum p2p_cmd cmd,
		    const uint8_t *data, size_t len)
{
	struct p2p_dec d;

	if ((unsigned)cmd >= (unsigned)P2P_CMD_COUNT_)
		cmd = P2P_CMD_UNKNOWN;
	p2p_msg_init(out, cmd);
	p2p_dec_init(&d, data, len);
	if (len > p2p_cmd_max_payload(cmd))
		p2p_dec_fail(&d, P2P_ERR_TOO_LARGE);
	else
		p2p_dec_payload(&d, out, data, len);
	*why = d.why;
	if (!p2p_dec_ok(&d)) {
		p2p_msg_release(out);
		return false;
	}
	return true;
}

bool p2p_msg_encode(struct buf *out, const struct p2p_msg *m)
{
	bool ok = true;

	switch (m->cmd) {
	case P2P_CMD_VERSION:
		ok = p2p_enc_version(out, &m->u.version);
		break;
	case P2P_CMD_PING:
	case P2P_CMD_PONG:
		buf_put_u64le(out, m->u.nonce);
		break;
	case P2P_CMD_ADDR:
		ok = p2p_enc_addr_list(out, &m->u.addr);
		break;
	case P2P_CMD_INV:
	case P2P_CMD_GETDATA:
	case P2P_CMD_NOTFOUND:
		ok = p2p_enc_inv_list(out, &m->u.inv);
		break;
	case P2P_CMD_TX:
		ok = tx_encode(out, &m->u.tx);
		break;
	case P2P_CMD_GETBLOCKS:
		ok = p2p_getblocks_valid(&m->u.getblocks);
		buf_put_u64le(out, m->u.getblocks.from_height);
		buf_put_u32le(out, m->u.getblocks.count);
		break;
	case P2P_CMD_BLOCK:
		ok = p2p_enc_block(out, &m->u.block);
		break;
	case P2P_CMD_VERACK:
	case P2P_CMD_GETADDR:
		break;
	case P2P_CMD_PROPOSAL:
	case P2P_CMD_VOTE:
	case P2P_CMD_UNKNOWN:
	case P2P_CMD_COUNT_:
		buf_put(out, m->u.opaque.p, m->u.opaque.len);
		break;
	}
	if (!ok)
		out->failed = true;
	return buf_ok(out);
}

bool p2p_msg_frame(struct buf *out, const uint8_t magic[P2P_MAGIC_LEN], const struct p2p_msg *m)
{
	struct buf payload = BUF_INIT;
	bool ok = m->cmd != P2P_CMD_UNKNOWN && (unsigned)m->cmd < (unsigned)P2P_CMD_COUNT_ &&
		  p2p_msg_encode(&payload, m) &&
		  p2p_frame_encode(out, magic, p2p_cmd_name(m->cmd), payload.data, payload.len);
	buf_release(&payload);
	if (!ok)
		out->failed = true;
	return ok;
}
