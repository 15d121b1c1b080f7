"""A site with one published page of every type, for the theme tests."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from cms.contentchecks import automata
from sites import routing
from sites.models import GovSite
from tests.factories import SiteFactory
from tests.factories.content import (
    ArticleFactory,
    ConsultationFactory,
    InterpretationFactory,
    PolicyDocumentFactory,
    column,
)


@pytest.fixture(autouse=True)
def fresh_automata():
    automata.reset_local()
    yield
    automata.reset_local()


def set_theme(site, theme: str):
    GovSite.objects.filter(pk=site.pk).update(theme=theme)
    routing.invalidate()
    site.theme = theme
    return site


@dataclass
class Pages:
    site: object
    article: object
    document: object
    interpretation: object
    consultation: object

    def paths(self) -> dict[str, str]:
        return {
            "home": "/",
            "column": "/news/zwyw/",
            "documents column": "/xxgk/zcwj/",
            "empty column": "/xxgk/ghjh/",
            "article": self.article.url,
            "policy document": self.document.url,
            "interpretation": self.interpretation.url,
            "consultation": self.consultation.url,
            "site map": "/sitemap.html",
        }


def build_pages(site) -> Pages:
    today = timezone.localdate()
    article = ArticleFactory(
        parent=column(site, "zwyw"),
        title="全省优化营商环境工作会议召开",
        source="省政府办公厅",
        author="新闻中心",
        publish=True,
    )
    document = PolicyDocumentFactory(
        parent=column(site, "zcwj"),
        title="关于进一步优化政务服务的实施意见",
        subject_category="general",
        publish=True,
    )
    interpretation = InterpretationFactory(
        parent=column(site, "zcjd"),
        title="《关于进一步优化政务服务的实施意见》解读",
        document=document,
        publish=True,
    )
    consultation = ConsultationFactory(
        parent=column(site, "yjzj"),
        title="关于征求《政务数据共享管理办法（草案）》意见的公告",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=40),
        publish=True,
    )
    return Pages(site, article, document, interpretation, consultation)


@pytest.fixture
def pages(site):
    return build_pages(site)


@pytest.fixture
def portal_site(db):
    return SiteFactory(name="辽宁省人民政府", theme="portal")
