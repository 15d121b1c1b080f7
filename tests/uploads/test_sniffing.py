import io

import pytest

from core.uploads.sniffing import identify, text_problem, zip_has_member
from tests.uploads import files


@pytest.mark.parametrize(
    ("head", "key"),
    [
        (files.EXE, "exe"),
        (files.ELF, "elf"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 60, "macho"),
        (files.HTML, "html"),
        (b"\xef\xbb\xbf\n  <HTML lang='zh'><p>", "html"),
        (b"<div>hello</div><script src=x></script>", "html"),
        (files.SVG, "svg"),
        (b"<svg/onload=alert(1)>", "svg"),
        (files.PDF, "pdf"),
        (files.OLE2, "ole2"),
        (files.docx(), "zip"),
        (files.plain_zip(), "zip"),
        (files.RAR, "rar"),
        (files.SEVEN_Z, "7z"),
        (files.image_bytes("JPEG"), "jpeg"),
        (files.image_bytes("PNG"), "png"),
        (files.image_bytes("GIF"), "gif"),
        (files.image_bytes("WEBP"), "webp"),
        (files.image_bytes("BMP"), "bmp"),
    ],
)
def test_identify_names_the_content(head, key):
    assert identify(head).key == key


@pytest.mark.parametrize(
    "head",
    [
        files.GB18030_TEXT,
        "区县,数量\n".encode(),
        b"<p>A paragraph is not a web page served as text.</p>",
        b"",
    ],
)
def test_identify_recognises_nothing_in_text(head):
    assert identify(head) is None


def test_text_problem_accepts_a_character_split_across_read_chunks():
    # 64 KiB chunks: put a two-byte GB18030 character across the boundary.
    content = b"a" * (64 * 1024 - 1) + "政".encode("gb18030") + b"\n"

    assert text_problem(io.BytesIO(content)) is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("正文".encode(), None),
        ("\ufeff正文".encode(), None),
        ("正文".encode("gb18030"), None),
        (b"text\x00more", "binary"),
        (b"\x80\xff\xfe", "encoding"),
    ],
)
def test_text_problem(content, problem):
    assert text_problem(io.BytesIO(content)) == problem


def test_zip_has_member_reads_a_damaged_archive_as_missing():
    damaged = files.docx()[:-40]

    assert zip_has_member(io.BytesIO(files.docx()), "[Content_Types].xml")
    assert not zip_has_member(io.BytesIO(files.docx()), "OFD.xml")
    assert not zip_has_member(io.BytesIO(damaged), "[Content_Types].xml")
