/* The -help text for an option table. */
#include "config.h"

#include <string.h>

#include "util/args.h"
#include "util/buf.h"

/* Append text word-wrapped to lines of at most width columns, each starting
 * with indent spaces. */
static void args_wrap(struct buf *out, const char *text, size_t indent, size_t width)
{
	size_t col = 0;
	while (*text) {
		while (*text == ' ')
			text++;
		size_t w = strcspn(text, " ");
		if (w == 0)
			break;
		if (col > indent && col + 1 + w > width) {
			buf_put_u8(out, '\n');
			col = 0;
		}
		if (col == 0) {
			for (size_t i = 0; i < indent; i++)
				buf_put_u8(out, ' ');
			col = indent;
		} else {
			buf_put_u8(out, ' ');
			col++;
		}
		buf_put(out, text, w);
		col += w;
		text += w;
	}
	buf_put_u8(out, '\n');
}

static void args_help_option(struct buf *out, const struct args_option *o)
{
	struct buf text = BUF_INIT;
	buf_printf(out, "  -%s", o->name);
	if (o->kind != ARGS_BOOL) {
		buf_puts(out, "=<");
		if (o->meta)
			buf_puts(out, o->meta);
		else
			buf_puts(out, o->kind == ARGS_INT ? "n" : "value");
		buf_puts(out, ">");
	}
	buf_put_u8(out, '\n');
	buf_puts(&text, o->help);
	if (o->kind == ARGS_MULTI)
		buf_puts(&text, " May be given more than once.");
	if (o->choices) {
		buf_puts(&text, " One of: ");
		for (size_t i = 0; o->choices[i]; i++)
			buf_printf(&text, "%s%s", i ? ", " : "", o->choices[i]);
		buf_puts(&text, ".");
	}
	if (o->def)
		buf_printf(&text, " (default: %s)", o->def);
	if (buf_ok(&text))
		args_wrap(out, (const char *)text.data, 7, 79);
	else
		out->failed = true;
	buf_release(&text);
}

bool args_help(struct buf *out, const struct args_option *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct args_option *o = &table[i];
		if (o->kind == ARGS_HEADING)
			buf_printf(out, "%s%s\n\n", i ? "\n" : "", o->help);
		else if (!(o->flags & ARGS_HIDDEN))
			args_help_option(out, o);
	}
	return buf_ok(out);
}
