"""The public pages through the test client on a site's host: the case form, the
receipt, look-up and rating, the listing, and comments on consultations."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from interaction import services
from interaction.models import Case, Comment
from sites.tenancy import all_sites, use_site
from tests.factories import ConsultationFactory, column
from tests.interaction.conftest import file_case, public_client
from tests.interaction.helpers import form_fields

pytestmark = pytest.mark.django_db

FORM = "/interaction/cases/new/?channel=complaints"
LETTER = {
    "kind": "complaint",
    "title": "路灯不亮",
    "content": "幸福路的路灯坏了三天。",
    "name": "张三",
    "phone": "13812345678",
    "email": "",
    "allow_public": "on",
}


def _post_letter(client, **overrides):
    fields = form_fields(client.get(FORM).content.decode())
    return client.post(FORM, {**LETTER, **fields, **overrides}), fields


def _cases():
    with all_sites():
        return list(Case.objects.all())


def test_a_letter_is_stored_and_its_receipt_shows_number_and_code(county):
    client = public_client(county)
    response, _fields = _post_letter(client)
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    (case,) = _cases()
    html = receipt.content.decode()
    assert case.tracking_number in html and 'id="query-code"' in html
    assert receipt["Cache-Control"].startswith("max-age=0")


def _receipt_cookie(client, key):
    from interaction.views import RECEIPT_COOKIE

    cookie = client.cookies.get(RECEIPT_COOKIE + key)
    return cookie.value if cookie is not None else ""


def test_the_query_code_is_never_kept_in_the_session(county):
    from django.contrib.sessions.models import Session

    client = public_client(county)
    response, fields = _post_letter(client)
    assert response.status_code == 302
    (case,) = _cases()
    receipt = client.get(response["Location"]).content.decode()
    code = re.search(r'id="query-code">([^<]+)<', receipt).group(1)
    # Neither in any stored session (a receipt never loaded would leave it there
    # for weeks) nor readable in the browser's cookie.
    for session in Session.objects.all():
        assert code not in str(session.get_decoded())
    assert code not in _receipt_cookie(client, fields["idempotency_key"])
    assert case.tracking_number in receipt


def test_the_receipt_shows_the_code_only_for_minutes(county, monkeypatch):
    import interaction.views

    monkeypatch.setattr(interaction.views, "RECEIPT_MAX_AGE", -1)
    client = public_client(county)
    response, _fields = _post_letter(client)
    (case,) = _cases()
    late = client.get(response["Location"]).content.decode()
    assert case.tracking_number in late and 'id="query-code"' not in late


def test_the_query_code_leaves_the_cookie_once_the_receipt_showed_it(county):
    client = public_client(county)
    response, _fields = _post_letter(client)
    first = client.get(response["Location"]).content.decode()
    assert 'id="query-code"' in first
    (case,) = _cases()
    reload = client.get(response["Location"])
    assert reload.status_code == 200
    html = reload.content.decode()
    assert case.tracking_number in html and 'id="query-code"' not in html
    assert 'id="code-shown-once"' in html


def test_receipts_already_shown_leave_the_browser(county):
    """A hotline operator files letter after letter from one browser: the
    receipts already shown are dropped, so the cookies sent stay a few (they
    grew by one a letter until the receipt was refused as too large, 431)."""
    from interaction.views import RECEIPT_COOKIE

    client = public_client(county)
    unshown, unshown_fields = _post_letter(client, title="另一个标签页的来信")
    keys = []
    for n in range(4):
        response, fields = _post_letter(client, title=f"来信{n}")
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
        keys.append(fields["idempotency_key"])
    live = {
        name[len(RECEIPT_COOKIE) :]
        for name, morsel in client.cookies.items()
        if name.startswith(RECEIPT_COOKIE) and morsel.value
    }
    # The last receipt's marker, and the receipt another tab has not shown yet.
    assert live == {keys[-1], unshown_fields["idempotency_key"]}
    first = client.get(unshown["Location"]).content.decode()
    assert 'id="query-code"' in first
    # An earlier receipt's page still gives its number (from the case).
    (case,) = [c for c in _cases() if c.title == "来信0"]
    again = client.get(f"/interaction/cases/submitted/?k={keys[0]}")
    assert again.status_code == 200
    assert case.tracking_number in again.content.decode()


def test_a_double_submission_stores_one_case(county):
    client = public_client(county)
    response, fields = _post_letter(client)
    again = client.post(
        FORM,
        {
            **LETTER,
            **fields,
            **form_fields(client.get(FORM).content.decode()),
            "idempotency_key": fields["idempotency_key"],
        },
    )
    assert response.status_code == again.status_code == 302
    assert len(_cases()) == 1
    assert response["Location"] == again["Location"]


def test_the_same_form_sent_again_with_other_content_is_refused_in_chinese(county):
    client = public_client(county)
    _response, fields = _post_letter(client)
    changed = client.post(
        FORM,
        {
            **LETTER,
            **form_fields(client.get(FORM).content.decode()),
            "idempotency_key": fields["idempotency_key"],
            "content": "其实是另一件事：小区门口积水。",
        },
    )
    assert changed.status_code == 409
    html = changed.content.decode()
    assert "已经提交过" in html and "小区门口积水" in html
    new_key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert new_key != fields["idempotency_key"]
    assert len(_cases()) == 1
    # Sending it again files it as a new letter.
    again = client.post(
        FORM,
        {
            **LETTER,
            **form_fields(html),
            "content": "其实是另一件事：小区门口积水。",
        },
    )
    assert again.status_code == 302 and len(_cases()) == 2


def test_a_wrong_captcha_is_refused_and_keeps_what_was_typed(county, english_messages):
    client = public_client(county)
    response, _ = _post_letter(client, captcha_0="999")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The answer to the check question is wrong" in html
    assert "幸福路的路灯坏了三天。" in html and "13812345678" in html
    assert _cases() == []


def test_a_captcha_token_is_accepted_once(county):
    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    assert client.post(FORM, {**LETTER, **fields}).status_code == 302
    replay = client.post(FORM, {**LETTER, **fields, "idempotency_key": "a" * 32})
    assert replay.status_code == 400
    assert len(_cases()) == 1


def test_the_same_submission_sent_twice_passes_the_captcha_and_finds_its_letter(
    county,
):
    # A double click without JavaScript: the very same POST (same token, same key)
    # twice. The second must answer with the first letter, not a captcha error.
    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    first = client.post(FORM, {**LETTER, **fields})
    second = client.post(FORM, {**LETTER, **fields})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert len(_cases()) == 1


def test_the_captcha_accepts_chinese_numerals():
    from interaction.captcha import normalise_answer

    assert normalise_answer("十二") == "12"
    assert normalise_answer("７") == "7"
    assert normalise_answer("十") == "10"


def test_a_post_without_csrf_token_is_refused(county):
    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    fields.pop("csrfmiddlewaretoken")
    assert client.post(FORM, {**LETTER, **fields}).status_code == 403
    assert _cases() == []


@pytest.mark.parametrize(
    ("content", "stored"),
    [
        ("<script>alert('x')</script>请修路", "alert('x')请修路"),
        ('<a href="http://evil.example">点这里</a>', "点这里"),
        ("'; DROP TABLE interaction_case; --", "'; DROP TABLE interaction_case; --"),
        ("路灯坏了😡🙏", "路灯坏了😡🙏"),
        ("&lt;b&gt;粗体&lt;/b&gt;", "<b>粗体</b>"),
    ],
)
def test_markup_and_odd_text_are_stored_as_plain_text_and_rendered_safely(
    county, county_handler, content, stored
):
    client = public_client(county)
    response, _ = _post_letter(client, content=content)
    assert response.status_code == 302
    (case,) = _cases()
    assert case.content == stored
    services.case_accept(site=county, case=case, user=county_handler)
    services.case_reply(site=county, case=case, user=county_handler, reply="已处理")
    listing = client.get("/interaction/cases/").content.decode()
    assert "<script>" not in listing and "<b>粗体" not in listing
    assert "evil.example" not in listing


def test_a_100000_character_body_is_refused(county, english_messages):
    client = public_client(county)
    response, _ = _post_letter(client, content="长" * 100_000)
    assert response.status_code == 400
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    assert _cases() == []


def _png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_upload_that_lies_about_its_type_is_refused(county):
    client = public_client(county)
    fake = SimpleUploadedFile(
        "证明.pdf", b"<html><script>x</script></html>", "application/pdf"
    )
    response, _ = _post_letter(client, attachments=[fake])
    assert response.status_code == 400
    assert "证明.pdf" in response.content.decode()
    assert _cases() == []


def test_image_and_pdf_attachments_are_kept_for_the_handlers(county, county_handler):
    from tests.conftest import admin_client_for

    client = public_client(county)
    image = SimpleUploadedFile("现场.png", _png_bytes(), "image/png")
    pdf = SimpleUploadedFile(
        "材料.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf"
    )
    response, _ = _post_letter(client, attachments=[image, pdf])
    assert response.status_code == 302
    (case,) = _cases()
    with use_site(county):
        attachments = list(case.attachments.all())
    assert sorted(a.original_name for a in attachments) == ["材料.pdf", "现场.png"]
    handler = admin_client_for(county_handler)
    download = handler.get(
        f"/admin/interaction/cases/{case.pk}/attachments/{attachments[0].pk}/"
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    download.close()


def test_submissions_are_rate_limited_per_ip(county, settings, english_messages):
    settings.INTERACTION_SUBMIT_RATE = "2/h"
    client = public_client(county)
    assert _post_letter(client)[0].status_code == 302
    assert _post_letter(client)[0].status_code == 302
    third, _ = _post_letter(client)
    assert third.status_code == 429
    assert "Too many submissions" in third.content.decode()
    assert len(_cases()) == 2


def test_lookup_and_rating_through_the_status_page(county, county_handler):
    case, code = file_case(county)
    services.case_accept(site=county, case=case, user=county_handler)
    services.case_reply(site=county, case=case, user=county_handler, reply="已修复。")
    client = public_client(county)
    page = client.get("/interaction/cases/lookup/").content.decode()
    status = client.post(
        "/interaction/cases/lookup/",
        {
            "tracking_number": case.tracking_number,
            "query_code": code,
            **form_fields(page),
        },
    )
    html = status.content.decode()
    assert status.status_code == 200 and "已修复。" in html
    assert "13812345678" not in html  # personal data stays masked here too
    import re

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    rated = client.post(
        "/interaction/cases/rate/",
        {"rating": "satisfied", "comment": "谢谢", "token": token, **form_fields(html)},
    )
    assert rated.status_code == 200
    with use_site(county):
        assert Case.objects.get(pk=case.pk).rating == "satisfied"


def test_a_wrong_query_code_is_refused_with_the_same_message_as_a_forged_number(
    county, english_messages
):
    case, _code = file_case(county)
    client = public_client(county)
    fields = form_fields(client.get("/interaction/cases/lookup/").content.decode())
    wrong = client.post(
        "/interaction/cases/lookup/",
        {"tracking_number": case.tracking_number, "query_code": "ZZZZZZZZ", **fields},
    )
    forged = client.post(
        "/interaction/cases/lookup/",
        {
            "tracking_number": county.code + "2026010199999",
            "query_code": "ZZZZZZZZ",
            **fields,
        },
    )
    assert wrong.status_code == forged.status_code == 400
    message = "The tracking number or the query code is not right."
    assert message in wrong.content.decode() and message in forged.content.decode()


def test_a_stranger_locks_only_their_own_network_out_of_a_number(
    county, english_messages
):
    case, code = file_case(county)
    stranger = public_client(county)
    stranger.defaults["REMOTE_ADDR"] = "198.51.100.7"
    fields = form_fields(stranger.get("/interaction/cases/lookup/").content.decode())

    def answer(number):
        response = stranger.post(
            "/interaction/cases/lookup/",
            {"tracking_number": number, "query_code": "ZZZZZZZZ", **fields},
        )
        html = response.content.decode()
        return response.status_code, re.search(r'role="alert">([^<]+)<', html)[1]

    answers = [
        answer(number)
        for number in [case.tracking_number] * 6 + [county.code + "2026999999999"] * 6
    ]
    # Wrong codes and an unknown number: the same answers, the lock included.
    assert answers[:6] == answers[6:]
    assert "Too many wrong tries" in answers[5][1]
    assert answers[0] == (400, "The tracking number or the query code is not right.")
    person = public_client(county)
    fields = form_fields(person.get("/interaction/cases/lookup/").content.decode())
    status = person.post(
        "/interaction/cases/lookup/",
        {"tracking_number": case.tracking_number, "query_code": code, **fields},
    )
    assert status.status_code == 200 and "Too many" not in status.content.decode()


def test_the_public_listing_masks_personal_data_everywhere(county, county_handler):
    case, _ = file_case(
        county,
        content="我是张三，电话13812345678，身份证210102199001011234，邮箱zs@example.org",
    )
    hidden, _ = file_case(county, title="不公开的信", allow_public=False)
    for c in (case, hidden):
        services.case_accept(site=county, case=c, user=county_handler)
        services.case_reply(
            site=county,
            case=c,
            user=county_handler,
            reply="张三您好，已回电13812345678。",
        )
    html = public_client(county).get("/interaction/cases/").content.decode()
    assert case.tracking_number in html and hidden.tracking_number not in html
    for secret in ("张三", "13812345678", "210102199001011234", "zs@example.org"):
        assert secret not in html
    assert "张**" in html and "138****5678" in html and "z***@example.org" in html


def test_a_comment_is_stored_while_the_consultation_is_open(county, open_consultation):
    client = public_client(county)
    url = f"/interaction/consultations/{open_consultation.pk}/comment/"
    fields = form_fields(client.get(url).content.decode())
    response = client.post(url, {"text": "建议延长开放时间。", **fields})
    assert response.status_code == 200
    again = client.post(url, {"text": "建议延长开放时间。", **fields})
    assert again.status_code in (200, 400)
    with use_site(county):
        assert Comment.objects.count() == 1


def test_the_same_comment_form_sent_with_other_text_is_refused(
    county, open_consultation
):
    client = public_client(county)
    url = f"/interaction/consultations/{open_consultation.pk}/comment/"
    fields = form_fields(client.get(url).content.decode())
    assert client.post(url, {"text": "建议延长开放时间。", **fields}).status_code == 200
    changed = client.post(
        url,
        {
            "text": "建议周末也开放。",
            **form_fields(client.get(url).content.decode()),
            "idempotency_key": fields["idempotency_key"],
        },
    )
    assert changed.status_code == 409
    html = changed.content.decode()
    assert "已经提交过" in html and "建议周末也开放。" in html
    with use_site(county):
        assert [c.text for c in Comment.objects.all()] == ["建议延长开放时间。"]


@pytest.mark.parametrize("when", ["closed", "upcoming"])
def test_a_closed_or_upcoming_consultation_refuses_comments_in_chinese(county, when):
    today = timezone.localdate()
    if when == "closed":
        starts, ends = (
            today - datetime.timedelta(days=40),
            today - datetime.timedelta(days=1),
        )
    else:
        starts, ends = (
            today + datetime.timedelta(days=2),
            today + datetime.timedelta(days=40),
        )
    page = ConsultationFactory(
        parent=column(county, "zjdc"),
        kind="other",
        starts_on=starts,
        ends_on=ends,
        publish=True,
    )
    client = public_client(county)
    url = f"/interaction/consultations/{page.pk}/comment/"
    shown = client.get(url).content.decode()
    expected = "已截止" if when == "closed" else "尚未开始"
    assert expected in shown
    assert "<form" not in shown.split('id="main"')[1]
    csrf = form_fields(client.get("/interaction/cases/lookup/").content.decode())
    response = client.post(url, {"text": "意见", "idempotency_key": "k" * 32, **csrf})
    assert response.status_code == 400
    assert expected in response.content.decode()
    with use_site(county):
        assert not Comment.objects.exists()


def test_a_consultation_requiring_identity_refuses_anonymous_comments(
    county, open_consultation
):
    open_consultation.requires_identity = True
    open_consultation.save_revision().publish()
    client = public_client(county)
    url = f"/interaction/consultations/{open_consultation.pk}/comment/"
    fields = form_fields(client.get(url).content.decode())
    assert client.post(url, {"text": "意见", **fields}).status_code == 400
    with use_site(county):
        assert not Comment.objects.exists()


def test_another_sites_consultation_is_not_found_on_this_host(
    county, city, open_consultation
):
    url = f"/interaction/consultations/{open_consultation.pk}/comment/"
    assert public_client(city).get(url).status_code == 404
    assert public_client(county).get(url).status_code == 200


def test_a_transferred_case_is_looked_up_and_listed_on_the_host_it_was_filed_on(
    county, city, county_handler, city_handler
):
    case, code = file_case(county, title="转到市里的信")
    services.case_transfer(
        site=county, case=case, user=county_handler, to_site=city, message="市级事权"
    )
    with use_site(city):
        case = Case.objects.get(pk=case.pk)
    services.case_accept(site=city, case=case, user=city_handler)
    services.case_reply(site=city, case=case, user=city_handler, reply="市里已处理。")
    client = public_client(county)
    fields = form_fields(client.get("/interaction/cases/lookup/").content.decode())
    status = client.post(
        "/interaction/cases/lookup/",
        {"tracking_number": case.tracking_number, "query_code": code, **fields},
    )
    html = status.content.decode()
    assert status.status_code == 200 and "市里已处理。" in html
    assert "已转办" in html  # its history went with it
    assert "转到市里的信" in client.get("/interaction/cases/").content.decode()
    # The city's own listing shows the case it handled, too.
    assert (
        "转到市里的信"
        in public_client(city).get("/interaction/cases/").content.decode()
    )


def test_public_refusals_are_in_chinese(county, settings):
    case, _code = file_case(county)
    client = public_client(county)
    fields = form_fields(client.get("/interaction/cases/lookup/").content.decode())
    wrong = client.post(
        "/interaction/cases/lookup/",
        {"tracking_number": case.tracking_number, "query_code": "ZZZZZZZZ", **fields},
    )
    assert "信件编号或查询码不正确。" in wrong.content.decode()
    form = client.get(FORM).content.decode()
    assert "等于几？" in form and "朗读题目" in form
    bad, _ = _post_letter(client, captcha_0="999", content="长" * 6000)
    html = bad.content.decode()
    assert "验证问题回答错误" in html
    assert "5000" in html
    settings.INTERACTION_SUBMIT_RATE = "1/h"
    _post_letter(client)
    limited, _ = _post_letter(client)
    assert limited.status_code == 429
    assert "提交次数过多" in limited.content.decode()


def test_the_leaders_mailbox_column_leads_to_the_letter_form(county):
    client = public_client(county)
    mailbox = column(county, "ldxx")
    html = client.get(mailbox.url).content.decode()
    assert 'href="/interaction/cases/new/?channel=leader"' in html
    assert 'href="/interaction/cases/lookup/"' in html
    form = client.get("/interaction/cases/new/?channel=leader")
    assert form.status_code == 200
    assert 'name="idempotency_key"' in form.content.decode()
    # A column of another kind has no letter entrances.
    news = client.get(column(county, "gzdt").url).content.decode()
    assert "/interaction/cases/new/" not in news


class _BrokenMail:
    """A mail backend that fails in a way nobody planned for."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise RuntimeError("mail backend broken")


def _broken_session_save(self, must_create=False):
    from django.db import OperationalError

    raise OperationalError("the database is restarting")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stored_letter_shows_its_receipt_when_later_steps_fail(
    county, settings, monkeypatch
):
    """Committed, then the mail fails and the session cannot be written (the
    database restarting): the person still gets the receipt with the code."""
    from django.contrib.sessions.backends.db import SessionStore

    settings.EMAIL_BACKEND = f"{__name__}._BrokenMail"
    client = public_client(county)
    fields = form_fields(client.get(FORM).content.decode())
    monkeypatch.setattr(SessionStore, "save", _broken_session_save)
    response = client.post(FORM, {**LETTER, **fields, "email": "zhangsan@example.org"})
    assert response.status_code == 302
    (case,) = _cases()
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert case.tracking_number in html and 'id="query-code"' in html


def test_the_letter_form_asks_for_a_persons_name_as_姓名(county):
    html = public_client(county).get(FORM).content.decode()
    label = re.search(r'<label[^>]*for="id_name"[^>]*>(.*?)</label>', html, re.S)
    assert label is not None and "姓名" in label.group(1)
    assert "名称" not in label.group(1)
