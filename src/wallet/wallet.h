/* The node-side wallet (doc/wallet.md): a key store in the data directory,
 * the record of the transactions it sent (for rebroadcast), and the
 * signing of transactions with the fee they need.
 *
 * Files, in the wallet folder (`wallet/` in the network directory, mode
 * 0700, created on first use):
 *   keys   one secret key per line, 64 hex digits (mode 0600)
 *   txs    one sent transaction per line, its encoding in hex (mode 0600)
 * Both are rewritten whole through `NAME.new`, fsync and rename, so that a
 * crash leaves the old file or the new one.
 *
 * A struct wallet belongs to one thread (the node's main loop). It knows
 * nothing of the ledger or the mempool: the RPC layer (rpc/wallet.h) reads
 * nonces and balances and submits what the wallet signs.
 *
 * Secret keys never leave this module except through wallet_seckey for
 * rostra-tx-like tools; copies are wiped.
 */
#ifndef ROSTRA_WALLET_WALLET_H
#define ROSTRA_WALLET_WALLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "primitives/tx.h"

#define WALLET_DIR_NAME "wallet"
#define WALLET_KEYS_FILE "keys"
#define WALLET_TXS_FILE "txs"
/* The most keys and recorded transactions a wallet holds. */
#define WALLET_MAX_KEYS 10000
#define WALLET_MAX_TXS 10000

struct wallet;

/* Open (creating if missing) the wallet in folder dir. If import_path is
 * not NULL and names a readable file holding one secret key in hex (such as
 * the funded key regtest writes at its first start), that key is added to
 * the wallet if it is not there yet. Out: err (errlen bytes, one line) on
 * failure. Returns the wallet (wallet_close) or NULL: the folder or a file
 * cannot be made or read, a line is malformed, or a file is too large. */
struct wallet *wallet_open(char *err, size_t errlen, const char *dir, const char *import_path);
/* Wipe the keys and free the wallet. NULL is a no-op. */
void wallet_close(struct wallet *w);

/* The number of keys, and key i (i < count), in the order they were added. */
size_t wallet_count(const struct wallet *w);
const struct pubkey *wallet_key(const struct wallet *w, size_t i);
/* True if pk is one of the wallet's keys. */
bool wallet_has(const struct wallet *w, const struct pubkey *pk);

/* Make a new key and save the key file. Out: pk, err. Returns false (the
 * wallet unchanged) when no entropy is available, the wallet is full, or
 * the file cannot be written. */
bool wallet_new_key(struct wallet *w, struct pubkey *pk, char *err, size_t errlen);
/* Add sk (if new) and save. Out: pk (may be NULL), err. */
bool wallet_import(struct wallet *w, struct pubkey *pk, char *err, size_t errlen,
		   const struct seckey *sk);

/* The fee a tx of encoded size `size` must pay: min_fee_per_byte × size
 * (doc/social.md §1.4). */
uint64_t wallet_min_fee(uint64_t min_fee_per_byte, size_t size);

/* Set tx->fee to the least fee that covers the transaction's own size (or
 * to fee if fee > 0: a chosen fee), then sign it with sk and seal it.
 * tx is built (tx_init and its fields). Out: *err. Returns false (tx
 * unchanged) when it does not encode or sign. */
bool wallet_tx_sign(struct tx *tx, enum prim_err *err, const struct seckey *sk,
		    uint64_t min_fee_per_byte, uint64_t fee);
/* As wallet_tx_sign with the wallet's key for tx->sender (PRIM_ERR_SENDER_KEY
 * when the wallet does not hold it). */
bool wallet_sign(const struct wallet *w, struct tx *tx, enum prim_err *err,
		 uint64_t min_fee_per_byte, uint64_t fee);

/* The recorded transactions (sealed, owned by the wallet): out[0..n). */
const struct tx *wallet_txs(const struct wallet *w, size_t *n);
/* Record a sealed tx the wallet sent and save the file. Out: err. */
bool wallet_record_tx(struct wallet *w, char *err, size_t errlen, const struct tx *tx);
/* Keep only the recorded transactions i for which keep[i] is true, and save.
 * In: keep[0..n) with n as wallet_txs gives. Out: err. */
bool wallet_keep_txs(struct wallet *w, char *err, size_t errlen, const bool *keep, size_t n);

/* Read one secret key in hex (surrounding white space allowed) from the
 * file at path. Out: sk (zeroed on failure), err. Returns false when the
 * file cannot be read or does not hold exactly one valid key. */
bool wallet_read_key_file(struct seckey *sk, char *err, size_t errlen, const char *path);
/* Write sk in hex with a newline to path (mode 0600, through path.new and a
 * rename). Out: err. */
bool wallet_write_key_file(char *err, size_t errlen, const char *path, const struct seckey *sk);

#endif
