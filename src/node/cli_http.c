/* rostra-cli's HTTP: one POST through libevent's evhttp client on a
 * private event base. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "node/cli.h"

struct node_cli_call {
	struct node_cli_reply *reply;
	struct event_base *base;
	bool answered;
	enum evhttp_request_error error;
	bool failed;
};

static void node_cli_on_error(enum evhttp_request_error e, void *arg)
{
	struct node_cli_call *c = arg;
	c->failed = true;
	c->error = e;
}

static void node_cli_on_done(struct evhttp_request *req, void *arg)
{
	struct node_cli_call *c = arg;
	int code = req ? evhttp_request_get_response_code(req) : 0;
	if (code > 0) {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		size_t len = evbuffer_get_length(in);
		if (buf_reserve(&c->reply->body, len)) {
			evbuffer_copyout(in, c->reply->body.data, len);
			c->reply->body.len = len;
			c->reply->body.data[len] = 0;
		}
		c->reply->status = code;
		c->answered = true;
	}
	event_base_loopexit(c->base, NULL);
}

static const char *node_cli_error_text(const struct node_cli_call *c)
{
	if (c->failed && c->error == EVREQ_HTTP_TIMEOUT)
		return "timed out";
	return "no answer (is rostrad running?)";
}

static struct evhttp_request *node_cli_make(struct node_cli_call *c, const char *host,
                                            const char *auth, const char *body, size_t len)
{
	struct evhttp_request *req = evhttp_request_new(node_cli_on_done, c);
	if (req == NULL)
		return NULL;
	evhttp_request_set_error_cb(req, node_cli_on_error);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", host);
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "Content-Type", "application/json");
	if (auth)
		evhttp_add_header(h, "Authorization", auth);
	evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	return req;
}

bool node_cli_post(struct node_cli_reply *reply, char *err, size_t errcap,
                   const char *host, uint16_t port, const char *auth,
                   const char *body, size_t len, unsigned timeout_s)
{
	struct node_cli_call c = { .reply = reply };
	buf_reset(&reply->body);
	reply->status = 0;
	c.base = event_base_new();
	struct evhttp_connection *conn =
		c.base ? evhttp_connection_base_new(c.base, NULL, host, port) : NULL;
	struct evhttp_request *req = conn ? node_cli_make(&c, host, auth, body, len) : NULL;
	if (req == NULL) {
		snprintf(err, errcap, "cannot set up a connection to %s:%u", host, port);
	} else {
		/* 0 means no limit; evhttp's own default would be 50 s. */
		evhttp_connection_set_timeout(conn, timeout_s ? (int)timeout_s : 365 * 86400);
		evhttp_connection_set_retries(conn, 0);
		if (evhttp_make_request(conn, req, EVHTTP_REQ_POST, "/") == 0)
			event_base_dispatch(c.base);
		if (!c.answered)
			snprintf(err, errcap, "cannot connect to %s:%u: %s", host, port, node_cli_error_text(&c));
	}
	if (conn)
		evhttp_connection_free(conn);
	if (c.base)
		event_base_free(c.base);
	return c.answered;
}
