"""nginx_config: every host and alias, the static tree first, the application for
everything personal. Run through a real nginx when one is installed."""

import http.client
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.management import call_command

from delivery import tree
from sites.models import SiteHost

pytestmark = pytest.mark.django_db


def _config(tmp_path, **options) -> str:
    out = tmp_path / "platform.conf"
    call_command("nginx_config", output=str(out), **options)
    return out.read_text(encoding="utf-8")


def test_every_host_and_alias_has_a_server(site, other_site, static_root, tmp_path):
    SiteHost.objects.create(hostname="www." + site.host, govsite=site)
    text = _config(tmp_path)
    assert f"server_name {site.host};" in text
    assert f"server_name {other_site.host};" in text
    assert f"root {static_root / site.host};" in text
    assert f"server_name www.{site.host};" in text
    assert f"return 301 $scheme://{site.host}$request_uri;" in text
    assert "try_files ${uri}index.html @application;" in text
    for path in ("admin", "api", "search", "interaction", "accounts"):
        assert path in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(port, host, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def test_nginx_serves_the_tree_and_passes_the_rest(site, static_root, tmp_path):
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    tree.write(site.host, "/", b"<html>home from the tree</html>")
    tree.write(site.host, "/news/", b"<html>news</html>")
    tree.write(site.host, "/news/rss.xml", b"<rss/>")
    port, dead = _free_port(), _free_port()  # nothing listens on `dead`
    servers = _config(tmp_path, upstream=f"127.0.0.1:{dead}", listen=str(port))
    (tmp_path / "platform.conf").write_text(servers, encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        ""
        # Run as root (a container), nginx's workers would be `nobody`, who may
        # not read pytest's private temporary folders.
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; daemon off;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/b; "
        f"proxy_temp_path {tmp_path}/p; fastcgi_temp_path {tmp_path}/f; "
        f"uwsgi_temp_path {tmp_path}/u; scgi_temp_path {tmp_path}/s;\n"
        "types { text/html html; application/xml xml; text/plain txt; }\n"
        f"include {tmp_path}/platform.conf; }}\n",
        encoding="utf-8",
    )
    check = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                _status(port, site.host, "/")
                break
            except OSError:
                time.sleep(0.05)
        status, body, headers = _status(port, site.host, "/")
        assert (status, body) == (200, b"<html>home from the tree</html>")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Content-Security-Policy" in headers
        assert _status(port, site.host, "/news/")[1] == b"<html>news</html>"
        status, _body, headers = _status(port, site.host, "/news/rss.xml")
        assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        # No file, a query string, a signed-in visitor, search: the application
        # (which is down here: 502 proves nginx passed them on).
        assert _status(port, site.host, "/other/")[0] == 502
        assert _status(port, site.host, "/news/?page=2")[0] == 502
        assert _status(port, site.host, "/", {"Cookie": "sessionid=x"})[0] == 502
        assert _status(port, site.host, "/", {"Cookie": "gov_senior=1"})[0] == 200
        assert _status(port, site.host, "/search/")[0] == 502
        assert _status(port, site.host, "/.tmp")[0] == 404
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
