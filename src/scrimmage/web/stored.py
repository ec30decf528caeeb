"""A stored file as an HTTP answer, whatever the kind of store: the one way the server hands out files.

From a local folder the file is sent as it is (ranges, sendfile). From an object store it streams
through the server a piece at a time (never whole in memory), or, when the store is set to sign
URLs (``presign``), the answer redirects to a short-lived signed URL of the store itself, which answers with
the Content-Disposition the file was stored with: only a file stored under the name asked for is redirected to
(another one streams, under the name asked for).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mimetypes

from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse

from ..errors import MissingFileError
from ..storage.base import attachment
from ..stored_files import ADMIN_HINT


def stored_response(objects, key: str, filename: str, *, media_type: str | None = None,
                    missing: MissingFileError | None = None):
    """The file ``key`` as a download named ``filename``; ``missing`` (or a generic MissingFileError) when it is gone."""
    gone = missing or MissingFileError(f"the file {filename} is missing from the server's storage; {ADMIN_HINT}")
    media_type = media_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    path = objects.file_path(key)
    if path is not None:
        if not path.is_file():
            raise gone
        return FileResponse(path, filename=filename, media_type=media_type)
    url = objects.signed_url(key, filename)
    if url is not None:  # the store signs, and keeps the file under that name
        return RedirectResponse(url, status_code=302)
    try:
        found, chunks = objects.open(key)  # one read: the length sent is that of the bytes that follow
    except FileNotFoundError:
        raise gone from None
    modified = email.utils.format_datetime(found.modified.replace(tzinfo=dt.timezone.utc), usegmt=True)
    headers = {"Content-Length": str(found.size), "Content-Disposition": attachment(filename),
               "Last-Modified": modified}
    return StreamingResponse(chunks, media_type=media_type, headers=headers)


__all__ = ["stored_response"]
