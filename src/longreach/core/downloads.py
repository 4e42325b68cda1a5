"""The one way staff receive a stored file: as an attachment that no browser will run or render."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header


def attachment(chunks: Iterable[bytes], name: str, size: int | None = None) -> StreamingHttpResponse:
    """Stream ``chunks`` as a download named ``name``.

    Whatever a stranger uploaded (an SVG or HTML page with scripts, a PDF with
    JavaScript) is sent as opaque bytes: never inline, never sniffed, and
    sandboxed should a browser try to show it anyway.
    """
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response
