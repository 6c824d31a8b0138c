/* Logging: levels, categories, timestamps; to a file (debug.log) and/or the
 * console (stderr).
 *
 * A struct logger is an object owned by the node context and passed down;
 * there is no global logger. Every function accepts a NULL logger and then
 * does nothing, so libraries and tests may pass NULL.
 *
 * Filtering: a message is written when its level is at or above the
 * logger's threshold (log_set_level; default LOG_LEVEL_DEBUG) and
 *   - its level is error, warning or info: always, whatever its category;
 *   - its level is debug or trace: only when its category is enabled
 *     (log_enable_category, from -debug=CATEGORY). A debug message with no
 *     category (0) is written only when every category is enabled.
 * So by default only error, warning and info appear; -debug=net adds net's
 * debug messages; trace needs log_set_level(LOG_LEVEL_TRACE) as well.
 *
 * Line format, one line per message, UTC with milliseconds:
 *   2024-05-01T12:00:00.123Z [info] message
 *   2024-05-01T12:00:00.123Z [net:debug] message
 * A trailing newline in the message is dropped; any other control byte
 * (below 0x20 except tab, and 0x7f) is written as \xNN, so text from peers
 * can never forge a line. Messages longer than LOG_MAX_MESSAGE bytes are
 * replaced by a note giving their length.
 *
 * Thread safety: any thread may log; each line is one write(2) per output
 * under the logger's mutex. Settings may change while other threads log.
 *
 * Note: <syslog.h> defines LOG_INFO and friends; do not include it together
 * with this header.
 */
#ifndef ROSTRA_UTIL_LOG_H
#define ROSTRA_UTIL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct clock;
struct logger;

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
};

/* Categories, a bitmask. A message belongs to one category (or 0). */
enum log_category {
	LOG_CAT_NET = 1u << 0,
	LOG_CAT_P2P = 1u << 1,
	LOG_CAT_RPC = 1u << 2,
	LOG_CAT_MEMPOOL = 1u << 3,
	LOG_CAT_LEDGER = 1u << 4,
	LOG_CAT_STORE = 1u << 5,
	LOG_CAT_CONSENSUS = 1u << 6,
	LOG_CAT_VALIDATION = 1u << 7,
	LOG_CAT_WALLET = 1u << 8,
	LOG_CAT_BENCH = 1u << 9,
	LOG_CAT_ALL = (1u << 10) - 1,
};

/* The longest message written as is (bytes, after formatting). */
#define LOG_MAX_MESSAGE ((size_t)1 << 20)

/* A logger with no outputs, level LOG_LEVEL_DEBUG, no category enabled and
 * timestamps from the wall clock. Returns NULL when out of memory. */
struct logger *log_create(void);
/* Close the file and free the logger. NULL is accepted. */
void log_destroy(struct logger *lg);

/* Append to the file at path (created with mode 0600 if missing) from now
 * on, replacing any file opened before. In: path (copied).
 * Out: err (errcap bytes) a one-line reason on failure.
 * Returns false, with the previous file still in use, if it cannot open. */
bool log_open_file(struct logger *lg, const char *path, char *err, size_t errcap);
/* Stop writing to the file (the console setting is unchanged). */
void log_close_file(struct logger *lg);
/* Close and reopen the same path (after SIGHUP, so that a rotated log is
 * left alone). Call it from the event loop, never from the signal handler.
 * Returns true when there is no file or it was reopened; false, with the
 * old file still in use, when the path cannot be opened. */
bool log_reopen(struct logger *lg);
/* Write every line to stderr as well (on) or not (off; the default). */
void log_set_console(struct logger *lg, bool on);
/* Take timestamps from c (which must outlive the logger; its mock time
 * applies) instead of the wall clock; NULL restores the wall clock. */
void log_set_clock(struct logger *lg, const struct clock *c);

/* Enable or disable the categories in mask (LOG_CAT_* bits). */
void log_enable_category(struct logger *lg, uint32_t mask);
void log_disable_category(struct logger *lg, uint32_t mask);
/* The enabled categories (0 for a NULL logger). */
uint32_t log_categories(const struct logger *lg);
/* Write messages at level and above (more severe) only. */
void log_set_level(struct logger *lg, enum log_level level);

/* True when a message of this level and category would be written. The
 * macros below test it before evaluating their arguments. */
bool log_enabled(const struct logger *lg, enum log_level level, uint32_t category);

/* Format and write one message if log_enabled says so. */
void log_printf(struct logger *lg, enum log_level level, uint32_t category,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void log_vprintf(struct logger *lg, enum log_level level, uint32_t category,
                 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Convenience: LOG_INFO(lg, LOG_CAT_P2P, "peer %d connected", id). The
 * format arguments are evaluated only when the message will be written. */
#define LOG_AT(lg, level, cat, ...)                                          \
	do {                                                                 \
		struct logger *log_lg_ = (lg);                               \
		if (log_enabled(log_lg_, (level), (cat)))                    \
			log_printf(log_lg_, (level), (cat), __VA_ARGS__);    \
	} while (0)
#define LOG_ERROR(lg, cat, ...) LOG_AT(lg, LOG_LEVEL_ERROR, cat, __VA_ARGS__)
#define LOG_WARNING(lg, cat, ...) LOG_AT(lg, LOG_LEVEL_WARNING, cat, __VA_ARGS__)
#define LOG_INFO(lg, cat, ...) LOG_AT(lg, LOG_LEVEL_INFO, cat, __VA_ARGS__)
#define LOG_DEBUG(lg, cat, ...) LOG_AT(lg, LOG_LEVEL_DEBUG, cat, __VA_ARGS__)
#define LOG_TRACE(lg, cat, ...) LOG_AT(lg, LOG_LEVEL_TRACE, cat, __VA_ARGS__)

/* Parse a -debug value: a category name ("net", "p2p", ...), "1" or "all"
 * (every category), "0" or "none" (no category; the caller clears the
 * mask). Out: *mask (0 on failure). Returns false on any other text. */
bool log_category_parse(uint32_t *mask, const char *name);
/* The name of a single category bit, or NULL if cat is not exactly one. */
const char *log_category_name(uint32_t cat);
/* Append the category names, comma-separated ("net, p2p, ..."), for -help.
 * Returns buf_ok(out). */
bool log_category_list(struct buf *out);
/* Parse a level name (error, warning, info, debug, trace).
 * Out: *level (LOG_LEVEL_INFO on failure). */
bool log_level_parse(enum log_level *level, const char *name);
/* The name of a level ("error", ...); "?" for a value outside the enum. */
const char *log_level_name(enum log_level level);

#endif
