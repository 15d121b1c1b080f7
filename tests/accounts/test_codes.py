"""One-time codes and registration: codes expire, are single-use, die after a few
wrong tries; the same answer for known and unknown addresses; consent is stored."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from accounts import identifiers, selectors, services
from accounts.models import Consent, IdentitySession, PublicAccount, VerificationCode
from interaction import crypto

from .conftest import IDENTITY, last_code
from .helpers import make_account, register_by_phone

pytestmark = pytest.mark.django_db
LOGIN = f"http://{IDENTITY}/accounts/login/"


def test_register_by_phone_code_stores_consent_and_encrypted_phone(browser_client, sms):
    response = register_by_phone(browser_client, sms, phone="+86 138-0013-8000")
    assert response.status_code == 302
    account = PublicAccount.objects.get()
    assert account.phone == "13800138000" and account.phone_verified_at
    consent = Consent.objects.get(user=account.user)
    assert consent.version == "2026-01" and "加密存储" in services.consent_purpose()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone FROM accounts_publicaccount WHERE id = %s", [account.pk]
        )
        stored = cursor.fetchone()[0]
    assert "13800138000" not in stored and stored.split(":")[0] in crypto.CIPHERS
    assert selectors.account_for_identifier("138 0013 8000") == account
    assert IdentitySession.objects.filter(user=account.user).count() == 1


def test_register_by_email_code(browser_client, mailoutbox):
    browser_client.post(LOGIN, {"action": "send", "target": "Li.Ming@Example.org"})
    code = re.search(r"\d{6}", mailoutbox[-1].body).group(0)
    response = browser_client.post(
        LOGIN,
        {"action": "verify", "target": "li.ming@example.org", "code": code,
         "consent": "on", "username": "liming"},
    )  # fmt: skip
    assert response.status_code == 302
    account = PublicAccount.objects.get()
    assert account.email == "li.ming@example.org"
    assert account.user.username == "liming"


def test_same_answer_for_known_and_unknown_numbers(browser_client, sms):
    make_account(phone="13900139000")
    known = browser_client.post(LOGIN, {"action": "send", "target": "13900139000"})
    unknown = browser_client.post(LOGIN, {"action": "send", "target": "13700137000"})
    assert known.status_code == unknown.status_code == 200
    assert 'id="code-sent"' in known.content.decode()
    assert 'id="code-sent"' in unknown.content.decode()
    assert len(sms) == 2  # both got a code: an unknown number registers with it


def test_replayed_code_is_refused_and_nothing_changes(browser_client, sms):
    register_by_phone(browser_client, sms)
    code = last_code(sms)
    other = type(browser_client)()
    response = other.post(
        LOGIN,
        {"action": "verify", "target": "13800138000", "code": code, "consent": "on"},
    )
    assert response.status_code == 400
    assert "验证码错误或已失效" in response.content.decode()
    assert IdentitySession.objects.count() == 1
    assert PublicAccount.objects.count() == 1


def test_expired_code_is_refused(sms):
    services.code_send(target="13800138000")
    VerificationCode.objects.update(expires_at=timezone.now() - datetime.timedelta(1))
    with pytest.raises(services.Refused):
        services.sign_in_with_code(
            target="13800138000", code=last_code(sms), consent=True
        )
    assert not PublicAccount.objects.exists()
    assert VerificationCode.objects.get().used_at is None


def test_code_brute_force_kills_the_code(sms):
    services.code_send(target="13800138000")
    right = last_code(sms)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(services.Refused):
            services.sign_in_with_code(target="13800138000", code=wrong, consent=True)
    with pytest.raises(services.Refused):  # the right code, too late
        services.sign_in_with_code(target="13800138000", code=right, consent=True)
    assert VerificationCode.objects.get().attempts == 5
    assert not PublicAccount.objects.exists()


def test_code_requests_are_limited_per_address(settings, sms):
    settings.ACCOUNTS_CODE_PER_HOUR = 2
    services.code_send(target="13800138000")
    services.code_send(target="13800138000")
    with pytest.raises(services.Refused):
        services.code_send(target="13800138000")
    assert len(sms) == 2


def test_resend_too_soon_is_refused(settings, sms):
    settings.ACCOUNTS_CODE_RESEND_SECONDS = 60
    services.code_send(target="13800138000")
    with pytest.raises(services.Refused, match="一分钟后"):
        services.code_send(target="13800138000")


def test_registration_without_consent_is_refused_and_the_code_stays_good(sms):
    services.code_send(target="13800138000")
    code = last_code(sms)
    with pytest.raises(services.ConsentRequired):
        services.sign_in_with_code(target="13800138000", code=code, consent=False)
    assert not PublicAccount.objects.exists()
    user, created = services.sign_in_with_code(
        target="13800138000", code=code, consent=True
    )
    assert created and user.public_account.phone == "13800138000"


def test_known_account_signs_in_without_consent_box(sms):
    account = make_account(phone="13900139000")
    services.code_send(target="13900139000")
    user, created = services.sign_in_with_code(
        target="13900139000", code=last_code(sms), consent=False
    )
    assert user == account.user and not created


def test_malformed_address_is_refused_in_chinese(browser_client, sms):
    response = browser_client.post(LOGIN, {"action": "send", "target": "12345"})
    assert response.status_code == 400
    assert "手机号" in response.content.decode()
    assert not sms


def test_password_sign_in_by_name_phone_or_email(browser_client):
    account = make_account(
        phone="13900139000", username="wang-wu", password="Qz!8vLm#2026"
    )
    account.email = "wang@example.org"
    account.save()
    for identifier in ("wang-wu", "13900139000", "WANG@example.org"):
        client = type(browser_client)()
        response = client.post(
            LOGIN,
            {
                "action": "password",
                "identifier": identifier,
                "password": "Qz!8vLm#2026",
            },
        )
        assert response.status_code == 302, identifier
    wrong = browser_client.post(
        LOGIN, {"action": "password", "identifier": "wang-wu", "password": "nope"}
    )
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()


def test_phone_is_found_by_keyed_hash_only():
    account = make_account(phone="13900139000")
    assert account.phone_hash == identifiers.phone_hash("13900139000")
    assert "13900139000" not in account.phone_hash
