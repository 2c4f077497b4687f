"""Names and sizes of uploaded files: what a safe relative path is, and the limits that apply.

Both kinds of upload (a folder picked in the browser, where each file carries its relative path,
and a .zip) go through the same path check, so neither can write outside the upload's own folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from jointcampaign.settings import Settings

MB = 1024 * 1024
DRIVE = re.compile(r"^[A-Za-z]:")
# Files operating systems add to folders by themselves; dropped, never an error.
JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
MAX_PATH_DEPTH = 12
MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    max_total_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLimits:
        return cls(settings.upload_max_file_mb * MB, settings.upload_max_submission_mb * MB)


def human_bytes(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def clean_relative_path(name: str) -> tuple[PurePosixPath | None, str]:
    """``name`` as a safe relative path, or None and why it is refused."""
    if not name or "\0" in name:
        return None, "has an empty or invalid name"
    if "\\" in name:
        return None, "uses backslashes in its name (a Windows path)"
    if name.startswith("/") or DRIVE.match(name):
        return None, "has an absolute path"
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        return None, "climbs out of the folder with '..'"
    if not parts:
        return None, "has an empty name"
    if len(parts) > MAX_PATH_DEPTH or any(len(part) > MAX_NAME_LENGTH for part in parts):
        return None, "is nested too deep or has too long a name"
    return PurePosixPath(*parts), ""


def is_junk(relative: PurePosixPath) -> bool:
    """Hidden files and macOS resource forks: never part of a campaign (the pipeline ignores them too)."""
    return any(part.startswith(".") or part == "__MACOSX" for part in relative.parts) or (
        relative.name.lower() in JUNK_NAMES
    )
