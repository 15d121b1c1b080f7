"""The image and document forms Wagtail builds from our form bases: every file an
editor uploads passes through them."""

import pytest
from django.utils.translation import override
from wagtail.documents.forms import get_document_form
from wagtail.documents.models import Document
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image

from core.uploads.forms import (
    DocumentForm,
    DocumentUploadField,
    ImageForm,
    ImageUploadField,
)
from tests.uploads import files

pytestmark = pytest.mark.django_db


def image_form(editor, name, content):
    form_class = get_image_form(Image)
    return form_class(
        {"title": name}, {"file": files.upload(name, content)}, user=editor
    )


def document_form(editor, name, content):
    form_class = get_document_form(Document)
    return form_class(
        {"title": name}, {"file": files.upload(name, content)}, user=editor
    )


def file_errors(form) -> list[str]:
    assert not form.is_valid()
    with override("en"):
        return form.errors["file"]


def test_wagtail_builds_every_upload_form_on_our_bases(editor):
    image_form_class = get_image_form(Image)
    document_form_class = get_document_form(Document)

    assert issubclass(image_form_class, ImageForm)
    assert issubclass(document_form_class, DocumentForm)
    assert isinstance(image_form_class(user=editor).fields["file"], ImageUploadField)
    assert isinstance(
        document_form_class(user=editor).fields["file"], DocumentUploadField
    )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("photo.png", "PNG"),
        ("photo.jpg", "JPEG"),
        ("photo.jpeg", "JPEG"),
        ("photo.gif", "GIF"),
        ("photo.webp", "WEBP"),
    ],
)
def test_image_form_accepts_a_real_image(editor, site, name, fmt):
    form = image_form(editor, name, files.image_bytes(fmt))

    assert form.is_valid(), form.errors
    image = form.save()
    assert image.collection == site.collection
    assert (image.width, image.height) == (16, 12)


def test_image_form_refuses_an_image_over_the_size_limit(editor, settings):
    content = files.image_bytes("PNG", size=(200, 200))
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = len(content) - 1

    [error] = file_errors(image_form(editor, "big.png", content))

    assert error.startswith("“big.png” is too large (")
    assert "the limit is" in error


def test_image_form_refuses_a_decompression_bomb(editor):
    [error] = file_errors(
        image_form(editor, "bomb.png", files.png_declaring(20000, 20000))
    )

    assert error == (
        "“bomb.png” has far too many pixels to open safely; images may have at "
        "most 24,000,000 pixels. Reduce its size and upload it again."
    )


def test_image_form_refuses_an_image_over_the_pixel_limit(editor):
    # The pentest's 36-megapixel PNG (6000 x 6000, a few hundred bytes here):
    # under twice Pillow's limit, which only warns, over ours.
    [error] = file_errors(
        image_form(editor, "scan.png", files.png_declaring(6000, 6000))
    )

    assert error == (
        "“scan.png” has too many pixels (36,000,000); images may have at most "
        "24,000,000 pixels. Reduce its size and upload it again."
    )


def test_pillow_refuses_what_the_setting_refuses(settings):
    from PIL import Image as PILImage

    assert PILImage.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 24_000_000


def test_image_form_counts_the_pixels_of_every_frame(editor):
    # 7 frames of 2000 x 2000: each frame is small, together they are not.
    content = files.animated_gif((2000, 2000), 7)

    [error] = file_errors(image_form(editor, "banner.gif", content))

    assert error.startswith("“banner.gif” has too many pixels (28,000,000);")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", files.SVG),
        ("page.html", files.HTML),
        ("setup.exe", files.EXE),
        ("photo.bmp", files.image_bytes("BMP")),
        ("photo", files.image_bytes("PNG")),
    ],
)
def test_image_form_refuses_other_file_types(editor, name, content):
    [error] = file_errors(image_form(editor, name, content))

    assert error == (
        f"“{name}” cannot be uploaded here: accepted file types are "
        "JPG, JPEG, PNG, GIF, WEBP."
    )


@pytest.mark.parametrize(
    ("name", "content", "expected", "found"),
    [
        ("photo.jpg", files.EXE, "a JPEG image", "a Windows program"),
        ("photo.png", files.ELF, "a PNG image", "a Linux program"),
        ("photo.png", files.HTML, "a PNG image", "a web page (HTML)"),
        ("photo.gif", files.SVG, "a GIF image", "an SVG drawing"),
        ("photo.jpg", files.image_bytes("PNG"), "a JPEG image", "a PNG image"),
        ("photo.webp", files.PDF, "a WebP image", "a PDF file"),
    ],
)
def test_image_form_refuses_a_renamed_file(editor, name, content, expected, found):
    [error] = file_errors(image_form(editor, name, content))

    assert error == (
        f"“{name}” is not {expected}: its contents are {found}. Upload the real file."
    )


def test_image_form_refuses_unrecognisable_contents(editor):
    [error] = file_errors(image_form(editor, "photo.jpg", b"just some words"))

    assert error == (
        "“photo.jpg” is not a JPEG image: its contents were not recognised. "
        "Upload the real file."
    )


def test_image_form_refuses_a_damaged_image(editor):
    # Wagtail reads only the header, which is intact; Pillow's decode is not.
    [error] = file_errors(image_form(editor, "cut.png", files.truncated_png()))

    assert error == (
        "“cut.png” is damaged or incomplete: it could not be read as a PNG image. "
        "Save it again and upload it."
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notice.pdf", files.PDF),
        ("notice.docx", files.docx()),
        ("table.xlsx", files.xlsx()),
        ("notice.doc", files.OLE2),
        ("notice.wps", files.OLE2),
        ("table.et", files.OLE2),
        ("slides.dps", files.OLE2),
        ("invoice.ofd", files.ofd()),
        ("notice.txt", files.GB18030_TEXT),
        ("notice.txt", "通知：UTF-8 正文\n".encode()),
        ("data.csv", "\ufeff区县,数量\n沈阳,12\n".encode()),
        ("bundle.zip", files.plain_zip()),
        ("bundle.rar", files.RAR),
        ("bundle.7z", files.SEVEN_Z),
        ("scan.jpg", files.image_bytes("JPEG")),
        ("scan.png", files.image_bytes("PNG")),
    ],
)
def test_document_form_accepts_real_documents(editor, site, name, content):
    form = document_form(editor, name, content)

    assert form.is_valid(), form.errors
    document = form.save()
    assert document.collection == site.collection
    with document.file.open("rb") as stored:
        if name.startswith("scan."):
            # Images are written again without their metadata.
            assert stored.read(4) == content[:4]
        else:
            assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "content", "expected", "found"),
    [
        ("report.pdf", files.EXE, "a PDF file", "a Windows program"),
        ("report.docx", files.EXE, "a Word document", "a Windows program"),
        ("report.doc", files.EXE, "a Word document", "a Windows program"),
        ("report.pdf", files.ELF, "a PDF file", "a Linux program"),
        ("report.pdf", files.HTML, "a PDF file", "a web page (HTML)"),
        ("notes.txt", files.HTML, "a plain text file", "a web page (HTML)"),
        ("notes.txt", files.SVG, "a plain text file", "an SVG drawing"),
        ("data.csv", files.EXE, "a CSV file", "a Windows program"),
        ("notes.txt", b"abc\x00def", "a plain text file", "binary data"),
        ("notes.txt", files.PDF, "a plain text file", "a PDF file"),
        ("report.docx", files.plain_zip(), "a Word document", "a ZIP archive"),
        ("report.docx", files.OLE2, "a Word document", "an Office 97-2003 or WPS file"),
        ("invoice.ofd", files.docx(), "an OFD document", "a ZIP archive"),
        ("table.xls", files.xlsx(), "an Excel workbook", "a ZIP archive"),
        ("bundle.zip", files.RAR, "a ZIP archive", "a RAR archive"),
        ("scan.png", files.image_bytes("JPEG"), "a PNG image", "a JPEG image"),
    ],
)
def test_document_form_refuses_a_renamed_file(editor, name, content, expected, found):
    [error] = file_errors(document_form(editor, name, content))

    assert error == (
        f"“{name}” is not {expected}: its contents are {found}. Upload the real file."
    )


def test_document_form_refuses_unrecognisable_contents(editor):
    [error] = file_errors(document_form(editor, "report.pdf", b"PDF? no."))

    assert error == (
        "“report.pdf” is not a PDF file: its contents were not recognised. "
        "Upload the real file."
    )


def test_document_form_refuses_text_in_another_encoding(editor):
    content = "Пример текста".encode("koi8-r") + b"\xff"
    [error] = file_errors(document_form(editor, "notes.txt", content))

    assert error == (
        "“notes.txt” is not in UTF-8 or GB18030 encoding. Save it as UTF-8 and "
        "upload it again."
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", files.HTML),
        ("drawing.svg", files.SVG),
        ("setup.exe", files.EXE),
        ("notice.rtf", b"{\\rtf1 notice}"),
        ("macro.docm", files.docx()),
        ("report.pdf.exe", files.EXE),
        ("README", b"plain words"),
    ],
)
def test_document_form_refuses_other_file_types(editor, name, content):
    [error] = file_errors(document_form(editor, name, content))

    assert error.startswith(
        f"“{name}” cannot be uploaded here: accepted file types are PDF, OFD, DOC,"
    )


def test_document_form_refuses_a_document_over_the_size_limit(editor, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(files.PDF) - 1

    [error] = file_errors(document_form(editor, "report.pdf", files.PDF))

    assert error.startswith("“report.pdf” is too large (")


def test_document_form_refuses_an_extension_it_has_no_check_for(editor, settings):
    # Configured by mistake, still refused: there is nothing to check it against.
    settings.WAGTAILDOCS_EXTENSIONS = ["pdf", "odt"]

    [error] = file_errors(document_form(editor, "notes.odt", files.plain_zip()))

    assert error == "“notes.odt” cannot be uploaded here: accepted file types are PDF."


def test_refused_uploads_store_nothing(editor, media_root):
    for form in (
        image_form(editor, "photo.jpg", files.EXE),
        image_form(editor, "bomb.png", files.png_declaring(20000, 20000)),
        document_form(editor, "report.pdf", files.EXE),
    ):
        assert not form.is_valid()

    assert not Image.objects.exists()
    assert not Document.objects.exists()
    assert files.stored_files(media_root) == []
