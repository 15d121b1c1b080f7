"""{% consultation_comments page %}: count, adoption summary, texts only where the
consultation shows them (names and numbers masked, hidden comments left out)."""

import pytest
from django.template import Context, Template

from interaction import services
from tests.interaction.conftest import public_client

pytestmark = pytest.mark.django_db

TAG = Template("{% load interaction_tags %}{% consultation_comments page %}")


def _render(page):
    return TAG.render(Context({"page": page}))


def _comment(site, page, text, key):
    return services.comment_submit(
        site=site,
        consultation=page,
        name="赵六",
        contact="zl@example.org",
        text=text,
        idempotency_key=key,
    )[0]


def test_the_tag_shows_the_count_and_no_texts_by_default(county, open_consultation):
    _comment(county, open_consultation, "意见一", "key-000000001")
    _comment(county, open_consultation, "意见二", "key-000000002")
    spam = _comment(county, open_consultation, "垃圾广告", "key-000000003")
    services.comment_hide(site=county, comment=spam, hidden=True)
    html = _render(open_consultation)
    assert "已收到 2 条意见" in html
    assert "意见一" not in html and "垃圾广告" not in html


def test_the_tag_summarises_adoption_and_shows_masked_texts_when_allowed(
    county, open_consultation
):
    one = _comment(county, open_consultation, "电话13812345678的意见", "key-000000011")
    two = _comment(county, open_consultation, "第二条", "key-000000012")
    services.comment_adopt(site=county, comment=one, adoption="adopted", reason="")
    services.comment_adopt(
        site=county, comment=two, adoption="not_adopted", reason="超出范围"
    )
    open_consultation.show_comment_texts = True
    html = _render(open_consultation)
    assert "采纳 1 条，部分采纳 0 条，未采纳 1 条" in html
    assert "138****5678" in html and "13812345678" not in html
    assert "赵**" in html and "赵六" not in html and "zl@example.org" not in html


def test_the_tag_counts_only_its_own_consultation(county, city, open_consultation):
    import datetime

    from django.utils import timezone

    from tests.factories import ConsultationFactory, column

    today = timezone.localdate()
    other = ConsultationFactory(
        parent=column(city, "yjzj"),
        kind="other",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        publish=True,
    )
    _comment(city, other, "市里的意见", "key-000000021")
    assert "已收到 0 条意见" in _render(open_consultation)
    assert "已收到 1 条意见" in _render(other)


def test_the_consultation_page_shows_the_count_and_one_link_to_the_form(
    county, open_consultation
):
    _comment(county, open_consultation, "意见一", "key-000000031")
    response = public_client(county).get(open_consultation.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已收到 1 条意见" in html
    assert "意见一" not in html  # this consultation does not show comment texts
    assert (
        html.count(f"/interaction/consultations/{open_consultation.pk}/comment/") == 1
    )
