"""A cap on every uploaded file, applied while it arrives.

Django writes an upload of any size to memory or a temporary file before a form can look at it.
The forms refuse files over their own limits with a plain message (10 MB for evidence and usage
files); this handler, first in ``FILE_UPLOAD_HANDLERS``, drops a file as soon as it passes
``UPLOAD_FILE_CAP`` (more than any form accepts), so a huge upload never fills a disk: the form
then sees no file and says which one to choose, and within what size.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class CappedUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.UPLOAD_FILE_CAP:
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
