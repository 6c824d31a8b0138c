/* The option table, the values read (from any source), the command line,
 * the getters and network selection. rostra.conf is read by args_config.c,
 * -help written by args_help.c. */
#include "config.h"

#include "util/args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/args_internal.h"
#include "util/buf.h"
#include "util/checked.h"
#include "util/parse.h"

const char *const args_chain_names[] = { "main", "testnet", "regtest", NULL };

/* One value as given. Entries are kept in arrival order; the getters pick
 * from them by layer, so the precedence rule lives in one place
 * (args_visible). */
struct args_entry {
	size_t opt;        /* index into the table */
	int layer;         /* enum args_layer */
	bool clear;        /* ARGS_MULTI: a negation, dropping earlier values */
	int64_t num;       /* ARGS_BOOL 0/1, ARGS_INT the value */
	char *text;        /* ARGS_STRING, ARGS_MULTI: the value (owned) */
};

struct args {
	const struct args_option *table;
	size_t n;
	struct args_entry *e;
	size_t ne, ecap;
	char **pos;
	size_t npos, poscap;
	int chain; /* index into args_chain_names, or -1 before selection */
};

/* --------------------------------------------------------------- helpers */

static void args_bug(const char *what, const char *name)
{
	fprintf(stderr, "args: BUG: %s '%s'\n", what, name ? name : "(null)");
	abort();
}

void args_err(char *err, size_t errcap, const char *fmt, ...)
{
	va_list ap;
	if (errcap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
}

void args_quote(char out[ARGS_QUOTE_LEN], const char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	if (len > 64) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static char *args_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static bool args_valid_name(const char *name)
{
	if (name == NULL || *name == '\0')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* The table index of the option called name (len bytes), or -1. */
static long args_find(const struct args *a, const char *name, size_t len)
{
	for (size_t i = 0; i < a->n; i++) {
		const char *o = a->table[i].name;
		if (o && strlen(o) == len && memcmp(o, name, len) == 0)
			return (long)i;
	}
	return -1;
}

static bool args_in_choices(const char *const *choices, const char *v)
{
	if (choices == NULL)
		return true;
	for (; *choices; choices++)
		if (strcmp(*choices, v) == 0)
			return true;
	return false;
}

static bool args_parse_bool(int64_t *out, const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		*out = 0;
	else
		return false;
	return true;
}

/* Validate v for option o. Out: *num for bool and int. */
static bool args_parse_value(const struct args_option *o, const char *v, int64_t *num)
{
	*num = 0;
	switch (o->kind) {
	case ARGS_BOOL:
		return args_parse_bool(num, v);
	case ARGS_INT:
		return parse_i64(num, v, o->min, o->max);
	case ARGS_STRING:
	case ARGS_MULTI:
		return args_in_choices(o->choices, v);
	case ARGS_HEADING:
		break;
	}
	return false;
}

/* What o accepts, for error messages: "an integer from 1 to 65535". */
static void args_expected(struct buf *out, const struct args_option *o)
{
	switch (o->kind) {
	case ARGS_BOOL:
		buf_puts(out, "0, 1, true or false");
		return;
	case ARGS_INT:
		buf_printf(out, "an integer from %lld to %lld",
		           (long long)o->min, (long long)o->max);
		return;
	case ARGS_STRING:
	case ARGS_MULTI:
		if (o->choices == NULL) {
			buf_puts(out, "a value");
			return;
		}
		buf_puts(out, "one of ");
		for (size_t i = 0; o->choices[i]; i++)
			buf_printf(out, "%s%s", i ? ", " : "", o->choices[i]);
		return;
	case ARGS_HEADING:
		break;
	}
}

/* ----------------------------------------------------------------- table */

static void args_check_option(const struct args_option *o)
{
	int64_t num;
	if (o->help == NULL)
		args_bug("option without help", o->name);
	if (o->kind == ARGS_HEADING) {
		if (o->name != NULL)
			args_bug("heading with a name", o->name);
		return;
	}
	if (!args_valid_name(o->name))
		args_bug("invalid option name", o->name);
	if (o->kind > ARGS_MULTI)
		args_bug("invalid kind for", o->name);
	if (o->kind == ARGS_INT ? o->min >= o->max : (o->min != 0 || o->max != 0))
		args_bug("bad min/max for", o->name);
	if (o->choices && o->kind != ARGS_STRING && o->kind != ARGS_MULTI)
		args_bug("choices on a non-string option", o->name);
	if (o->def && (o->kind == ARGS_MULTI || !args_parse_value(o, o->def, &num)))
		args_bug("bad default for", o->name);
}

struct args *args_create(const struct args_option *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		args_check_option(&table[i]);
		for (size_t j = 0; j < i && table[i].name; j++)
			if (table[j].name && strcmp(table[i].name, table[j].name) == 0)
				args_bug("duplicate option", table[i].name);
	}
	struct args *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->table = table;
	a->n = n;
	a->chain = -1;
	return a;
}

void args_free_secret(char *s, size_t len)
{
	if (s == NULL)
		return;
	explicit_bzero(s, len == SIZE_MAX ? strlen(s) : len);
	free(s);
}

void args_truncate(struct args *a, size_t ne, size_t npos)
{
	while (a->ne > ne)
		args_free_secret(a->e[--a->ne].text, SIZE_MAX);
	while (a->npos > npos)
		free(a->pos[--a->npos]);
}

size_t args_entry_count(const struct args *a)
{
	return a->ne;
}

size_t args_positional_mark(const struct args *a)
{
	return a->npos;
}

void args_destroy(struct args *a)
{
	if (a == NULL)
		return;
	args_truncate(a, 0, 0);
	free(a->e);
	free(a->pos);
	free(a);
}

/* Grow *arr (of *cap elements of size sz) to hold one more than n. */
static bool args_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t newcap, bytes;
	if (n < *cap)
		return true;
	if (!checked_mul_size(&newcap, *cap ? *cap : 8, 2) ||
	    !checked_mul_size(&bytes, newcap, sz))
		return false;
	void *p = realloc(*arr, bytes);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = newcap;
	return true;
}

static bool args_add_entry(struct args *a, size_t opt, int layer, bool clear,
                           int64_t num, const char *text)
{
	char *copy = NULL;
	if (text && (copy = args_strndup(text, strlen(text))) == NULL)
		return false;
	if (!args_grow((void **)&a->e, &a->ecap, a->ne, sizeof(*a->e))) {
		free(copy);
		return false;
	}
	a->e[a->ne++] = (struct args_entry){ opt, layer, clear, num, copy };
	return true;
}

/* --------------------------------------------------------------- assign */


/* The value part of args_assign: o (table index i) was named as qk, negated
 * or not, with value (NULL: none given, only on the command line). */
static bool args_assign_value(struct args *a, const struct args_src *src,
                              const struct args_option *o, size_t i, bool negated,
                              const char *qk, const char *value,
                              char *err, size_t errcap)
{
	/* A negation's value, if any, is a bool whatever the option's kind. */
	static const struct args_option bool_value = { .kind = ARGS_BOOL, .help = "" };
	const struct args_option *vo = negated ? &bool_value : o;
	const char *q = src->quote, *d = src->dash;
	char qv[ARGS_QUOTE_LEN];
	struct buf want = BUF_INIT;
	int64_t num = 1; /* a bare -name or -noname */
	bool ok;

	if (value == NULL && vo->kind != ARGS_BOOL) {
		args_expected(&want, o);
		args_err(err, errcap, "option %s%s%s%s needs a value (%s)", q, d, qk, q,
		         buf_ok(&want) ? (char *)want.data : "");
		buf_release(&want);
		return false;
	}
	if (value != NULL && !args_parse_value(vo, value, &num)) {
		args_quote(qv, value, strlen(value));
		args_expected(&want, vo);
		args_err(err, errcap, "invalid value for %s%s%s%s: '%s' (expected %s)",
		         q, d, qk, q, qv, buf_ok(&want) ? (char *)want.data : "");
		buf_release(&want);
		return false;
	}
	if (negated && o->kind == ARGS_MULTI)
		ok = num == 0 || args_add_entry(a, i, src->layer, true, 0, NULL);
	else if (negated)
		ok = args_add_entry(a, i, src->layer, false, !num, NULL);
	else if (o->kind == ARGS_BOOL || o->kind == ARGS_INT)
		ok = args_add_entry(a, i, src->layer, false, num, NULL);
	else
		ok = args_add_entry(a, i, src->layer, false, 0, value);
	if (!ok)
		args_err(err, errcap, "out of memory");
	return ok;
}

bool args_assign(struct args *a, const struct args_src *src,
                        const char *key, const char *value,
                        char *err, size_t errcap)
{
	char qk[ARGS_QUOTE_LEN];
	bool negated = false;
	long i = args_find(a, key, strlen(key));

	args_quote(qk, key, strlen(key));
	if (i < 0 && strncmp(key, "no", 2) == 0) {
		i = args_find(a, key + 2, strlen(key + 2));
		negated = true;
	}
	if (i < 0) {
		args_err(err, errcap, "unknown option %s%s%s%s", src->quote,
		         src->dash, qk, src->quote);
		return false;
	}
	const struct args_option *o = &a->table[i];
	const char *q = src->quote, *d = src->dash;
	if (negated && o->kind != ARGS_BOOL && o->kind != ARGS_MULTI) {
		args_err(err, errcap, "%s%s%s%s cannot be negated (%s%s%s%s takes a value)",
		         q, d, qk, q, q, d, o->name, q);
		return false;
	}
	if ((o->flags & ARGS_CLI_ONLY) && src->layer != ARGS_LAYER_CLI) {
		args_err(err, errcap, "option '%s' can only be given on the command line",
		         o->name);
		return false;
	}
	if ((o->flags & ARGS_NO_SECTION) && src->layer >= ARGS_LAYER_SECTION &&
	    src->layer < ARGS_LAYER_CLI) {
		args_err(err, errcap, "option '%s' cannot be set inside a network section",
		         o->name);
		return false;
	}

	return args_assign_value(a, src, o, (size_t)i, negated, qk, value, err, errcap);
}

/* ------------------------------------------------------------------ argv */

static bool args_add_positional(struct args *a, const char *s)
{
	char *copy = args_strndup(s, strlen(s));
	if (copy == NULL || !args_grow((void **)&a->pos, &a->poscap, a->npos,
	                               sizeof(*a->pos))) {
		free(copy);
		return false;
	}
	a->pos[a->npos++] = copy;
	return true;
}

/* One option argument: "-name[=value]" or "--name[=value]". */
static bool args_argv_option(struct args *a, const char *arg, char *err, size_t errcap)
{
	static const struct args_src cli = { ARGS_LAYER_CLI, "-", "" };
	const char *name = arg + 1 + (arg[1] == '-');
	const char *eq = strchr(name, '=');
	size_t klen = eq ? (size_t)(eq - name) : strlen(name);
	char *key = args_strndup(name, klen);
	if (key == NULL) {
		args_err(err, errcap, "out of memory");
		return false;
	}
	bool ok = args_assign(a, &cli, key, eq ? eq + 1 : NULL, err, errcap);
	free(key);
	return ok;
}

bool args_parse_argv(struct args *a, int argc, char *const *argv,
                     char *err, size_t errcap)
{
	size_t ne = a->ne, npos = a->npos;
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool ok;
		if (options && strcmp(arg, "--") == 0) {
			options = false;
			continue;
		}
		if (options && arg[0] == '-' && arg[1] != '\0') {
			ok = args_argv_option(a, arg, err, errcap);
		} else {
			options = false;
			ok = args_add_positional(a, arg);
			if (!ok)
				args_err(err, errcap, "out of memory");
		}
		if (!ok) {
			args_truncate(a, ne, npos);
			return false;
		}
	}
	return true;
}

/* --------------------------------------------------------------- getters */

/* Whether entry e is seen now: the top level and the command line always,
 * a section only when it is the selected network's. */
static bool args_visible(const struct args *a, const struct args_entry *e)
{
	if (e->layer == ARGS_LAYER_TOP || e->layer == ARGS_LAYER_CLI)
		return true;
	return a->chain >= 0 && e->layer == ARGS_LAYER_SECTION + a->chain;
}

/* Visit the visible entries of option opt in precedence order (layer by
 * layer, lowest first; arrival order within a layer). */
#define ARGS_FOR_EACH(a, opt, ent)                                           \
	for (int args_l_ = ARGS_LAYER_TOP; args_l_ <= ARGS_LAYER_CLI; args_l_++) \
		for (size_t args_i_ = 0; args_i_ < (a)->ne; args_i_++)           \
			if (((ent) = &(a)->e[args_i_])->opt == (opt) &&          \
			    (ent)->layer == args_l_ && args_visible((a), (ent)))

/* The table index of name, which must be an option of kind (or any kind
 * when kind is ARGS_HEADING). */
static size_t args_opt(const struct args *a, const char *name, enum args_kind kind)
{
	long i = args_find(a, name, strlen(name));
	if (i < 0)
		args_bug("no such option", name);
	if (kind != ARGS_HEADING && a->table[i].kind != kind)
		args_bug("wrong getter for option", name);
	return (size_t)i;
}

/* The value that wins for a single-valued option, or NULL. */
static const struct args_entry *args_last(const struct args *a, size_t opt)
{
	const struct args_entry *e, *last = NULL;
	ARGS_FOR_EACH(a, opt, e)
		last = e;
	return last;
}

bool args_is_set(const struct args *a, const char *name)
{
	return args_last(a, args_opt(a, name, ARGS_HEADING)) != NULL;
}

const char *args_get_str(const struct args *a, const char *name)
{
	size_t opt = args_opt(a, name, ARGS_STRING);
	const struct args_entry *e = args_last(a, opt);
	return e ? e->text : a->table[opt].def;
}

/* The typed default of a bool or int option (validated by args_create). */
static int64_t args_default_num(const struct args_option *o)
{
	int64_t num = 0;
	if (o->def)
		args_parse_value(o, o->def, &num);
	return num;
}

int64_t args_get_int(const struct args *a, const char *name)
{
	size_t opt = args_opt(a, name, ARGS_INT);
	const struct args_entry *e = args_last(a, opt);
	return e ? e->num : args_default_num(&a->table[opt]);
}

bool args_get_bool(const struct args *a, const char *name)
{
	size_t opt = args_opt(a, name, ARGS_BOOL);
	const struct args_entry *e = args_last(a, opt);
	return (e ? e->num : args_default_num(&a->table[opt])) != 0;
}

size_t args_get_multi_count(const struct args *a, const char *name)
{
	size_t opt = args_opt(a, name, ARGS_MULTI), count = 0;
	const struct args_entry *e;
	ARGS_FOR_EACH(a, opt, e)
		count = e->clear ? 0 : count + 1;
	return count;
}

const char *args_get_multi(const struct args *a, const char *name, size_t i)
{
	size_t opt = args_opt(a, name, ARGS_MULTI);
	size_t count = 0, total = 0, k = 0;
	const struct args_entry *e;
	ARGS_FOR_EACH(a, opt, e) {
		count = e->clear ? 0 : count + 1;
		total += !e->clear;
	}
	if (i >= count)
		args_bug("multi index out of range for", name);
	/* The values after the last negation are the last count values. */
	ARGS_FOR_EACH(a, opt, e)
		if (!e->clear && k++ == total - count + i)
			return e->text;
	return NULL; /* not reached */
}

size_t args_positional_count(const struct args *a)
{
	return a->npos;
}

const char *args_positional(const struct args *a, size_t i)
{
	if (i >= a->npos)
		args_bug("positional index out of range", "");
	return a->pos[i];
}

/* ----------------------------------------------------------------- chain */

const char *args_chain(const struct args *a)
{
	return a->chain >= 0 ? args_chain_names[a->chain] : NULL;
}

bool args_select_chain(struct args *a, const char **chain, char *err, size_t errcap)
{
	static const char *const flags[] = { NULL, "testnet", "regtest" };
	char asked[128] = "";
	int want = -1;
	bool conflict = false;

	*chain = NULL;
	a->chain = -1; /* sections do not decide the network */
	for (int c = 0; c < ARGS_NCHAINS; c++) {
		bool on = flags[c] && args_get_bool(a, flags[c]);
		if (on) {
			conflict |= want >= 0 && want != c;
			want = c;
			snprintf(asked + strlen(asked), sizeof(asked) - strlen(asked),
			         "%s-%s", asked[0] ? " and " : "", flags[c]);
		}
	}
	const char *name = args_get_str(a, "chain");
	if (args_is_set(a, "chain")) {
		int c = 0;
		while (strcmp(args_chain_names[c], name) != 0)
			c++; /* the value was checked against args_chain_names */
		conflict |= want >= 0 && want != c;
		want = c;
		snprintf(asked + strlen(asked), sizeof(asked) - strlen(asked),
		         "%s-chain=%s", asked[0] ? " and " : "", name);
	}
	if (conflict) {
		args_err(err, errcap, "conflicting network options: %s (use one)", asked);
		return false;
	}
	a->chain = want >= 0 ? want : 0;
	*chain = args_chain_names[a->chain];
	return true;
}
