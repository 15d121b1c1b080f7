"""The platform's one OpenAPI schema."""

from django.test import Client


def test_openapi_schema_is_served_on_the_platform_host(db):
    response = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"


def test_openapi_schema_is_served_on_a_site_host(site_client):
    response = site_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_interactive_docs_page_is_not_served(db):
    # It would load Swagger UI from a CDN.
    assert Client(HTTP_HOST="localhost").get("/api/v1/docs/").status_code == 404
