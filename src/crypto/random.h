/* Secure random bytes (OpenSSL's CSPRNG, seeded by the OS). */
#ifndef ROSTRA_CRYPTO_RANDOM_H
#define ROSTRA_CRYPTO_RANDOM_H

#include <stdbool.h>
#include <stddef.h>

/* Out: out[0..len). Returns false (out zeroed) if no entropy is available. */
bool random_bytes(void *out, size_t len);

#endif
