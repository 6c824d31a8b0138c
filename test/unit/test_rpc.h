/* Shared by the test_rpc*.c files. */
#ifndef ROSTRA_TEST_RPC_H
#define ROSTRA_TEST_RPC_H

#include "unit.h"

/* The cases of test_rpc_auth.c (credentials, cookie, base64, subnets),
 * gathered by test_rpc.c. */
extern const struct unit_case rpc_auth_cases[];
extern const size_t rpc_auth_ncases;

/* Run fn in a child process; true when it aborted (a programmer error
 * caught). */
bool rpc_test_aborts(void (*fn)(void));

#endif
