"""Documents that would run something, or are not what their header says: PDFs
with scripts or launch actions, HTML behind a %PDF header, and containers that
unpack to far more than they weigh."""

import pytest

from core.uploads.sniffing import pdf_name, pdf_scan
from tests.uploads import files
from tests.uploads.test_forms import document_form, file_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "action"),
    [
        (files.PDF_WITH_OPEN_ACTION_SCRIPT, "/JavaScript"),
        (files.PDF_WITH_ESCAPED_SCRIPT, "/JavaScript"),
        (files.PDF_WITH_LAUNCH, "/Launch"),
        (files.PDF_WITH_SCRIPT_IN_OBJECT_STREAM, "/JavaScript"),
    ],
    ids=["open-action", "hex-escaped", "launch", "object-stream"],
)
def test_document_form_refuses_a_pdf_with_scripts_or_launch_actions(
    editor, media_root, content, action
):
    [error] = file_errors(document_form(editor, "通知.pdf", content))

    assert error == (
        f"“通知.pdf” contains scripts or actions that start programs ({action}), "
        "which are not allowed in published documents. Save it again without "
        "them (for example, print it to a new PDF) and upload it."
    )
    assert files.stored_files(media_root) == []


def test_document_form_accepts_a_pdf_whose_open_action_only_shows_a_page(editor):
    form = document_form(editor, "通知.pdf", files.PDF_PLAIN)

    assert form.is_valid(), form.errors


def test_document_form_refuses_html_behind_a_pdf_header(editor):
    [error] = file_errors(
        document_form(editor, "通知.pdf", files.HTML_BEHIND_PDF_HEADER)
    )

    assert error == (
        "“通知.pdf” is not a PDF file: it starts like one but its contents are "
        "not PDF. Upload the real file."
    )


def test_document_form_refuses_a_pdf_without_its_end_marker(editor):
    content = files.PDF.replace(b"%%EOF", b"")

    [error] = file_errors(document_form(editor, "a.pdf", content))

    assert "its contents are not PDF" in error


def test_an_encrypted_object_stream_cannot_be_checked_and_is_refused(editor):
    content = files.pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        files.PAGES,
        files.stream(
            b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            b"\x8a\x13 not deflate data",
        ),
    )

    [error] = file_errors(document_form(editor, "加密.pdf", content))

    assert error.startswith("“加密.pdf” could not be checked")


def test_pdf_names_are_read_with_their_hex_escapes():
    assert pdf_name(b"J#61vaScript") == b"JavaScript"
    assert pdf_name(b"#4A#53") == b"JS"


def test_compressed_page_data_is_not_read_as_names():
    # Page contents may hold any bytes, "/JS" among them by chance.
    content = files.pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        files.PAGES,
        files.stream(b"/Length1 9", b"\x00/JS \x01/Launch\x02"),
    )
    with files.upload("a.pdf", content) as upload:
        assert pdf_scan(upload).active is None


def test_document_form_refuses_a_docx_that_unpacks_to_300_mb(editor, media_root):
    content = files.docx_with_member("word/media/image1.bin", 300 * 1024 * 1024)
    assert len(content) < 1024 * 1024

    [error] = file_errors(document_form(editor, "报告.docx", content))

    assert error == (
        "“报告.docx” unpacks to more than 200.0\xa0MB, the limit for compressed "
        "files. Split it or remove what is not needed."
    )
    assert files.stored_files(media_root) == []


def test_a_member_bigger_than_its_header_says_is_caught(editor, settings):
    settings.UPLOAD_MAX_UNPACKED_SIZE = 1024 * 1024
    content = files.zip_lying_about_size(real_size=4 * 1024 * 1024, declared=1000)

    [error] = file_errors(document_form(editor, "材料.zip", content))

    assert error.startswith("“材料.zip” is damaged, encrypted or packed")


def test_document_form_refuses_a_zip_with_too_many_members(editor, settings):
    settings.UPLOAD_MAX_ARCHIVE_MEMBERS = 5

    [error] = file_errors(document_form(editor, "材料.zip", files.zip_with_members(6)))

    assert error == "“材料.zip” holds too many files (6); at most 5 are allowed."


def test_document_form_accepts_containers_within_the_limits(editor, settings):
    settings.UPLOAD_MAX_ARCHIVE_MEMBERS = 6

    assert document_form(editor, "材料.zip", files.zip_with_members(6)).is_valid()
    assert document_form(editor, "通知.docx", files.docx()).is_valid()
    assert document_form(editor, "文件.ofd", files.ofd()).is_valid()
