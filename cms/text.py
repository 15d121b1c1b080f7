"""The plain text of a page's StreamField and rich text values, and the names of its
attachments: what the content checks, feeds and search read."""

from __future__ import annotations

from django.utils.html import strip_tags
from wagtail.blocks import StructValue
from wagtail.rich_text import RichText


def stream_text(value) -> str:
    """Plain text of a StreamField or rich text value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return strip_tags(value)
    if not hasattr(value, "__iter__") or hasattr(value, "source"):
        return _block_text(value)
    return "\n".join(filter(None, (_block_text(block.value) for block in value)))


def _block_text(raw) -> str:
    if isinstance(raw, RichText):
        return strip_tags(raw.source)
    if isinstance(raw, str):
        return strip_tags(raw)
    if isinstance(raw, StructValue):
        return "\n".join(
            _block_text(v) for k, v in raw.items() if k not in ("image", "document")
        )
    if isinstance(raw, dict):  # table data
        rows = raw.get("data") or []
        return "\n".join(" ".join(str(c) for c in row if c) for row in rows)
    return ""


def attachment_names(page) -> list[str]:
    names = []
    for field in ("body", "attachments", "draft_attachments"):
        for block in getattr(page, field, None) or []:
            if block.block_type == "attachment" and block.value["document"]:
                document = block.value["document"]
                names.append(block.value["title"] or document.title)
                names.append(document.filename)
    return names
