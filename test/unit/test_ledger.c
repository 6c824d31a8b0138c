/* Unit tests of src/ledger: the program that runs the case tables of
 * test_ledger_state.c, test_ledger_rules.c, test_ledger_chain.c and
 * test_ledger_query.c (helpers in test_ledger_util.c). */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/crypto.h"
#include "test_ledger.h"

/* ------------------------------------------------------------ main */

int main(void)
{
	struct unit_case *all;
	size_t n = 0, total = tl_state_ncases + tl_rules_ncases + tl_chain_ncases + tl_query_ncases;
	int rc;

	if (!crypto_init()) {
		fprintf(stderr, "crypto_init failed\n");
		return 1;
	}
	all = calloc(total, sizeof(*all));
	if (all == NULL)
		return 1;
	for (size_t i = 0; i < tl_state_ncases; i++)
		all[n++] = tl_state_cases[i];
	for (size_t i = 0; i < tl_rules_ncases; i++)
		all[n++] = tl_rules_cases[i];
	for (size_t i = 0; i < tl_chain_ncases; i++)
		all[n++] = tl_chain_cases[i];
	for (size_t i = 0; i < tl_query_ncases; i++)
		all[n++] = tl_query_cases[i];
	rc = unit_run(all, n);
	free(all);
	crypto_cleanup();
	return rc;
}
