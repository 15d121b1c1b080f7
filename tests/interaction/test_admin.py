"""Handling in the Wagtail admin: the staff of a case's current site only, every
step recorded; unmasked personal data audited; deadline flags; comments with
export and adoption; API clients. Each cross-site attempt has a positive control."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.audit.models import AuditEvent
from interaction import services
from interaction.models import ApiClient, Case, CaseEvent, Comment
from sites.tenancy import all_sites, use_site
from tests.conftest import admin_client_for
from tests.interaction.conftest import file_case

pytestmark = pytest.mark.django_db


def _case_of(case):
    with all_sites():
        return Case.objects.get(pk=case.pk)


def test_a_handler_sees_their_sites_cases_only(
    county, city, county_handler, city_handler
):
    mine, _ = file_case(county, title="县里的信")
    theirs, _ = file_case(city, title="市里的信")
    listing = admin_client_for(county_handler).get("/admin/interaction/cases/")
    html = listing.content.decode()
    assert mine.tracking_number in html and theirs.tracking_number not in html
    city_html = admin_client_for(city_handler).get("/admin/interaction/cases/").content
    assert theirs.tracking_number in city_html.decode()


def test_another_sites_case_is_not_found_and_cannot_be_acted_on(
    county, city, county_handler, city_handler
):
    theirs, _ = file_case(city)
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/cases/{theirs.pk}/"
    assert client.get(url).status_code == 404
    for action in ("accept", "reveal", "close"):
        assert client.post(url, {"action": action}).status_code == 404
    assert client.post(url, {"action": "note", "note-message": "x"}).status_code == 404
    assert _case_of(theirs).status == "submitted"
    with all_sites():
        assert list(
            CaseEvent.objects.filter(case=theirs).values_list("kind", flat=True)
        ) == ["submitted"]
    # Positive control: the city's handler reaches and accepts it.
    city_client = admin_client_for(city_handler)
    assert city_client.get(url).status_code == 200
    assert city_client.post(url, {"action": "accept"}).status_code == 302
    assert _case_of(theirs).status == "accepted"


def test_a_report_about_county_staff_is_invisible_to_the_county(
    county, city, county_handler, county_admin, city_handler
):
    report, _ = file_case(
        county, kind="report", about_own_staff=True, title="举报某科长"
    )
    url = f"/admin/interaction/cases/{report.pk}/"
    for user in (county_handler, county_admin):
        client = admin_client_for(user)
        assert (
            report.tracking_number
            not in client.get("/admin/interaction/cases/").content.decode()
        )
        assert client.get(url).status_code == 404
        assert "举报某科长" not in client.get("/admin/").content.decode()
    city_client = admin_client_for(city_handler)
    assert city_client.get(url).status_code == 200
    # Nor can the city send it back to the reported county.
    page = city_client.post(
        url,
        {
            "action": "transfer",
            "transfer-to_site": county.pk,
            "transfer-message": "退回",
        },
    )
    assert page.status_code == 200
    assert _case_of(report).site_id == city.pk


def test_personal_data_is_masked_until_revealed_and_each_reveal_is_recorded(
    county, county_handler
):
    case, _ = file_case(county)
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/cases/{case.pk}/"
    html = client.get(url).content.decode()
    for secret in ("13812345678", "zhangsan@example.org", "210102199001011234"):
        assert secret not in html
    assert "138****5678" in html
    revealed = client.post(url, {"action": "reveal"}).content.decode()
    assert "13812345678" in revealed and "210102199001011234" in revealed
    # The unmasking is in the platform's audit log (core.audit), not the
    # case's handling steps.
    audit = AuditEvent.objects.get(action="unmasked", object_id=str(case.pk))
    assert audit.actor == county_handler
    assert audit.site_id == county.pk
    assert "13812345678" not in str(audit.detail) + audit.object_repr
    with use_site(county):
        assert not CaseEvent.objects.filter(case=case, kind="viewed").exists()


def test_the_handling_steps_through_the_admin_are_recorded_with_who_and_when(
    county, city, county_handler, city_handler
):
    case, _ = file_case(county)
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/cases/{case.pk}/"
    assert client.post(url, {"action": "accept"}).status_code == 302
    client.post(url, {"action": "note", "note-message": "先核实"})
    response = client.post(
        url,
        {
            "action": "transfer",
            "transfer-to_site": city.pk,
            "transfer-message": "市级事权",
        },
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 404  # it left the county
    city_client = admin_client_for(city_handler)
    city_client.post(url, {"action": "accept"})
    city_client.post(url, {"action": "reply", "reply-message": "已安排维修。"})
    city_client.post(url, {"action": "close"})
    with use_site(city):
        events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
    assert [e.kind for e in events] == [
        "submitted",
        "accepted",
        "note",
        "transferred",
        "accepted",
        "replied",
        "closed",
    ]
    assert [e.actor for e in events[1:4]] == [county_handler] * 3
    assert [e.actor for e in events[4:]] == [city_handler] * 3
    assert all(e.created_at for e in events)


def test_invalid_steps_give_a_message_and_change_nothing(
    county, county_handler, english_messages
):
    case, _ = file_case(county)
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/cases/{case.pk}/"
    response = client.post(url, {"action": "close"}, follow=True)
    assert "Only a replied case can be closed." in response.content.decode()
    response = client.post(url, {"action": "decline", "decline-message": ""})
    assert _case_of(case).status == "submitted"


def test_overdue_and_nearly_overdue_cases_are_flagged(county, county_handler):
    late, _ = file_case(county, title="超期的信")
    soon, _ = file_case(county, title="快到期的信")
    fine, _ = file_case(county, title="不急的信")
    today = timezone.localdate()
    with use_site(county):
        Case.objects.filter(pk=late.pk).update(
            due_on=today - datetime.timedelta(days=1)
        )
        Case.objects.filter(pk=soon.pk).update(due_on=today)
    client = admin_client_for(county_handler)
    overdue = client.get("/admin/interaction/cases/?flag=overdue").content.decode()
    assert late.tracking_number in overdue and soon.tracking_number not in overdue
    due_soon = client.get("/admin/interaction/cases/?flag=due_soon").content.decode()
    assert soon.tracking_number in due_soon and fine.tracking_number not in due_soon
    everything = client.get("/admin/interaction/cases/").content.decode()
    assert "case-overdue" in everything and "case-due_soon" in everything
    dashboard = client.get("/admin/").content.decode()
    assert "interaction-deadlines" in dashboard
    assert "?flag=overdue" in dashboard


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def _text_of(response) -> str:
    """A page, or an exported CSV or XLSX, as text."""
    if not response.streaming:
        return response.content.decode(errors="replace")
    body = _streamed(response)
    if "spreadsheetml" in response["Content-Type"]:
        return str(list(load_workbook(io.BytesIO(body)).active.values))
    return body.decode(errors="replace")


def _comment(site, consultation, text, **extra):
    comment, _ = services.comment_submit(
        site=site,
        consultation=consultation,
        name=extra.get("name", "王五"),
        contact="13700000000",
        text=text,
        idempotency_key=text[:10] + "-key-0000001",
    )
    return comment


def test_comments_are_listed_hidden_tagged_and_exported(
    county, county_handler, open_consultation
):
    spam = _comment(county, open_consultation, '=HYPERLINK("http://x") 广告')
    good = _comment(county, open_consultation, "建议增加夜间办理。")
    client = admin_client_for(county_handler)
    base = "/admin/interaction/comments/"
    assert good.text in client.get(base).content.decode()
    client.post(f"{base}{spam.pk}/", {"action": "hide"})
    shown = client.get(base + "?hidden=0").content.decode()
    assert "建议增加夜间办理" in shown and "广告" not in shown
    refused = client.post(
        f"{base}{good.pk}/", {"action": "adopt", "adoption": "partly", "reason": ""}
    )
    assert refused.status_code == 200
    with use_site(county):
        assert Comment.objects.get(pk=good.pk).adoption == ""
    client.post(
        f"{base}{good.pk}/",
        {"action": "adopt", "adoption": "partly", "reason": "部分时段开放"},
    )
    with use_site(county):
        assert Comment.objects.get(pk=good.pk).adoption == "partly"
    export = client.get(base + "?export=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_streamed(export).decode("utf-8-sig"))))
    assert len(rows) == 3
    texts = [row[4] for row in rows[1:]]
    assert "建议增加夜间办理。" in texts
    assert any(t.startswith("'=HYPERLINK") for t in texts)  # no formula injection
    xlsx = client.get(base + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(_streamed(xlsx))).active
    values = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "建议增加夜间办理。" in values and "13700000000" not in str(
        list(sheet.values)
    )


def test_another_sites_comments_are_not_reachable(
    county, city, city_handler, county_handler, open_consultation
):
    comment = _comment(county, open_consultation, "县里的意见内容")
    client = admin_client_for(city_handler)
    base = "/admin/interaction/comments/"
    assert "县里的意见内容" not in client.get(base).content.decode()
    assert "县里的意见内容" not in _streamed(client.get(base + "?export=csv")).decode()
    assert client.get(f"{base}{comment.pk}/").status_code == 404
    assert client.post(f"{base}{comment.pk}/", {"action": "hide"}).status_code == 404
    with use_site(county):
        assert not Comment.objects.get(pk=comment.pk).hidden
    assert (
        "县里的意见内容" in admin_client_for(county_handler).get(base).content.decode()
    )


def test_api_clients_are_created_once_shown_and_scoped(
    county, city, county_admin, city_handler
):
    client = admin_client_for(county_admin)
    page = client.post(
        "/admin/interaction/api-clients/", {"site": county.pk, "name": "12345"}
    )
    assert 'id="new-api-key"' in page.content.decode()
    assert (
        'id="new-api-key"'
        not in client.get("/admin/interaction/api-clients/").content.decode()
    )
    # Not for a site the user does not handle.
    client.post("/admin/interaction/api-clients/", {"site": city.pk, "name": "冒名"})
    with all_sites():
        assert list(ApiClient.objects.values_list("site_id", "name")) == [
            (county.pk, "12345")
        ]
        made = ApiClient.objects.get()
    other = admin_client_for(city_handler)
    assert (
        other.post(f"/admin/interaction/api-clients/{made.pk}/deactivate/").status_code
        == 404
    )
    with all_sites():
        assert ApiClient.objects.get().active


def test_only_site_admins_create_and_deactivate_api_clients(
    county, county_handler, county_admin
):
    url = "/admin/interaction/api-clients/"
    editor = admin_client_for(county_handler)
    assert 'name="name"' not in editor.get(url).content.decode()
    response = editor.post(url, {"site": county.pk, "name": "编辑建的"})
    assert response.status_code in (302, 403)
    with all_sites():
        assert not ApiClient.objects.exists()
    made, _key = services.api_client_create(site=county, name="12345")
    response = editor.post(f"{url}{made.pk}/deactivate/")
    assert response.status_code in (302, 403)
    with all_sites():
        assert ApiClient.objects.get().active
    # Positive control: the county's admin creates and deactivates.
    admin = admin_client_for(county_admin)
    page = admin.post(url, {"site": county.pk, "name": "8890"})
    assert 'id="new-api-key"' in page.content.decode()
    assert admin.post(f"{url}{made.pk}/deactivate/").status_code == 302
    with all_sites():
        assert sorted(ApiClient.objects.values_list("name", "active")) == [
            ("12345", False),
            ("8890", True),
        ]


def test_people_without_a_site_cannot_reach_the_pages(county):
    from wagtail.models import GroupPagePermission  # noqa: F401

    from tests.factories import UserFactory

    nobody = UserFactory(is_staff=True, is_superuser=False)
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = admin_client_for(nobody)
    for url in (
        "/admin/interaction/cases/",
        "/admin/interaction/comments/",
        "/admin/interaction/api-clients/",
    ):
        assert client.get(url).status_code in (302, 403)


def test_site_admins_set_deadlines_and_retention_for_their_site_only(
    county, city, county_admin, county_handler
):
    from interaction.selectors import interaction_settings_get

    client = admin_client_for(county_admin)
    url = f"/admin/interaction/settings/{county.pk}/"
    bad = client.post(
        url, {"reply_working_days": 0, "warn_working_days": 2, "retention_days": 5}
    )
    assert bad.status_code == 200
    assert interaction_settings_get(site=county).retention_days == 730
    good = client.post(
        url, {"reply_working_days": 10, "warn_working_days": 2, "retention_days": 365}
    )
    assert good.status_code == 302
    rules = interaction_settings_get(site=county)
    assert (rules.reply_working_days, rules.retention_days) == (10, 365)
    case, _ = file_case(county)
    from core.workdays.services import working_days_between

    assert working_days_between(timezone.localdate(), case.due_on) == 10
    # Editors, and admins of another site, cannot.
    assert admin_client_for(county_handler).get(url).status_code == 404
    assert client.get(f"/admin/interaction/settings/{city.pk}/").status_code == 404


def _interaction_admin_urls(ids):
    import re

    from django.urls import get_resolver

    from tests.sites.test_isolation_sweep import _patterns

    urls = []
    for pattern in _patterns(get_resolver()):
        if not pattern.startswith("admin/interaction/"):
            continue
        url = "/" + pattern
        for name in re.findall(r"<int:(\w+)>", pattern):
            url = url.replace(f"<int:{name}>", str(ids[name]))
        urls.append(url)
    return urls


def test_every_interaction_admin_url_refuses_another_sites_objects(
    county, city, county_handler, city_handler, open_consultation
):
    """A sweep over every admin URL of interaction, filled with the city's case,
    attachment, comment, API client and site ids, as the county's handler: GET
    shows none of it, POST changes none of it. The city's handler is the control."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import ConsultationFactory, column

    theirs, _ = file_case(
        city,
        title="市里的机密来信",
        attachments=[
            SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        ],
    )
    today = timezone.localdate()
    consultation = ConsultationFactory(
        parent=column(city, "yjzj"),
        kind="other",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        publish=True,
    )
    comment = _comment(city, consultation, "市里的机密意见")
    api_client, _key = services.api_client_create(site=city, name="市里的机密客户端")
    with use_site(city):
        attachment = theirs.attachments.get()
    ids = {"pk": theirs.pk, "attachment_pk": attachment.pk, "site_pk": city.pk}
    urls = _interaction_admin_urls(ids)
    urls += [
        f"/admin/interaction/comments/{comment.pk}/",
        f"/admin/interaction/api-clients/{api_client.pk}/deactivate/",
    ]
    # The listings with the city in their filters, their exports and pages.
    for listing in ("cases", "comments"):
        for query in (
            f"site={city.pk}",
            f"consultation={consultation.pk}",
            "export=csv",
            "export=xlsx",
            f"export=csv&site={city.pk}",
            f"export=xlsx&site={city.pk}",
            f"p=2&site={city.pk}",
            "q=来信",  # a word of their title (a query is echoed in its box)
            "q=意见",
        ):
            urls += [
                f"/admin/interaction/{listing}/?{query}",
                f"/admin/interaction/{listing}/results/?{query}",
            ]
    assert len(urls) >= 40
    markers = ("市里的机密", theirs.tracking_number)
    mine = admin_client_for(county_handler)
    for url in urls:
        response = mine.get(url)
        text = _text_of(response) if response.status_code == 200 else ""
        assert not any(m in text for m in markers), url
        for data in ({"action": "accept"}, {"action": "hide"}, {"action": "reveal"}):
            mine.post(url, data)
    assert _case_of(theirs).status == "submitted"
    with use_site(city):
        assert not Comment.objects.get(pk=comment.pk).hidden
        assert ApiClient.objects.get(pk=api_client.pk).active
        assert not CaseEvent.objects.filter(case=theirs, kind="viewed").exists()
    # Control: the city's handler sees each of them.
    other = admin_client_for(city_handler)
    assert "市里的机密来信" in other.get("/admin/interaction/cases/").content.decode()
    for export in ("csv", "xlsx"):
        response = other.get("/admin/interaction/cases/", {"export": export})
        assert theirs.tracking_number in _text_of(response)
        response = other.get("/admin/interaction/comments/", {"export": export})
        assert "市里的机密意见" in _text_of(response)
    assert (
        "市里的机密意见" in other.get("/admin/interaction/comments/").content.decode()
    )
    assert (
        "市里的机密客户端"
        in other.get("/admin/interaction/api-clients/").content.decode()
    )
    download = other.get(
        f"/admin/interaction/cases/{theirs.pk}/attachments/{attachment.pk}/"
    )
    assert download.status_code == 200
    download.close()


def test_a_signed_in_person_sees_their_own_cases(county, city):
    from tests.factories import UserFactory

    person = UserFactory()
    services.case_submit(
        site=county,
        data=services.CaseInput(
            kind="inquiry", channel="mailbox", title="我的来信", content="内容"
        ),
        idempotency_key="mine-0000000001",
        user=person,
    )
    file_case(city, title="别人的来信")
    client = admin_client_for(person, host=county.host)
    html = client.get("/interaction/cases/mine/").content.decode()
    assert "我的来信" in html and "别人的来信" not in html
    from django.test import Client

    anonymous = Client(HTTP_HOST=county.host).get("/interaction/cases/mine/")
    assert anonymous.status_code == 302


def test_nearly_overdue_follows_each_sites_warning_window(county, city, platform_admin):
    from core.workdays.services import add_working_days
    from interaction.selectors import case_list, deadline_counts

    services.interaction_settings_update(site=city, warn_working_days=10)
    today = timezone.localdate()
    in_five = add_working_days(today, 5)
    county_case, _ = file_case(county)
    city_case, _ = file_case(city)
    with all_sites():
        Case.objects.filter(pk__in=[county_case.pk, city_case.pk]).update(
            due_on=in_five
        )
    sites = [county, city]
    flagged = set(case_list(sites=sites, flag="due_soon").values_list("pk", flat=True))
    assert flagged == {city_case.pk}  # the county warns 3 working days ahead
    assert deadline_counts(sites=sites)["due_soon"] == 1


def test_a_report_about_county_staff_cannot_go_to_the_countys_departments(
    county, city, city_handler
):
    from tests.factories import SiteFactory

    county_department = SiteFactory.child(county, "department", name="测试县教育局")
    report, _ = file_case(county, kind="report", about_own_staff=True)
    client = admin_client_for(city_handler)
    url = f"/admin/interaction/cases/{report.pk}/"
    html = client.get(url).content.decode()
    assert f'value="{county_department.pk}"' not in html
    assert f'value="{county.pk}"' not in html
    page = client.post(
        url,
        {
            "action": "transfer",
            "transfer-to_site": county_department.pk,
            "transfer-message": "转县教育局",
        },
    )
    assert page.status_code == 200
    assert _case_of(report).site_id == city.pk


@pytest.mark.parametrize("value", ["²", "١٢x", "1²"])
def test_odd_digits_in_the_filters_are_ignored(county, county_handler, value):
    mine, _ = file_case(county)
    client = admin_client_for(county_handler)
    listing = client.get("/admin/interaction/cases/", {"site": value})
    assert listing.status_code == 200
    assert mine.tracking_number in listing.content.decode()
    comments = client.get("/admin/interaction/comments/", {"consultation": value})
    assert comments.status_code == 200
    # A number no row can have filters to nothing rather than failing.
    huge = "9" * 30
    assert client.get("/admin/interaction/cases/", {"site": huge}).status_code == 200
    assert (
        client.get("/admin/interaction/comments/", {"consultation": huge}).status_code
        == 200
    )


def test_personal_data_inside_the_texts_is_masked_for_staff_until_revealed(
    county, county_handler
):
    case, _ = file_case(
        county,
        title="张三反映138.1234.5678无人接听",
        content="请回电１３８１２３４５６７８或zhang.san＠example.com，身份证"
        "210102199001011234X先生",
    )
    services.case_note(
        site=county, case=case, user=county_handler, message="已拨打024 2345 6789"
    )
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/cases/{case.pk}/"
    secrets = (
        "1234.5678",
        "１２３４５６７８",
        "zhang.san",
        "210102199001011234",
        "2345 6789",
        "张三",
    )
    html = client.get(url).content.decode()
    listing = client.get("/admin/interaction/cases/").content.decode()
    for secret in secrets:
        assert secret not in html
    assert "1234.5678" not in listing and "张三" not in listing
    assert "显示未遮蔽内容" in html
    revealed = client.post(url, {"action": "reveal"}).content.decode()
    for secret in secrets:
        assert secret in revealed
    (audit,) = AuditEvent.objects.filter(action="unmasked", object_id=str(case.pk))
    assert audit.actor == county_handler and audit.created_at


def test_the_case_list_takes_a_constant_number_of_queries_and_pages(
    county, city, county_handler, platform_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interaction.selectors import interaction_settings_get

    interaction_settings_get(site=county)
    client = admin_client_for(platform_admin)
    client.get("/admin/interaction/cases/")  # warm caches (menus, permissions)

    def queries_with(count):
        for site in (county, city):
            while True:
                with all_sites():
                    have = Case.objects.filter(site=site).count()
                if have >= count:
                    break
                file_case(site)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/interaction/cases/")
        assert response.status_code == 200
        # Not the host map's version check (once a second, whatever the list).
        return len(
            [q for q in queries.captured_queries if '"cms_cache"' not in q["sql"]]
        )

    assert queries_with(5) == queries_with(30)
    first = client.get("/admin/interaction/cases/").content.decode()
    assert first.count('class="case-row') == 50
    second = client.get("/admin/interaction/cases/", {"p": "2"}).content.decode()
    assert second.count('class="case-row') == 10
    with all_sites():
        numbers = set(Case.objects.values_list("tracking_number", flat=True))
    shown = {n for n in numbers if n in first or n in second}
    assert shown == numbers
    for bad in ("x", "0", "-1", "999", "²", "1e3"):
        response = client.get("/admin/interaction/cases/", {"p": bad})
        assert response.status_code == 200
        assert 'class="case-row' in response.content.decode()


def test_the_comment_list_pages(county, county_handler, open_consultation):
    for number in range(55):
        _comment(county, open_consultation, f"第{number:02d}条意见，谢谢。")
    client = admin_client_for(county_handler)
    first = client.get("/admin/interaction/comments/").content.decode()
    second = client.get("/admin/interaction/comments/", {"p": "2"}).content.decode()
    assert first.count("条意见") == 50 and second.count("条意见") == 5
    assert client.get("/admin/interaction/comments/", {"p": "z"}).status_code == 200


def test_each_step_says_what_it_did(county, city, county_handler):
    case, _ = file_case(county)
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/cases/{case.pk}/"
    accepted = client.post(url, {"action": "accept"}, follow=True).content.decode()
    assert f"信件 {case.tracking_number} 已受理" in accepted
    noted = client.post(
        url, {"action": "note", "note-message": "先核实"}, follow=True
    ).content.decode()
    assert f"已为信件 {case.tracking_number} 添加内部备注" in noted
    moved = client.post(
        url,
        {"action": "transfer", "transfer-to_site": city.pk, "transfer-message": "市级"},
        follow=True,
    ).content.decode()
    assert f"信件 {case.tracking_number} 已转办至{city.name}" in moved


def test_comment_actions_say_what_they_did_and_spam_comes_last(
    county, county_handler, open_consultation
):
    comment = _comment(county, open_consultation, "建议增加夜间办理。")
    client = admin_client_for(county_handler)
    url = f"/admin/interaction/comments/{comment.pk}/"
    page = client.get(url).content.decode()
    assert page.index('id="adopt-form"') < page.index('id="spam-form"')
    spam_button = page[page.index('id="spam-form"') :]
    assert "button-secondary no" in spam_button.split("</form>")[0]
    adopted = client.post(
        url, {"action": "adopt", "adoption": "adopted", "reason": ""}, follow=True
    ).content.decode()
    assert "意见已标记为“采纳”" in adopted
    hidden = client.post(url, {"action": "hide"}, follow=True).content.decode()
    assert "意见已作为垃圾信息隐藏" in hidden
