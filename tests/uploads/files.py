"""Upload contents built in memory: real images from Pillow, minimal documents,
and the hostile files editors must not be able to upload."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(media_root) -> list[str]:
    """Every file under MEDIA_ROOT, relative to it."""
    if not media_root.exists():
        return []
    return sorted(
        str(path.relative_to(media_root))
        for path in media_root.rglob("*")
        if path.is_file()
    )


def image_bytes(fmt="PNG", size=(16, 12), color="red") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` grey pixels: the
    shape of a decompression bomb, without the memory to build a real one."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def truncated_png() -> bytes:
    """A real PNG cut off halfway through its pixel data."""
    data = image_bytes("PNG", size=(64, 64))
    return data[: len(data) // 2]


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 200
)
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
# The header of an OLE2 compound file (Word/Excel 97-2003, WPS), padded out.
OLE2 = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\x00" * 16
    + b"\x3e\x00\x03\x00"
    + (b"\x00" * 1000)
)
RAR = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64
SEVEN_Z = b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64
GB18030_TEXT = "关于做好2025年政府网站年度报表工作的通知\n各区县人民政府：\n".encode(
    "gb18030"
)


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/officeDocument" Target="{target}"/>'
    "</Relationships>"
)


def _content_types(main: str, content_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>'
    )


def docx() -> bytes:
    """A minimal Word document that Word opens: content types, the package
    relationship and one paragraph."""
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                "word/document.xml",
                "application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document.main+xml",
            ),
            "_rels/.rels": _RELS.format(target="word/document.xml"),
            "word/document.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>通知</w:t>'
                "</w:r></w:p></w:body></w:document>"
            ),
        }
    )


def xlsx() -> bytes:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                "xl/workbook.xml",
                "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet.main+xml",
            ),
            "_rels/.rels": _RELS.format(target="xl/workbook.xml"),
            "xl/workbook.xml": f"<workbook {ns}><sheets/></workbook>",
        }
    )


def ofd() -> bytes:
    return _zip(
        {
            "OFD.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>'
            ),
            "Doc_0/Document.xml": "<ofd:Document/>",
        }
    )


def plain_zip() -> bytes:
    return _zip({"readme.txt": "附件"})


def animated_gif(size, frames: int) -> bytes:
    """A GIF of ``frames`` frames, each a different colour so none is merged."""
    images = [PILImage.new("P", size, i) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


# -- photos with location and camera data ------------------------------------------

CAMERA_MAKE = "PentestCam"
CAMERA_MODEL = "PX-900 serial 4711"


def photo_exif(orientation: int = 6) -> PILImage.Exif:
    """EXIF of a phone photo: camera, orientation, and GPS (Shenyang)."""
    from PIL import ExifTags

    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (41.0, 48.0, 11.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (123.0, 25.0, 54.0),
    }
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/'
    b'1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/'
    b'exif/1.0/" exif:GPSLatitude="41,48.18N"/></rdf:RDF></x:xmpmeta>'
)


def photo_with_metadata(fmt: str = "JPEG", size=(40, 20)) -> bytes:
    """A ``size`` photo stored sideways (EXIF orientation 6: shown rotated, as
    ``size[1]`` x ``size[0]``), with GPS, camera, XMP and an ICC profile."""
    from PIL import ImageCms

    image = PILImage.new("RGB", size, "red")
    # A bright left half, to see that the orientation was applied.
    image.paste((250, 250, 250), (0, 0, size[0] // 2, size[1]))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    options = {"exif": photo_exif().tobytes(), "icc_profile": icc}
    if fmt in ("JPEG", "WEBP"):
        options["xmp"] = XMP
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def metadata_found(content: bytes) -> list[str]:
    """What location or device data ``content`` (an image) still carries."""
    found = []
    with PILImage.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        if exif:
            found.append(f"EXIF {dict(exif)}")
        if exif.get_ifd(0x8825):
            found.append("GPS")
        for key in ("icc_profile", "xmp", "XML:com.adobe.xmp", "exif", "comment"):
            if image.info.get(key):
                found.append(key)
    for marker in (CAMERA_MAKE.encode(), b"GPSLatitude", b"PX-900"):
        if marker in content:
            found.append(marker.decode())
    return found


# -- hostile PDFs -------------------------------------------------------------------


def pdf(*objects: bytes, trailer: bytes = b"<< /Root 1 0 R >>") -> bytes:
    """A PDF of ``objects`` (numbered from 1), with a cross-reference table."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return body


def stream(dictionary: bytes, data: bytes) -> bytes:
    return (
        b"<< "
        + dictionary
        + b" /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream"
    )


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
PDF_WITH_OPEN_ACTION_SCRIPT = pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
    PAGES,
    b"<< /Type /Action /S /JavaScript /JS (app.alert\\('x'\\)) >>",
)
# The same, with the names hex-escaped: /J#61vaScript is /JavaScript, /J#53 is /JS.
PDF_WITH_ESCAPED_SCRIPT = pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
    PAGES,
    b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
)
PDF_WITH_LAUNCH = pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
    PAGES,
    b"<< /Type /Action /S /Launch /F (cmd.exe) >>",
)
# PDF 1.5 object streams: the action's dictionary is compressed, out of sight of a
# plain byte search.
_OBJECTS = b"3 0 << /Type /Action /S /JavaScript /JS (app.alert\\(2\\)) >>"
PDF_WITH_SCRIPT_IN_OBJECT_STREAM = pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
    PAGES,
    stream(
        b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(_OBJECTS)
    ),
)
# An ordinary document: an open action that only shows the first page, and a
# compressed page content stream.
PDF_PLAIN = pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    stream(b"/Filter /FlateDecode", zlib.compress(b"BT /F1 12 Tf (JS) Tj ET")),
)
HTML_BEHIND_PDF_HEADER = (
    b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n"
    b"%%EOF\n"
)


# -- containers ---------------------------------------------------------------------


def docx_with_member(name: str, size: int) -> bytes:
    """A docx holding one more member of ``size`` zero bytes (compressed to about
    a thousandth of that), written in pieces so the test never holds it whole."""
    buffer = io.BytesIO(docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            piece = b"\x00" * (1024 * 1024)
            for _ in range(size // len(piece)):
                member.write(piece)
    return buffer.getvalue()


def zip_lying_about_size(real_size: int, declared: int) -> bytes:
    """A ZIP whose only member unpacks to ``real_size`` bytes but whose headers
    say ``declared``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.bin", b"\x00" * real_size)
    data = bytearray(buffer.getvalue())
    # Local header: uncompressed size at offset 22; central directory: at 24.
    struct.pack_into("<I", data, 22, declared)
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def zip_with_members(count: int) -> bytes:
    return _zip({f"part-{i}.txt": "附件" for i in range(count)})
