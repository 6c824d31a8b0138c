/* rostra.conf: key=value lines, comments, [network] sections (format in
 * doc/config.md). Each line goes through args_assign, like the command line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/args.h"
#include "util/args_internal.h"

static bool args_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim s in place; returns the start, and NUL-terminates the end. */
static char *args_trim(char *s, size_t len)
{
	while (len > 0 && args_is_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && args_is_space(s[len - 1]))
		len--;
	s[len] = '\0';
	return s;
}

/* A "[name]" line. Out: *layer. */
static bool args_config_section(const char *line, int *layer, char *msg, size_t cap)
{
	size_t len = strlen(line);
	char q[ARGS_QUOTE_LEN];
	args_quote(q, line, len);
	if (len < 2 || line[len - 1] != ']') {
		args_err(msg, cap, "malformed section header '%s'", q);
		return false;
	}
	for (int c = 0; c < ARGS_NCHAINS; c++) {
		const char *nm = args_chain_names[c];
		if (strlen(nm) == len - 2 && memcmp(nm, line + 1, len - 2) == 0) {
			*layer = ARGS_LAYER_SECTION + c;
			return true;
		}
	}
	args_err(msg, cap, "unknown section '%s' (expected [main], [testnet] or [regtest])", q);
	return false;
}

/* One line (NUL-terminated, trimmed by this function). In/out: *layer the
 * current section. Out: msg on failure, without the file:line prefix. */
static bool args_config_line(struct args *a, char *raw, size_t len, int *layer,
                             char *msg, size_t cap)
{
	char *line = args_trim(raw, len);
	if (line[0] == '\0' || line[0] == '#')
		return true;
	if (line[0] == '[')
		return args_config_section(line, layer, msg, cap);
	char *eq = strchr(line, '=');
	if (eq == NULL) {
		char q[ARGS_QUOTE_LEN];
		args_quote(q, line, strlen(line));
		args_err(msg, cap, "expected key=value, found '%s'", q);
		return false;
	}
	char *key = args_trim(line, (size_t)(eq - line));
	char *value = args_trim(eq + 1, strlen(eq + 1));
	if (key[0] == '\0') {
		args_err(msg, cap, "missing key before '='");
		return false;
	}
	struct args_src src = { *layer, "", "'" };
	return args_assign(a, &src, key, value, msg, cap);
}

bool args_read_config_string(struct args *a, const char *name,
                             const char *data, size_t len,
                             char *err, size_t errcap)
{
	char *buf = malloc(ARGS_MAX_LINE + 1);
	char msg[512];
	size_t ne = args_entry_count(a), lineno = 0, pos = 0;
	int layer = ARGS_LAYER_TOP;
	bool ok = true;

	if (buf == NULL) {
		args_err(err, errcap, "%s: out of memory", name);
		return false;
	}
	if (len > ARGS_MAX_CONFIG) {
		args_err(err, errcap, "%s: file too large (more than %zu bytes)",
		         name, ARGS_MAX_CONFIG);
		ok = false;
	}
	/* A UTF-8 byte-order mark, as some editors write, is not a key. */
	if (ok && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (ok && pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		lineno++;
		if (n > ARGS_MAX_LINE) {
			args_err(msg, sizeof(msg), "line too long (more than %d bytes)",
			         ARGS_MAX_LINE);
			ok = false;
		} else if (memchr(data + pos, '\0', n) != NULL) {
			args_err(msg, sizeof(msg), "NUL byte in line");
			ok = false;
		} else {
			memcpy(buf, data + pos, n);
			buf[n] = '\0';
			ok = args_config_line(a, buf, n, &layer, msg, sizeof(msg));
		}
		if (!ok)
			args_err(err, errcap, "%s:%zu: %s", name, lineno, msg);
		pos += n + (nl != NULL);
	}
	args_free_secret(buf, ARGS_MAX_LINE + 1);
	if (!ok)
		args_truncate(a, ne, args_positional_mark(a));
	return ok;
}

/* Read the file at path, at most ARGS_MAX_CONFIG bytes plus one to detect a
 * larger file. Out: *data (malloc'd), *len, *missing (ENOENT), err. */
static bool args_slurp(const char *path, char **data, size_t *len, bool *missing,
                       char *err, size_t errcap)
{
	*data = NULL;
	*len = 0;
	*missing = false;
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*missing = errno == ENOENT;
		args_err(err, errcap, "cannot open config file %s: %s", path, strerror(errno));
		return false;
	}
	char *p = malloc(ARGS_MAX_CONFIG + 1);
	size_t n = p ? fread(p, 1, ARGS_MAX_CONFIG + 1, f) : 0;
	bool ok = p != NULL && !ferror(f);
	if (!ok)
		args_err(err, errcap, "cannot read config file %s: %s", path,
		         p ? strerror(errno) : "out of memory");
	fclose(f);
	if (!ok) {
		args_free_secret(p, p ? ARGS_MAX_CONFIG + 1 : 0);
		return false;
	}
	*data = p;
	*len = n;
	return true;
}

static bool args_read_file(struct args *a, const char *path, bool must_exist,
                           char *err, size_t errcap)
{
	char *data;
	size_t len;
	bool missing;
	if (!args_slurp(path, &data, &len, &missing, err, errcap))
		return missing && !must_exist;
	bool ok = args_read_config_string(a, path, data, len, err, errcap);
	args_free_secret(data, len);
	return ok;
}

bool args_read_config(struct args *a, const char *path, char *err, size_t errcap)
{
	return args_read_file(a, path, true, err, errcap);
}

bool args_read_config_if_exists(struct args *a, const char *path,
                                char *err, size_t errcap)
{
	return args_read_file(a, path, false, err, errcap);
}
