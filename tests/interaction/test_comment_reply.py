"""The site's official reply to a public comment: written by the staff of the
comment's site on its admin page, shown under the comment on the consultation page
and in the author's 「我的留言」, and one in-site notice to the author when they
were signed in (through ``interaction.signals.comment_replied``, which
subscriptions listens to). Nobody of another site reaches it."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from delivery.models import PendingPublish
from interaction import services
from interaction.models import COMMENT_MAX, Comment
from sites.models import SiteRole
from sites.tenancy import use_site
from subscriptions.models import Notification, NotificationKind
from tests.accounts.helpers import make_account, signed_in_client
from tests.conftest import _member, admin_client_for

pytestmark = pytest.mark.django_db

REPLY = "感谢您的建议，夜间办理将于下月起试行。"


def _comment(site, consultation, text="建议增加夜间办理。", user=None):
    comment, _created = services.comment_submit(
        site=site,
        consultation=consultation,
        name="李雷",
        contact="13900139000",
        text=text,
        idempotency_key=f"reply-test-{text[:6]}-0001",
        user=user,
    )
    return comment


def _url(comment):
    return f"/admin/interaction/comments/{comment.pk}/"


def _stored(site, comment) -> Comment:
    with use_site(site):
        return Comment.objects.get(pk=comment.pk)


def test_a_reply_is_shown_publicly_and_its_author_is_told_once(
    county, county_handler, open_consultation
):
    citizen = make_account().user
    comment = _comment(county, open_consultation, user=citizen)
    open_consultation.show_comment_texts = True
    open_consultation.save_revision().publish()
    PendingPublish.objects.all().delete()  # what publishing it recorded
    staff = admin_client_for(county_handler)
    page = staff.get(_url(comment)).content.decode()
    assert 'id="reply-form"' in page and "官方答复" in page

    done = staff.post(_url(comment), {"action": "reply", "reply": REPLY}, follow=True)
    assert "答复已保存" in done.content.decode()
    stored = _stored(county, comment)
    assert stored.reply == REPLY and stored.replied_by == county_handler
    (notice,) = Notification.objects.filter(user=citizen)
    assert notice.kind == NotificationKind.COMMENT
    assert open_consultation.title in notice.title and "答复" in notice.title
    assert notice.url == "/accounts/me/comments/" and notice.site_id == county.pk

    # The same reply again, or a corrected one: no second notice.
    staff.post(_url(comment), {"action": "reply", "reply": REPLY})
    staff.post(_url(comment), {"action": "reply", "reply": REPLY + "详见公告。"})
    assert Notification.objects.filter(user=citizen).count() == 1
    assert _stored(county, comment).reply == REPLY + "详见公告。"

    person = signed_in_client(county, citizen)
    count = person.get("/subscriptions/notifications/count.json")
    assert json.loads(count.content) == {"count": 1}
    listed = person.get("/subscriptions/notifications/").content.decode()
    assert notice.title in listed and "/accounts/me/comments/" in listed
    mine = person.get("/accounts/me/comments/").content.decode()
    assert "官方答复" in mine and REPLY + "详见公告。" in mine

    # The consultation's page shows the reply: its static file is written again.
    assert PendingPublish.objects.filter(
        site=county, page_id=open_consultation.pk
    ).exists()
    public = person.get(open_consultation.url).content.decode()
    assert "官方答复" in public and REPLY + "详见公告。" in public


def test_a_reply_to_an_anonymous_comment_notifies_nobody(
    county, county_handler, open_consultation
):
    comment = _comment(county, open_consultation)
    PendingPublish.objects.all().delete()  # what publishing it recorded
    services.comment_reply(
        site=county, comment=comment, text=REPLY, user=county_handler
    )
    assert _stored(county, comment).reply == REPLY
    assert not Notification.objects.exists()
    # Its consultation shows no texts: no page to write again.
    assert not PendingPublish.objects.filter(page_id=open_consultation.pk).exists()


def test_bad_replies_are_refused_and_nothing_is_written(
    county, county_handler, open_consultation
):
    citizen = make_account().user
    comment = _comment(county, open_consultation, user=citizen)
    staff = admin_client_for(county_handler)
    empty = staff.post(_url(comment), {"action": "reply", "reply": "   "})
    assert empty.status_code == 200 and "必需字段" in empty.content.decode()
    long = staff.post(
        _url(comment), {"action": "reply", "reply": "长" * (COMMENT_MAX + 1)}
    )
    assert long.status_code == 200 and "3000" in long.content.decode()
    with pytest.raises(ValidationError):
        services.comment_reply(
            site=county, comment=comment, text="长" * (COMMENT_MAX + 1), user=None
        )
    # A comment hidden as spam gets no reply.
    services.comment_hide(site=county, comment=comment, hidden=True)
    hidden = staff.post(_url(comment), {"action": "reply", "reply": REPLY})
    assert hidden.status_code == 200
    assert "请先恢复显示这条意见" in hidden.content.decode()
    assert _stored(county, comment).reply == ""
    assert not Notification.objects.exists()


def test_an_editor_of_another_site_cannot_reply(
    county, city, department, city_handler, open_consultation
):
    citizen = make_account().user
    comment = _comment(county, open_consultation, user=citizen)
    department_editor = _member(department, SiteRole.EDITOR)
    for other in (city_handler, department_editor):
        client = admin_client_for(other)
        answer = client.post(_url(comment), {"action": "reply", "reply": "冒名答复"})
        assert answer.status_code == 404
    with pytest.raises(PermissionDenied):
        services.comment_reply(
            site=department, comment=comment, text="冒名答复", user=department_editor
        )
    assert _stored(county, comment).reply == ""
    assert not Notification.objects.exists()
