/* Shared by the test_node*.c files. */
#ifndef ROSTRA_TEST_NODE_H
#define ROSTRA_TEST_NODE_H

#include "unit.h"

/* The cases of test_node_cli.c, gathered by test_node.c. */
extern const struct unit_case node_cli_cases[];
extern const size_t node_cli_ncases;

#endif
