/* Secure random bytes through OpenSSL's CSPRNG. */
#include "crypto/random.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/rand.h>

bool random_bytes(void *out, size_t len)
{
	uint8_t *p = out;
	size_t done = 0;

	/* RAND_bytes takes an int length: draw long requests in pieces. */
	while (done < len) {
		size_t n = len - done;
		if (n > (size_t)INT_MAX)
			n = (size_t)INT_MAX;
		if (RAND_bytes(p + done, (int)n) != 1) {
			memset(out, 0, len);
			return false;
		}
		done += n;
	}
	return true;
}
