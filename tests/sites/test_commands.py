import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sites.models import GovSite

pytestmark = pytest.mark.django_db


def cli(**options) -> list[str]:
    """Command-line options from keyword arguments (division_code → --division-code)."""
    args = []
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", value]
    return args


PROVINCE = {
    "code": "2100000001",
    "name": "辽宁省人民政府",
    "level": "province",
    "division_code": "210000",
    "host": "ln.test.localhost",
}
CITY = {
    "code": "2101000001",
    "name": "沈阳市人民政府",
    "level": "city",
    "division_code": "210100",
    "host": "sy.test.localhost",
    "parent": "2100000001",
}
OTHER_PROVINCE = {
    "code": "2200000001",
    "name": "吉林省人民政府",
    "level": "province",
    "division_code": "220000",
    "host": "jl.test.localhost",
}


def provision(**options):
    out = StringIO()
    call_command("provision_site", *cli(**options), stdout=out)
    return json.loads(out.getvalue())


def test_provision_site_prints_the_new_site_as_json():
    province = provision(**PROVINCE, port="8000")
    assert province == {
        "code": "2100000001",
        "name": "辽宁省人民政府",
        "level": "province",
        "parent_code": None,
        "host": "ln.test.localhost",
        "port": 8000,
        "status": "preparation",
        "theme": "portal",
        "aliases": [],
    }
    city = provision(**CITY, alias="www.sy.test.localhost")
    assert city["aliases"] == ["www.sy.test.localhost"]
    county = provision(
        code="2101120001",
        name="浑南区人民政府",
        level="county",
        division_code="210112",
        host="hunnan.test.localhost",
        parent="2101000001",
    )
    assert county["parent_code"] == "2101000001"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"code": "2100000001"}, "code"),
        ({"host": "ln.test.localhost"}, "host"),
        (
            {
                "level": "county",
                "parent": "2100000001",
                "division_code": "210112",
                "code": "2101120001",
            },
            "parent_code",
        ),
        ({"code": "21-0000001"}, "code"),
    ],
)
def test_provision_site_refuses_bad_input_in_one_line(changes, expected):
    provision(**PROVINCE)
    before = GovSite.objects.count()
    with pytest.raises(CommandError) as error:
        provision(**{**OTHER_PROVINCE, **changes})
    assert expected in str(error.value)
    assert "\n" not in str(error.value)
    assert GovSite.objects.count() == before


def test_provision_site_exits_non_zero_from_the_shell():
    bad = {**PROVINCE, "code": "bad"}
    result = subprocess.run(
        [sys.executable, "manage.py", "provision_site", *cli(**bad)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
        },
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("CommandError: code:")


def _database_url():
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"] == "ops.embedded_db":
        from ops.embedded_db.server import ensure_running

        endpoint = ensure_running(params["EMBEDDED_DATA_DIR"])
        return f"postgres://postgres@/{params['NAME']}?host={endpoint.socket_dir}"
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}"
        f"@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{params['NAME']}"
    )


def test_list_sites_json_lists_every_site():
    provision(**PROVINCE)
    provision(**CITY)
    out = StringIO()
    call_command("list_sites", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["code"], r["parent_code"], r["host"]) for r in rows] == [
        ("2100000001", None, "ln.test.localhost"),
        ("2101000001", "2100000001", "sy.test.localhost"),
    ]
    assert {"name", "level", "port", "status"} <= set(rows[0])
