/* -daemon: fork, setsid, and a pipe on which the background process tells
 * the waiting parent whether it started, so that rostrad -daemon exits 0
 * only once the node runs and otherwise prints why it did not. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "node/node_internal.h"

/* What the child sends when it started; anything else is an error line. */
#define NODE_DAEMON_OK "ok"
#define NODE_DAEMON_MAX_REPORT 1024

/* The parent: read the child's report until the child closes the pipe. */
static int node_daemon_wait(int fd)
{
	char msg[NODE_DAEMON_MAX_REPORT + 1];
	size_t len = 0;
	while (len < NODE_DAEMON_MAX_REPORT) {
		ssize_t r = read(fd, msg + len, NODE_DAEMON_MAX_REPORT - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	msg[len] = '\0';
	if (strcmp(msg, NODE_DAEMON_OK) == 0)
		return 0;
	if (len == 0)
		fprintf(stderr, "Error: rostrad stopped during start-up (see debug.log)\n");
	else
		fprintf(stderr, "Error: %s\n", msg);
	return 1;
}

/* The child: leave the terminal and the parent's session. */
static bool node_daemon_detach(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (setsid() < 0 || chdir("/") != 0 || null < 0)
		return false;
	bool ok = dup2(null, STDIN_FILENO) >= 0 && dup2(null, STDOUT_FILENO) >= 0 &&
	          dup2(null, STDERR_FILENO) >= 0;
	if (null > STDERR_FILENO)
		close(null);
	return ok;
}

bool node_daemonize(struct node *n, int *status, char *err, size_t errcap)
{
	int fds[2];
	*status = 1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errcap, "cannot daemonize: pipe: %s", strerror(errno));
		return false;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errcap, "cannot daemonize: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid > 0) {
		close(fds[1]);
		*status = node_daemon_wait(fds[0]);
		err[0] = '\0';
		return false;
	}
	close(fds[0]);
	n->parent_fd = fds[1];
	if (!node_daemon_detach()) {
		snprintf(err, errcap, "cannot daemonize: %s", strerror(errno));
		node_daemon_report(n, err);
		err[0] = '\0';
		return false;
	}
	*status = 0;
	return true;
}

void node_daemon_report(struct node *n, const char *msg)
{
	if (n->parent_fd < 0)
		return;
	const char *text = msg ? msg : NODE_DAEMON_OK;
	size_t len = strlen(text);
	if (len > NODE_DAEMON_MAX_REPORT)
		len = NODE_DAEMON_MAX_REPORT;
	ssize_t w;
	do
		w = write(n->parent_fd, text, len);
	while (w < 0 && errno == EINTR);
	close(n->parent_fd);
	n->parent_fd = -1;
}
