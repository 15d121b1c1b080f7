"""push_item / syndication_status, and report up (信息报送)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sites.tenancy import all_sites
from syndication import services
from syndication.models import Direction, SyndicationTarget, TargetState
from tests.factories import ArticleFactory, column

from .conftest import address, client_for

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_push_item_below_a_city_prints_targets_and_status_prints_addresses(
    notice, city, county, department, run_tasks
):
    printed = json.loads(
        run("push_item", "--page", str(notice.pk), "--below", city.code, "--mandatory")
    )
    assert {t["site"] for t in printed["targets"]} == {county.code, department.code}
    assert {t["column"] for t in printed["targets"]} == {"tzgg"}
    run_tasks()
    status = json.loads(run("syndication_status", "--page", str(notice.pk), "--json"))
    by_site = {row["site"]: row for row in status}
    assert by_site[county.code]["state"] == TargetState.LIVE
    address = by_site[county.code]["address"]
    assert address.startswith(f"http://{county.host}")
    path = address.split(county.host, 1)[1].split("/", 1)[1]
    assert client_for(county).get("/" + path).status_code == 200


def test_push_item_refuses_a_site_outside_the_hierarchy_and_a_missing_column(
    notice, other_site, county
):
    with pytest.raises(CommandError, match="不能接收"):
        run("push_item", "--page", str(notice.pk), "--to", other_site.code)
    with pytest.raises(CommandError, match="nosuch"):
        run(
            "push_item",
            "--page",
            str(notice.pk),
            "--to",
            county.code,
            "--column",
            "nosuch",
        )
    with pytest.raises(CommandError, match="no site"):
        run("push_item", "--page", str(notice.pk), "--to", "0000000000")


def test_county_reports_up_to_the_citys_column_and_the_city_takes_it(
    county, city, province, county_editor, city_editor, run_tasks
):
    news = ArticleFactory(parent=column(county, "gzdt"), publish=True, title="县里新闻")
    plan = services.item_send(
        user=county_editor,
        page=news,
        targets=[city],
        column_code="qxdt",
        mandatory=True,  # ignored: the site above decides
        direction=Direction.REPORT,
    )
    run_tasks()
    with all_sites():
        target = SyndicationTarget.objects.get(item=plan.item)
    assert (target.site_id, target.state, target.mandatory) == (
        city.pk,
        TargetState.PENDING,
        False,
    )
    assert target.column.code == "qxdt"
    services.target_take(user=city_editor, target=target)
    html = client_for(city).get(address(target))
    assert county.name in html.content.decode()
    # Reporting down, or sideways, is refused.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.item_send(
            user=county_editor,
            page=news,
            targets=[county],
            column_code="qxdt",
            direction=Direction.REPORT,
        )
