/* Process-wide crypto set-up.
 *
 * crypto_init() fetches the SHA-256 and ChaCha20 implementations from
 * OpenSSL once and creates the one libsecp256k1 context, randomised with
 * fresh entropy. These objects are immutable after crypto_init() returns and
 * are shared read-only by every thread (libsecp256k1 documents a const
 * context as thread-safe for signing and verification); they are the only
 * process-wide state in the crypto module. Call crypto_init() once at start,
 * before any other thread runs, and crypto_cleanup() once at exit.
 */
#ifndef ROSTRA_CRYPTO_CRYPTO_H
#define ROSTRA_CRYPTO_CRYPTO_H

#include <stdbool.h>

/* Returns false (with nothing half set up) if OpenSSL or libsecp256k1
 * cannot provide what Rostra needs, or no entropy is available. */
bool crypto_init(void);
void crypto_cleanup(void);

#endif
