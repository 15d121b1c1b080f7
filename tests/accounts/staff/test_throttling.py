"""Sign-in throttling per account name and per client address: the same answers
for accounts that exist and those that do not; the address from the proxy's
header only when one is configured; a security administrator lifts a lock."""

import pytest
from django.test import Client

from accounts.staff.models import StaffRole
from accounts.staff.services import lockout_clear, role_group
from core.audit.models import AuditAction, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOCKED = "登录失败次数过多"
WRONG = "wrong-password"


def _try(client, username, password=WRONG):
    return client.post("/admin/login/", {"username": username, "password": password})


def _client(address="198.51.100.1", **extra):
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=address, **extra)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(editor):
    client = _client()
    for _ in range(5):
        answer = _try(client, editor.username)
        assert answer.status_code == 200 and LOCKED not in answer.content.decode()
    refused = _try(client, editor.username, PASSWORD)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address too: the lock is the account's.
    assert (
        LOCKED
        in _try(_client("203.0.113.50"), editor.username, PASSWORD).content.decode()
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LOCKED_OUT, actor_name=editor.username
        ).count()
        == 1
    )


def test_an_unknown_account_gets_the_same_answers(editor):
    known, unknown = _client("198.51.100.2"), _client("198.51.100.3")
    answers = []
    for client, name in ((known, editor.username), (unknown, "no-such-person")):
        texts = [_try(client, name).content.decode() for _ in range(6)]
        answers.append(
            [('<li class="error">' in text, LOCKED in text) for text in texts]
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == (True, False)  # refused, not locked
    assert answers[0][-1] == (True, True)  # locked


def test_an_address_is_locked_after_twenty_failures_across_accounts(editor):
    client = _client("198.51.100.9")
    for n in range(20):
        _try(client, f"guess-{n}")
    assert LOCKED in _try(client, editor.username, PASSWORD).content.decode()
    # Another address signs the same account in.
    assert _try(_client("198.51.100.10"), editor.username, PASSWORD).status_code == 302


def test_a_forged_proxy_header_does_not_escape_the_lock_unless_configured(
    editor, other_editor, settings
):
    for n in range(5):
        _try(_client(HTTP_X_REAL_IP=f"203.0.113.{n}"), editor.username)
    assert LOCKED in _try(_client(), editor.username, PASSWORD).content.decode()
    # With the header configured, the address lock follows it.
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for n in range(20):
        _try(_client("10.0.0.1", HTTP_X_REAL_IP="203.0.113.77"), f"someone-{n}")
    other = other_editor
    behind_proxy = _client("10.0.0.1", HTTP_X_REAL_IP="203.0.113.78")
    assert _try(behind_proxy, other.username, PASSWORD).status_code == 302
    locked = _client("10.0.0.1", HTTP_X_REAL_IP="203.0.113.77")
    assert LOCKED in _try(locked, other.username, PASSWORD).content.decode()


def test_a_security_administrator_lifts_the_lock_audited(editor):
    client = _client()
    for _ in range(5):
        _try(client, editor.username)
    security = UserFactory()
    security.groups.add(role_group(StaffRole.SECURITY_ADMIN))
    lockout_clear(actor=security, username=editor.username)
    assert _try(client, editor.username, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.UNLOCKED, actor=security
    ).exists()


def test_only_a_security_administrator_lifts_a_lock(editor, site_admin):
    from django.core.exceptions import PermissionDenied

    client = _client()
    for _ in range(5):
        _try(client, editor.username)
    with pytest.raises(PermissionDenied):
        lockout_clear(actor=site_admin, username=editor.username)
    assert LOCKED in _try(client, editor.username, PASSWORD).content.decode()
