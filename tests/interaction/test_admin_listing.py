"""The case and comment listings on Wagtail's generic views: filters (the site
filter offers the user's sites only, and a site that is not theirs gives
nothing), search, ordering, pagination and spreadsheet exports with personal
data masked; destructive steps ask first. Each cross-site attempt has a
positive control."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sites.models import SiteRole
from tests.conftest import _member, admin_client_for
from tests.interaction.conftest import file_case
from tests.interaction.test_admin import _comment

pytestmark = pytest.mark.django_db

SECRETS = ("13812345678", "zhangsan@example.org", "210102199001011234", "张三")


@pytest.fixture
def city_admin(city):
    """Manages the city and the county below it, not the province."""
    return _member(city, SiteRole.ADMIN)


def text_of(response) -> str:
    """What a listing, a CSV or an XLSX answer says, as text."""
    if not response.streaming:
        return response.content.decode()
    body = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(body)).active
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8-sig")


def site_options(html: str) -> set[int]:
    """The site filter's choices."""
    select = re.search(r'<select name="site".*?</select>', html, re.S)
    if select is None:
        return set()
    return {int(pk) for pk in re.findall(r'value="(\d+)"', select.group(0))}


def test_the_site_filter_offers_the_users_sites_only(
    province, city, county, city_admin, county_handler
):
    html = admin_client_for(city_admin).get("/admin/interaction/cases/").text
    assert site_options(html) == {city.pk, county.pk}
    # Someone with one site is not offered a site filter at all.
    html = admin_client_for(county_handler).get("/admin/interaction/cases/").text
    assert site_options(html) == set()


LISTING_PATHS = [
    "/admin/interaction/cases/",
    "/admin/interaction/cases/results/",
    "/admin/interaction/cases/?export=csv",
    "/admin/interaction/cases/?export=xlsx",
    "/admin/interaction/cases/?p=2",
    "/admin/interaction/cases/?ordering=-submitted_at",
    "/admin/interaction/comments/",
    "/admin/interaction/comments/results/",
    "/admin/interaction/comments/?export=csv",
    "/admin/interaction/comments/?export=xlsx",
    "/admin/interaction/comments/?p=2",
]


def test_a_forged_site_id_lists_and_exports_nothing(
    province, city, county, city_admin, open_consultation
):
    """The province's id, which the city's admin does not manage, in the site
    filter of every listing, export and page: none of the province's rows, and
    none of the admin's own either (the filter narrows, never widens)."""
    from tests.factories import ConsultationFactory, column

    theirs, _ = file_case(province, title="省里的机密来信")
    mine, _ = file_case(county, title="县里的来信")
    today = timezone.localdate()
    province_consultation = ConsultationFactory(
        parent=column(province, "yjzj"),
        kind="other",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        publish=True,
    )
    _comment(province, province_consultation, "省里的机密意见")
    _comment(county, open_consultation, "县里的意见")
    client = admin_client_for(city_admin)
    markers = ("省里的机密", theirs.tracking_number, "县里的", mine.tracking_number)
    for path in LISTING_PATHS:
        separator = "&" if "?" in path else "?"
        for forged in (province.pk, 0, 10**12):
            response = client.get(f"{path}{separator}site={forged}")
            assert response.status_code == 200, path
            text = text_of(response)
            assert not [m for m in markers if m in text], (path, forged)
        # Control: their own site's rows through the same filter.
        if "p=2" not in path:
            own = text_of(client.get(f"{path}{separator}site={county.pk}"))
            assert ("县里的来信" in own) or ("县里的意见" in own), path
            assert "省里的机密" not in own, path


def test_the_site_filter_narrows_to_one_of_the_users_sites(city, county, city_admin):
    city_case, _ = file_case(city, title="市里的来信")
    county_case, _ = file_case(county, title="县里的来信")
    client = admin_client_for(city_admin)
    both = client.get("/admin/interaction/cases/").text
    assert city_case.tracking_number in both and county_case.tracking_number in both
    only = client.get("/admin/interaction/cases/", {"site": county.pk}).text
    assert county_case.tracking_number in only
    assert city_case.tracking_number not in only


def test_cases_filter_by_status_kind_date_and_search(county, county_handler):
    from interaction import services

    inquiry, _ = file_case(county, kind="inquiry", title="咨询办证流程")
    complaint, _ = file_case(county, kind="complaint", title="投诉噪音")
    services.case_accept(site=county, case=complaint, user=county_handler)
    client = admin_client_for(county_handler)
    url = "/admin/interaction/cases/"

    def listed(**params):
        html = client.get(url, params).text
        return {
            case.tracking_number
            for case in (inquiry, complaint)
            if case.tracking_number in html
        }

    assert listed(kind="inquiry") == {inquiry.tracking_number}
    assert listed(status="accepted") == {complaint.tracking_number}
    assert listed(q="噪音") == {complaint.tracking_number}
    assert listed(q=complaint.tracking_number) == {complaint.tracking_number}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert listed(submitted_at_from=tomorrow.isoformat()) == set()
    assert listed(submitted_at_to=tomorrow.isoformat()) == {
        inquiry.tracking_number,
        complaint.tracking_number,
    }


def test_pages_in_any_order_show_every_case_once(county, county_handler):
    for _number in range(55):
        file_case(county)
    client = admin_client_for(county_handler)
    for ordering in ("tracking_number", "-submitted_at", "due_on", "-status"):
        seen = []
        for page in ("1", "2"):
            html = client.get(
                "/admin/interaction/cases/", {"ordering": ordering, "p": page}
            ).text
            seen += re.findall(r">\s*(\d{20,32})\s*<", html)
        assert len(seen) == 55 == len(set(seen)), ordering


@pytest.mark.parametrize("spreadsheet", ["csv", "xlsx"])
def test_the_case_export_masks_personal_data(spreadsheet, county, city, county_handler):
    mine, _ = file_case(
        county, title="张三反映13812345678无人接听", content="身份证210102199001011234"
    )
    theirs, _ = file_case(city, title="市里的来信")
    response = admin_client_for(county_handler).get(
        "/admin/interaction/cases/", {"export": spreadsheet}
    )
    assert response.status_code == 200
    text = text_of(response)
    assert mine.tracking_number in text and theirs.tracking_number not in text
    assert "张**反映138****5678无人接听" in text
    for secret in SECRETS:
        assert secret not in text
    assert "信件编号" in text and "姓名" in text  # headed in Chinese


def test_the_case_export_keeps_formulas_as_text(county, county_handler):
    file_case(county, title='=HYPERLINK("http://x")')
    response = admin_client_for(county_handler).get(
        "/admin/interaction/cases/", {"export": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][3] == '\'=HYPERLINK("http://x")'


def test_the_comment_listing_and_export_mask_what_commenters_typed(
    county, county_handler, open_consultation
):
    _comment(county, open_consultation, "王五建议：请致电13912345678。", name="王五")
    client = admin_client_for(county_handler)
    listing = client.get("/admin/interaction/comments/").text
    export = text_of(client.get("/admin/interaction/comments/", {"export": "csv"}))
    for text in (listing, export):
        assert "139****5678" in text
        assert "13912345678" not in text and "王五" not in text
    assert "王**" in export


def test_people_without_a_site_get_no_listing_results_or_export(county):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    file_case(county, title="县里的来信")
    nobody = UserFactory(is_staff=True, is_superuser=False)
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = admin_client_for(nobody)
    for url in (
        "/admin/interaction/cases/results/",
        "/admin/interaction/cases/?export=csv",
        "/admin/interaction/comments/results/",
        "/admin/interaction/comments/?export=xlsx",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "县里的来信" not in text_of(response)


def test_steps_that_cannot_be_undone_ask_first(county, county_admin, open_consultation):
    """Decline, transfer, close, hiding a comment and deactivating an API client:
    the page's button opens a dialog, and only the dialog's button submits."""
    from interaction import services

    case, _ = file_case(county)
    client = admin_client_for(county_admin)
    html = client.get(f"/admin/interaction/cases/{case.pk}/").text
    for form in ("decline-form", "transfer-form"):
        assert f'data-a11y-dialog-show="{form}-confirm"' in html
        assert f'form="{form}"' in html
        inside = html.split(f'id="{form}"', 1)[1].split("</form>", 1)[0]
        assert 'type="submit"' not in inside.split("<template", 1)[0]
    services.case_accept(site=county, case=case, user=county_admin)
    services.case_reply(site=county, case=case, user=county_admin, reply="已处理。")
    html = client.get(f"/admin/interaction/cases/{case.pk}/").text
    assert 'data-a11y-dialog-show="close-form-confirm"' in html
    comment = _comment(county, open_consultation, "建议增加夜间办理。")
    html = client.get(f"/admin/interaction/comments/{comment.pk}/").text
    assert 'data-a11y-dialog-show="spam-form-confirm"' in html
    made, _key = services.api_client_create(site=county, name="12345")
    html = client.get("/admin/interaction/api-clients/").text
    assert f'data-a11y-dialog-show="deactivate-{made.pk}-confirm"' in html


def test_the_old_listing_addresses_still_answer(county, county_handler):
    """The listings kept their addresses (bookmarks, the dashboard's links)."""
    case, _ = file_case(county)
    client = admin_client_for(county_handler)
    assert case.tracking_number in client.get("/admin/interaction/cases/").text
    assert client.get("/admin/interaction/cases/?flag=overdue").status_code == 200
    assert client.get(f"/admin/interaction/cases/{case.pk}/").status_code == 200
    assert client.get("/admin/interaction/comments/?hidden=0").status_code == 200


def test_the_listings_with_rows_and_filters_are_in_chinese(
    city, county, city_admin, open_consultation
):
    """The admin crawler meets empty listings; these have rows, active filters,
    a search and the pages of a case and a comment (no English left)."""
    from django.utils import translation

    from tests.admin_i18n.test_admin_in_chinese import _english, _Text

    city_admin.last_name, city_admin.first_name = "张", "明"
    city_admin.save(update_fields=["last_name", "first_name"])
    # No e-mail address: its Latin domain is the person's data, not interface.
    case, _ = file_case(county, title="路灯不亮", email="")
    comment = _comment(county, open_consultation, "建议增加夜间办理。")
    client = admin_client_for(city_admin)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    urls = [
        "/admin/interaction/cases/",
        f"/admin/interaction/cases/?site={county.pk}&status=submitted&kind="
        f"complaint&flag=due_soon&submitted_at_from=2020-01-01&submitted_at_to="
        f"{tomorrow}&q=路灯&ordering=-due_on",
        "/admin/interaction/cases/?site=999999&status=无效",
        f"/admin/interaction/cases/{case.pk}/",
        "/admin/interaction/comments/",
        f"/admin/interaction/comments/?site={county.pk}&consultation="
        f"{open_consultation.pk}&hidden=0&adoption=none&q=夜间",
        f"/admin/interaction/comments/{comment.pk}/",
    ]
    problems = {}
    with translation.override("zh-hans"):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            parser = _Text()
            parser.feed(response.content.decode())
            if english := _english(parser.texts):
                problems[url] = sorted(english)
    assert not problems, problems


def test_the_permission_policy_is_scoped_to_the_users_sites(
    county, city, county_handler, city_handler, platform_admin
):
    from wagtail.permissions import policy_registry

    from interaction.models import Case

    policy = policy_registry.get_by_type(Case)
    mine, _ = file_case(county)
    theirs, _ = file_case(city)
    rows = policy.instances_user_has_any_permission_for(county_handler, ["view"])
    assert list(rows.values_list("pk", flat=True)) == [mine.pk]
    assert policy.user_has_permission_for_instance(county_handler, "change", mine)
    assert not policy.user_has_permission_for_instance(county_handler, "change", theirs)
    assert not policy.instances_user_has_any_permission_for(
        county_handler, ["add", "delete"]
    ).exists()
    for user in (county_handler, platform_admin):
        assert policy.user_has_permission(user, "view")
        assert not policy.user_has_any_permission(user, ["add", "delete"])
    staff = set(policy.users_with_any_permission(["change"]))
    assert {county_handler, city_handler, platform_admin} <= staff
    assert not policy.users_with_any_permission(["delete"]).exists()
