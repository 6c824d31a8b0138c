/* The data directory's lock file and the pid file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "node/node_internal.h"
#include "util/log.h"

bool node_lock_datadir(struct node *n, char *err, size_t errcap)
{
	char *path = node_config_path(&n->cfg, ".lock");
	if (path == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errcap, "cannot open the lock file %s: %s", path, strerror(errno));
		free(path);
		return false;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK)
			snprintf(err, errcap, "cannot lock the data directory %s: rostrad is probably "
			         "already running on it", n->cfg.netdir);
		else
			snprintf(err, errcap, "cannot lock %s: %s", path, strerror(e));
		close(fd);
		free(path);
		return false;
	}
	free(path);
	n->lock_fd = fd;
	return true;
}

void node_unlock_datadir(struct node *n)
{
	/* Closing releases the lock; the file stays, as an empty marker. */
	if (n->lock_fd >= 0)
		close(n->lock_fd);
	n->lock_fd = -1;
}

bool node_write_pid(struct node *n, char *err, size_t errcap)
{
	char *path = node_config_path(&n->cfg, args_get_str(n->cfg.args, "pid"));
	if (path == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	FILE *f = fopen(path, "we");
	bool ok = f != NULL && fprintf(f, "%ld\n", (long)getpid()) > 0;
	if (f != NULL && fclose(f) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errcap, "cannot write the pid file %s: %s", path, strerror(errno));
		free(path);
		return false;
	}
	n->pid_path = path;
	return true;
}

void node_remove_pid(struct node *n)
{
	if (n->pid_path == NULL)
		return;
	if (unlink(n->pid_path) != 0)
		LOG_WARNING(n->log, 0, "cannot remove the pid file %s: %s", n->pid_path, strerror(errno));
	free(n->pid_path);
	n->pid_path = NULL;
}
