/* The control area of the RPC interface: help, uptime, stop.
 *
 * The owner (the node) fills a struct rpc_control and registers
 *     rpc_dispatcher_add(d, "control", rpc_control_methods,
 *                        RPC_CONTROL_COUNT, &control);
 * help reads the dispatcher the request came through; uptime reads
 * start_ns; stop runs on the main loop, answers, then calls stop.
 */
#ifndef ROSTRA_RPC_CONTROL_H
#define ROSTRA_RPC_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "rpc/dispatch.h"

struct rpc_control {
	uint64_t start_ns;         /* clock_mono_ns() when the node started */
	void (*stop)(void *arg);   /* ask the owner to shut down cleanly; called
	                              on the main loop after the answer is sent
	                              on its way */
	void *stop_arg;
};

#define RPC_CONTROL_COUNT 3
extern const struct rpc_method rpc_control_methods[RPC_CONTROL_COUNT];

#endif
