"""Documents built from page rows (``search.documents``) are the documents the
page instances give: the reference below is how they were built from instances
(StreamField values, ``cms.text``, ``get_full_url``), for every content page type
and every kind of block, in a number of queries that does not grow with the
batch."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.models import ConsultationPage
from cms.text import attachment_names, stream_text
from search.documents import (
    CONTENT_TYPES,
    IndexDocument,
    documents_for_pages,
    page_key,
)
from search.rawtext import parsed_html_text
from sites.routing import govsite_for_page
from tests.factories import ArticleFactory, PolicyDocumentFactory, column
from tests.factories.content import ConsultationFactory, InterpretationFactory


@pytest.fixture(autouse=True)
def _search_html_rule(monkeypatch):
    """cms.text reads HTML with the search's rule (``html_text``: block ends as
    line breaks, entities decoded) in place of strip_tags."""
    monkeypatch.setattr("cms.text.strip_tags", parsed_html_text)


def _instance_document(page) -> IndexDocument:
    """The document as it was built from the page instance."""
    page = Page.objects.get(pk=page.pk).specific
    govsite = govsite_for_page(page)
    if isinstance(page, ConsultationPage):
        parts = [page.draft, page.explanation, page.adoption_report]
        if page.short_period_reason:
            parts.append(page.short_period_reason)
        text = "\n".join(filter(None, (stream_text(p) for p in parts)))
    else:
        text = stream_text(page.body)
    parent = page.get_parent()
    return IndexDocument(
        item_key=page_key(page.pk),
        page_id=page.pk,
        site_id=govsite.pk,
        site_level=govsite.level,
        site_ids=(govsite.pk,),
        urls={str(govsite.pk): page.get_full_url()},
        content_type=CONTENT_TYPES[type(page)],
        column_id=parent.pk,
        column_title=parent.title,
        title=page.title,
        body=text,
        attachments="\n".join(attachment_names(page)),
        issuing_organ=getattr(page, "issuing_organ", "") or "",
        document_number=getattr(page, "document_number", "") or "",
        published_at=page.published_at or page.last_published_at,
    )


@pytest.fixture
def files(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = get_image_model().objects.create(
        title="照片", file=get_test_image_file(), collection=site.collection
    )
    document_model = get_document_model()
    named = document_model.objects.create(
        title="实施细则",
        file=SimpleUploadedFile("细则.pdf", b"%PDF-1.4 x"),
        collection=site.collection,
    )
    untitled = document_model.objects.create(
        title="申请表",
        file=SimpleUploadedFile("form.docx", b"PK x"),
        collection=site.collection,
    )
    return image, named, untitled


def _every_block(image, named, untitled) -> list:
    return [
        ("heading", "一、总体要求"),
        (
            "paragraph",
            RichText(
                '<p>R&amp;D、<b>营商</b>环境&nbsp;与<a linktype="page" id="3">指南</a>'
                "</p><ul><li>第一条</li><li><i>第二条</i></li></ul>"
            ),
        ),
        ("paragraph", RichText("")),
        ("image", {"image": image, "alt": "替代文字", "caption": "图片说明"}),
        ("image", {"image": image, "alt": "无说明的图片", "caption": ""}),
        (
            "table",
            {
                "data": [["项目", "金额", None], ["办公费", "1200", ""]],
                "first_row_is_table_header": True,
                "table_caption": "表一",
            },
        ),
        ("attachment", {"document": named, "title": "细则全文"}),
        ("attachment", {"document": untitled, "title": ""}),
        ("quote", "引文：<i>原文</i>"),
        ("video", {"url": "https://v.example.cn/1", "title": "视频"}),
    ]


def _pages(site, other_site, files) -> list:
    image, named, untitled = files
    every = _every_block(image, named, untitled)
    attached = [("attachment", {"document": untitled, "title": "附表"})]
    policy = PolicyDocumentFactory(
        parent=column(site, "zcwj"),
        body=every,
        attachments=attached,
        publish=True,
    )
    return [
        ArticleFactory(
            parent=column(site, "zwyw"), body=every, attachments=attached, publish=True
        ),
        ArticleFactory(parent=column(other_site, "zwyw"), body=[], publish=True),
        policy,
        InterpretationFactory(
            parent=column(site, "zcjd"), document=policy, body=every, publish=True
        ),
        ConsultationFactory(
            parent=column(site, "yjzj"),
            draft="<h3>草案</h3><p>第一条&amp;第二条</p>",
            explanation="<p>起草说明</p>",
            adoption_report="",
            short_period_reason="因情况紧急，征求意见期缩短。",
            draft_attachments=attached,
            publish=True,
        ),
        ConsultationFactory(parent=column(other_site, "yjzj"), publish=True),
    ]


@pytest.mark.django_db
def test_documents_from_rows_are_the_documents_of_the_page_instances(
    site, other_site, files
):
    pages = _pages(site, other_site, files)
    built = documents_for_pages([page.pk for page in pages])
    assert {type(page).__name__ for page in pages} == {
        model.__name__ for model in CONTENT_TYPES
    }
    for page in pages:
        assert built[page.pk] == _instance_document(page), type(page).__name__
    article = built[pages[0].pk]
    assert "细则全文\n细则.pdf\n申请表\nform.docx\n附表\nform.docx" == (
        article.attachments
    )
    for text in ("一、总体要求", "图片说明", "办公费 1200", "视频", "https://v."):
        assert text in article.body
    assert built[pages[1].pk].body == ""


@pytest.mark.django_db
def test_a_batch_costs_the_same_queries_whatever_its_size(
    site, other_site, files, settings
):
    settings.SITES_HOST_MAP_TTL = 3600  # no check of the site registry's version
    pages = _pages(site, other_site, files)
    documents_for_pages([pages[0].pk])  # the content types are cached
    with CaptureQueriesContext(connection) as one:
        documents_for_pages([pages[0].pk])
    with CaptureQueriesContext(connection) as every:
        documents_for_pages([page.pk for page in pages])
    assert len(every) == len(one)


@pytest.mark.django_db
def test_a_package_answering_item_sites_still_adds_its_sites(site, other_site):
    from search.signals import item_sites

    page = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    address = f"http://{other_site.host}/shown-here.html"

    def shown_on_other_site(sender, page, **kwargs):
        return {str(other_site.pk): address}

    item_sites.connect(shown_on_other_site, weak=False)
    try:
        document = documents_for_pages([page.pk])[page.pk]
    finally:
        item_sites.disconnect(shown_on_other_site)
    assert document.site_ids == (site.pk, other_site.pk)
    assert document.urls[str(other_site.pk)] == address
    assert documents_for_pages([page.pk])[page.pk].site_ids == (site.pk,)
