/* Shared between args.c (storage, the command line, getters), args_config.c
 * (rostra.conf) and args_help.c; not part of the public interface. */
#ifndef ROSTRA_UTIL_ARGS_INTERNAL_H
#define ROSTRA_UTIL_ARGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/args.h"

#define ARGS_NCHAINS 3

/* Where a value came from, lowest precedence first. */
enum args_layer {
	ARGS_LAYER_TOP = 0,                         /* config, outside sections */
	ARGS_LAYER_SECTION,                         /* + chain index: [main]... */
	ARGS_LAYER_CLI = ARGS_LAYER_SECTION + ARGS_NCHAINS,
};

/* Where a key came from, and how messages name it: "-port" or "'port'". */
struct args_src {
	int layer;          /* enum args_layer */
	const char *dash;   /* "-" on the command line, "" in a file */
	const char *quote;  /* "" on the command line, "'" in a file */
};

/* Record key (with value, or none when value is NULL: the command line's
 * bare -name) from src, validating it. Out: err (one line) on failure,
 * when nothing is recorded. */
bool args_assign(struct args *a, const struct args_src *src,
                 const char *key, const char *value, char *err, size_t errcap);

/* The number of values and positional arguments recorded so far, and a
 * rollback to those counts (so that a failed file or argv leaves nothing). */
size_t args_entry_count(const struct args *a);
size_t args_positional_mark(const struct args *a);
void args_truncate(struct args *a, size_t ne, size_t npos);

/* Wipe then free s: values may be passwords (-rpcpassword), and the config
 * text holds them too. In: len the bytes to wipe, or SIZE_MAX for
 * strlen(s). NULL is accepted. */
void args_free_secret(char *s, size_t len);

/* snprintf into err (errcap bytes; nothing when errcap is 0). */
void args_err(char *err, size_t errcap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A copy of s (len bytes) fit for a one-line message: bytes outside
 * printable ASCII as \xNN, cut at 64 input bytes with "...". */
#define ARGS_QUOTE_LEN (64 * 4 + 4)
void args_quote(char out[ARGS_QUOTE_LEN], const char *s, size_t len);

#endif
