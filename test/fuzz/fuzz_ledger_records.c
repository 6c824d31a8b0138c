/* libFuzzer target: the decoders of the ledger's stored records
 * (ledger/state.h) and of its own bookkeeping records (tx record, tip).
 *
 * The first byte picks the record kind, the rest is the stored value.
 * Properties: a decoder either refuses or accepts a value that re-encodes
 * to exactly itself (every encoding is canonical), and an accepted record
 * is within the bounds the rules rely on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ledger/ledger_internal.h"
#include "ledger/state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void same(const struct buf *b, const uint8_t *d, size_t n)
{
	if (!buf_ok(b) || b->len != n || (n > 0 && memcmp(b->data, d, n) != 0))
		abort();
}

static void one(uint8_t kind, const uint8_t *d, size_t n)
{
	struct buf b = BUF_INIT;
	switch (kind % 12) {
	case 0: {
		struct ledger_account a;
		if (ledger_account_decode(&a, d, n)) {
			if (a.vp > LEDGER_VP_MAX || a.endorse_used > LEDGER_ENDORSE_BUDGET ||
			    a.balance > MAX_MONEY || a.handle_len > TX_HANDLE_MAX)
				abort();
			ledger_account_encode(&b, &a);
			same(&b, d, n);
		}
		break;
	}
	case 1: {
		struct ledger_profile p;
		if (ledger_profile_decode(&p, d, n)) {
			ledger_profile_encode(&b, &p);
			same(&b, d, n);
		}
		break;
	}
	case 2: {
		struct ledger_post p;
		if (ledger_post_decode(&p, d, n)) {
			if (p.depth > LEDGER_REPLY_DEPTH_MAX || p.ntags > TX_MAX_TAGS ||
			    p.body_len < 1 || p.body_len > TX_BODY_MAX)
				abort();
			ledger_post_encode(&b, &p);
			same(&b, d, n);
		}
		break;
	}
	case 3: {
		struct ledger_stats s;
		if (ledger_stats_decode(&s, d, n)) {
			ledger_stats_encode(&b, &s);
			same(&b, d, n);
		}
		break;
	}
	case 4: {
		struct ledger_vote v;
		if (ledger_vote_decode(&v, d, n)) {
			if (v.weight == 0 || v.weight > TX_WEIGHT_MAX || v.weight < -TX_WEIGHT_MAX)
				abort();
			ledger_vote_encode(&b, &v);
			same(&b, d, n);
		}
		break;
	}
	case 5: {
		struct ledger_endorsement e;
		if (ledger_endorsement_decode(&e, d, n)) {
			if (e.weight == 0 || e.weight > TX_WEIGHT_MAX || e.rep_delta < 0)
				abort();
			ledger_endorsement_encode(&b, &e);
			same(&b, d, n);
		}
		break;
	}
	case 6: {
		struct ledger_validator v;
		if (ledger_validator_decode(&v, d, n)) {
			if (v.self_stake > v.total_bonded || v.moniker_len < 1)
				abort();
			ledger_validator_encode(&b, &v);
			same(&b, d, n);
		}
		break;
	}
	case 7: {
		struct ledger_unbonding u;
		if (ledger_unbonding_decode(&u, d, n)) {
			ledger_unbonding_encode(&b, &u);
			same(&b, d, n);
		}
		break;
	}
	case 8: {
		struct ledger_chain c;
		if (ledger_chain_decode(&c, d, n)) {
			if (!ledger_params_valid(&c.params))
				abort();
			ledger_chain_encode(&b, &c);
			same(&b, d, n);
		}
		break;
	}
	case 9: {
		uint64_t a;
		if (ledger_amount_decode(&a, d, n)) {
			if (a == 0 || a > MAX_MONEY)
				abort();
			ledger_amount_encode(&b, a);
			same(&b, d, n);
		}
		break;
	}
	case 10: {
		struct ledger_receipt rc;
		const uint8_t *raw;
		size_t rawlen;
		memset(&rc, 0, sizeof(rc));
		if (ledger_txrec_decode(&rc, &raw, &rawlen, d, n)) {
			if (ledger_code_name(rc.code) == NULL || rawlen > TX_MAX_SIZE)
				abort();
			ledger_txrec_encode(&b, &rc, raw, rawlen);
			same(&b, d, n);
		}
		break;
	}
	default: {
		struct ledger_tip t;
		if (ledger_tip_decode(&t, d, n)) {
			ledger_tip_encode(&b, &t);
			same(&b, d, n);
		}
		break;
	}
	}
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	one(data[0], data + 1, size - 1);
	return 0;
}
