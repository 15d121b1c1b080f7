"""Content pages placed in a site's columns, as an editor would create them."""

import datetime

import factory
from wagtail.models import Page

from cms.models import (
    ArticlePage,
    ColumnPage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)


def column(site, code: str) -> ColumnPage:
    return ColumnPage.objects.descendant_of(site.root_page).get(code=code)


def body(text: str) -> list:
    return [("paragraph", f"<p>{text}</p>")]


class _PageFactory(factory.Factory):
    """Builds the page and adds it under ``parent`` (a column); ``publish=True``
    publishes its first revision."""

    parent = None
    publish = False
    title = factory.Sequence(lambda n: f"测试内容{n}")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("parent")
        kwargs.pop("publish")
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent: Page = kwargs.pop("parent")
        publish: bool = kwargs.pop("publish")
        kwargs.setdefault("live", False)  # a draft until its revision is published
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page


class ArticleFactory(_PageFactory):
    class Meta:
        model = ArticlePage

    body = factory.LazyFunction(lambda: body("正文内容。"))


class PolicyDocumentFactory(_PageFactory):
    class Meta:
        model = PolicyDocumentPage

    issuing_organ = "测试省人民政府办公厅"
    document_number = factory.Sequence(lambda n: f"测政办发〔2026〕{n + 1}号")
    written_on = datetime.date(2026, 3, 2)
    body = factory.LazyFunction(lambda: body("文件正文。"))


class InterpretationFactory(_PageFactory):
    class Meta:
        model = InterpretationPage

    body = factory.LazyFunction(lambda: body("解读正文。"))


class ConsultationFactory(_PageFactory):
    class Meta:
        model = ConsultationPage

    kind = "rule_draft"
    starts_on = datetime.date(2026, 3, 2)
    ends_on = datetime.date(2026, 4, 10)
    draft = "<p>草案全文。</p>"
    how_to_comment = "<p>在本页提交意见。</p>"
