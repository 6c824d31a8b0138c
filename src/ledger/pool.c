/* The worker pool (one thread per core) and the signature cache
 * (ledger_internal.h).
 *
 * The pool runs one job at a time: ledger_pool_run publishes (fn, ctx, n),
 * wakes the workers, takes items itself too, and waits until every worker
 * has left the job. Items are claimed in small chunks from an atomic
 * counter, so the split adapts to uneven item costs. */
#include <stdatomic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "ledger/ledger_internal.h"

#define POOL_MAX_THREADS 64

struct ledger_pool {
	unsigned size;             /* workers in all, the caller included */
	pthread_t threads[POOL_MAX_THREADS];
	unsigned nthreads;         /* started threads (size - 1) */

	pthread_mutex_t mu;
	pthread_cond_t work;       /* a job was published, or stop */
	pthread_cond_t done;       /* a worker left the job */
	uint64_t job;              /* generation of the current job */
	unsigned busy;             /* workers still inside the current job */
	bool stop;

	ledger_pool_fn *fn;
	void *ctx;
	size_t n;
	size_t chunk;
	atomic_size_t next;
};

struct worker_arg {
	struct ledger_pool *p;
	unsigned id;
};

static void run_items(struct ledger_pool *p, unsigned id)
{
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, p->chunk);
		if (i >= p->n)
			return;
		size_t end = i + p->chunk < p->n ? i + p->chunk : p->n;
		for (; i < end; i++)
			p->fn(p->ctx, i, id);
	}
}

static void *worker_main(void *arg)
{
	struct ledger_pool *p = ((struct worker_arg *)arg)->p;
	unsigned id = ((struct worker_arg *)arg)->id;
	uint64_t seen = 0;

	free(arg);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->job == seen)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		seen = p->job;
		pthread_mutex_unlock(&p->mu);
		run_items(p, id);
		pthread_mutex_lock(&p->mu);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct ledger_pool *ledger_pool_create(unsigned threads)
{
	struct ledger_pool *p;

	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		abort();
	p->size = threads;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	atomic_init(&p->next, 0);
	for (unsigned i = 1; i < threads; i++) {
		struct worker_arg *a = malloc(sizeof(*a));
		if (a == NULL)
			abort();
		a->p = p;
		a->id = i;
		if (pthread_create(&p->threads[p->nthreads], NULL, worker_main, a) != 0) {
			free(a);
			ledger_pool_destroy(p);
			return NULL;
		}
		p->nthreads++;
	}
	return p;
}

void ledger_pool_destroy(struct ledger_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

unsigned ledger_pool_size(const struct ledger_pool *p)
{
	return p->nthreads + 1;
}

void ledger_pool_run(struct ledger_pool *p, ledger_pool_fn *fn, void *ctx, size_t n)
{
	if (n == 0)
		return;
	if (p->nthreads == 0 || n == 1) {
		for (size_t i = 0; i < n; i++)
			fn(ctx, i, 0);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->chunk = n / (8 * (size_t)(p->nthreads + 1));
	if (p->chunk == 0)
		p->chunk = 1;
	atomic_store(&p->next, 0);
	p->busy = p->nthreads;
	p->job++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);

	run_items(p, 0);

	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void ledger_pool_start(struct ledger_pool *p, ledger_pool_fn *fn, void *ctx, size_t n)
{
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->chunk = 1; /* in order, one at a time: the caller waits on item i */
	atomic_store(&p->next, 0);
	p->busy = p->nthreads;
	p->job++;
	if (p->nthreads > 0)
		pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

bool ledger_pool_help(struct ledger_pool *p)
{
	size_t i = atomic_fetch_add(&p->next, 1);
	if (i >= p->n)
		return false;
	p->fn(p->ctx, i, 0);
	return true;
}

void ledger_pool_wait(struct ledger_pool *p)
{
	run_items(p, 0);
	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

size_t ledger_pool_cancel(struct ledger_pool *p)
{
	size_t first = atomic_exchange(&p->next, p->n);
	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return first < p->n ? first : p->n;
}

/* ------------------------------------------------------------ signature cache */

/* Direct-mapped: entry i holds the salted hash of one verified triple; a
 * newer triple that maps to the same slot replaces it. A hit needs all 32
 * bytes to match, so a false hit needs a SHA-256 collision. */
struct ledger_sigcache {
	pthread_mutex_t mu;
	uint64_t hits, misses;   /* lookups, for ledger_sigcache_stats */
	size_t n;
	uint8_t (*slots)[32];
	uint8_t salt[32];
};

struct ledger_sigcache *ledger_sigcache_create(size_t entries)
{
	struct ledger_sigcache *c;
	if (entries == 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		abort();
	c->slots = calloc(entries, sizeof(*c->slots));
	if (c->slots == NULL)
		abort();
	c->n = entries;
	if (!random_bytes(c->salt, sizeof(c->salt)))
		memset(c->salt, 0x5a, sizeof(c->salt)); /* still correct, only guessable */
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void ledger_sigcache_destroy(struct ledger_sigcache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c->slots);
	free(c);
}

static size_t sig_entry(const struct ledger_sigcache *c, uint8_t out[32], const struct tx *tx)
{
	uint8_t m[32 + 32 + 32 + SIG_LEN];
	uint64_t w;
	memcpy(m, c->salt, 32);
	memcpy(m + 32, tx_sighash(tx)->b, 32);
	memcpy(m + 64, tx->sender.b, 32);
	memcpy(m + 96, tx->sig, SIG_LEN);
	sha256(out, m, sizeof(m));
	memcpy(&w, out, 8);
	return (size_t)(w % c->n);
}

bool ledger_sigcache_lookup(struct ledger_sigcache *c, uint8_t entry[32], size_t *slot,
			    const struct tx *tx)
{
	bool hit;

	*slot = 0;
	if (c == NULL)
		return false;
	*slot = sig_entry(c, entry, tx);
	pthread_mutex_lock(&c->mu);
	hit = memcmp(c->slots[*slot], entry, 32) == 0;
	if (hit)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void ledger_sigcache_store(struct ledger_sigcache *c, const uint8_t entry[32], size_t slot)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	memcpy(c->slots[slot], entry, 32);
	pthread_mutex_unlock(&c->mu);
}

bool ledger_sigcache_has(struct ledger_sigcache *c, const struct tx *tx)
{
	uint8_t e[32];
	size_t i;
	return ledger_sigcache_lookup(c, e, &i, tx);
}

void ledger_sigcache_counts(struct ledger_sigcache *c, uint64_t *hits, uint64_t *misses)
{
	*hits = *misses = 0;
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}

void ledger_sigcache_add(struct ledger_sigcache *c, const struct tx *tx)
{
	uint8_t e[32];

	if (c == NULL)
		return;
	ledger_sigcache_store(c, e, sig_entry(c, e, tx));
}
