"""The static tree: one folder per host under ``DELIVERY_STATIC_ROOT``, one file
per public address, written so that no reader ever sees half a file.

Addresses map to files one to one: ``/`` is ``index.html``, a column's
``/news/`` is ``news/index.html``, ``/news/202603/t20260302_17.html`` and
``/news/rss.xml`` are themselves. A web server in front (``nginx_config``) or the
embedded one (``delivery.serving``) answers a request with the file when it
exists and passes it to the application otherwise. Names beginning with a dot
(temporary files while one is written) are never served.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

INDEX = "index.html"
# A host as the registry stores them: lower-case labels, no port.
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")

# What each kind of file is answered as (the same as the application answers it:
# tests/delivery/test_serving.py compares them).
CONTENT_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}


def root() -> Path:
    return Path(settings.DELIVERY_STATIC_ROOT)


def valid_host(host: str) -> bool:
    return bool(host) and len(host) <= 253 and _HOST.match(host) is not None


def relative_file(path: str) -> str | None:
    """The file of an address, relative to its host's folder; None for an address
    that can have no file (query strings are the caller's business)."""
    if not path.startswith("/") or _CONTROL.search(path) or "//" in path:
        return None
    parts = path[1:].split("/")
    name = parts[-1]
    if any(part.startswith(".") for part in parts[:-1]) or name.startswith("."):
        return None
    if name == "":
        return "/".join([*parts[:-1], INDEX])
    if content_type(name) is None:
        return None
    return path[1:]


def address_of(relative: str) -> str:
    """The address a file (relative to its host folder) answers."""
    if relative == INDEX:
        return "/"
    if relative.endswith("/" + INDEX):
        return "/" + relative[: -len(INDEX)]
    return "/" + relative


def content_type(name: str) -> str | None:
    name = name.rsplit("/", 1)[-1]
    if name in CONTENT_TYPES:
        return CONTENT_TYPES[name]
    suffix = os.path.splitext(name)[1]
    return CONTENT_TYPES.get(suffix) if suffix else None


def host_dir(host: str) -> Path | None:
    return root() / host if valid_host(host) else None


def file_for(host: str, path: str) -> Path | None:
    folder = host_dir(host)
    relative = relative_file(path)
    if folder is None or relative is None:
        return None
    return folder / relative


def write(host: str, path: str, body: bytes) -> bool:
    """Put ``body`` at the address's file, atomically (a temporary file in the same
    folder, then ``os.replace``). False when the file already held these bytes."""
    target = file_for(host, path)
    if target is None:
        raise ValueError(f"no file for {host}{path}")
    try:
        if target.read_bytes() == body:
            return False
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def remove(host: str, path: str) -> bool:
    """Remove the address's file (and the folders it leaves empty)."""
    target = file_for(host, path)
    if target is None:
        return False
    try:
        target.unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    folder, top = target.parent, host_dir(host)
    while folder != top:
        try:
            folder.rmdir()
        except OSError:  # not empty
            break
        folder = folder.parent
    return True


def addresses(host: str) -> set[str]:
    """Every address the host's folder holds a file for."""
    folder = host_dir(host)
    if folder is None or not folder.is_dir():
        return set()
    found = set()
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            relative = os.path.relpath(os.path.join(directory, name), folder)
            found.add(address_of(relative.replace(os.sep, "/")))
    return found


def read(host: str, path: str) -> bytes | None:
    target = file_for(host, path)
    try:
        return target.read_bytes() if target is not None else None
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def hosts() -> list[str]:
    if not root().is_dir():
        return []
    return sorted(entry.name for entry in root().iterdir() if entry.is_dir())


def remove_host(host: str) -> None:
    folder = host_dir(host)
    if folder is not None and folder.is_dir():
        shutil.rmtree(folder)
