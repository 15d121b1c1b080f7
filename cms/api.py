"""The platform's one JSON API (``/api/v1/``) and its one OpenAPI schema
(``/api/v1/openapi.json``). Feature packages write a ``ninja.Router`` in their own
``api.py``; this module mounts each of them, so every JSON API of the platform is
described in the same schema."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="政府网站集约化平台 API",
    version="1",
    description="The JSON API of the government website platform.",
    urls_namespace="api_v1",
    # The interactive docs page loads its scripts from a CDN; pages of the platform
    # never load assets from outside hosts. The schema itself is served.
    docs_url=None,
    openapi_url="/openapi.json",
)

# Routers of feature packages are mounted here, one line each:
api.add_router("/search", "search.api.router")
api.add_router("/cases", "interaction.api.router")
api.add_router("/exchange", "syndication.api.router")
