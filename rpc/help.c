/* help: the method list by area, and one method's arguments and result,
 * both written from the method tables. */
#include "config.h"

#include <string.h>

#include "rpc/dispatch.h"
#include "rpc/dispatch_internal.h"
#include "util/buf.h"

static void rpc_help_types(struct buf *out, unsigned types)
{
	static const char *const names[] = {
		"string", "integer", "boolean", "object", "array",
	};
	bool first = true;
	if (types == RPC_TYPE_ANY) {
		buf_puts(out, "any");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(types & (1u << i)))
			continue;
		buf_printf(out, "%s%s", first ? "" : " or ", names[i]);
		first = false;
	}
}

/* `name "required" ( "optional" optional2 )`: strings quoted. */
static void rpc_help_usage(struct buf *out, const struct rpc_method *m)
{
	bool open = false;
	buf_puts(out, m->name);
	for (const struct rpc_param *p = m->params; p && p->name; p++) {
		if (!p->required && !open) {
			buf_puts(out, " (");
			open = true;
		}
		if (p->types == RPC_TYPE_STRING)
			buf_printf(out, " \"%s\"", p->name);
		else
			buf_printf(out, " %s", p->name);
	}
	if (open)
		buf_puts(out, " )");
}

static void rpc_help_area_title(struct buf *out, const char *area)
{
	buf_puts(out, "== ");
	buf_put_u8(out, (uint8_t)(area[0] >= 'a' && area[0] <= 'z' ? area[0] - 'a' + 'A' : area[0]));
	buf_puts(out, area + 1);
	buf_puts(out, " ==\n");
}

bool rpc_help_list(const struct rpc_dispatcher *d, struct buf *out)
{
	bool first = true;
	for (size_t a = 0; a < d->nareas; a++) {
		bool titled = false;
		for (size_t i = 0; i < d->n; i++) {
			if (d->e[i].area != d->areas[a] || d->e[i].m->hidden)
				continue;
			if (!titled) {
				if (!first)
					buf_put_u8(out, '\n');
				rpc_help_area_title(out, d->areas[a]);
				titled = true;
				first = false;
			}
			rpc_help_usage(out, d->e[i].m);
			buf_put_u8(out, '\n');
		}
	}
	return buf_ok(out);
}

static void rpc_help_arguments(struct buf *out, const struct rpc_method *m)
{
	size_t i = 0;
	if (m->params == NULL || m->params[0].name == NULL)
		return;
	buf_puts(out, "\nArguments:\n");
	for (const struct rpc_param *p = m->params; p->name; p++) {
		buf_printf(out, "%zu. %s (", ++i, p->name);
		rpc_help_types(out, p->types);
		buf_printf(out, ", %s) %s\n", p->required ? "required" : "optional", p->help);
	}
}

static void rpc_help_result(struct buf *out, const struct rpc_method *m)
{
	buf_printf(out, "\nResult: %s\n", m->result);
	for (const struct rpc_field *f = m->fields; f && f->name; f++)
		buf_printf(out, "  %s (%s) %s\n", f->name, f->type, f->help);
}

bool rpc_help_method(const struct rpc_dispatcher *d, struct buf *out, const char *name)
{
	const struct rpc_method *m = rpc_dispatcher_find(d, NULL, name);
	if (m == NULL)
		return false;
	rpc_help_usage(out, m);
	buf_printf(out, "\n\n%s\n", m->help);
	rpc_help_arguments(out, m);
	rpc_help_result(out, m);
	return buf_ok(out);
}
