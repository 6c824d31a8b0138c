/* What every libFuzzer target declares, and the shared initialiser. */
#ifndef ROSTRA_TEST_FUZZ_H
#define ROSTRA_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/buf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defines LLVMFuzzerInitialize to set up the crypto module once, for the
 * targets that hash or verify. */
#define FUZZ_INITIALIZE_CRYPTO()                                   \
	int LLVMFuzzerInitialize(int *argc, char ***argv)          \
	{                                                          \
		(void)argc;                                        \
		(void)argv;                                        \
		if (!crypto_init())                                \
			abort();                                   \
		return 0;                                          \
	}

/* The next record of a fuzz input: a selector byte, a little-endian
 * 16-bit length, and that many bytes (fewer when the input ends first).
 * Out: *sel, *p, *len. False when the input has no whole header left. */
static inline bool fuzz_next_record(struct reader *r, uint8_t *sel, const uint8_t **p,
				    uint16_t *len)
{
	if (!reader_get_u8(r, sel) || !reader_get_u16le(r, len))
		return false;
	if (*len > reader_remaining(r))
		*len = (uint16_t)reader_remaining(r);
	reader_view(r, p, *len);
	return true;
}

#endif
