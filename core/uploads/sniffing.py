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
import zlib
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


# -- PDF: active content, and what follows the header ----------------------------

# Actions a viewer runs by itself or on a click: scripts and launching programs.
PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch"})
# A name token: "/" then regular characters (PDF 32000-1 7.2.2); "#xx" escapes any
# byte, so /J#61vaScript is /JavaScript.
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_ENDSTREAM = b"endstream"
_PDF_DICT_TAIL = 2048
# Markup no PDF syntax produces ("<" starts a hex string of 0-9A-F, or "<<").
_PDF_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|svg|meta|a\s|img\s|object|embed)",
    re.IGNORECASE,
)
# A viewer looks for %%EOF in the last kilobyte (Acrobat's tolerance).
_PDF_EOF_WINDOW = 1024
# Decoded object streams are read up to this much each: they hold dictionaries only.
_PDF_OBJSTM_MAX = 16 * 1024 * 1024


def pdf_name(raw: bytes) -> bytes:
    """A PDF name with its #xx escapes decoded."""
    return _PDF_HEX_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), raw)


def _pdf_active_name(text: bytes) -> bytes | None:
    for match in _PDF_NAME.finditer(text):
        name = pdf_name(match[1])
        if name in PDF_ACTIVE_NAMES:
            return name
    return None


def _decode_object_stream(dictionary: bytes, data: bytes) -> bytes | None:
    """The decoded contents of an object stream (``/Type /ObjStm``), which holds
    further objects' dictionaries; None when its filters are not ones we read."""
    names = [pdf_name(match[1]) for match in _PDF_NAME.finditer(dictionary)]
    filters = [
        name
        for name in names
        if name in {b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx"}
        or name.endswith(b"Decode")
    ]
    # Filters apply in their listed order.
    for name in filters:
        if name in {b"FlateDecode", b"Fl"}:
            inflater = zlib.decompressobj()
            try:
                data = inflater.decompress(data, _PDF_OBJSTM_MAX)
            except zlib.error:
                return None
        elif name in {b"ASCIIHexDecode", b"AHx"}:
            digits = re.sub(rb"\s", b"", data.split(b">", 1)[0])
            try:
                data = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
            except ValueError:
                return None
        else:
            return None
    return data


@dataclass(frozen=True)
class PdfFindings:
    active: bytes | None = None  # the first script or launch action's name
    markup: bool = False  # web page markup outside any stream
    eof: bool = False  # a %%EOF marker at the end
    unreadable_object_stream: bool = False


def pdf_scan(file: IO[bytes]) -> PdfFindings:
    """Read a PDF's objects for scripts, launch actions and web page markup.

    Everything outside streams is scanned as PDF syntax, and every object stream
    (where PDF 1.5+ keeps dictionaries compressed) is decoded and scanned too.
    Other streams (pages, fonts, images) hold no actions and are skipped, so their
    compressed bytes cannot pass for names by chance. A stream ends at the first
    ``endstream`` whatever its /Length says: nothing a viewer might take for an
    object escapes the scan.
    """
    file.seek(0)
    data = file.read()
    file.seek(0)
    active = None
    markup = False
    unreadable = False
    position = 0
    while True:
        match = _PDF_STREAM.search(data, position)
        outside = data[position : match.start() if match else len(data)]
        active = active or _pdf_active_name(outside)
        markup = markup or bool(_PDF_MARKUP.search(outside))
        if match is None:
            break
        end = data.find(_PDF_ENDSTREAM, match.end())
        if end < 0:
            end = len(data)
        dictionary = data[max(0, match.start() - _PDF_DICT_TAIL) : match.start()]
        dictionary = dictionary[dictionary.rfind(b"obj") + 1 :]
        names = {pdf_name(m[1]) for m in _PDF_NAME.finditer(dictionary)}
        if b"ObjStm" in names:
            decoded = _decode_object_stream(dictionary, data[match.end() : end])
            if decoded is None:
                unreadable = True
            else:
                active = active or _pdf_active_name(decoded)
        position = end + len(_PDF_ENDSTREAM) if end < len(data) else len(data)
    eof = b"%%EOF" in data[-_PDF_EOF_WINDOW:]
    return PdfFindings(
        active=active, markup=markup, eof=eof, unreadable_object_stream=unreadable
    )


# -- ZIP containers: their real unpacked size -------------------------------------


@dataclass(frozen=True)
class ZipFindings:
    readable: bool
    members: int = 0
    unpacked: int = 0  # bytes, as far as counted
    too_large: bool = False
    too_many: bool = False


def zip_measure(file: IO[bytes], *, max_members: int, max_unpacked: int) -> ZipFindings:
    """Count a ZIP container's members and the bytes they really unpack to.

    The central directory is checked first (count and declared sizes); then
    every member is decompressed as a stream and its bytes counted and dropped:
    nothing is written anywhere, at most ``max_unpacked`` bytes are ever
    produced, and a member that unpacks to more (or other) bytes than declared
    fails its CRC check, so lying sizes are caught too."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > max_members:
                return ZipFindings(True, members=len(infos), too_many=True)
            declared = sum(info.file_size for info in infos)
            if declared > max_unpacked:
                return ZipFindings(
                    True, members=len(infos), unpacked=declared, too_large=True
                )
            counted = 0
            for info in infos:
                if info.is_dir():
                    continue
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK_SIZE):
                        counted += len(chunk)
                        if counted > max_unpacked:
                            return ZipFindings(
                                True,
                                members=len(infos),
                                unpacked=counted,
                                too_large=True,
                            )
            return ZipFindings(True, members=len(infos), unpacked=counted)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a compression method zipfile cannot read
        RuntimeError,  # an encrypted member
        OSError,
        ValueError,
        EOFError,
        zlib.error,
    ):
        return ZipFindings(False)
    finally:
        file.seek(0)


# -- the content type to serve, from the contents ----------------------------------

SERVED_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


def content_type_of(file: IO[bytes]) -> str:
    """The content type to serve ``file`` with, judged from its first bytes:
    one of the few kinds we accept, else ``application/octet-stream`` (never
    what a browser said when uploading it)."""
    kind = identify(read_head(file))
    return SERVED_CONTENT_TYPES.get(
        kind.key if kind else "", "application/octet-stream"
    )
