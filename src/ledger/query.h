/* Reading the committed state and the indexes (doc/ledger.md, "Indexes"
 * and "Queries"): what the RPC methods answer from.
 *
 * A struct ledger_query holds one db snapshot, so every answer read
 * through it describes the same block. It needs only the struct db (not
 * the struct ledger), so an RPC thread creates its own, one per request,
 * while the main loop commits: queries never see half a block. One query
 * object is used by one thread at a time.
 *
 * Lists are pages: at most `limit` items (1..LEDGER_PAGE_MAX; 0 means the
 * maximum), and a cursor to pass back for the next page (page->more says
 * whether there is one). A cursor is opaque bytes; an empty cursor starts
 * at the beginning. Feeds, posts by author and histories are newest
 * first; replies oldest first; the others in key order, except top
 * accounts (highest reputation first).
 *
 * Every function returns false on a database error or a malformed record
 * (err: LEDGER_ERR_IO or LEDGER_ERR_CORRUPT); "not found" is a found flag,
 * not an error.
 */
#ifndef ROSTRA_LEDGER_QUERY_H
#define ROSTRA_LEDGER_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/ledger.h"
#include "ledger/state.h"
#include "store/db.h"

#define LEDGER_PAGE_MAX 100

struct ledger_query;

/* A snapshot of db for one request. Returns NULL when out of memory.
 * Destroy it before the db is closed. */
struct ledger_query *ledger_query_create(struct db *db);
void ledger_query_destroy(struct ledger_query *q);

/* ------------------------------------------------------------ records */

/* The tip and the chain (chain id and genesis hash). Out: tip, chain_id,
 * genesis (any may be NULL; with both chain_id and genesis NULL only the
 * tip record is read), err. */
bool ledger_q_tip(struct ledger_query *q, struct ledger_tip *tip, struct chain_id *chain_id,
		  struct hash256 *genesis, struct ledger_error *err);
/* The chain record (parameters and supply). */
bool ledger_q_chain(struct ledger_query *q, struct ledger_chain *c, struct ledger_error *err);
/* An account (the default record when it has none). */
bool ledger_q_account(struct ledger_query *q, struct ledger_account *a, struct ledger_error *err,
		      const struct pubkey *who);
bool ledger_q_profile(struct ledger_query *q, struct ledger_profile *p, struct ledger_error *err,
		      const struct pubkey *who);
/* The owner of a handle. In: handle[0..len). */
bool ledger_q_handle(struct ledger_query *q, bool *found, struct pubkey *owner,
		     struct ledger_error *err, const uint8_t *handle, size_t len);
/* A post and its stats. The post's body and tags point into store (reset
 * and filled here), which the caller keeps while it uses p. */
bool ledger_q_post(struct ledger_query *q, bool *found, struct ledger_post *p,
		   struct ledger_stats *s, struct buf *store, struct ledger_error *err,
		   const struct hash256 *id);
bool ledger_q_vote(struct ledger_query *q, bool *found, struct ledger_vote *v,
		   struct ledger_error *err, const struct pubkey *voter, const struct hash256 *post);
bool ledger_q_endorsement(struct ledger_query *q, bool *found, struct ledger_endorsement *e,
			  struct ledger_error *err, const struct pubkey *endorser,
			  const struct pubkey *subject);
bool ledger_q_follows(struct ledger_query *q, bool *found, struct ledger_error *err,
		      const struct pubkey *follower, const struct pubkey *target);
bool ledger_q_validator(struct ledger_query *q, bool *found, struct ledger_validator *v,
			struct ledger_error *err, const struct pubkey *op);
/* The operator of a consensus key. */
bool ledger_q_conskey(struct ledger_query *q, bool *found, struct pubkey *op,
		      struct ledger_error *err, const struct pubkey *ckey);
bool ledger_q_bond(struct ledger_query *q, uint64_t *amount, struct ledger_error *err,
		   const struct pubkey *delegator, const struct pubkey *validator);
/* A transaction: its receipt and its encoding (raw, reset and filled). */
bool ledger_q_tx(struct ledger_query *q, bool *found, struct ledger_receipt *rc, struct buf *raw,
		 struct ledger_error *err, const struct hash256 *txid);
/* The stored block at height (its encoding) and the commit stored for it. */
bool ledger_q_block(struct ledger_query *q, bool *found, struct buf *raw,
		    struct ledger_error *err, uint64_t height);
bool ledger_q_commit(struct ledger_query *q, bool *found, struct buf *raw,
		     struct ledger_error *err, uint64_t height);
/* The height of a stored block id. */
bool ledger_q_block_height(struct ledger_query *q, bool *found, uint64_t *height,
			   struct ledger_error *err, const struct hash256 *id);

/* ------------------------------------------------------------ pages */

struct ledger_cursor {
	uint8_t b[LEDGER_KEY_MAX];
	size_t len;                /* 0: from the start */
};

/* One row of a page; which fields are set depends on the list. */
struct ledger_item {
	struct hash256 id;         /* post id or txid */
	struct pubkey key;         /* an account (author, follower, voter...) */
	struct ledger_pos pos;     /* chain position (posts, replies, history) */
	int64_t value;             /* weight, amount or reputation */
};

struct ledger_page {
	size_t n;
	struct ledger_item items[LEDGER_PAGE_MAX];
	bool more;                 /* another page follows */
	struct ledger_cursor next; /* pass back for it */
};

/* Posts (and replies) of author, newest first: id, pos, key = author. */
bool ledger_q_posts(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		    const struct pubkey *author, const struct ledger_cursor *cur, size_t limit);
/* Direct replies of a post, oldest first: id, pos. */
bool ledger_q_replies(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		      const struct hash256 *parent, const struct ledger_cursor *cur, size_t limit);
/* Votes on a post by voter key: key = voter, value = weight. */
bool ledger_q_votes(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		    const struct hash256 *post, const struct ledger_cursor *cur, size_t limit);
/* Transactions that touch an account, newest first: id = txid, pos. */
bool ledger_q_history(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		      const struct pubkey *who, const struct ledger_cursor *cur, size_t limit);
/* Accounts who follows / who follow who, by key: key. */
bool ledger_q_following(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
			const struct pubkey *who, const struct ledger_cursor *cur, size_t limit);
bool ledger_q_followers(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
			const struct pubkey *who, const struct ledger_cursor *cur, size_t limit);
/* Endorsements received by / given by who: key = the other account,
 * value = weight. */
bool ledger_q_endorsements_received(struct ledger_query *q, struct ledger_page *page,
				    struct ledger_error *err, const struct pubkey *who,
				    const struct ledger_cursor *cur, size_t limit);
bool ledger_q_endorsements_given(struct ledger_query *q, struct ledger_page *page,
				 struct ledger_error *err, const struct pubkey *who,
				 const struct ledger_cursor *cur, size_t limit);
/* Accounts by reputation, highest first (accounts at 0 are not listed):
 * key, value = reputation. */
bool ledger_q_top(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		  const struct ledger_cursor *cur, size_t limit);
/* Registered validators by operator key: key, value = total bonded. */
bool ledger_q_validators(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
			 const struct ledger_cursor *cur, size_t limit);
/* Bonds of a delegator (key = validator) / to a validator (key =
 * delegator): value = amount. */
bool ledger_q_stakes(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		     const struct pubkey *delegator, const struct ledger_cursor *cur, size_t limit);
bool ledger_q_stakers(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		      const struct pubkey *validator, const struct ledger_cursor *cur, size_t limit);
/* Unbonding entries in completion order: key = delegator, id = the unstake
 * txid, value = amount, pos.height = completion time (ms). */
bool ledger_q_unbondings(struct ledger_query *q, struct ledger_page *page,
			 struct ledger_error *err, const struct ledger_cursor *cur, size_t limit);

/* The feed of who: the posts (replies included) of the accounts who
 * follows, newest first: id, pos, key = author. doc/ledger.md ("Feed")
 * says how it is computed and what it costs. */
bool ledger_q_feed(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		   const struct pubkey *who, const struct ledger_cursor *cur, size_t limit);

#endif
