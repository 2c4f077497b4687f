"""Check that each uploaded file is what its name says, from its first bytes (`filetype`), not its extension.

A `logo.png` that is really a JPEG, a `main.mp4` that is an HTML page or an executable renamed to
`post.md` are caught here, with the type that was found, before validation or any tool opens them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import filetype

from jointcampaign.errors import Problem

# what each extension must contain: MIME types from the file's magic bytes
MEDIA: dict[str, set[str]] = {
    ".mp4": {"video/mp4", "video/quicktime", "video/x-m4v"},
    ".m4v": {"video/mp4", "video/x-m4v", "video/quicktime"},
    ".mov": {"video/quicktime", "video/mp4"},
    ".mkv": {"video/x-matroska", "video/webm"},
    ".webm": {"video/webm", "video/x-matroska"},
    ".png": {"image/png", "image/apng"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".webp": {"image/webp"},
    ".ttf": {"application/font-sfnt"},
    ".otf": {"application/font-sfnt"},
    ".woff": {"application/font-woff"},
    ".woff2": {"application/font-woff"},
}
TEXT = {".yaml", ".yml", ".md", ".markdown", ".txt", ".srt", ".vtt", ".po", ".xliff", ".xlf", ".svg", ".json"}
SNIFF_BYTES = 8192


def sniff_problems(root: Path, files: list[str]) -> list[Problem]:
    """Every file under ``root`` (relative posix names) whose content does not match its extension."""
    problems = []
    for name in files:
        problem = _sniff(root / name, PurePosixPath(name))
        if problem is not None:
            problems.append(problem)
    return problems


def _sniff(path: Path, relative: PurePosixPath) -> Problem | None:
    suffix = relative.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = filetype.guess(head)
    found = kind.mime if kind is not None else None
    if suffix in MEDIA:
        if found in MEDIA[suffix]:
            return None
        what = found or ("text" if _looks_like_text(head) else "no known media type")
        return Problem(
            file=Path(relative.as_posix()),
            field="content",
            message=f"is named {suffix} but its content is {what}",
            fix=f"export the file again as a real {suffix.lstrip('.').upper()} (renaming a file does not convert it)",
        )
    if suffix in TEXT:
        if found is None and _looks_like_text(head):
            return None
        return Problem(
            file=Path(relative.as_posix()),
            field="content",
            message=f"should be text but its content is {found or 'binary data'}",
            fix="save it again as plain UTF-8 text",
        )
    return Problem(
        file=Path(relative.as_posix()),
        field="content",
        message=f"is a kind of file a campaign folder does not use ({suffix or 'no extension'})",
        fix="remove it; campaigns use .yaml, .md, .srt/.vtt, .po, .mp4/.mov and .png/.jpg/.svg logos",
    )


def _looks_like_text(head: bytes) -> bool:
    # any 8-bit encoding is fine here (subtitles come in many; validation reads them properly);
    # UTF-16 text has NUL bytes but starts with its byte-order mark
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" not in head
