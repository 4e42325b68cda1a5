"""What becomes of a request's uploaded files, for every view.

Django's default upload handlers keep small files in memory and spool larger
ones to the temp directory in the clear. Longreach replaces them for every
view with ``RefuseFilesUploadHandler``: a file sent where none is expected is
read past and kept nowhere. Views that take files install the encrypting
handler (intake/filestore.py) instead, and register its cleanup here, so that
whatever answers the request (CSRF, a size limit, a crash in the view) the
outermost middleware removes what the request wrote and did not keep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

_CLEANUPS = "longreach_upload_cleanups"


class RefuseFilesUploadHandler(FileUploadHandler):
    """The default handler: a file part is skipped unread, so nothing of it is held anywhere."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def on_request_end(request: Any, cleanup: Callable[[], object]) -> None:
    """Run ``cleanup`` after this request's response is made, whatever made it."""
    request.__dict__.setdefault(_CLEANUPS, []).append(cleanup)


def run_cleanups(request: Any) -> None:
    for cleanup in request.__dict__.pop(_CLEANUPS, ()):
        cleanup()
