"""gunicorn's gthread worker, answering an over-long request in Chinese.

gunicorn refuses a request line longer than ``limit_request_line`` (8190 bytes at
most: about 900 Chinese characters of a search, percent-encoded) and too many or
too large headers before the application sees them, with a bare English page.
This worker answers those two with a short self-contained Chinese page that says
what to do; every other error is gunicorn's as before. Nothing here touches the
database or the template engine: the request never reached Django.
"""

from gunicorn import SERVER, util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

# The page is Chinese whatever the request's language: the platform's public
# sites are Chinese, and the request could not be read far enough to know more.
_PAGE = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em;\
line-height:1.7;color:#222}}h1{{font-size:1.4em}}</style>
</head>
<body>
<h1>{title}</h1>
<p>{advice}</p>
<p><a href="/">返回首页</a></p>
</body>
</html>
"""

_ANSWERS = {
    LimitRequestLine: (
        414,
        "URI Too Long",
        "网址过长",
        "您访问的网址太长，服务器无法处理。如果您在搜索，请缩短搜索词"
        "（只保留几个关键词）后重新搜索；如果是复制来的链接，请检查是否完整正确。",
    ),
    LimitRequestHeaders: (
        431,
        "Request Header Fields Too Large",
        "请求信息过大",
        "浏览器发送的信息过多，服务器无法处理。请清除本网站的 Cookie 或缩短搜索词"
        "后重试。",
    ),
}


def error_response(exc: Exception) -> bytes | None:
    """The whole HTTP response for ``exc`` if it is one we answer, else None."""
    for kind, (status, reason, title, advice) in _ANSWERS.items():
        if isinstance(exc, kind):
            body = _PAGE.format(title=title, advice=advice).encode()
            head = (
                f"HTTP/1.1 {status} {reason}\r\n"
                "Connection: close\r\n"
                "Content-Type: text/html; charset=utf-8\r\n"
                "Content-Language: zh-Hans\r\n"
                "Cache-Control: no-store\r\n"
                "X-Content-Type-Options: nosniff\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode("ascii")
            return head + body
    return None


class PlatformThreadWorker(ThreadWorker):
    """``worker_class`` of config/gunicorn_conf.py.

    A kept-alive connection's next request is first offered to the application's
    ``answer_raw`` (delivery/serving.py), here in the worker's main loop: a plain
    GET of a published page is answered at once with the file's bytes, without
    gunicorn's parser, the WSGI environ or a trip through the thread pool (that
    round trip costs more than the answer). Every other request, and one whose
    answer does not fit the socket's buffer at once, goes on as gunicorn's.
    """

    _answer_raw = None
    _server = SERVER.encode("latin-1")

    def load_wsgi(self):
        super().load_wsgi()
        # With gunicorn's own access log turned on, every request goes its way
        # (the fast answers would be missing from that log).
        if not self.cfg.accesslog:
            self._answer_raw = getattr(self.wsgi, "answer_raw", None)

    def on_client_socket_readable(self, conn, client):
        answer = self._answer_raw
        if (
            answer is None
            or not self.alive
            or conn.is_http2
            or conn.parser is None
            or self.cfg.is_ssl
            or self.nr + 1 >= self.max_requests
        ):
            return super().on_client_socket_readable(conn, client)
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return None  # nothing after all: the connection stays in the poller
        except OSError:
            data = b""
        rest = b""
        found = None
        while data:
            try:
                found = answer(data, self._server)
            except Exception:  # gunicorn and Django answer it, with their logging
                self.log.exception("answer_raw failed")
                found = None
            if found is None:
                break
            response, used = found
            data = data[used:]
            self.nr += 1
            try:
                sent = conn.sock.send(response)
            except BlockingIOError:
                sent = 0
            except OSError:
                data = b""  # the client is gone: gunicorn reads the end and closes
                break
            if sent < len(response):
                rest = response[sent:]
                break
        if data:
            conn.parser.unreader.unread(data)
        elif not rest and found is not None:
            # Answered: the connection waits for its next request, its keep-alive
            # time starting again (the deque stays in timeout order).
            conn.set_timeout()
            self.keepalived_conns.remove(conn)
            self.keepalived_conns.append(conn)
            return None
        if rest:
            # The socket's buffer is full: a thread sends the rest (blocking),
            # then gunicorn carries on with the connection as after any request.
            self.poller.unregister(client)
            self.keepalived_conns.remove(conn)
            future = self.tpool.submit(self._send_rest, conn, rest)
            future.add_done_callback(
                lambda fut: self.method_queue.defer(self.finish_request, conn, fut)
            )
            return None
        return super().on_client_socket_readable(conn, client)

    @staticmethod
    def _send_rest(conn, rest: bytes) -> bool:
        try:
            conn.sock.setblocking(True)
            conn.sock.sendall(rest)
        except OSError:
            return False
        return True

    def handle_error(self, req, client, addr, exc):
        response = error_response(exc)
        if response is None:
            return super().handle_error(req, client, addr, exc)
        # gunicorn's own line, as it logs every refused request (the privacy
        # filter of config/gunicorn_conf.py drops any query string it holds).
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, response)
        except Exception:  # the client may be gone: as gunicorn does
            self.log.debug("Failed to send error message.")
        return None
