/* What the files of the chain, validators and regtest areas share: JSON
 * forms of keys, hashes, transactions, receipts, headers and blocks
 * (doc/rpc.md, "Chain objects"), and argument parsers. Not public. */
#ifndef ROSTRA_RPC_CHAIN_INTERNAL_H
#define ROSTRA_RPC_CHAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ledger/query.h"
#include "primitives/block.h"
#include "primitives/tx.h"
#include "rpc/chain.h"
#include "rpc/dispatch.h"

/* The network name of a chain id ("regtest" of "regtest-1a2b3c4d").
 * Out: out (cap bytes). */
void rpc_chain_name(char *out, size_t cap, const struct chain_id *id);
/* The account address of pk under the chain's HRP (hex for networks
 * without one). New reference. */
json_t *rpc_json_address(const struct chain_id *chain, const struct pubkey *pk);
/* Hex strings. New reference. */
json_t *rpc_json_hash(const struct hash256 *h);
json_t *rpc_json_hex(const uint8_t *p, size_t len);
/* The fields of tx (txid, type, sender, nonce, fee, the payload's
 * fields, size, hex when with_hex). New reference. */
json_t *rpc_json_tx(const struct tx *tx, bool with_hex);
/* Add the receipt's fields to obj (height, index, status, code,
 * codename, message). */
void rpc_json_receipt(json_t *obj, const struct ledger_receipt *rc);
/* A header's fields (hash, height, time, ...). New reference. */
json_t *rpc_json_header(const struct block_header *h, const struct hash256 *id);

/* Parse a 64-hex-digit hash parameter i; on failure answer -8 naming
 * what and return false. */
bool rpc_param_hash(struct rpc_request *req, struct hash256 *out, size_t i, const char *what);
/* Parse an account: an address under the chain's HRP or 64 hex digits;
 * on failure answer -5 and return false. */
bool rpc_param_account(struct rpc_request *req, struct pubkey *out, size_t i,
		       const struct chain_id *chain);

/* The request's snapshot as a ledger query; answers RPC_NO_CHAIN (or
 * an internal error) and returns NULL when there is none. */
struct ledger_query *rpc_chain_query(struct rpc_request *req, const struct rpc_chain *c);
/* Answer a ledger error as RPC_INTERNAL_ERROR. */
void rpc_chain_fail(struct rpc_request *req, const struct ledger_error *e);
/* Answer RPC_NO_CHAIN: the node runs without a chain (no genesis.json). */
void rpc_no_chain(struct rpc_request *req);

/* chain_tx.c: the handlers of the chain area's transaction and mempool
 * methods (ctx: struct rpc_chain). */
void rpc_chain_decoderawtransaction(void *ctx, struct rpc_request *req);
void rpc_chain_sendrawtransaction(void *ctx, struct rpc_request *req);
void rpc_chain_gettransaction(void *ctx, struct rpc_request *req);
void rpc_chain_getmempoolinfo(void *ctx, struct rpc_request *req);
void rpc_chain_getrawmempool(void *ctx, struct rpc_request *req);

/* validators.c: the validators area's table. */
extern const struct rpc_method rpc_validators_methods[];
extern const size_t rpc_validators_count;

#endif
