import contextvars
import logging
import re
import time
import uuid

from supervision import requestlog

from .metrics import observe

logger = logging.getLogger("cms.requests")

# The id of the request being served, on every log line written while it is
# (RequestIdFilter), and in the answer's X-Request-ID header. An id a proxy in
# front sent is kept when it looks like one; anything else is replaced.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default=""
)
REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record (blank outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class RequestLogMiddleware:
    """One structured log line per request: level, host, path, status, duration,
    and the request's id; the metrics, and a site's slow or failed answers
    (``supervision/requestlog.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.META.get(REQUEST_ID_HEADER, "")
        current = given if VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(current)
        request.request_id = current
        response = None
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = current
            return response
        finally:
            status = response.status_code if response is not None else 500
            elapsed = time.perf_counter() - started
            observe(request.method, status, elapsed)
            # Slow and failed answers of a site are counted for its availability
            # page (batched; the rest cost a comparison).
            site = getattr(request, "govsite", None)
            requestlog.note(
                site_id=site.pk if site is not None else None,
                path=request.path,
                status=status,
                duration_ms=elapsed * 1000,
            )
            level = logging.ERROR if status >= 500 else logging.INFO
            logger.log(
                level,
                "request",
                extra={
                    "host": request.META.get("HTTP_HOST", ""),
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "request_id": current,
                },
            )
            request_id.reset(token)
