"""Registration numbers of normative documents: unique, sequential per issuing organ
and year, never reused, and safe when two are published at the same moment."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from cms.models import NormativeRegistration, PolicyDocumentPage
from tests.factories import PolicyDocumentFactory, SiteFactory, column


def _normative(site, organ="测试省司法厅", **kwargs):
    return PolicyDocumentFactory(
        parent=column(site, "zcwj"), is_normative=True, issuing_organ=organ, **kwargs
    )


@pytest.mark.django_db
def test_a_normative_document_is_registered_when_first_published(site):
    document = _normative(site)
    assert not NormativeRegistration.objects.filter(document=document).exists()
    document.save_revision().publish()
    registration = NormativeRegistration.objects.get(document=document)
    assert registration.sequence == 1
    assert registration.year == timezone.localdate().year
    assert registration.number == f"测试省司法厅〔{registration.year}〕第1号"
    # Publishing again keeps the number.
    document.save_revision().publish()
    assert NormativeRegistration.objects.filter(document=document).count() == 1


@pytest.mark.django_db
def test_numbers_are_sequential_per_organ_across_sites(site, other_site):
    first = _normative(site, publish=True)
    second = _normative(other_site, publish=True)
    other_organ = _normative(site, organ="测试省教育厅", publish=True)
    assert first.registration.sequence == 1
    assert second.registration.sequence == 2  # the registry is platform-wide
    assert other_organ.registration.sequence == 1


@pytest.mark.django_db
def test_a_deleted_documents_number_is_never_reused(site):
    first = _normative(site, publish=True)
    first.delete()
    kept = NormativeRegistration.objects.get(sequence=1)
    assert kept.document is None and kept.document_title
    second = _normative(site, publish=True)
    assert second.registration.sequence == 2


@pytest.mark.django_db
def test_documents_that_are_not_normative_get_no_number(site):
    document = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    assert not NormativeRegistration.objects.filter(document=document).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishing_hands_out_distinct_consecutive_numbers():
    """Eight documents of one organ published at the same moment, each in its own
    thread and database connection, get the numbers 1 to 8 once each."""
    site = SiteFactory()
    documents = [_normative(site) for _ in range(8)]
    revisions = [document.save_revision() for document in documents]
    barrier = threading.Barrier(len(revisions))
    errors = []

    def publish(revision):
        try:
            barrier.wait(timeout=30)
            revision.publish()
        except Exception as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(r,)) for r in revisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert errors == []
    sequences = sorted(
        NormativeRegistration.objects.filter(issuing_organ="测试省司法厅").values_list(
            "sequence", flat=True
        )
    )
    assert sequences == list(range(1, 9))
    assert PolicyDocumentPage.objects.filter(live=True).count() == 8


@pytest.mark.django_db
def test_platform_admins_read_the_registry_and_nobody_writes_it(
    site, platform_admin, site_admin
):
    from tests.conftest import admin_client_for

    document = _normative(site, publish=True)
    index = "/admin/cms/normative-registry/"
    listing = admin_client_for(platform_admin).get(index)
    assert listing.status_code == 200
    assert document.registration.number in listing.content.decode()
    assert admin_client_for(platform_admin).get(index + "new/").status_code in (
        302,
        403,
        404,
    )
    assert admin_client_for(site_admin).get(index).status_code in (302, 403)
    registration = document.registration
    edit = f"{index}edit/{registration.pk}/"
    admin_client_for(platform_admin).post(edit, {"sequence": "99"})
    registration.refresh_from_db()
    assert registration.sequence == 1
