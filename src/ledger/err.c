/* Error values, receipt codes and the in-memory hash of the ledger. */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_internal.h"

static const char *const err_names[] = {
#define ERR_NAME(e, name, msg) name,
	LEDGER_ERRORS(ERR_NAME)
#undef ERR_NAME
};

static const char *const err_msgs[] = {
#define ERR_MSG(e, name, msg) msg,
	LEDGER_ERRORS(ERR_MSG)
#undef ERR_MSG
};

const char *ledger_err_name(enum ledger_err code)
{
	return (unsigned)code < LEDGER_ERR_COUNT_ ? err_names[code] : "?";
}

const char *ledger_err_str(enum ledger_err code)
{
	return (unsigned)code < LEDGER_ERR_COUNT_ ? err_msgs[code] : "?";
}

void ledger_error_clear(struct ledger_error *e)
{
	e->code = LEDGER_ERR_OK;
	e->prim = PRIM_ERR_OK;
	e->tx_index = LEDGER_NO_TX;
	e->msg[0] = '\0';
}

const char *ledger_error_name(const struct ledger_error *e)
{
	if (e->code == LEDGER_ERR_PRIM)
		return prim_err_name(e->prim);
	return ledger_err_name(e->code);
}

bool ledger_fail(struct ledger_error *e, enum ledger_err code, const char *fmt, ...)
{
	va_list ap;
	if (e == NULL)
		return false;
	e->code = code;
	e->prim = PRIM_ERR_OK;
	e->tx_index = LEDGER_NO_TX;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return false;
}

bool ledger_fail_prim(struct ledger_error *e, enum prim_err p)
{
	if (e == NULL)
		return false;
	ledger_fail(e, LEDGER_ERR_PRIM, "%s", prim_err_str(p));
	e->prim = p;
	return false;
}

struct code_entry {
	unsigned code;
	const char *name;
	const char *msg;
};

static const struct code_entry codes[] = {
#define CODE_ENTRY(e, n, name, msg) { n, name, msg },
	LEDGER_CODES(CODE_ENTRY)
#undef CODE_ENTRY
};

static const struct code_entry *code_find(unsigned code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

const char *ledger_code_name(unsigned code)
{
	const struct code_entry *c = code_find(code);
	return c ? c->name : NULL;
}

const char *ledger_code_str(unsigned code)
{
	const struct code_entry *c = code_find(code);
	return c ? c->msg : NULL;
}

/* A multiply-xorshift mix over 8-byte words, keyed by seed: fast, and with
 * a secret seed a peer cannot aim many keys at one slot. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return h;
}

uint64_t ledger_hash_bytes(uint64_t seed, const uint8_t *p, size_t n)
{
	uint64_t h = seed ^ (n * UINT64_C(0x9e3779b97f4a7c15));
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = mix(h ^ w);
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t w = 0;
		memcpy(&w, p, n);
		h = mix(h ^ w ^ ((uint64_t)n << 56));
	}
	return mix(h);
}
