"""Checks before publishing, through the admin's edit form: sensitive words and
wording errors, duplicate index numbers, normative documents without their
interpretation."""

import datetime

import pytest
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.contentchecks.models import PlatformTerm, SiteTerm
from cms.models import ArticlePage, PolicyDocumentPage, PublishingSettings
from tests.conftest import admin_client_for
from tests.factories import InterpretationFactory, PolicyDocumentFactory, column

pytestmark = pytest.mark.django_db


def _article(title, text, action="action-publish", **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "subtitle": "",
            "source": "",
            "author": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            "attachments": streamfield([]),
            "tags": "",
            "comments": inline_formset([]),
            action: "1",
            **extra,
        }
    )


def _post_article(client, site, data):
    return client.post(
        f"/admin/pages/add/cms/articlepage/{column(site, 'zwyw').pk}/", data
    )


def _errors(response) -> str:
    form = response.context["form"]
    return " ".join(" ".join(str(e) for e in errors) for errors in form.errors.values())


def test_a_blocked_word_stops_publishing_and_shows_the_term_in_context(
    site, site_admin
):
    PlatformTerm.objects.create(
        term="国务院总里",
        action="block",
        suggestion="国务院总理",
        category="official_title",
    )
    response = _post_article(
        admin_client_for(site_admin),
        site,
        _article("会议报道", "会议传达了国务院总里的重要讲话精神。"),
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert "国务院总里" in errors and "国务院总理" in errors
    assert "【国务院总里】" in errors  # the context marks where it is
    assert "内容不能发布" in errors  # in Chinese, the admin's default language
    assert not ArticlePage.objects.filter(title="会议报道").exists()


def test_a_blocked_word_stops_saving_a_draft_too(site, editor):
    """Autosave posts the same form: a draft with a blocked word is not kept
    silently, the editor sees the finding (the autosave indicator, then the
    form)."""
    PlatformTerm.objects.create(term="国务院总里", action="block")
    client = admin_client_for(editor)
    response = _post_article(
        client, site, _article("草稿", "国务院总里", "action-save")
    )
    assert response.status_code == 200
    assert "国务院总里" in _errors(response)
    autosave = client.post(
        f"/admin/pages/add/cms/articlepage/{column(site, 'zwyw').pk}/",
        _article("草稿", "国务院总里", "action-save"),
        HTTP_ACCEPT="application/json",
    )
    assert autosave.json()["success"] is False
    assert not ArticlePage.objects.filter(title="草稿").exists()


def test_a_blocked_word_stops_submitting_for_review(site, editor):
    with_site_term(site, "内部资料", "block")
    response = _post_article(
        admin_client_for(editor),
        site,
        _article("送审稿", "本文为内部资料。", "action-submit"),
    )
    assert response.status_code == 200
    assert "内部资料" in _errors(response)


def with_site_term(site, term, action):
    from sites.tenancy import use_site

    with use_site(site):
        return SiteTerm.objects.create(site=site, term=term, action=action)


def test_another_sites_terms_do_not_apply(site, other_site, site_admin):
    with_site_term(other_site, "内部资料", "block")
    response = _post_article(
        admin_client_for(site_admin), site, _article("公开稿", "并非内部资料。")
    )
    assert response.status_code == 302
    assert ArticlePage.objects.get(title="公开稿").live


def test_a_warning_must_be_confirmed(site, site_admin):
    PlatformTerm.objects.create(
        term="沈阳市长",
        action="warn",
        suggestion="沈阳市市长",
        category="official_title",
    )
    client = admin_client_for(site_admin)
    response = _post_article(client, site, _article("调研", "沈阳市长到企业调研。"))
    assert response.status_code == 200
    assert "沈阳市长" in _errors(response)
    assert not ArticlePage.objects.filter(title="调研").exists()
    confirmed = _post_article(
        client,
        site,
        _article("调研", "沈阳市长到企业调研。", confirm_warnings="on"),
    )
    assert confirmed.status_code == 302
    assert ArticlePage.objects.get(title="调研").live


def _document_form(page, action="action-publish", **changes):
    values = {
        "title": page.title,
        "slug": page.slug,
        "document_number": page.document_number,
        "index_number": page.index_number,
        "issuing_organ": page.issuing_organ,
        "subject_category": page.subject_category,
        "written_on": page.written_on.isoformat(),
        "is_normative": "on" if page.is_normative else "",
        "validity": page.validity,
        "validity_changed_on": "",
        "superseded_by": "",
        "source": "",
        "author": "",
        "body": streamfield([("paragraph", rich_text("<p>正文</p>"))]),
        "attachments": streamfield([]),
        "comments": inline_formset([]),
        action: "1",
    }
    values.update(changes)
    return nested_form_data({k: v for k, v in values.items() if v != ""})


def test_a_duplicate_index_number_is_refused(site, site_admin):
    first = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    second = PolicyDocumentFactory(parent=column(site, "zcwj"))
    response = admin_client_for(site_admin).post(
        f"/admin/pages/{second.pk}/edit/",
        _document_form(second, "action-save", index_number=first.index_number),
    )
    assert response.status_code == 200
    assert first.index_number in _errors(response)
    second.refresh_from_db()
    assert second.index_number != first.index_number


def test_the_same_index_number_on_another_site_is_fine(site, other_site, site_admin):
    theirs = PolicyDocumentFactory(parent=column(other_site, "zcwj"), publish=True)
    mine = PolicyDocumentFactory(parent=column(site, "zcwj"))
    response = admin_client_for(site_admin).post(
        f"/admin/pages/{mine.pk}/edit/",
        _document_form(mine, "action-save", index_number=theirs.index_number),
    )
    assert response.status_code == 302


def test_a_normative_document_without_interpretation_warns(site, site_admin):
    document = PolicyDocumentFactory(parent=column(site, "zcwj"), is_normative=True)
    client = admin_client_for(site_admin)
    response = client.post(
        f"/admin/pages/{document.pk}/edit/", _document_form(document)
    )
    assert response.status_code == 200
    assert "confirm_warnings" in response.context["form"].errors
    document.refresh_from_db()
    assert not document.live
    response = client.post(
        f"/admin/pages/{document.pk}/edit/",
        _document_form(document, confirm_warnings="on"),
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.live


def test_a_site_can_make_the_missing_interpretation_block(site, site_admin):
    settings = PublishingSettings.for_site(site.wagtail_site)
    settings.interpretation_rule = "block"
    settings.save()
    document = PolicyDocumentFactory(parent=column(site, "zcwj"), is_normative=True)
    client = admin_client_for(site_admin)
    response = client.post(
        f"/admin/pages/{document.pk}/edit/",
        _document_form(document, confirm_warnings="on"),
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert not document.live
    InterpretationFactory(parent=column(site, "zcjd"), document=document, publish=True)
    response = client.post(
        f"/admin/pages/{document.pk}/edit/", _document_form(document)
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.live


def test_site_admins_edit_only_their_own_sites_publishing_settings(
    site, other_site, site_admin, editor
):
    client = admin_client_for(site_admin)
    url = "/admin/settings/cms/publishingsettings/{}/"
    mine = client.get(url.format(site.wagtail_site.pk))
    assert mine.status_code == 200
    assert other_site.name not in mine.content.decode()
    theirs = client.post(
        url.format(other_site.wagtail_site.pk), {"interpretation_rule": "block"}
    )
    assert theirs.status_code in (302, 403)
    if theirs.status_code == 302:
        assert "/admin/settings/" not in theirs["Location"]
    assert (
        PublishingSettings.for_site(other_site.wagtail_site).interpretation_rule
        == "warn"
    )
    assert admin_client_for(editor).get(
        url.format(site.wagtail_site.pk)
    ).status_code in (
        302,
        403,
    )


def test_written_dates_and_validity_are_kept(site):
    document = PolicyDocumentFactory(
        parent=column(site, "zcwj"), written_on=datetime.date(2025, 12, 30)
    )
    assert PolicyDocumentPage.objects.get(pk=document.pk).written_on.year == 2025


def test_an_empty_body_cannot_be_sent_for_review(site, editor):
    response = _post_article(
        admin_client_for(editor), site, _article("空稿件", "", "action-submit")
    )
    assert response.status_code == 200
    assert "正文" in _errors(response)  # 正文为空：请先填写内容。
    assert not ArticlePage.objects.filter(title="空稿件").exists()
