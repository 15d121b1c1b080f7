import logging
import time

logger = logging.getLogger("cms.requests")


class RequestLogMiddleware:
    """One structured log line per request: level, host, path, status, duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = None
        try:
            response = self.get_response(request)
            return response
        finally:
            status = response.status_code if response is not None else 500
            level = logging.ERROR if status >= 500 else logging.INFO
            logger.log(
                level,
                "request",
                extra={
                    "host": request.META.get("HTTP_HOST", ""),
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
