"""A JSON-RPC client over http.client, with raw access for bad input."""
import base64
import http.client
import json


class RPCError(Exception):
    """The server answered with a JSON-RPC error."""

    def __init__(self, code, message, http_status=None):
        super().__init__(f"RPC error {code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


class HTTPResult:
    """One HTTP answer: status, headers (a dict, lower-case names), body."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode())

    def __repr__(self):
        return f"HTTPResult({self.status}, {self.body[:200]!r})"


class RPCClient:
    """Calls methods on one node: client.call("help"), client.uptime(),
    client.call("echo", a=1) (named parameters)."""

    def __init__(self, host, port, user, password, timeout=60):
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.timeout = timeout
        self.next_id = 0

    def auth_header(self, user=None, password=None):
        user = self.user if user is None else user
        password = self.password if password is None else password
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        return "Basic " + token

    def request_raw(self, body, headers=None, auth=True, method="POST", path="/"):
        """Send body (bytes or str) and return an HTTPResult. auth=False sends
        no Authorization header; a string sends that header value."""
        if isinstance(body, str):
            body = body.encode()
        hdrs = {"Content-Type": "application/json"}
        if auth is True:
            hdrs["Authorization"] = self.auth_header()
        elif isinstance(auth, str):
            hdrs["Authorization"] = auth
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return HTTPResult(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def call(self, method, *params, **named):
        if params and named:
            raise ValueError("positional or named parameters, not both")
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": self.next_id, "method": method,
               "params": named if named else list(params)}
        res = self.request_raw(json.dumps(req))
        if res.status == 401:
            raise RPCError(None, "HTTP 401 (authorization failed)", 401)
        try:
            reply = res.json()
        except ValueError:
            raise RPCError(None, f"HTTP {res.status}: {res.body[:200]!r}", res.status)
        if "error" in reply:
            err = reply["error"]
            raise RPCError(err.get("code"), err.get("message"), res.status)
        if reply.get("id") != self.next_id:
            raise RPCError(None, f"reply id {reply.get('id')!r} for request {self.next_id}")
        return reply["result"]

    def batch(self, requests):
        """Send a list of request objects; return the parsed reply (or None for 204)."""
        res = self.request_raw(json.dumps(requests))
        return res.json() if res.body else None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *a, **k: self.call(name, *a, **k)
