"""三员分立: system, security and audit administrators; no account holds two of
the roles (service, form and database); the hierarchy of site admins."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.staff.models import StaffRole, StaffRoleAssignment
from accounts.staff.services import role_group, staff_role_grant, staff_role_revoke
from core.audit.models import AuditAction, AuditEvent, AuditResult
from sites.services import SitePermissionDenied, site_groups, site_member_add
from tests.conftest import admin_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def system_admin(db):
    user = UserFactory()
    user.groups.add(role_group(StaffRole.SYSTEM_ADMIN))
    StaffRoleAssignment.objects.create(user=user, role=StaffRole.SYSTEM_ADMIN)
    return user


def test_a_system_administrator_grants_a_role_audited(system_admin):
    person = UserFactory()
    staff_role_grant(actor=system_admin, user=person, role=StaffRole.AUDIT_ADMIN)
    assert person.groups.filter(pk=role_group(StaffRole.AUDIT_ADMIN).pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ROLE_GRANTED, actor=system_admin, object_id=str(person.pk)
    ).exists()


def test_no_account_holds_two_roles(system_admin):
    person = UserFactory()
    staff_role_grant(actor=system_admin, user=person, role=StaffRole.SECURITY_ADMIN)
    with pytest.raises(ValidationError, match="最多担任"):
        staff_role_grant(actor=system_admin, user=person, role=StaffRole.AUDIT_ADMIN)
    assert list(
        StaffRoleAssignment.objects.filter(user=person).values_list("role", flat=True)
    ) == [StaffRole.SECURITY_ADMIN]
    assert not person.groups.filter(pk=role_group(StaffRole.AUDIT_ADMIN).pk).exists()
    # The database holds the line too.
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRoleAssignment.objects.create(user=person, role=StaffRole.AUDIT_ADMIN)


def test_the_roles_form_says_why_a_second_role_is_refused(system_admin):
    person = UserFactory()
    client = admin_client_for(system_admin)
    client.post(
        "/admin/administrator-roles/",
        {"username": person.username, "role": StaffRole.SECURITY_ADMIN},
    )
    response = client.post(
        "/admin/administrator-roles/",
        {"username": person.username, "role": StaffRole.AUDIT_ADMIN},
    )
    assert response.status_code == 200
    assert "最多担任" in response.content.decode()
    assert StaffRoleAssignment.objects.get(user=person).role == StaffRole.SECURITY_ADMIN


def test_only_a_system_administrator_grants_roles(site_admin, system_admin):
    person = UserFactory()
    security = UserFactory()
    staff_role_grant(actor=system_admin, user=security, role=StaffRole.SECURITY_ADMIN)
    for actor in (site_admin, security):
        with pytest.raises(PermissionDenied):
            staff_role_grant(actor=actor, user=person, role=StaffRole.AUDIT_ADMIN)
        refused = admin_client_for(actor).get("/admin/administrator-roles/")
        assert refused.status_code in (302, 403)  # Wagtail redirects a 403
        assert "最多担任" not in refused.content.decode()
    assert not StaffRoleAssignment.objects.filter(user=person).exists()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.ROLE_GRANTED, result=AuditResult.REFUSED
        ).count()
        == 2
    )


def test_nobody_grants_themselves_a_role_and_the_superuser_holds_none(system_admin):
    with pytest.raises(PermissionDenied):
        staff_role_grant(
            actor=system_admin, user=system_admin, role=StaffRole.AUDIT_ADMIN
        )
    root = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError):
        staff_role_grant(actor=system_admin, user=root, role=StaffRole.AUDIT_ADMIN)


def test_revoking_takes_the_group_away(system_admin):
    person = UserFactory()
    staff_role_grant(actor=system_admin, user=person, role=StaffRole.AUDIT_ADMIN)
    staff_role_revoke(actor=system_admin, user=person)
    assert not StaffRoleAssignment.objects.filter(user=person).exists()
    assert not person.groups.filter(pk=role_group(StaffRole.AUDIT_ADMIN).pk).exists()


def test_each_role_reaches_its_own_pages_only(system_admin):
    security, auditor = UserFactory(), UserFactory()
    staff_role_grant(actor=system_admin, user=security, role=StaffRole.SECURITY_ADMIN)
    staff_role_grant(actor=system_admin, user=auditor, role=StaffRole.AUDIT_ADMIN)
    pages = {
        "/admin/audit-log/": {auditor},
        "/admin/sign-in-security/": {security},
        "/admin/administrator-roles/": {system_admin},
        "/admin/govsites/new/": {system_admin},
    }
    for url, allowed in pages.items():
        for user in (system_admin, security, auditor):
            status = admin_client_for(user).get(url).status_code
            if user in allowed:
                assert status == 200, (url, user)
            else:
                assert status in (302, 403, 404), (url, user, status)


def test_the_superuser_cannot_sign_in_to_the_admin(settings):
    from django.test import Client

    root = UserFactory(is_superuser=True, is_staff=True)
    client = Client(HTTP_HOST="localhost")
    response = client.post(
        "/admin/login/", {"username": root.username, "password": "pw-for-tests-1"}
    )
    assert response.status_code == 200
    assert "超级用户仅供命令行应急使用" in response.content.decode()
    assert "_auth_user_id" not in client.session


# The hierarchy: a city's site admins manage the city and the counties below it.


def test_a_city_admin_adds_a_member_to_a_county_below(city, county):
    city_admin = UserFactory()
    site_groups(site=city)["admin"].user_set.add(city_admin)
    person = UserFactory()
    site_member_add(site=county, actor=city_admin, username=person.username,
                    role="editor")  # fmt: skip
    assert site_groups(site=county)["editor"].user_set.filter(pk=person.pk).exists()


def test_a_city_admin_cannot_grant_a_role_outside_their_subtree(
    city, province, other_site
):
    city_admin = UserFactory()
    site_groups(site=city)["admin"].user_set.add(city_admin)
    person = UserFactory()
    for outside in (province, other_site):
        with pytest.raises(SitePermissionDenied):
            site_member_add(
                site=outside, actor=city_admin, username=person.username, role="admin"
            )
        response = admin_client_for(city_admin).post(
            f"/admin/govsites/{outside.pk}/members/",
            {"username": "brand-new", "role": "editor", "password": "Zx9!long-enough"},
        )
        assert response.status_code == 404
        assert (
            not site_groups(site=outside)["admin"]
            .user_set.filter(pk=person.pk)
            .exists()
        )
    assert not get_user_model().objects.filter(username="brand-new").exists()
