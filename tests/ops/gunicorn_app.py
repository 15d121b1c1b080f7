"""A WSGI application for starting gunicorn with the platform's settings in a test
without a database: it answers with the length of the query string it got, and
fails on /fail (as an application error gunicorn itself logs)."""


def app(environ, start_response):
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the application failed")
    body = str(len(environ.get("QUERY_STRING", ""))).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
