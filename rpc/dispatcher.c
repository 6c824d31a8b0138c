/* The registry of methods: tables checked at registration, kept sorted by
 * name for lookup. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/dispatch.h"
#include "rpc/dispatch_internal.h"

static void rpc_bug(const char *what, const char *name)
{
	fprintf(stderr, "rpc: BUG: %s '%s'\n", what, name ? name : "(null)");
	abort();
}

struct rpc_dispatcher *rpc_dispatcher_create(void)
{
	struct rpc_dispatcher *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	atomic_init(&d->frozen, false);
	return d;
}

void rpc_dispatcher_destroy(struct rpc_dispatcher *d)
{
	if (d == NULL)
		return;
	free(d->e);
	free(d->areas);
	free(d);
}

static bool rpc_name_ok(const char *s, bool underscore)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++) {
		bool ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		          (underscore && *s == '_');
		if (!ok)
			return false;
	}
	return true;
}

/* Check a method's parameter list; returns how many there are. */
static size_t rpc_check_params(const struct rpc_method *m)
{
	size_t n = 0;
	bool optional_seen = false;
	for (const struct rpc_param *p = m->params; p && p->name; p++, n++) {
		if (n >= RPC_MAX_PARAMS)
			rpc_bug("too many parameters in method", m->name);
		if (!rpc_name_ok(p->name, true) || p->types == 0 ||
		    (p->types & ~(unsigned)RPC_TYPE_ANY) != 0 || p->help == NULL)
			rpc_bug("malformed parameter in method", m->name);
		if (p->required && optional_seen)
			rpc_bug("required parameter after an optional one in", m->name);
		optional_seen |= !p->required;
		for (const struct rpc_param *q = m->params; q != p; q++)
			if (strcmp(q->name, p->name) == 0)
				rpc_bug("duplicate parameter in method", m->name);
	}
	return n;
}

static void rpc_check_method(const struct rpc_method *m)
{
	if (!rpc_name_ok(m->name, false) || m->fn == NULL || m->help == NULL ||
	    m->result == NULL || (m->run != RPC_RUN_WORKER && m->run != RPC_RUN_MAIN && m->run != RPC_RUN_HTTP))
		rpc_bug("malformed method", m->name);
}

static bool rpc_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, ncap * size);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

static bool rpc_add_area(struct rpc_dispatcher *d, const char *area)
{
	for (size_t i = 0; i < d->nareas; i++)
		if (strcmp(d->areas[i], area) == 0)
			return true;
	if (!rpc_grow((void **)&d->areas, &d->areacap, d->nareas + 1, sizeof(*d->areas)))
		return false;
	d->areas[d->nareas++] = area;
	return true;
}

/* Insert one entry at its sorted place. */
static void rpc_insert(struct rpc_dispatcher *d, const struct rpc_entry *e)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->e[mid].m->name, e->m->name);
		if (c == 0)
			rpc_bug("method registered twice", e->m->name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&d->e[lo + 1], &d->e[lo], (d->n - lo) * sizeof(*d->e));
	d->e[lo] = *e;
	d->n++;
}

bool rpc_dispatcher_add(struct rpc_dispatcher *d, const char *area,
                        const struct rpc_method *methods, size_t n, void *ctx)
{
	if (atomic_load(&d->frozen))
		rpc_bug("registration after first use, area", area);
	if (!rpc_name_ok(area, false))
		rpc_bug("malformed area name", area);
	for (size_t i = 0; i < n; i++)
		rpc_check_method(&methods[i]);
	if (!rpc_grow((void **)&d->e, &d->cap, d->n + n, sizeof(*d->e)) ||
	    !rpc_add_area(d, area))
		return false;
	for (size_t i = 0; i < n; i++) {
		struct rpc_entry e = {
			.m = &methods[i], .area = area, .ctx = ctx,
			.nparams = rpc_check_params(&methods[i]),
		};
		rpc_insert(d, &e);
	}
	return true;
}

const struct rpc_entry *rpc_dispatcher_entry(const struct rpc_dispatcher *d,
                                             const char *name)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->e[mid].m->name, name);
		if (c == 0)
			return &d->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct rpc_method *rpc_dispatcher_find(const struct rpc_dispatcher *d,
                                             const char **area, const char *name)
{
	const struct rpc_entry *e = rpc_dispatcher_entry(d, name);
	if (area)
		*area = e ? e->area : NULL;
	return e ? e->m : NULL;
}

void rpc_dispatcher_set_snapshot(struct rpc_dispatcher *d, rpc_snapshot_open_fn open,
                                 rpc_snapshot_close_fn close, void *arg)
{
	if (atomic_load(&d->frozen))
		rpc_bug("snapshot hooks set after first use", "");
	d->snap_open = open;
	d->snap_close = close;
	d->snap_arg = arg;
}
