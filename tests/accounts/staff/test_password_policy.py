"""The staff password policy: every refusal says why, in Chinese, on every form
that sets a password (the site members page, Wagtail's user pages, one's own
account), and nothing is saved."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import admin_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

# (password, what the refusal says)
WEAK = [
    ("heping123", "常见词"),
    ("qwerty2026", "常见词"),
    ("Admin@2026", "常见词"),
    ("woaini1314", "最常见"),
    ("1qaz2wsx", "最常见"),
    ("Sh0rt!", "太短"),
    ("alllowercaseletters", "至少"),
    ("12345678901", "数字"),
]


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_weak_passwords_are_refused_with_the_reason_in_chinese(password, reason):
    user = User(username="wangxiaoming")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(reason in message for message in refused.value.messages), (
        refused.value.messages
    )


def test_a_password_containing_the_account_name_is_refused():
    user = User(username="liming88")
    with pytest.raises(ValidationError) as refused:
        validate_password("Xx-liming88-Yy", user)
    assert "账号名" in " ".join(refused.value.messages)


def test_a_strong_password_passes():
    validate_password("Zx9!long-enough", User(username="someone"))


def test_the_members_page_says_why_a_password_is_refused(site_admin, site):
    response = admin_client_for(site_admin).post(
        f"/admin/govsites/{site.pk}/members/",
        {"username": "weakling", "role": "editor", "password": "heping123"},
    )
    assert response.status_code == 200
    assert "常见词" in response.content.decode()
    assert not User.objects.filter(username="weakling").exists()


@pytest.fixture
def system_admin(db):
    from accounts.staff.models import StaffRole
    from accounts.staff.services import role_group

    user = UserFactory()
    user.groups.add(role_group(StaffRole.SYSTEM_ADMIN))
    return user


def test_wagtails_user_creation_page_says_why(system_admin):
    response = admin_client_for(system_admin).post(
        "/admin/users/new/",
        {
            "username": "newbie",
            "email": "newbie@example.org",
            "first_name": "新",
            "last_name": "人",
            "password1": "qwerty2026",
            "password2": "qwerty2026",
        },
    )
    assert response.status_code == 200
    assert "常见词" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_wagtails_user_edit_page_says_why(system_admin):
    target = UserFactory()
    old_hash = target.password
    response = admin_client_for(system_admin).post(
        f"/admin/users/edit/{target.pk}/",
        {
            "username": target.username,
            "email": target.email,
            "first_name": "某",
            "last_name": "人",
            "password1": "heping123",
            "password2": "heping123",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "常见词" in response.content.decode()
    target.refresh_from_db()
    assert target.password == old_hash


def test_ones_own_password_change_says_why(editor):
    old_hash = editor.password
    response = admin_client_for(editor).post(
        "/admin/account/",
        {
            "password-old_password": "pw-for-tests-1",
            "password-new_password1": "woaini1314",
            "password-new_password2": "woaini1314",
        },
    )
    assert response.status_code == 200
    assert "最常见" in response.content.decode()
    editor.refresh_from_db()
    assert editor.password == old_hash
