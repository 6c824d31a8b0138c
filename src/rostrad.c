/* rostrad: the Rostra node (doc/node.md). */
#include "config.h"

#include <stdio.h>

#include <event2/event.h>

#include "node/node.h"

int main(int argc, char **argv)
{
	int status = 1;
	struct node *n = node_create();
	if (n == NULL) {
		fputs("Error: out of memory\n", stderr);
		return 1;
	}
	if (node_init(n, &status, argc, argv))
		status = node_run(n);
	node_destroy(n);
	libevent_global_shutdown();
	return status;
}
