"""The cross-site sign-in round trip (统一身份认证) beside a local sign-in.

In one process, through the whole middleware stack (Django's test client as the
browser, one cookie jar per host, as a browser keeps them); no network. Two sites
on unrelated host names and the identity host (the platform's first host).

- baseline, a local sign-in: on the identity host, post the password form and
  open the page it leads to, which shows the signed-in person;
- round trip: a browser already signed in on the identity host opens 「我的」 on a
  site host it has never visited; every redirect is followed (the site's sign-in
  start, the identity host's authorisation, the site's callback, back to the page)
  until the page shows the signed-in person.

Prints the redirect counts, median times and the ratio of the two.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from .common import header, median_ms, row, setup_django

DATABASE = "bench_accounts"
PASSWORD = "Bench!Pass-2026"  # noqa: S105 - a benchmark's throwaway account
HOSTS = ("sso-a.county-bench.localhost", "sso-b.dept-bench.localhost")
REPEAT = int(os.environ.get("BENCH_ACCOUNTS_REPEAT", "40"))


class Browser:
    def __init__(self):
        from django.test import Client

        self._client_class = Client
        self.clients = {}

    def _client(self, host):
        if host not in self.clients:
            self.clients[host] = self._client_class(HTTP_HOST=host)
        return self.clients[host]

    def get(self, url):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self._client(parts.hostname).get(path, HTTP_HOST=parts.hostname)

    def post(self, url, data):
        parts = urlsplit(url)
        return self._client(parts.hostname).post(
            parts.path, data, HTTP_HOST=parts.hostname
        )

    def follow(self, response, host):
        redirects = 0
        while response.status_code in (301, 302):
            location = response["Location"]
            if location.startswith("/"):
                location = f"http://{host}{location}"
            host = urlsplit(location).hostname
            response = self.get(location)
            redirects += 1
        return response, redirects


def _build():
    from accounts import selectors, services
    from sites.models import GovSite
    from sites.services import SiteDetails, site_provision

    for n, host in enumerate(HOSTS, start=1):
        if not GovSite.objects.filter(host=host).exists():
            site_provision(
                details=SiteDetails(
                    code=f"2100009{n:03d}",
                    name=f"基准测试站点{n}",
                    level="province",
                    division_code="210000",
                    host=host,
                )
            )
    if selectors.account_for_identifier("bench-citizen") is None:
        account = services.account_register(
            channel="phone", address="13800990000", username="bench-citizen"
        )
        account.user.set_password(PASSWORD)
        account.user.save()


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("RATELIMIT_ENABLE", "false")
    setup_django(DATABASE)
    from django.conf import settings

    _build()
    identity = settings.ACCOUNTS_IDENTITY_HOST
    login = f"http://{identity}/accounts/login/"
    form = {"action": "password", "identifier": "bench-citizen", "password": PASSWORD}
    counts = {}

    def local_sign_in():
        browser = Browser()
        response, redirects = browser.follow(browser.post(login, form), identity)
        assert 'id="signed-in"' in response.content.decode()
        counts["local"] = redirects
        return browser

    def round_trip():
        browser = local_sign_in_untimed()
        started = browser.get(f"http://{HOSTS[1]}/accounts/me/")
        response, redirects = browser.follow(started, HOSTS[1])
        assert response.status_code == 200
        assert "bench-citizen" in response.content.decode()
        counts["sso"] = redirects

    prepared = []

    def local_sign_in_untimed():
        return prepared.pop()

    local = median_ms(local_sign_in, repeat=REPEAT)
    # Each round trip starts from a browser signed in on the identity host only.
    for _ in range(REPEAT + 5):
        prepared.append(local_sign_in())
    sso = median_ms(round_trip, repeat=REPEAT)
    # And the same page once the site has its own session (no redirect at all).
    signed_in = local_sign_in()
    signed_in.follow(signed_in.get(f"http://{HOSTS[1]}/accounts/me/"), HOSTS[1])
    page = median_ms(
        lambda: signed_in.get(f"http://{HOSTS[1]}/accounts/me/"), repeat=REPEAT
    )
    header("accounts: cross-site sign-in round trip")
    print(f"  redirects: local sign-in {counts['local']}, cross-site {counts['sso']}")
    row("local sign-in on the identity host, password (baseline)", local)
    row("second site shows the signed-in person (SSO round trip)", sso, baseline=local)
    row("the same page with the site's session already made", page)
    row("SSO round trip against that page view", sso, baseline=page)
