"""File responses with strong ETags, conditional GET (304) and single byte ranges (206, 416).

ETags are the file's sha256 from the bag manifest (or the zip's own hash), so a resumed download
can trust that the bytes it already has belong to the same file (If-Range).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import StreamingResponse

CHUNK = 256 * 1024
RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")
EXTRA_TYPES = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".md": "text/markdown",
    ".mp4": "video/mp4",
    ".zip": "application/zip",
}


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as HTTP writes it

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def header(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    pass


def media_type(path: Path) -> str:
    guessed = (
        EXTRA_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
    if guessed.startswith("text/") or guessed in {"application/x-subrip", "application/json"}:
        return guessed + "; charset=utf-8"
    return guessed


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """One byte range, or None to send the whole file (absent, malformed or multi-range requests).

    Serving the whole file for multi-range requests is allowed by RFC 9110 and keeps this simple.
    """
    if not header:
        return None
    match = RANGE_PATTERN.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, end)


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates


def file_response(
    request: Request,
    path: Path,
    sha256: str,
    *,
    download_name: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    """Serve ``path``; ``download_name`` makes it an attachment, otherwise it displays inline."""
    size = path.stat().st_size
    etag = f'"sha256-{sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        # private: responses depend on who asks; no-cache: revalidate so a revoked link stops at once
        "Cache-Control": "private, no-cache",
        **(extra_headers or {}),
    }
    if download_name is not None:
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download_name)}"
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)

    if_range = request.headers.get("if-range")
    range_header = request.headers.get("range") if if_range is None or if_range.strip() == etag else None
    try:
        wanted = parse_range(range_header, size)
    except Unsatisfiable:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    status = 200
    if wanted is None:
        wanted = ByteRange(0, size - 1)
    else:
        status = 206
        headers["Content-Range"] = wanted.header(size)
    headers["Content-Length"] = str(max(wanted.length, 0))
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type(path))
    return StreamingResponse(
        _read(path, wanted), status_code=status, headers=headers, media_type=media_type(path)
    )


def _read(path: Path, wanted: ByteRange) -> Iterator[bytes]:
    remaining = wanted.length
    with path.open("rb") as handle:
        handle.seek(wanted.start)
        while remaining > 0:
            block = handle.read(min(CHUNK, remaining))
            if not block:
                break
            remaining -= len(block)
            yield block
