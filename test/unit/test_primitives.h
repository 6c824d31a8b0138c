/* Shared by the test_primitives*.c files. */
#ifndef ROSTRA_TEST_PRIMITIVES_H
#define ROSTRA_TEST_PRIMITIVES_H

#include "unit.h"

/* The cases of each file, gathered by test_primitives.c. */
extern const struct unit_case prim_decode_cases[];
extern const size_t prim_decode_ncases;
extern const struct unit_case prim_util_cases[];
extern const size_t prim_util_ncases;

#endif
