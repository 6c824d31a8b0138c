/* The mempool object: creation, the per-sender lists, removal, queries. */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "mempool/mempool_internal.h"

#define MEMPOOL_FEE_PER_BYTE_MAX 1000000

static const char *const mempool_err_names[] = {
	[MEMPOOL_OK] = "ok",
	[MEMPOOL_ERR_DUPLICATE] = "duplicate",
	[MEMPOOL_ERR_INVALID] = "invalid",
	[MEMPOOL_ERR_WRONG_CHAIN] = "wrong_chain",
	[MEMPOOL_ERR_FEE_TOO_LOW] = "fee_too_low",
	[MEMPOOL_ERR_STATE] = "state_unavailable",
	[MEMPOOL_ERR_NONCE_TOO_LOW] = "nonce_too_low",
	[MEMPOOL_ERR_NONCE_TOO_HIGH] = "nonce_too_high",
	[MEMPOOL_ERR_REPLACEMENT_FEE] = "replacement_fee_too_low",
	[MEMPOOL_ERR_SENDER_CAP] = "sender_cap",
	[MEMPOOL_ERR_BAD_SIGNATURE] = "bad_signature",
	[MEMPOOL_ERR_CHAIN] = "chain",
	[MEMPOOL_ERR_FULL] = "mempool_full",
	[MEMPOOL_ERR_NO_MEMORY] = "out_of_memory",
};

const char *mempool_err_name(enum mempool_err code)
{
	if ((size_t)code >= sizeof(mempool_err_names) / sizeof(mempool_err_names[0]))
		return "?";
	return mempool_err_names[code];
}

void mempool_reject_set(struct mempool_reject *why, const char *name, const char *fmt, ...)
{
	va_list ap;

	snprintf(why->name, sizeof(why->name), "%s", name);
	va_start(ap, fmt);
	if (vsnprintf(why->msg, sizeof(why->msg), fmt, ap) < 0)
		why->msg[0] = '\0';
	va_end(ap);
}

void mempool_options_default(struct mempool_options *o)
{
	o->max_bytes = MEMPOOL_DEFAULT_MAX_BYTES;
	o->sender_cap = MEMPOOL_DEFAULT_SENDER_CAP;
	o->expiry_ms = MEMPOOL_DEFAULT_EXPIRY_MS;
}

static const uint8_t *mempool_entry_key(const void *obj)
{
	const struct mempool_entry *e = obj;
	return e->tx.txid.b;
}

static const uint8_t *mempool_sender_key(const void *obj)
{
	const struct mempool_sender *s = obj;
	return s->key.b;
}

/* Returns NULL if opt and chain are usable, else why not. */
static const char *mempool_check_setup(const struct mempool_options *opt,
				       const struct mempool_chain *chain)
{
	if (opt->max_bytes < TX_MAX_SIZE)
		return "mempool size limit must be at least one maximum-size transaction (8192 bytes)";
	if (opt->sender_cap < 1)
		return "mempool per-sender limit must be at least 1";
	if (opt->expiry_ms < 1)
		return "mempool expiry must be at least 1 ms";
	if (chain->account == NULL || chain->check == NULL)
		return "mempool chain callbacks are missing";
	if (chain->min_fee_per_byte < 1 || chain->min_fee_per_byte > MEMPOOL_FEE_PER_BYTE_MAX)
		return "min_fee_per_byte must be from 1 to 1000000";
	return NULL;
}

struct mempool *mempool_create(char *err, size_t errlen, const struct mempool_options *opt,
			       const struct mempool_chain *chain, const struct clock *clock)
{
	const char *why = mempool_check_setup(opt, chain);
	struct mempool *mp;

	if (why != NULL) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	mp = calloc(1, sizeof(*mp));
	if (mp == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!random_bytes(mp->salt, sizeof(mp->salt))) {
		free(mp);
		snprintf(err, errlen, "no random bytes for the mempool's hash salt");
		return NULL;
	}
	if (pthread_mutex_init(&mp->view_mu, NULL) != 0) {
		free(mp);
		snprintf(err, errlen, "cannot create the mempool's lock");
		return NULL;
	}
	mp->opt = *opt;
	mp->chain = *chain;
	mp->clock = clock;
	mempool_tab_init(&mp->by_id, mempool_entry_key, mp->salt);
	mempool_tab_init(&mp->by_sender, mempool_sender_key, mp->salt);
	mempool_heap_init(&mp->heap[MEMPOOL_HEAP_WORST], MEMPOOL_HEAP_WORST);
	mempool_heap_init(&mp->heap[MEMPOOL_HEAP_OLDEST], MEMPOOL_HEAP_OLDEST);
	return mp;
}

void mempool_free_entry(struct mempool_entry *e)
{
	tx_release(&e->tx);
	free(e);
}

static void mempool_free_sender(struct mempool_sender *s)
{
	free(s->txs);
	free(s);
}

void mempool_destroy(struct mempool *mp)
{
	if (mp == NULL)
		return;
	for (size_t i = 0; i < mp->by_sender.nslot; i++) {
		struct mempool_sender *s = mp->by_sender.slot[i];
		if (s == NULL)
			continue;
		for (size_t j = 0; j < s->n; j++)
			mempool_free_entry(s->txs[j]);
		mempool_free_sender(s);
	}
	mempool_tab_release(&mp->by_id);
	mempool_tab_release(&mp->by_sender);
	mempool_heap_release(&mp->heap[MEMPOOL_HEAP_WORST]);
	mempool_heap_release(&mp->heap[MEMPOOL_HEAP_OLDEST]);
	pthread_mutex_destroy(&mp->view_mu);
	free(mp);
}

struct mempool_sender *mempool_sender_find(const struct mempool *mp, const struct pubkey *k)
{
	return mempool_tab_find(&mp->by_sender, k->b);
}

void mempool_link(struct mempool *mp, struct mempool_entry *e)
{
	mempool_tab_insert(&mp->by_id, e);
	mempool_heap_push(&mp->heap[MEMPOOL_HEAP_WORST], e);
	mempool_heap_push(&mp->heap[MEMPOOL_HEAP_OLDEST], e);
	mp->bytes += e->tx.raw_len;
}

void mempool_unlink(struct mempool *mp, struct mempool_entry *e)
{
	mempool_tab_remove(&mp->by_id, e);
	mempool_heap_remove(&mp->heap[MEMPOOL_HEAP_WORST], e);
	mempool_heap_remove(&mp->heap[MEMPOOL_HEAP_OLDEST], e);
	assert(mp->bytes >= e->tx.raw_len);
	mp->bytes -= e->tx.raw_len;
}

static void mempool_drop_sender_if_empty(struct mempool *mp, struct mempool_sender *s)
{
	if (s->n != 0)
		return;
	mempool_tab_remove(&mp->by_sender, s);
	mempool_free_sender(s);
}

void mempool_drop_tail(struct mempool *mp, struct mempool_sender *s, size_t i)
{
	assert(i <= s->n);
	pthread_mutex_lock(&mp->view_mu);
	while (s->n > i) {
		struct mempool_entry *e = s->txs[--s->n];
		mempool_unlink(mp, e);
		mempool_free_entry(e);
	}
	mempool_drop_sender_if_empty(mp, s);
	pthread_mutex_unlock(&mp->view_mu);
}

void mempool_drop_head(struct mempool *mp, struct mempool_sender *s, size_t k)
{
	assert(k <= s->n);
	pthread_mutex_lock(&mp->view_mu);
	for (size_t i = 0; i < k; i++) {
		mempool_unlink(mp, s->txs[i]);
		mempool_free_entry(s->txs[i]);
	}
	memmove(s->txs, s->txs + k, (s->n - k) * sizeof(*s->txs));
	s->n -= k;
	s->first_nonce += k;
	mempool_drop_sender_if_empty(mp, s);
	pthread_mutex_unlock(&mp->view_mu);
}

size_t mempool_count(const struct mempool *mp)
{
	return mp->by_id.n;
}

size_t mempool_bytes(const struct mempool *mp)
{
	return mp->bytes;
}

const struct tx *mempool_get(const struct mempool *mp, int64_t *time_ms, const struct hash256 *txid)
{
	const struct mempool_entry *e = mempool_tab_find(&mp->by_id, txid->b);

	if (time_ms != NULL)
		*time_ms = e ? e->time_ms : 0;
	return e ? &e->tx : NULL;
}

bool mempool_pending_nonce(const struct mempool *mp, uint64_t *nonce, const struct pubkey *who)
{
	const struct mempool_sender *s = mempool_sender_find(mp, who);
	uint64_t balance;

	if (s != NULL) {
		*nonce = s->first_nonce + s->n;
		return true;
	}
	if (!mp->chain.account(mp->chain.ctx, nonce, &balance, who)) {
		*nonce = 0;
		return false;
	}
	return true;
}

bool mempool_pending_nonce_shared(struct mempool *mp, uint64_t *nonce, const struct pubkey *who)
{
	pthread_mutex_lock(&mp->view_mu);
	const struct mempool_sender *s = mempool_sender_find(mp, who);
	if (s != NULL)
		*nonce = s->first_nonce + s->n;
	pthread_mutex_unlock(&mp->view_mu);
	return s != NULL;
}

size_t mempool_account_txs(const struct mempool *mp, const struct tx **out, size_t cap,
			   const struct pubkey *who)
{
	const struct mempool_sender *s = mempool_sender_find(mp, who);

	if (s == NULL)
		return 0;
	for (size_t i = 0; i < s->n && i < cap; i++)
		out[i] = &s->txs[i]->tx;
	return s->n;
}
