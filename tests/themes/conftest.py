"""A site with one published page of every type, for the theme tests."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

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


def path_of(page) -> str:
    """The page's address on its own host (Wagtail gives a full URL when the
    page's site is not the only one)."""
    return urlsplit(page.url).path


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
            "article": path_of(self.article),
            "policy document": path_of(self.document),
            "interpretation": path_of(self.interpretation),
            "consultation": path_of(self.consultation),
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


def furnish(site, *, articles: int = 8):
    """A home page as an editor sets it up: headlines, column blocks, service
    entrances, quick links to other platforms, a few weeks of news."""
    from themes.models import ThemeSettings

    for n in range(articles):
        ArticleFactory(
            parent=column(site, "zwyw"),
            title=HEADLINES[n % len(HEADLINES)],
            publish=True,
        )
        ArticleFactory(
            parent=column(site, "tzgg"), title=NOTICES[n % len(NOTICES)], publish=True
        )
    home = site.root_page.specific
    home.sections = [
        (
            "headlines",
            {"title": "政务要闻", "column": column(site, "zwyw"), "count": 6},
        ),
        ("column", {"column": column(site, "tzgg"), "count": 6}),
        ("column", {"column": column(site, "zcwj"), "count": 6}),
        (
            "entrances",
            {
                "title": "办事服务",
                "entrances": [
                    {
                        "title": "个人办事",
                        "url": "https://zwfw.example.cn/gr",
                        "icon": "service",
                    },
                    {
                        "title": "法人办事",
                        "url": "https://zwfw.example.cn/fr",
                        "icon": "service",
                    },
                    {
                        "title": "12345热线",
                        "url": "https://12345.example.cn/",
                        "icon": "hotline",
                    },
                    {
                        "title": "公共资源交易",
                        "url": "https://ggzy.example.cn/",
                        "icon": "trading",
                    },
                    {"title": "信息公开", "url": "/xxgk/", "icon": "disclosure"},
                    {"title": "领导信箱", "url": "/hdjl/", "icon": "mail"},
                ],
            },
        ),
    ]
    home.save_revision().publish()
    settings = ThemeSettings.for_site(site.wagtail_site)
    settings.quick_links = [
        (
            "link",
            {
                "title": "政务服务网",
                "url": "https://zwfw.example.cn/",
                "icon": "service",
            },
        ),
        (
            "link",
            {
                "title": "12345热线",
                "url": "https://12345.example.cn/",
                "icon": "hotline",
            },
        ),
        (
            "link",
            {
                "title": "公共资源交易",
                "url": "https://ggzy.example.cn/",
                "icon": "trading",
            },
        ),
    ]
    settings.save()
    GovSite.objects.filter(pk=site.pk).update(
        operator=f"{site.name}办公室",
        contact_phone="024-12345",
        icp_number="辽ICP备05000000号",
        public_security_number="辽公网安备21010202000000号",
    )
    routing.invalidate()
    return site


HEADLINES = [
    "全省深化“一网通办”改革推进会召开",
    "我省政务服务事项网上可办率达到98%",
    "“一次认证、全网通办”平台上线运行",
    "省政府常务会议研究部署优化营商环境工作",
    "全省12345热线服务质效持续提升",
    "我省推进政务数据共享开放",
    "高频事项实现“最多跑一次”",
    "省政府召开新闻发布会介绍改革进展",
]
NOTICES = [
    "关于2027年元旦假期办事安排的通知",
    "关于开展政府网站年度报表工作的通知",
    "关于公开征集2027年立法建议项目的公告",
    "关于调整政务服务大厅办公时间的通知",
]
