"""What an uploaded file really is, judged from its bytes rather than its name.

``identify()`` names the kind of content at the start of a file (with the
``filetype`` library, plus the few signatures it lacks: any OLE2 compound file,
Mach-O programs, HTML and SVG). ``DOCUMENT_TYPES`` and ``IMAGE_TYPES`` say, per
extension, which kinds of content that extension may hold.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.utils.translation import gettext_lazy as _

# filetype reads this much; so do we.
HEAD_SIZE = 8192
_CHUNK_SIZE = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACHO_MAGICS = {
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe)[\s>/]")
_SVG_TAG = re.compile(rb"<svg[\s>/]")


@dataclass(frozen=True)
class Kind:
    key: str
    description: str


KINDS = {
    kind.key: kind
    for kind in (
        Kind("exe", _("a Windows program")),
        Kind("elf", _("a Linux program")),
        Kind("macho", _("a macOS program")),
        Kind("html", _("a web page (HTML)")),
        Kind("svg", _("an SVG drawing")),
        Kind("pdf", _("a PDF file")),
        Kind("ole2", _("an Office 97-2003 or WPS file")),
        Kind("zip", _("a ZIP archive")),
        Kind("rar", _("a RAR archive")),
        Kind("7z", _("a 7z archive")),
        Kind("jpeg", _("a JPEG image")),
        Kind("png", _("a PNG image")),
        Kind("gif", _("a GIF image")),
        Kind("webp", _("a WebP image")),
        Kind("binary", _("binary data")),
    )
}

# filetype's extension -> our kind. Every zip-based format is a ZIP archive here;
# the container's members are checked separately (``zip_has_member``).
_FILETYPE_KINDS = {
    "exe": "exe",
    "elf": "elf",
    "pdf": "pdf",
    "doc": "ole2",
    "xls": "ole2",
    "ppt": "ole2",
    "zip": "zip",
    "docx": "zip",
    "xlsx": "zip",
    "pptx": "zip",
    "odt": "zip",
    "ods": "zip",
    "odp": "zip",
    "epub": "zip",
    "rar": "rar",
    "7z": "7z",
    "jpg": "jpeg",
    "png": "png",
    "apng": "png",
    "gif": "gif",
    "webp": "webp",
}


@dataclass(frozen=True)
class Expected:
    """What a file with a given extension must contain."""

    description: str
    kinds: frozenset[str] = frozenset()
    # A member the ZIP container must hold (OOXML and OFD packages).
    zip_member: str = ""
    # Plain text: UTF-8 or GB18030, no NUL bytes.
    text: bool = False


def _expected(description, *kinds, zip_member=""):
    return Expected(description, frozenset(kinds), zip_member=zip_member)


_OOXML = "[Content_Types].xml"

# Every extension an editor may upload as a document; an extension configured in
# WAGTAILDOCS_EXTENSIONS but missing here is refused (we cannot check it).
DOCUMENT_TYPES = {
    "pdf": _expected(_("a PDF file"), "pdf"),
    # Word, Excel, PowerPoint 97-2003 and Kingsoft WPS Office files are all OLE2
    # compound files.
    "doc": _expected(_("a Word document"), "ole2"),
    "xls": _expected(_("an Excel workbook"), "ole2"),
    "ppt": _expected(_("a PowerPoint presentation"), "ole2"),
    "wps": _expected(_("a WPS Writer document"), "ole2"),
    "et": _expected(_("a WPS Spreadsheets workbook"), "ole2"),
    "dps": _expected(_("a WPS Presentation file"), "ole2"),
    "docx": _expected(_("a Word document"), "zip", zip_member=_OOXML),
    "xlsx": _expected(_("an Excel workbook"), "zip", zip_member=_OOXML),
    "pptx": _expected(_("a PowerPoint presentation"), "zip", zip_member=_OOXML),
    # GB/T 33190: an OFD package is a ZIP container with OFD.xml at its root.
    "ofd": _expected(_("an OFD document"), "zip", zip_member="OFD.xml"),
    "zip": _expected(_("a ZIP archive"), "zip"),
    "rar": _expected(_("a RAR archive"), "rar"),
    "7z": _expected(_("a 7z archive"), "7z"),
    "jpg": _expected(_("a JPEG image"), "jpeg"),
    "jpeg": _expected(_("a JPEG image"), "jpeg"),
    "png": _expected(_("a PNG image"), "png"),
    "txt": Expected(_("a plain text file"), text=True),
    "csv": Expected(_("a CSV file"), text=True),
}

IMAGE_TYPES = {
    "jpg": _expected(_("a JPEG image"), "jpeg"),
    "jpeg": _expected(_("a JPEG image"), "jpeg"),
    "png": _expected(_("a PNG image"), "png"),
    "gif": _expected(_("a GIF image"), "gif"),
    "webp": _expected(_("a WebP image"), "webp"),
}


def read_head(file: IO[bytes]) -> bytes:
    file.seek(0)
    head = file.read(HEAD_SIZE)
    file.seek(0)
    return head


def _markup(head: bytes) -> str | None:
    """The kind key when the file starts as a web page ("html") or an SVG drawing
    ("svg"), both of which a browser would run scripts in."""
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    text = text.lstrip().lower()
    if not text.startswith(b"<"):
        return None
    if _SVG_TAG.search(text):
        return "svg"
    if _HTML_TAG.search(text):
        return "html"
    return None


def identify(head: bytes) -> Kind | None:
    """The kind of content ``head`` (a file's first bytes) starts, or None when
    nothing is recognised (plain text, or something unknown)."""
    # Programs first, whatever else their bytes could pass for.
    if head.startswith(b"MZ"):
        return KINDS["exe"]
    if head.startswith(b"\x7fELF"):
        return KINDS["elf"]
    if head[:4] in MACHO_MAGICS:
        return KINDS["macho"]
    markup = _markup(head)
    if markup:
        return KINDS[markup]
    # filetype knows only some OLE2 files (Word and Excel written by Office);
    # WPS Office files and PowerPoint files share the container.
    if head.startswith(OLE2_MAGIC):
        return KINDS["ole2"]
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    key = _FILETYPE_KINDS.get(guessed.extension)
    if key:
        return KINDS[key]
    return Kind(
        guessed.extension,
        _("a file of type %(type)s") % {"type": guessed.extension.upper()},
    )


def zip_has_member(file: IO[bytes], member: str) -> bool:
    """Whether ``file`` is a readable ZIP archive listing ``member``. Reads only
    the central directory; nothing is decompressed."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            archive.getinfo(member)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)
    return True


def text_problem(file: IO[bytes]) -> str | None:
    """None when ``file`` is text in UTF-8 (with or without BOM) or GB18030;
    "binary" when it holds NUL bytes; "encoding" when it decodes as neither."""
    try:
        for encoding in ("utf-8-sig", "gb18030"):
            file.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := file.read(_CHUNK_SIZE):
                    if b"\x00" in chunk:
                        return "binary"
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return None
        return "encoding"
    finally:
        file.seek(0)
