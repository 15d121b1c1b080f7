"""The wheel the Dockerfile builds, built and run the way the image runs it: every
package and data file inside, every imported library declared, and, installed in a
fresh virtualenv outside the source tree, `check --deploy`, `collectstatic` and
real requests through gunicorn with the production settings."""

import ast
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from email.parser import Parser
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("smoke")]

# Libraries the code imports that arrive with a declared dependency as part of its
# public API (Wagtail's models, forms and images; environs' Django extras).
COMPANIONS = {
    "django-modelcluster": "wagtail",
    "django-taggit": "wagtail",
    "django-filter": "wagtail",
    "modelsearch": "wagtail",
    "pillow": "wagtail",
    "marshmallow": "environs",
    "dj-email-url": "environs",
    "dj-database-url": "environs",
    # ops.outage catches its connection errors when REDIS_URL is set.
    "redis": "django-redis",
}


def _run(*args, **kwargs):
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=600, check=False, **kwargs
    )
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-3000:])
    return result.stdout


def _build_context(target: Path) -> Path:
    """The source tree as the Dockerfile's build stage receives it: copied without
    what .dockerignore leaves out, so that the build reads a tree nothing else is
    writing to (the suite's other processes write under the checkout meanwhile)."""
    patterns = [
        line.strip().removeprefix("**/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*patterns))
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    context = _build_context(tmp_path_factory.mktemp("context") / "src")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(out),
        ".",
        cwd=context,
    )
    (path,) = out.glob("govplatform-*.whl")
    return path


def _wheel_names(wheel):
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _package_dirs():
    """Top-level folders that are Python packages (tests and benchmarks aside)."""
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name not in {"tests", "bench"}
    )


def test_wheel_carries_every_package_with_its_data_and_compiled_catalogues(wheel):
    names = _wheel_names(wheel)
    tracked = _run("git", "ls-files", *_package_dirs(), cwd=ROOT).split()
    missing = []
    for file in tracked:
        if Path(file).name.startswith("."):
            continue
        if file.endswith(".po"):
            file = file[: -len(".po")] + ".mo"
        if file not in names:
            missing.append(file)
    assert missing == []
    # The project catalogue (cms and sites strings, Wagtail's missing ones) too.
    assert "cms/locale/zh_Hans/LC_MESSAGES/django.mo" in names


def _imported_top_level_modules(wheel):
    modules = set()
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.endswith(".py"):
                continue
            tree = ast.parse(archive.read(name))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    return modules


def test_wheel_declares_every_library_it_imports(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        ]
        headers = Parser().parsestr(archive.read(metadata).decode())
    declared = {
        canonicalize_name(Requirement(line).name)
        for line in headers.get_all("Requires-Dist")
        if "extra ==" not in line
    }
    ours = set(_package_dirs())
    distributions = packages_distributions()
    undeclared = set()
    for module in _imported_top_level_modules(wheel):
        if module in sys.stdlib_module_names or module in ours:
            continue
        for dist in distributions.get(module, [module]):
            name = canonicalize_name(dist)
            if name in declared or COMPANIONS.get(name) in declared:
                break
        else:
            undeclared.add(module)
    assert undeclared == set()


def test_compose_runs_the_elasticsearch_major_version_of_the_client():
    import elasticsearch

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    image = compose["services"]["elasticsearch"]["image"]
    server_major = int(image.rpartition(":")[2].split(".")[0])
    assert server_major == int(elasticsearch.__versionstr__.split(".")[0])


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtualenv holding the wheel; the libraries come from this
    environment's site-packages (no network), the project only from the wheel."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--no-deps",
        "-q",
        str(wheel),
    )
    site_packages = Path(
        _run(
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ).strip()
    )
    (site_packages / "zz_libraries.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    return python


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _production_env(workdir, port):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL", "PYTHONPATH"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="wheel-smoke-" + "k" * 60,
        INTERACTION_DATA_KEY="d2hlZWwtc21va2UtdGVzdC1vbmx5LTMyLWJ5dGVzISE=",
        EMAIL_URL="dummy:",
        DATABASE_URL=_database_url(),
        ALLOWED_HOSTS="localhost",
        PLATFORM_HOSTS="localhost",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        VAR_DIR=str(workdir / "var"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    return env


def _get(url):
    # As the TLS-terminating proxy in front of the image sends it.
    request = urllib.request.Request(
        url, headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode(errors="replace")


def test_installed_wheel_passes_deploy_checks_collects_static_and_serves(
    installed, tmp_path, db
):
    port = _free_port()
    env = _production_env(tmp_path, port)
    django = (str(installed), "-m", "django")
    where = _run(
        str(installed), "-c", "import cms; print(cms.__file__)", cwd=tmp_path, env=env
    )
    assert str(installed.parent.parent) in where  # the wheel's copy, not the tree's
    _run(*django, "check", "--deploy", "--fail-level", "WARNING", cwd=tmp_path, env=env)
    _run(
        *django, "collectstatic", "--noinput", "--verbosity", "0", cwd=tmp_path, env=env
    )
    assert (tmp_path / "static" / "staticfiles.json").exists()

    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            str(installed),
            "-m",
            "gunicorn",
            "-c",
            "python:config.gunicorn_conf",
            "config.wsgi",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"http://127.0.0.1:{port}/healthz")
                break
            except urllib.error.HTTPError as error:
                log.flush()
                raise AssertionError(log_path.read_text()[-3000:]) from error
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        status, body = _get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200, body  # database reachable, the wheel's migrations applied
        status, body = _get(f"http://127.0.0.1:{port}/admin/login/")
        assert status == 200
        assert 'lang="zh-hans"' in body and "登录" in body
        # A hashed static file from the manifest, served by WhiteNoise.
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet, "no hashed stylesheet on the login page"
        status, _css = _get(f"http://127.0.0.1:{port}{stylesheet.group(1)}")
        assert status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
