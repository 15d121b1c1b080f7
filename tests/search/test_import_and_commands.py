"""An imported item is found by words from the middle of its body, first, on its
own site and platform-wide from another site; the search_index command; a backend
that is down delays updates and never loses them."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from search.backends import BackendUnavailable
from search.models import PendingIndexUpdate, SearchDocument
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db

BODY = (
    "<p>为进一步深化放管服改革，省政府决定在全省推行惠企政策免申即享工作机制，"
    "企业无需提交申请材料即可享受政策红利，具体事项清单见附件。</p>"
)


def _import(site, tmp_path, *items):
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join(json.dumps(item, ensure_ascii=False) for item in items), "utf-8"
    )
    call_command("import_content", "--site", site.code, str(path), stdout=StringIO())


def test_an_imported_item_is_found_first_by_words_from_the_middle_of_its_body(
    site, other_site, tmp_path, index
):
    ArticleFactory(parent=column(site, "zwyw"), title="惠企政策解读", publish=True)
    ArticleFactory(
        parent=column(other_site, "zwyw"), title="他站惠企政策", publish=True
    )
    _import(
        site,
        tmp_path,
        {
            "external_id": "old-1",
            "kind": "news",
            "title": "关于推行新工作机制的通知",
            "body": BODY,
            "published": "2019-05-12",
            "source": "省政府办公厅",
        },
    )
    index()
    query = {"q": "惠企政策免申即享"}
    own = Client(HTTP_HOST=site.host).get("/api/v1/search", query).json()
    assert own["results"][0]["title"] == "关于推行新工作机制的通知"
    everywhere = (
        Client(HTTP_HOST=other_site.host)
        .get("/api/v1/search", {**query, "scope": "all"})
        .json()
    )
    assert everywhere["results"][0]["title"] == "关于推行新工作机制的通知"
    assert everywhere["results"][0]["url"].startswith(f"http://{site.host}")
    # Without scope=all the other site does not show it.
    there = Client(HTTP_HOST=other_site.host).get("/api/v1/search", query).json()
    assert "关于推行新工作机制的通知" not in [r["title"] for r in there["results"]]


def test_search_index_rebuild_and_check(site, other_site, index):
    ArticleFactory(parent=column(site, "zwyw"), publish=True)
    ArticleFactory(parent=column(other_site, "zwyw"), publish=True)
    index()
    out = StringIO()
    call_command("search_index", "check", stdout=out)
    assert "missing: 0" in out.getvalue() and "stale: 0" in out.getvalue()
    SearchDocument.objects.filter(site=site).delete()
    with pytest.raises(CommandError, match="differs from the database"):
        call_command("search_index", "check", stdout=(out := StringIO()))
    assert "missing: 1" in out.getvalue()
    call_command(
        "search_index", "rebuild", "--site", site.code, stdout=(out := StringIO())
    )
    assert "1 document(s) indexed for" in out.getvalue()
    assert SearchDocument.objects.count() == 2
    call_command("search_index", "rebuild", stdout=(out := StringIO()))
    assert "2 document(s) indexed for every site" in out.getvalue()


def test_search_index_rebuild_refuses_an_unknown_site(site):
    with pytest.raises(CommandError, match="no site with the code"):
        call_command("search_index", "rebuild", "--site", "9999999999")


def test_a_backend_that_is_down_delays_updates_and_never_loses_them(
    site, settings, index
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    page = ArticleFactory(
        parent=column(site, "zwyw"), title="停机期间发布", publish=True
    )
    with pytest.raises(BackendUnavailable):
        index()
    pending = PendingIndexUpdate.objects.get(item_key=f"page:{page.pk}")
    assert pending.attempts == 1 and pending.last_error
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    later = DBTaskResult.objects.filter(
        task_path__endswith="update_items_task",
        status="READY",
        run_after__gt=timezone.now(),
        run_after__lt=timezone.now() + datetime.timedelta(hours=1),
    )
    assert later.exists()  # queued again, to run later
    with pytest.raises(CommandError, match="unavailable"):
        call_command("search_index", "sync", stdout=StringIO())
    # The backend is back (here: PostgreSQL): the pending update goes through.
    settings.SEARCH_BACKEND = "postgres"
    call_command("search_index", "sync", stdout=(out := StringIO()))
    assert "1 pending update(s) applied" in out.getvalue()
    assert SearchDocument.objects.filter(page_id=page.pk).exists()
    assert not PendingIndexUpdate.objects.exists()
