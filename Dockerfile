# Production image: build wheels in one stage, run as a non-root user in the next.
# Migrations run as their own step (see compose.yaml's `migrate` service).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY cms ./cms
COPY sites ./sites
COPY themes ./themes
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    HOST=0.0.0.0 \
    PORT=8000 \
    STATIC_ROOT=/app/static_collected \
    MEDIA_ROOT=/app/media
RUN useradd --create-home --uid 10001 app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY --chown=app:app manage.py ./
COPY --chown=app:app locale ./locale
# Static files are collected at build time; the placeholder values never reach
# a running container.
RUN SECRET_KEY=collectstatic-only-placeholder-value-that-is-long-enough-000000 \
    DATABASE_URL=postgres://build@localhost/build \
    INTERACTION_DATA_KEY=YnVpbGQtb25seS1wbGFjZWhvbGRlci0zMi1ieXRlcyE= EMAIL_URL=dummy: \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media && chown -R app:app /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["gunicorn", "-c", "python:cms.gunicorn_conf", "cms.wsgi"]
