"""The publishing rules of government content, each broken once on purpose."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.consultations import period_length
from cms.models import ConsultationPage, PolicyDocumentPage
from cms.validators import normalize_document_number
from tests.factories import (
    ConsultationFactory,
    InterpretationFactory,
    PolicyDocumentFactory,
    column,
)

pytestmark = pytest.mark.django_db


# -- document numbers (发文字号) ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("辽政办发〔2019〕12号", "辽政办发〔2019〕12号"),
        ("辽政办发[2019]12号", "辽政办发〔2019〕12号"),
        ("辽政办发【2019】12号", "辽政办发〔2019〕12号"),
        ("辽政办发（2019）12号", "辽政办发〔2019〕12号"),
        (" 国发〔2024〕3号 ", "国发〔2024〕3号"),
    ],
)
def test_document_numbers_are_normalised_to_hexagonal_brackets(typed, stored):
    assert normalize_document_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("辽政办发2019年12号", "document_number"),
        ("〔2019〕12号", "document_number"),
        ("辽政办发〔19〕12号", "document_number"),
        ("辽政办发〔2019〕12", "document_number"),
        ("辽政办发〔1890〕12号", "document_number_year"),
        ("辽政办发〔2019〕012号", "document_number_padding"),
    ],
)
def test_malformed_document_numbers_are_refused_with_the_reason(typed, code):
    with pytest.raises(ValidationError) as caught:
        normalize_document_number(typed)
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_a_policy_document_with_a_malformed_number_does_not_save(site):
    document = PolicyDocumentPage(
        title="关于印发某办法的通知",
        issuing_organ="测试厅",
        document_number="测政发2026第3号",
        written_on=datetime.date(2026, 3, 1),
        body=[],
    )
    with pytest.raises(ValidationError) as caught:
        column(site, "zcwj").add_child(instance=document)
    assert "document_number" in caught.value.message_dict
    assert not PolicyDocumentPage.objects.filter(title="关于印发某办法的通知").exists()


# -- index numbers (索引号) -------------------------------------------------------


def test_index_numbers_are_generated_per_site_and_year(site, other_site):
    year = timezone.localdate().year
    first = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    second = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    theirs = PolicyDocumentFactory(parent=column(other_site, "zcwj"), publish=True)
    assert first.index_number == f"{site.code}/{year}-00001"
    assert second.index_number == f"{site.code}/{year}-00002"
    assert theirs.index_number == f"{other_site.code}/{year}-00001"


def test_an_index_number_survives_editing(site):
    document = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    number = document.index_number
    document.title = "改过的标题"
    document.save_revision().publish()
    document.refresh_from_db()
    assert document.index_number == number


# -- validity -------------------------------------------------------------------


def test_a_repealed_document_needs_the_date(site):
    document = PolicyDocumentFactory(parent=column(site, "zcwj"))
    document.validity = "repealed"
    with pytest.raises(ValidationError) as caught:
        document.full_clean()
    assert "validity_changed_on" in caught.value.message_dict
    document.validity_changed_on = datetime.date(2026, 6, 1)
    document.full_clean()
    assert document.is_repealed


# -- interpretations ---------------------------------------------------------------


def test_an_interpretation_must_name_its_document(site):
    interpretation = InterpretationFactory.build(title="一图读懂")
    with pytest.raises(ValidationError) as caught:
        column(site, "zcjd").add_child(instance=interpretation)
    assert "document" in caught.value.message_dict


def test_a_document_lists_its_published_interpretations(site):
    document = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    live = InterpretationFactory(
        parent=column(site, "zcjd"), document=document, publish=True
    )
    InterpretationFactory(parent=column(site, "zcjd"), document=document)  # draft
    assert list(document.live_interpretations()) == [live]


# -- consultations ---------------------------------------------------------------


def _consultation(site, **kwargs):
    page = ConsultationPage(
        title="某规章草案公开征求意见",
        draft="<p>草案</p>",
        how_to_comment="<p>来信</p>",
        **kwargs,
    )
    column(site, "yjzj").add_child(instance=page)
    return page


def test_a_rule_draft_open_for_20_days_without_a_reason_is_refused(site):
    with pytest.raises(ValidationError) as caught:
        _consultation(
            site,
            kind="rule_draft",
            starts_on=datetime.date(2026, 3, 2),
            ends_on=datetime.date(2026, 3, 21),
        )
    message = " ".join(caught.value.message_dict["ends_on"])
    assert "30" in message and "20" in message
    assert not ConsultationPage.objects.exists()


def test_a_shorter_period_with_a_stated_reason_is_accepted(site):
    page = _consultation(
        site,
        kind="rule_draft",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 21),
        short_period_reason="上位法修改要求在4月1日前完成配套规章修订。",
    )
    assert page.pk


def test_a_normative_consultation_of_5_working_days_over_national_day_is_refused(
    site,
):
    # 28 Sep - 9 Oct 2026: twelve days, but 1-7 October are holidays.
    starts, ends = datetime.date(2026, 9, 28), datetime.date(2026, 10, 9)
    assert period_length(kind="normative", starts_on=starts, ends_on=ends) == (
        5,
        "working_days",
    )
    with pytest.raises(ValidationError) as caught:
        _consultation(site, kind="normative", starts_on=starts, ends_on=ends)
    message = " ".join(caught.value.message_dict["ends_on"])
    assert "7" in message and "5" in message


def test_a_normative_consultation_of_7_working_days_is_accepted(site):
    page = _consultation(
        site,
        kind="normative",
        starts_on=datetime.date(2026, 9, 28),
        ends_on=datetime.date(2026, 10, 13),
    )
    assert page.pk


def test_a_consultation_closes_after_it_opens(site):
    with pytest.raises(ValidationError) as caught:
        _consultation(
            site,
            kind="other",
            starts_on=datetime.date(2026, 3, 10),
            ends_on=datetime.date(2026, 3, 1),
        )
    assert "ends_on" in caught.value.message_dict


def test_an_open_consultation_cannot_be_closed_early(site):
    today = timezone.localdate()
    page = ConsultationFactory(
        parent=column(site, "yjzj"),
        kind="other",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=10),
        publish=True,
    )
    page.ends_on = today
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    assert "ends_on" in caught.value.message_dict
    page.ends_on = today + datetime.timedelta(days=20)  # extending is fine
    page.full_clean()


def test_the_adoption_report_comes_after_closing(site):
    today = timezone.localdate()
    page = ConsultationFactory(
        parent=column(site, "yjzj"),
        kind="other",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=10),
        publish=True,
    )
    assert page.state == "open"
    page.adoption_report = "<p>采纳情况</p>"
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    assert "adoption_report" in caught.value.message_dict


def test_consultation_states_follow_the_dates_and_the_report(site):
    today = timezone.localdate()
    page = ConsultationFactory(
        parent=column(site, "yjzj"),
        kind="other",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
        publish=True,
    )
    assert page.state == "closed"
    page.adoption_report = "<p>共收到意见12条，采纳5条。</p>"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.state == "reported"
    page.starts_on = today + datetime.timedelta(days=1)
    assert page.state == "upcoming"


def test_closed_consultations_without_report_are_on_their_sites_dashboard(
    site, other_site, editor
):
    from tests.conftest import admin_client_for

    today = timezone.localdate()
    closed = {
        "kind": "other",
        "starts_on": today - datetime.timedelta(days=30),
        "ends_on": today - datetime.timedelta(days=2),
        "publish": True,
    }
    mine = ConsultationFactory(
        parent=column(site, "yjzj"), title="待报告的征求意见", **closed
    )
    ConsultationFactory(
        parent=column(other_site, "yjzj"), title="他站征求意见", **closed
    )
    client = admin_client_for(editor)
    dashboard = client.get("/admin/").content.decode()
    assert "待报告的征求意见" in dashboard
    assert "他站征求意见" not in dashboard
    edit = client.get(f"/admin/pages/{mine.pk}/edit/", follow=True)
    assert any("采纳" in str(m) for m in edit.context["messages"])

    mine.adoption_report = "<p>采纳情况</p>"
    mine.save_revision().publish()
    assert "待报告的征求意见" not in client.get("/admin/").content.decode()


def test_site_admins_cannot_take_an_open_consultation_down(site, site_admin):
    from tests.conftest import admin_client_for

    today = timezone.localdate()
    page = ConsultationFactory(
        parent=column(site, "yjzj"),
        kind="other",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=10),
        publish=True,
    )
    client = admin_client_for(site_admin)
    assert client.get(f"/admin/pages/{page.pk}/unpublish/").status_code in (302, 403)
    client.post(f"/admin/pages/{page.pk}/unpublish/")
    page.refresh_from_db()
    assert page.live
    # After its end date the same admin may.
    ConsultationPage.objects.filter(pk=page.pk).update(
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today - datetime.timedelta(days=1),
    )
    client.post(f"/admin/pages/{page.pk}/unpublish/")
    page.refresh_from_db()
    assert not page.live


def _open_consultation(site):
    today = timezone.localdate()
    return ConsultationFactory(
        parent=column(site, "yjzj"),
        kind="other",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=10),
        publish=True,
    )


def test_a_platform_admin_by_permission_may_take_an_open_consultation_down(site):
    """sites.selectors.is_platform_admin decides, not the superuser flag."""
    from django.contrib.auth.models import Permission

    from sites.selectors import is_platform_admin
    from tests.conftest import admin_client_for
    from tests.factories import UserFactory

    page = _open_consultation(site)
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        Permission.objects.get(
            content_type__app_label="govsites", codename="add_govsite"
        ),
    )
    assert not user.is_superuser and is_platform_admin(user)
    client = admin_client_for(user)
    assert client.get(f"/admin/pages/{page.pk}/unpublish/").status_code == 200
    client.post(f"/admin/pages/{page.pk}/unpublish/")
    page.refresh_from_db()
    assert not page.live


def test_a_site_admin_cannot_take_another_sites_consultation_down(
    site, other_site, site_admin
):
    from tests.conftest import admin_client_for

    page = _open_consultation(other_site)
    client = admin_client_for(site_admin)
    client.post(f"/admin/pages/{page.pk}/unpublish/")
    page.refresh_from_db()
    assert page.live
    # Not after its end date either: the page is not theirs.
    today = timezone.localdate()
    ConsultationPage.objects.filter(pk=page.pk).update(
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today - datetime.timedelta(days=1),
    )
    assert client.get(f"/admin/pages/{page.pk}/unpublish/").status_code in (
        302,
        403,
        404,
    )
    client.post(f"/admin/pages/{page.pk}/unpublish/")
    page.refresh_from_db()
    assert page.live
