/* Block sync (doc/p2p.md, "Block sync"): catch up by height from any peer
 * that is ahead, serve getblocks and getdata for blocks, announce new
 * blocks.
 *
 * A window of NODE_SYNC_WINDOW heights above the tip is requested with
 * getblocks, in runs of at most NODE_SYNC_BATCH heights, spread over the
 * peers whose height reaches them (fewest in flight first, at most
 * NODE_SYNC_PEER_INFLIGHT each). Each slot of the window remembers which
 * peer it was asked from and when; a slot that has not arrived after
 * NODE_SYNC_STALL_MS is asked again from another peer when it is the
 * next block the chain needs, or when its peer has delivered no block for
 * as long. (A peer busy sending the window's other blocks is not stalled
 * for those: on a slow machine the window takes longer than that to
 * apply, and asking again would fetch every later block twice. The next
 * block is the exception, so that a peer trickling the others cannot hold
 * the chain back: at worst one block is fetched twice.) Blocks that arrive
 * are kept in their slot and joined to the chain in height order through
 * cons_accept_block (the block, its last commit and the commit that came
 * with it, all verified); a block that fails gets its sender judged by
 * the misbehaviour policy and its height asked again.
 *
 * A peer's height comes from its version and grows with every block it
 * sends. A new tip is announced (inv of its id) to every peer once we are
 * caught up; a peer that announces a block we lack is asked for it by
 * getdata, and the block that comes back tells its height. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ledger/query.h"
#include "node/node_internal.h"
#include "p2p/p2p.h"
#include "util/buf.h"
#include "util/log.h"

#define NODE_SYNC_WINDOW 512
#define NODE_SYNC_BATCH 16
#define NODE_SYNC_PEER_INFLIGHT 128
#define NODE_SYNC_STALL_MS 10000
#define NODE_SYNC_TICK_MS 200
#define NODE_SYNC_LOG_MS 5000
#define NODE_SYNC_MAX_PEERS 256

struct node_sync_slot {
	uint64_t height;                /* 0: unused */
	uint64_t peer;                  /* asked from (0: not asked) */
	uint64_t asked_ms;              /* monotonic */
	uint64_t from;                  /* the sender of blk */
	struct p2p_block_msg *blk;      /* arrived, not yet joined */
};

struct node_sync {
	struct node *n;
	struct event *tick;
	struct node_sync_slot slots[NODE_SYNC_WINDOW]; /* height h at h % WINDOW */
	uint64_t log_ms, log_height;   /* the last progress line */
	bool syncing;                  /* a peer was ahead at the last look */
};

static uint64_t node_sync_now_ms(void)
{
	return clock_mono_ns() / 1000000;
}

static uint64_t node_sync_tip(const struct node *n)
{
	struct ledger_tip tip;
	ledger_get_tip(n->ledger, &tip);
	return tip.height;
}

static void node_sync_slot_clear(struct node_sync_slot *s)
{
	if (s->blk) {
		block_release(&s->blk->block);
		free(s->blk);
	}
	memset(s, 0, sizeof(*s));
}

/* The slot of height h, cleared first if it held another height. */
static struct node_sync_slot *node_sync_slot(struct node_sync *s, uint64_t h)
{
	struct node_sync_slot *sl = &s->slots[h % NODE_SYNC_WINDOW];
	if (sl->height != h) {
		node_sync_slot_clear(sl);
		sl->height = h;
	}
	return sl;
}

static struct node_peer *node_sync_peer(struct p2p_peer *peer)
{
	return p2p_peer_userdata(peer);
}

/* Heights asked from peer id and not yet arrived. */
static size_t node_sync_inflight(const struct node_sync *s, uint64_t id)
{
	size_t k = 0;
	for (size_t i = 0; i < NODE_SYNC_WINDOW; i++)
		k += s->slots[i].peer == id && s->slots[i].blk == NULL && s->slots[i].height != 0;
	return k;
}

/* The highest height any of peers[0..np) has shown. */
static uint64_t node_sync_best_peer(struct p2p_peer **peers, size_t np)
{
	uint64_t best = 0;
	for (size_t i = 0; i < np; i++) {
		struct node_peer *p = node_sync_peer(peers[i]);
		if (p && p->height > best)
			best = p->height;
	}
	return best;
}

/* The peer to ask for height h: its height reaches h, it reads what we
 * send, it has room; not avoid if another will do; fewest in flight. */
static struct p2p_peer *node_sync_pick(struct node_sync *s, struct p2p_peer **peers, size_t np,
				       uint64_t h, uint64_t avoid)
{
	struct p2p_peer *best = NULL, *fallback = NULL;
	size_t best_k = SIZE_MAX;
	for (size_t i = 0; i < np; i++) {
		struct node_peer *p = node_sync_peer(peers[i]);
		if (p == NULL || p->height < h || p2p_peer_send_blocked(peers[i]))
			continue;
		size_t k = node_sync_inflight(s, p->id);
		if (k >= NODE_SYNC_PEER_INFLIGHT)
			continue;
		if (p->id == avoid) {
			fallback = peers[i];
			continue;
		}
		if (k < best_k) {
			best = peers[i];
			best_k = k;
		}
	}
	return best ? best : fallback;
}

/* True when peer id (one of peers[0..np)) is gone or has delivered no
 * block for NODE_SYNC_STALL_MS. */
static bool node_sync_peer_idle(struct p2p_peer **peers, size_t np, uint64_t id, uint64_t now)
{
	for (size_t i = 0; i < np; i++) {
		struct node_peer *p = node_sync_peer(peers[i]);
		if (p != NULL && p->id == id)
			return p->last_block_ms == 0 || now - p->last_block_ms >= NODE_SYNC_STALL_MS;
	}
	return true;
}

/* True when height h should be asked now (not arrived, not asked, or
 * stalled: asked NODE_SYNC_STALL_MS ago, and either the next height the
 * chain needs or from a peer idle as long). */
static bool node_sync_wanted(struct node_sync *s, struct p2p_peer **peers, size_t np, uint64_t h,
			     uint64_t now, uint64_t *stalled)
{
	struct node_sync_slot *sl = node_sync_slot(s, h);
	*stalled = 0;
	if (sl->blk != NULL)
		return false;
	if (sl->peer != 0 && (now - sl->asked_ms < NODE_SYNC_STALL_MS ||
			      (h != node_sync_tip(s->n) + 1 &&
			       !node_sync_peer_idle(peers, np, sl->peer, now))))
		return false;
	*stalled = sl->peer;
	return true;
}

/* Ask heights h.. (a run of wanted heights) from one peer. Returns the
 * height after the run. */
static uint64_t node_sync_ask_run(struct node_sync *s, struct p2p_peer **peers, size_t np,
				  uint64_t h, uint64_t last, uint64_t now)
{
	struct node *n = s->n;
	uint64_t stalled, st2;
	if (!node_sync_wanted(s, peers, np, h, now, &stalled))
		return h + 1;
	struct p2p_peer *peer = node_sync_pick(s, peers, np, h, stalled);
	if (peer == NULL)
		return h + 1;
	struct node_peer *p = node_sync_peer(peer);
	if (stalled)
		LOG_INFO(n->log, LOG_CAT_NET, "sync: block %" PRIu64 " stalled at peer %" PRIu64
			 "; asking peer %" PRIu64, h, stalled, p->id);
	uint32_t count = 1;
	while (count < NODE_SYNC_BATCH && h + count <= last && h + count <= p->height &&
	       node_sync_wanted(s, peers, np, h + count, now, &st2))
		count++;
	struct p2p_msg m;
	p2p_msg_init(&m, P2P_CMD_GETBLOCKS);
	m.u.getblocks.from_height = h;
	m.u.getblocks.count = count;
	if (!p2p_send(n->p2p, peer, &m))
		return h + count;
	for (uint32_t i = 0; i < count; i++) {
		struct node_sync_slot *sl = node_sync_slot(s, h + i);
		sl->peer = p->id;
		sl->asked_ms = now;
	}
	return h + count;
}

static void node_sync_log_progress(struct node_sync *s, uint64_t tip, uint64_t best)
{
	uint64_t now = node_sync_now_ms();
	if (s->log_ms == 0) {
		s->log_ms = now;
		s->log_height = tip;
		return;
	}
	if (now - s->log_ms < NODE_SYNC_LOG_MS)
		return;
	uint64_t done = tip - (tip < s->log_height ? tip : s->log_height);
	uint64_t ms = now - s->log_ms;
	uint64_t per_s_x100 = done * 100000 / (ms ? ms : 1);
	uint64_t left_s = per_s_x100 ? (best - tip) * 100 / per_s_x100 : 0;
	LOG_INFO(s->n->log, LOG_CAT_NET, "sync: height %" PRIu64 " of %" PRIu64 ", %" PRIu64 ".%02"
		 PRIu64 " blocks/s, about %" PRIu64 " s left", tip, best, per_s_x100 / 100,
		 per_s_x100 % 100, left_s);
	s->log_ms = now;
	s->log_height = tip;
}

/* Ask what the window needs. */
static void node_sync_request(struct node_sync *s)
{
	struct node *n = s->n;
	struct p2p_peer *peers[NODE_SYNC_MAX_PEERS];
	size_t np = p2p_peers(n->p2p, peers, NODE_SYNC_MAX_PEERS);
	if (np > NODE_SYNC_MAX_PEERS)
		np = NODE_SYNC_MAX_PEERS;
	uint64_t tip = node_sync_tip(n), best = node_sync_best_peer(peers, np);
	bool was = s->syncing;
	s->syncing = best > tip;
	atomic_store(&n->sync_best_peer, best);
	atomic_store(&n->sync_active, s->syncing);
	if (!s->syncing) {
		if (was) {
			struct ledger_tip t;
			ledger_get_tip(n->ledger, &t);
			LOG_INFO(n->log, LOG_CAT_NET, "sync: caught up at height %" PRIu64, tip);
			node_sync_announce(n, t.height, &t.block_id, 0);
		}
		s->log_ms = 0;
		return;
	}
	node_sync_log_progress(s, tip, best);
	uint64_t last = tip + NODE_SYNC_WINDOW < best ? tip + NODE_SYNC_WINDOW : best;
	uint64_t now = node_sync_now_ms();
	for (uint64_t h = tip + 1; h <= last;)
		h = node_sync_ask_run(s, peers, np, h, last, now);
}

/* Judge the sender of a block that failed. */
static void node_sync_blame(struct node *n, uint64_t from, uint64_t h, const char *err)
{
	struct p2p_peer *peer = p2p_peer_find(n->p2p, from);
	char why[NODE_ERR_LEN];
	bool local = strncmp(err, "cannot commit", 13) == 0;
	LOG_WARNING(n->log, LOG_CAT_NET, "sync: block %" PRIu64 " from peer %" PRIu64
		    " refused: %s", h, from, err);
	if (peer == NULL || local)
		return;
	snprintf(why, sizeof(why), "block %" PRIu64 ": %.400s", h, err);
	p2p_peer_misbehaved(n->p2p, peer, P2P_VERDICT_DISCOURAGE, why);
}

/* Join the arrived blocks that follow the tip. */
static void node_sync_connect(struct node_sync *s)
{
	struct node *n = s->n;
	char err[NODE_ERR_LEN];
	for (;;) {
		uint64_t h = node_sync_tip(n) + 1;
		struct node_sync_slot *sl = node_sync_slot(s, h);
		if (sl->blk == NULL)
			return;
		/* The block after it, when it is here already, is checked into
		 * the signature cache beside this one's write. */
		struct node_sync_slot *next = &s->slots[(h + 1) % NODE_SYNC_WINDOW];
		if (next->height == h + 1 && next->blk != NULL)
			ledger_commit_prefetch(n->ledger, next->blk->block.txs,
					       next->blk->block.ntx, false);
		bool ok = cons_accept_block(n->ledger, err, sizeof(err), &n->valset, &sl->blk->block,
					    &sl->blk->commit);
		ledger_commit_prefetch(n->ledger, NULL, 0, false); /* unused if refused early */
		uint64_t from = sl->from;
		struct hash256 id = sl->blk->block.id;
		node_sync_slot_clear(sl);
		if (!ok) {
			node_sync_blame(n, from, h, err);
			return;
		}
		mempool_revalidate(n->mempool);
		struct p2p_peer *peer = p2p_peer_find(n->p2p, from);
		if (peer)
			p2p_peer_note_useful(n->p2p, peer);
		LOG_DEBUG(n->log, LOG_CAT_NET, "sync: block %" PRIu64 " joined", h);
		node_sync_announce(n, h, &id, from);
	}
}

void node_sync_announce(struct node *n, uint64_t height, const struct hash256 *id, uint64_t skip)
{
	struct p2p_peer *peers[NODE_SYNC_MAX_PEERS];
	struct p2p_inv inv = { .type = P2P_INV_BLOCK, .hash = *id };
	struct p2p_msg m;
	if (n->p2p == NULL || (n->sync && n->sync->syncing))
		return; /* while catching up, peers hear of the tip at the end */
	size_t np = p2p_peers(n->p2p, peers, NODE_SYNC_MAX_PEERS);
	p2p_msg_init(&m, P2P_CMD_INV);
	m.u.inv.n = 1;
	m.u.inv.v = &inv;
	for (size_t i = 0; i < np && i < NODE_SYNC_MAX_PEERS; i++) {
		struct node_peer *p = node_sync_peer(peers[i]);
		if (p == NULL || p->id == skip || p->height >= height)
			continue;
		(void)p2p_send(n->p2p, peers[i], &m);
	}
}

static void node_sync_on_block(struct node_sync *s, struct node_peer *p, struct p2p_msg *msg)
{
	struct node *n = s->n;
	uint64_t h = msg->u.block.block.header.height, tip = node_sync_tip(n);
	if (h > p->height)
		p->height = h;
	if (h <= tip || h > tip + NODE_SYNC_WINDOW)
		return; /* known, or beyond the window: asked again when due */
	struct node_sync_slot *sl = node_sync_slot(s, h);
	/* Only what was asked from this peer is kept (or the next block, the
	 * answer to a getdata after an inv): unsolicited blocks cannot fill
	 * the window's memory. */
	if (sl->blk != NULL || (sl->peer != p->id && h != tip + 1))
		return;
	sl->blk = malloc(sizeof(*sl->blk));
	if (sl->blk == NULL)
		return;
	*sl->blk = msg->u.block;
	block_init(&msg->u.block.block);
	sl->from = p->id;
	p->last_block_ms = node_sync_now_ms();
	node_sync_connect(s);
	node_sync_request(s);
}

/* Send the stored block at height (with its commit). Returns false if we
 * do not have it. */
static bool node_sync_send_block(struct node *n, struct p2p_peer *peer, struct ledger_query *q,
				 uint64_t height)
{
	struct buf b = BUF_INIT, c = BUF_INIT, out = BUF_INIT;
	struct ledger_error le;
	bool found = false, cfound = false;
	bool ok = ledger_q_block(q, &found, &b, &le, height) && found &&
		  ledger_q_commit(q, &cfound, &c, &le, height) && cfound &&
		  p2p_msg_block_payload(&out, b.data, b.len, c.data, c.len);
	if (ok)
		(void)p2p_send_payload(n->p2p, peer, P2P_CMD_BLOCK, out.data, out.len);
	buf_release(&b);
	buf_release(&c);
	buf_release(&out);
	return ok;
}

static void node_sync_on_getblocks(struct node *n, struct p2p_peer *peer,
				   const struct p2p_getblocks *g)
{
	struct ledger_query *q = ledger_query_create(n->db);
	if (q == NULL)
		return;
	for (uint32_t i = 0; i < g->count; i++)
		if (!node_sync_send_block(n, peer, q, g->from_height + i))
			break; /* as far as our chain goes */
	ledger_query_destroy(q);
}

/* Blocks of an inv we lack are asked with getdata; those asked by
 * getdata are sent. Transactions are left to relay. */
static void node_sync_on_inv(struct node *n, struct p2p_peer *peer, const struct p2p_msg *msg)
{
	struct ledger_query *q = ledger_query_create(n->db);
	struct ledger_error le;
	struct p2p_msg m;
	uint64_t h;
	bool found;
	if (q == NULL)
		return;
	for (size_t i = 0; i < msg->u.inv.n; i++) {
		const struct p2p_inv *v = &msg->u.inv.v[i];
		if (v->type != P2P_INV_BLOCK || !ledger_q_block_height(q, &found, &h, &le, &v->hash))
			continue;
		if (msg->cmd == P2P_CMD_GETDATA && found) {
			node_sync_send_block(n, peer, q, h);
		} else if (msg->cmd == P2P_CMD_GETDATA) {
			p2p_msg_init(&m, P2P_CMD_NOTFOUND);
			m.u.inv.n = 1;
			m.u.inv.v = (struct p2p_inv *)v;
			(void)p2p_send(n->p2p, peer, &m);
		} else if (msg->cmd == P2P_CMD_INV && !found) {
			p2p_msg_init(&m, P2P_CMD_GETDATA);
			m.u.inv.n = 1;
			m.u.inv.v = (struct p2p_inv *)v;
			(void)p2p_send(n->p2p, peer, &m);
		}
	}
	ledger_query_destroy(q);
}

bool node_sync_on_message(struct node *n, struct p2p_peer *peer, struct p2p_msg *msg)
{
	struct node_peer *p = node_sync_peer(peer);
	if (n->sync == NULL || p == NULL)
		return false;
	switch (msg->cmd) {
	case P2P_CMD_BLOCK:
		node_sync_on_block(n->sync, p, msg);
		return true;
	case P2P_CMD_GETBLOCKS:
		node_sync_on_getblocks(n, peer, &msg->u.getblocks);
		return true;
	case P2P_CMD_INV:
	case P2P_CMD_GETDATA:
		node_sync_on_inv(n, peer, msg);
		return false; /* relay reads the transactions */
	default:
		return false;
	}
}

void node_sync_peer_gone(struct node *n, uint64_t id)
{
	if (n->sync == NULL)
		return;
	for (size_t i = 0; i < NODE_SYNC_WINDOW; i++) {
		struct node_sync_slot *sl = &n->sync->slots[i];
		if (sl->peer == id && sl->blk == NULL)
			sl->peer = 0; /* asked again at the next tick */
	}
}

static void node_sync_tick(evutil_socket_t fd, short what, void *arg)
{
	struct node_sync *s = arg;
	(void)fd;
	(void)what;
	node_sync_connect(s);
	node_sync_request(s);
}

void node_sync_kick(struct node *n)
{
	if (n->sync)
		node_sync_request(n->sync);
}

bool node_sync_status(struct node *n, uint64_t *best_peer)
{
	struct p2p_peer *peers[NODE_SYNC_MAX_PEERS];
	*best_peer = 0;
	if (n->p2p == NULL)
		return false;
	size_t np = p2p_peers(n->p2p, peers, NODE_SYNC_MAX_PEERS);
	*best_peer = node_sync_best_peer(peers, np < NODE_SYNC_MAX_PEERS ? np : NODE_SYNC_MAX_PEERS);
	return n->sync != NULL && n->sync->syncing;
}

bool node_sync_start(struct node *n, char *err, size_t errcap)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = NODE_SYNC_TICK_MS * 1000 };
	n->sync = calloc(1, sizeof(*n->sync));
	if (n->sync == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	n->sync->n = n;
	n->sync->tick = event_new(n->base, -1, EV_PERSIST, node_sync_tick, n->sync);
	if (n->sync->tick == NULL || event_add(n->sync->tick, &tv) != 0) {
		snprintf(err, errcap, "cannot start the sync timer");
		return false;
	}
	return true;
}

void node_sync_stop(struct node *n)
{
	if (n->sync == NULL)
		return;
	if (n->sync->tick)
		event_free(n->sync->tick);
	for (size_t i = 0; i < NODE_SYNC_WINDOW; i++)
		node_sync_slot_clear(&n->sync->slots[i]);
	free(n->sync);
	n->sync = NULL;
}
