"""Media storage that never leaves a partial file behind.

Django's ``FileSystemStorage`` writes an upload straight to its final name: when
the disk fills up halfway, a truncated (or empty) file stays there, with no
database row pointing at it. Here the bytes go to a temporary name in the same
folder first (``.upload-*.part``); only a complete file gets its real name, by a
hard link (which, like ``O_EXCL``, never replaces another file) or a rename. On
any error the temporary file is removed and the error raised again, so the
model's row is not written either.

What a crash (a killed process) can still leave behind is a ``.part`` file;
``clean_media`` removes those with the other orphans.
"""

from __future__ import annotations

import errno
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.core.files.storage.filesystem import safe_makedirs

TEMPORARY_PREFIX = ".upload-"
TEMPORARY_SUFFIX = ".part"
# A file system without hard links answers one of these.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


class MediaStorage(FileSystemStorage):
    def _write_chunks(self, file, content) -> None:
        for chunk in content.chunks():
            file.write(chunk if isinstance(chunk, bytes) else chunk.encode())

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)

        fd, temporary = tempfile.mkstemp(
            prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=directory
        )
        try:
            with os.fdopen(fd, "wb") as file:
                if hasattr(content, "seek") and callable(content.seek):
                    content.seek(0)
                self._write_chunks(file, content)
                file.flush()
                os.fsync(file.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            else:
                # mkstemp creates 0600; give the file the mode a plain save would.
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            full_path = self._publish(temporary, name, full_path)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise

        name = os.path.relpath(full_path, self.location)
        self._ensure_location_group_id(full_path)
        return str(name).replace("\\", "/")

    def _publish(self, temporary: str, name: str, full_path: str) -> str:
        """Give the complete file its name (a new one if another upload took it
        meanwhile); returns the final path. The temporary name is gone after."""
        if self._allow_overwrite:
            os.replace(temporary, full_path)
            return full_path
        while True:
            try:
                os.link(temporary, full_path)
            except FileExistsError:
                name = self.get_available_name(name)
                full_path = self.path(name)
                continue
            except OSError as error:
                if error.errno not in _NO_LINKS:
                    raise
                # Reserve the name (O_EXCL), then move the whole file onto it.
                try:
                    os.close(os.open(full_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                    continue
                os.replace(temporary, full_path)
                return full_path
            os.unlink(temporary)
            return full_path
