"""gunicorn's gthread worker, answering an over-long request in Chinese.

gunicorn refuses a request line longer than ``limit_request_line`` (8190 bytes at
most: about 900 Chinese characters of a search, percent-encoded) and too many or
too large headers before the application sees them, with a bare English page.
This worker answers those two with a short self-contained Chinese page that says
what to do; every other error is gunicorn's as before. Nothing here touches the
database or the template engine: the request never reached Django.
"""

import errno
import selectors
import socket
import time
from collections import deque
from functools import partial

from gunicorn import SERVER, http, util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import DEFAULT_WORKER_DATA_TIMEOUT, TConn, ThreadWorker

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
    GET of a published page is answered at once with the file's bytes, and a POST
    from an address the flood gate refuses on that path with its 429 (the body
    skipped), without gunicorn's parser, the WSGI environ or a trip through the
    thread pool (that round trip costs more than the answer). A new connection's
    first request is offered too (a flood on fresh connections): the connection
    waits for it in the poller, not in a thread. Every other request, and one
    whose answer does not fit the socket's buffer at once, goes on as
    gunicorn's.
    """

    _answer_raw = None
    _server = SERVER.encode("latin-1")

    def load_wsgi(self):
        super().load_wsgi()
        # With gunicorn's own access log turned on, every request goes its way
        # (the fast answers would be missing from that log).
        if not self.cfg.accesslog:
            self._answer_raw = getattr(self.wsgi, "answer_raw", None)

    def _proxy_protocol(self) -> bool:
        return self.cfg.proxy_protocol not in (False, None, "off")

    def _peer(self, conn):
        # REMOTE_ADDR as gunicorn would set it; None when a PROXY protocol
        # header replaces it (the application then answers nothing early that
        # depends on it).
        return None if self._proxy_protocol() else conn.client

    def _early_usable(self, conn) -> bool:
        return not (
            self._answer_raw is None
            or not self.alive
            or conn.is_http2
            or self.cfg.is_ssl
            or self.nr + 1 >= self.max_requests
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # New connections waiting in the poller for their first request, in
        # timeout order (as gunicorn's pending_conns).
        self.fresh_conns = deque()

    def accept(self, listener):
        """A new connection waits in the poller for its first request, which is
        offered to ``answer_raw`` too (gunicorn gives each new connection to a
        thread, which waits there for the request)."""
        if (
            self._answer_raw is None
            or self.cfg.is_ssl
            or not self.cfg.keepalive
            or self._proxy_protocol()
            or self.cfg.http2_cleartext in ("prior-knowledge", "both")
        ):
            return super().accept(listener)
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return None
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        # As long as gunicorn gives it: a thread's wait, then the poller's.
        wait = DEFAULT_WORKER_DATA_TIMEOUT + self.cfg.keepalive
        conn.timeout = time.monotonic() + wait
        self.fresh_conns.append(conn)
        self.poller.register(
            client_sock,
            selectors.EVENT_READ,
            partial(self.on_fresh_socket_readable, conn),
        )
        return None

    @staticmethod
    def _received(conn) -> bytes | None:
        """What the socket holds: None when nothing after all (the connection
        stays in the poller), b"" when the client is gone."""
        try:
            return conn.sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError:
            return b""

    def on_fresh_socket_readable(self, conn, client):
        data = self._received(conn)
        if data is None:
            return None
        self.poller.unregister(client)
        self.fresh_conns.remove(conn)
        # What TConn.init() does for plain HTTP/1.x, here: the parser takes
        # whatever is not answered early.
        conn.initialized = True
        conn.parser = http.get_parser(self.cfg, conn.sock, conn.client)
        if (
            not data
            or not self._early_usable(conn)
            or len(self.keepalived_conns) >= self.max_keepalived
        ):
            conn.parser.unreader.unread(data)
            return self.enqueue_req(conn)
        outcome = self._answer_early(conn, data)
        if outcome == "answered":
            conn.set_timeout()
            self.keepalived_conns.append(conn)
            self.poller.register(
                client,
                selectors.EVENT_READ,
                partial(self.on_client_socket_readable, conn),
            )
        elif outcome is None:
            self.enqueue_req(conn)
        return None

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        while self.fresh_conns and self.fresh_conns[0].timeout <= now:
            conn = self.fresh_conns.popleft()
            try:
                self.poller.unregister(conn.sock)
            except (OSError, KeyError, ValueError):
                pass
            self.nr_conns -= 1
            conn.close()

    def on_client_socket_readable(self, conn, client):
        if conn.parser is None or not self._early_usable(conn):
            return super().on_client_socket_readable(conn, client)
        data = self._received(conn)
        if data is None:
            return None
        outcome = self._answer_early(conn, data, kept=True)
        if outcome == "answered":
            # The connection waits for its next request, its keep-alive time
            # starting again (the deque stays in timeout order).
            conn.set_timeout()
            self.keepalived_conns.remove(conn)
            self.keepalived_conns.append(conn)
        elif outcome is None:
            return super().on_client_socket_readable(conn, client)
        return None

    def _answer_early(self, conn, data: bytes, *, kept: bool = False) -> str | None:
        """Answer the requests at the start of ``data`` that ``answer_raw`` can
        (``kept``: the connection is in the poller and the kept-alive list).
        Returns "answered" (all answered, the connection to be kept alive),
        "done" (the connection is closed or in a thread's hands, out of the
        poller), or None (the rest is unread into gunicorn's parser, for a
        thread to handle)."""
        answer = self._answer_raw
        peer = self._peer(conn)
        rest = b""
        found = None
        close = False
        while data:
            try:
                found = answer(data, self._server, peer=peer)
            except Exception:  # gunicorn and Django answer it, with their logging
                self.log.exception("answer_raw failed")
                found = None
            if found is None:
                break
            response, used = found[0], found[1]
            close = len(found) > 2 and found[2] == "close"
            data = data[used:]
            self.nr += 1
            try:
                sent = conn.sock.send(response)
            except BlockingIOError:
                sent = 0
            except OSError:
                data = b""  # the client is gone: gunicorn reads the end and closes
                found = None
                break
            if sent < len(response):
                rest = response[sent:]
                break
            if close:
                break
        if kept and (rest or close):
            self.poller.unregister(conn.sock)
            self.keepalived_conns.remove(conn)
        if rest:
            # The socket's buffer is full: a thread sends the rest (blocking),
            # then gunicorn carries on with the connection as after any request
            # (or closes it).
            if data:
                conn.parser.unreader.unread(data)
            future = self.tpool.submit(self._send_rest, conn, rest, not close)
            future.add_done_callback(
                lambda fut: self.method_queue.defer(self.finish_request, conn, fut)
            )
            return "done"
        if close:
            # Asked to close, with nothing after the request (answer_raw made
            # sure): the answer is sent, the connection ends.
            self.nr_conns -= 1
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            util.close(conn.sock)
            return "done"
        if data or found is None:
            conn.parser.unreader.unread(data)
            return None
        return "answered"

    @staticmethod
    def _send_rest(conn, rest: bytes, keep: bool = True) -> bool:
        try:
            conn.sock.setblocking(True)
            conn.sock.sendall(rest)
        except OSError:
            return False
        return keep

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
