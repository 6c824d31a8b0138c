/* Process-wide crypto set-up.
 *
 * crypto_init() fetches the SHA-256, HMAC and ChaCha20 implementations
 * from OpenSSL once and creates the one libsecp256k1 context, randomised with
 * fresh entropy. These objects are immutable after crypto_init() returns and
 * are shared read-only by every thread (libsecp256k1 documents a const
 * context as thread-safe for signing and verification); they are the only
 * process-wide state in the crypto module. Besides them, each thread keeps
 * its own cache of OpenSSL contexts (hashing, the state-root expansion),
 * created on its first use and freed when the thread exits: per-thread, so
 * never shared. Call crypto_init() once at start, before any other thread
 * runs, and crypto_cleanup() once at exit.
 */
#ifndef ROSTRA_CRYPTO_CRYPTO_H
#define ROSTRA_CRYPTO_CRYPTO_H

#include <stdbool.h>

/* Returns false (with nothing half set up) if OpenSSL or libsecp256k1
 * cannot provide what Rostra needs, or no entropy is available. Calling it
 * twice without crypto_cleanup() in between is a programmer error
 * (asserted), as is calling a function that needs it (hashes, HMAC, keys,
 * addresses, lthash) before it. */
bool crypto_init(void);
/* Free what crypto_init() made, and the calling thread's cached contexts
 * (other threads free theirs when they exit; call this after joining
 * them). Does nothing if crypto_init() did not succeed. */
void crypto_cleanup(void);

#endif
