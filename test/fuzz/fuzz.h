/* What every libFuzzer target declares, and the shared initialiser. */
#ifndef ROSTRA_TEST_FUZZ_H
#define ROSTRA_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

#endif
