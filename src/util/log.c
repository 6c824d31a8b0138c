#include "config.h"

#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/clock.h"

struct logger {
	pthread_mutex_t mu;          /* guards fd, path and the writes */
	int fd;                      /* the log file, or -1 */
	char *path;                  /* the file's path, for log_reopen */
	_Atomic bool console;
	_Atomic uint32_t categories;
	_Atomic int level;
	_Atomic(const struct clock *) clock;
};

static const char *const log_category_names[] = {
	"net", "p2p", "rpc", "mempool", "ledger", "store", "consensus",
	"validation", "wallet", "bench",
};
#define LOG_NCATEGORIES (sizeof(log_category_names) / sizeof(log_category_names[0]))

static const char *const log_level_names[] = {
	"error", "warning", "info", "debug", "trace",
};
#define LOG_NLEVELS (sizeof(log_level_names) / sizeof(log_level_names[0]))

_Static_assert(LOG_CAT_ALL == (1u << LOG_NCATEGORIES) - 1, "a name per category");
_Static_assert(LOG_NLEVELS == LOG_LEVEL_TRACE + 1, "a name per level");

struct logger *log_create(void)
{
	struct logger *lg = calloc(1, sizeof(*lg));
	if (lg == NULL)
		return NULL;
	if (pthread_mutex_init(&lg->mu, NULL) != 0) {
		free(lg);
		return NULL;
	}
	lg->fd = -1;
	lg->path = NULL;
	atomic_init(&lg->console, false);
	atomic_init(&lg->categories, 0);
	atomic_init(&lg->level, LOG_LEVEL_DEBUG);
	atomic_init(&lg->clock, NULL);
	return lg;
}

void log_destroy(struct logger *lg)
{
	if (lg == NULL)
		return;
	if (lg->fd >= 0)
		close(lg->fd);
	free(lg->path);
	pthread_mutex_destroy(&lg->mu);
	free(lg);
}

static int log_open_fd(const char *path)
{
	int fd;
	do
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	while (fd < 0 && errno == EINTR);
	return fd;
}

static char *log_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

bool log_open_file(struct logger *lg, const char *path, char *err, size_t errcap)
{
	if (lg == NULL)
		return true;
	char *copy = log_strdup(path);
	if (copy == NULL) {
		snprintf(err, errcap, "cannot open log file %s: out of memory", path);
		return false;
	}
	int fd = log_open_fd(path);
	if (fd < 0) {
		snprintf(err, errcap, "cannot open log file %s: %s", path, strerror(errno));
		free(copy);
		return false;
	}
	pthread_mutex_lock(&lg->mu);
	int old = lg->fd;
	lg->fd = fd;
	free(lg->path);
	lg->path = copy;
	pthread_mutex_unlock(&lg->mu);
	if (old >= 0)
		close(old);
	return true;
}

void log_close_file(struct logger *lg)
{
	if (lg == NULL)
		return;
	pthread_mutex_lock(&lg->mu);
	int old = lg->fd;
	lg->fd = -1;
	free(lg->path);
	lg->path = NULL;
	pthread_mutex_unlock(&lg->mu);
	if (old >= 0)
		close(old);
}

bool log_reopen(struct logger *lg)
{
	if (lg == NULL)
		return true;
	bool ok = true;
	int old = -1;
	pthread_mutex_lock(&lg->mu);
	if (lg->path != NULL) {
		int fd = log_open_fd(lg->path);
		if (fd >= 0) {
			old = lg->fd;
			lg->fd = fd;
		} else {
			ok = false;
		}
	}
	pthread_mutex_unlock(&lg->mu);
	if (old >= 0)
		close(old);
	return ok;
}

void log_set_console(struct logger *lg, bool on)
{
	if (lg)
		atomic_store(&lg->console, on);
}

void log_set_clock(struct logger *lg, const struct clock *c)
{
	if (lg)
		atomic_store(&lg->clock, c);
}

void log_enable_category(struct logger *lg, uint32_t mask)
{
	if (lg)
		atomic_fetch_or(&lg->categories, mask & LOG_CAT_ALL);
}

void log_disable_category(struct logger *lg, uint32_t mask)
{
	if (lg)
		atomic_fetch_and(&lg->categories, ~mask);
}

uint32_t log_categories(const struct logger *lg)
{
	return lg ? atomic_load(&((struct logger *)lg)->categories) : 0;
}

void log_set_level(struct logger *lg, enum log_level level)
{
	if (lg)
		atomic_store(&lg->level, (int)level);
}

bool log_enabled(const struct logger *lg, enum log_level level, uint32_t category)
{
	if (lg == NULL)
		return false;
	struct logger *l = (struct logger *)lg;
	if ((int)level > atomic_load_explicit(&l->level, memory_order_relaxed))
		return false;
	if (level <= LOG_LEVEL_INFO)
		return true;
	uint32_t on = atomic_load_explicit(&l->categories, memory_order_relaxed);
	return category != 0 ? (category & on) != 0 : on == LOG_CAT_ALL;
}

/* Write all n bytes to fd, retrying after signals and short writes. Errors
 * are dropped: there is nowhere left to report them. */
static void log_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The line prefix: timestamp and [category:level]. */
static void log_put_prefix(struct buf *line, const struct logger *lg,
                           enum log_level level, uint32_t category)
{
	char ts[CLOCK_ISO8601_LEN];
	const struct clock *c = atomic_load(&((struct logger *)lg)->clock);
	if (!clock_format_iso8601(ts, sizeof(ts), clock_now_ms(c)))
		memcpy(ts, "0000-00-00T00:00:00.000Z", sizeof(ts));
	buf_puts(line, ts);
	buf_puts(line, " [");
	/* A message names one category; if given several, the lowest names it. */
	uint32_t lowest = category & LOG_CAT_ALL & (~category + 1);
	if (lowest) {
		buf_puts(line, log_category_name(lowest));
		buf_put_u8(line, ':');
	}
	buf_puts(line, log_level_name(level));
	buf_puts(line, "] ");
}

/* Append msg (n bytes) with control bytes escaped, one trailing newline
 * dropped. */
static void log_put_escaped(struct buf *line, const uint8_t *msg, size_t n)
{
	if (n > 0 && msg[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = msg[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			buf_printf(line, "\\x%02x", c);
		else
			buf_put_u8(line, c);
	}
}

void log_vprintf(struct logger *lg, enum log_level level, uint32_t category,
                 const char *fmt, va_list ap)
{
	if (!log_enabled(lg, level, category))
		return;
	struct buf msg = BUF_INIT, line = BUF_INIT;
	buf_set_max(&msg, LOG_MAX_MESSAGE);
	buf_vprintf(&msg, fmt, ap);
	log_put_prefix(&line, lg, level, category);
	if (buf_ok(&msg))
		log_put_escaped(&line, msg.data, msg.len);
	else
		buf_puts(&line, "(message dropped: too long or malformed)");
	buf_put_u8(&line, '\n');
	if (buf_ok(&line)) {
		pthread_mutex_lock(&lg->mu);
		if (lg->fd >= 0)
			log_write_all(lg->fd, line.data, line.len);
		if (atomic_load(&lg->console))
			log_write_all(STDERR_FILENO, line.data, line.len);
		pthread_mutex_unlock(&lg->mu);
	}
	buf_release(&msg);
	buf_release(&line);
}

void log_printf(struct logger *lg, enum log_level level, uint32_t category,
                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprintf(lg, level, category, fmt, ap);
	va_end(ap);
}

bool log_category_parse(uint32_t *mask, const char *name)
{
	*mask = 0;
	if (strcmp(name, "1") == 0 || strcmp(name, "all") == 0) {
		*mask = LOG_CAT_ALL;
		return true;
	}
	if (strcmp(name, "0") == 0 || strcmp(name, "none") == 0)
		return true;
	for (size_t i = 0; i < LOG_NCATEGORIES; i++) {
		if (strcmp(name, log_category_names[i]) == 0) {
			*mask = 1u << i;
			return true;
		}
	}
	return false;
}

const char *log_category_name(uint32_t cat)
{
	for (size_t i = 0; i < LOG_NCATEGORIES; i++)
		if (cat == 1u << i)
			return log_category_names[i];
	return NULL;
}

bool log_category_list(struct buf *out)
{
	for (size_t i = 0; i < LOG_NCATEGORIES; i++) {
		if (i)
			buf_puts(out, ", ");
		buf_puts(out, log_category_names[i]);
	}
	return buf_ok(out);
}

bool log_level_parse(enum log_level *level, const char *name)
{
	*level = LOG_LEVEL_INFO;
	for (size_t i = 0; i < LOG_NLEVELS; i++) {
		if (strcmp(name, log_level_names[i]) == 0) {
			*level = (enum log_level)i;
			return true;
		}
	}
	return false;
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level >= LOG_NLEVELS)
		return "?";
	return log_level_names[level];
}
