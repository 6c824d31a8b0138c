/* Shared by rpc/social*.c and rpc/wallet.c; not public. The JSON forms of
 * accounts and posts, and the parsing of account, id and cursor
 * parameters. Each parse helper answers the request with the right error
 * and returns false when the value is bad; the handler then returns. */
#ifndef ROSTRA_RPC_SOCIAL_INTERNAL_H
#define ROSTRA_RPC_SOCIAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "ledger/query.h"
#include "rpc/dispatch.h"

/* The query a handler reads through: the request's snapshot or its own. */
struct social_q {
	struct ledger_query *q;
	bool own;                  /* created here, destroyed by social_q_end */
};

struct rpc_social;

/* Open the query of a request. Answers RPC_INTERNAL_ERROR and returns
 * false when none can be had. Out: sq. */
bool social_q_begin(struct social_q *sq, const struct rpc_social *s, struct rpc_request *req);
void social_q_end(struct social_q *sq);

/* Answer a ledger error (IO, CORRUPT: internal error; CURSOR: -8). */
void social_ledger_error(struct rpc_request *req, const struct ledger_error *err);

/* Parameter i as an account: an address under hrp, or "@handle" looked up
 * in q. -5 for a bad address or an unknown handle. Out: pk. */
bool social_param_account(struct rpc_request *req, struct pubkey *pk, struct ledger_query *q,
			  const char *hrp, size_t i);
/* Parameter i as a 32-byte id in 64 hex digits (-8 otherwise). */
bool social_param_hash(struct rpc_request *req, struct hash256 *h, size_t i);
/* Parameters i (count: 1..LEDGER_PAGE_MAX, default RPC_SOCIAL_PAGE_DEFAULT)
 * and i + 1 (cursor: the hex `next` of an earlier page). Out: *count, cur. */
bool social_param_page(struct rpc_request *req, size_t *count, struct ledger_cursor *cur,
		       size_t i);

/* The address of pk as a JSON string (NULL when out of memory). */
json_t *social_address(const char *hrp, const struct pubkey *pk);
/* 64 hex digits of h as a JSON string. */
json_t *social_hex32(const uint8_t b[32]);
/* A JSON integer for an unsigned value (amounts are below 2^53). */
json_t *social_uint(uint64_t v);

/* The post object of DESIGN.md (id, author, parent, body, tags, height,
 * time, upvotes, downvotes, votes, replies). Out: *found. Returns NULL on
 * a ledger error (err filled) or when not found or out of memory. */
json_t *social_post_json(struct ledger_query *q, bool *found, struct ledger_error *err,
			 const char *hrp, const struct hash256 *id);

/* A page result: {"items": items, "next": hex or null}. items is stolen. */
json_t *social_page_result(json_t *items, const struct ledger_page *page);

/* getaccount's object ({"address", "handle", ..., "pendingnonce"}). now
 * is the tip time for voting power; pending, the mempool's next nonce for
 * the account (the account's nonce when higher); addr, pk's address as
 * text when the caller has it (else NULL: encoded from pk under hrp).
 * Returns NULL on error (err filled when a ledger error) or out of memory.
 * Out: *a, the account. The object may be one this thread made before
 * and refills (social_json.c): the caller must not change it. */
json_t *social_account_json(struct ledger_query *q, struct ledger_error *err,
			    struct ledger_account *a, const char *hrp, const char *addr,
			    const struct pubkey *pk, uint64_t now, uint64_t pending);

#endif
