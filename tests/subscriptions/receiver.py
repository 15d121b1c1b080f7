"""A real HTTP receiver on a loopback port, in a thread of the test: what a
webhook's other system would be. It keeps every POST (path, headers, body) and
answers through ``route`` (200 "ok" unless a test sets another)."""

import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.server.seen.append((self.path, dict(self.headers), body))
        self.server.route(self)


class Receiver:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.seen = []
        self.httpd.route = self.answer(200, b"ok")
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @staticmethod
    def answer(status, body=b"", headers=()):
        def route(handler):
            handler.send_response(status)
            for name, value in headers:
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return route

    @property
    def seen(self):
        return self.httpd.seen

    def url(self, path="/hook"):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def signature_valid(secret: str, headers: dict, body: bytes) -> bool:
    """Whether ``X-Gov-Signature`` is the HMAC-SHA256 of "<timestamp>.<body>"
    with ``secret``, as a receiver checks it."""
    timestamp = headers.get("X-Gov-Timestamp", "")
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers.get("X-Gov-Signature", ""), f"sha256={expected}")
