import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts.senders import MemorySmsGateway

IDENTITY = "localhost"


@pytest.fixture(autouse=True)
def sms(settings):
    settings.ACCOUNTS_SMS_GATEWAY = "accounts.senders.MemorySmsGateway"
    settings.ACCOUNTS_CODE_RESEND_SECONDS = 0
    MemorySmsGateway.outbox.clear()
    yield MemorySmsGateway.outbox
    MemorySmsGateway.outbox.clear()


def last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1]["text"]).group(0)


@pytest.fixture
def browser_client():
    """One browser: a test client that sends each request to the host it names
    and keeps each host's cookies apart, as a browser does."""
    return Browser()


class Browser:
    def __init__(self):
        self.clients: dict[str, Client] = {}

    def client(self, host: str) -> Client:
        if host not in self.clients:
            self.clients[host] = Client(HTTP_HOST=host)
        return self.clients[host]

    def get(self, url: str, **kwargs):
        parts = urlsplit(url)
        host = parts.hostname or IDENTITY
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.client(host).get(path, HTTP_HOST=host, **kwargs)

    def post(self, url: str, data, **kwargs):
        parts = urlsplit(url)
        host = parts.hostname or IDENTITY
        return self.client(host).post(parts.path, data, HTTP_HOST=host, **kwargs)

    def follow(self, response, host: str, limit: int = 10):
        """Follow redirects across hosts; (final response, redirect count)."""
        count = 0
        while response.status_code in (301, 302) and count < limit:
            location = response["Location"]
            if location.startswith("/"):
                location = f"http://{host}{location}"
            host = urlsplit(location).hostname
            response = self.get(location)
            count += 1
        return response, count, host


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
