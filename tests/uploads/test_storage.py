"""A full disk leaves no partial file behind, and ``clean_media`` removes files
that no row points at."""

import errno
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from wagtail.documents.models import Document

from core.uploads.storage import MediaStorage
from tests.uploads import files
from tests.uploads.test_forms import document_form
from tests.uploads.test_views import upload_document

pytestmark = pytest.mark.django_db

DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


class DiskFullStorage(MediaStorage):
    """Writes the first 1 KB, then the disk is full."""

    def _write_chunks(self, file, content):
        file.write(content.read(1024))
        raise DISK_FULL


class DiskFullContent(ContentFile):
    """Content whose writing fails halfway: the first chunk goes to disk, then
    the disk is full (whatever storage class writes it)."""

    def chunks(self, chunk_size=None):
        yield self.read(1024)
        raise DISK_FULL


@pytest.fixture
def disk_full(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.uploads.test_storage.DiskFullStorage"},
    }


def test_the_media_storage_is_ours():
    from django.core.files.storage import storages

    assert isinstance(storages["default"], MediaStorage)


def test_a_full_disk_leaves_no_partial_file(media_root):
    with pytest.raises(OSError, match="No space left"):
        default_storage.save("documents/notice.pdf", DiskFullContent(b"x" * 5000))

    assert files.stored_files(media_root) == []


def test_a_full_disk_leaves_neither_file_nor_row(editor, media_root, disk_full):
    content = files.pdf(files.stream(b"", b"x" * 4096))
    form = document_form(editor, "notice.pdf", content)
    assert form.is_valid(), form.errors

    with pytest.raises(OSError, match="No space left"), transaction.atomic():
        form.save()

    assert files.stored_files(media_root) == []
    assert not Document.objects.exists()


def test_a_complete_upload_gets_its_name_and_keeps_others(media_root):
    first = default_storage.save("documents/a.txt", ContentFile(b"one"))
    second = default_storage.save("documents/a.txt", ContentFile(b"two"))

    assert first == "documents/a.txt" and second != first
    assert (media_root / first).read_bytes() == b"one"
    assert (media_root / second).read_bytes() == b"two"
    assert files.stored_files(media_root) == sorted([first, second])
    # Readable as a plain save would leave it (mkstemp makes 0600 files).
    assert (media_root / first).stat().st_mode & 0o044


def _age(path, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_clean_media_removes_old_files_without_a_row(editor, media_root):
    kept = upload_document(editor, "notice.pdf", files.PDF)
    orphan = media_root / "documents" / "orphan.pdf"
    partial = media_root / "documents" / ".upload-abc.part"
    young = media_root / "documents" / "young.pdf"
    for path in (orphan, partial, young):
        path.write_bytes(b"%PDF-1.4")
    for path in (orphan, partial, media_root / kept.file.name):
        _age(path, hours=2)

    out = io.StringIO()
    call_command("clean_media", "--dry-run", stdout=out)

    listed = [line.split("\t")[0] for line in out.getvalue().splitlines()[:-1]]
    assert listed == ["documents/.upload-abc.part", "documents/orphan.pdf"]
    assert orphan.exists() and partial.exists()

    call_command("clean_media", stdout=io.StringIO())

    assert not orphan.exists() and not partial.exists()
    assert young.exists()
    assert (media_root / kept.file.name).exists()


def test_clean_media_keeps_files_of_every_sites_rows(site, other_site, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interaction.models import CaseAttachment
    from sites.tenancy import use_site
    from tests.interaction.conftest import file_case

    names = []
    for each in (site, other_site):
        case, _ = file_case(each, attachments=[SimpleUploadedFile("a.pdf", files.PDF)])
        with use_site(each):
            names.append(CaseAttachment.objects.get(case=case).file.name)
    for name in names:
        _age(media_root / name, hours=2)

    call_command("clean_media", stdout=io.StringIO())

    for name in names:
        assert (media_root / name).exists()


def test_a_letter_whose_second_attachment_meets_a_full_disk_leaves_nothing(
    site, media_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interaction.models import Case
    from sites.tenancy import use_site
    from tests.interaction.conftest import file_case

    first = SimpleUploadedFile("a.pdf", files.PDF)
    second = DiskFullContent(b"%PDF-1.4" + b"x" * 5000, name="b.pdf")

    with pytest.raises(OSError, match="No space left"), transaction.atomic():
        file_case(site, attachments=[first, second])

    assert files.stored_files(media_root) == []
    with use_site(site):
        assert not Case.objects.exists()
