"""Unpack an uploaded .zip only when every entry is safe; otherwise unpack nothing and say why.

Checked before a single byte is written: names that climb out (`../`, zip-slip), absolute or drive
paths, symlinks and other special files, encrypted entries, two entries that would land on the same
file, too many entries, and zip bombs (a file or the whole archive too large once unpacked, or a
compression ratio no real campaign file has). While unpacking, the bytes really produced are counted
too, so an entry whose header lies about its size is stopped at the limit.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jointcampaign.errors import Problem
from jointcampaign.portal.upload_paths import UploadLimits, clean_relative_path, human_bytes, is_junk

MAX_ENTRIES = 5000
# Video and PNG barely compress; YAML and Markdown reach ~10x. 200x is only ever a bomb.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1 << 20  # tiny files may compress absurdly well (a file of blanks) and harm no one
CHUNK = 1 << 16
UPLOAD_FIELD = "upload"


class ZipTooLarge(Exception):
    """An entry produced more bytes than its header or the limits allow."""


@dataclass(frozen=True)
class ZipEntry:
    info: zipfile.ZipInfo
    relative: PurePosixPath


def _problem(name: str, message: str, fix: str) -> Problem:
    return Problem(file=Path(name) if name else None, field=UPLOAD_FIELD, message=message, fix=fix)


def check_zip(archive: zipfile.ZipFile, limits: UploadLimits) -> tuple[list[ZipEntry], list[Problem]]:
    """The regular files to unpack, and every reason not to unpack any of them."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        return [], [
            _problem(
                "",
                f"the zip holds {len(infos)} entries; at most {MAX_ENTRIES} are accepted",
                "zip only the campaign folder (and its brand kits), not a whole drive",
            )
        ]
    problems: list[Problem] = []
    entries: list[ZipEntry] = []
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        name = info.filename
        relative, why = clean_relative_path(name)
        if relative is None:
            problems.append(
                _problem(
                    name, f"zip entry {name!r} {why}", "zip the folder again from inside it, without links"
                )
            )
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            problems.append(
                _problem(name, f"zip entry {name!r} is a symbolic link", "replace the link by the real file")
            )
            continue
        if info.is_dir():
            continue
        # many zip tools store only permission bits (no file type): those are plain files too
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            problems.append(
                _problem(name, f"zip entry {name!r} is not a plain file", "remove it from the zip")
            )
            continue
        if info.flag_bits & 0x1:
            problems.append(
                _problem(name, f"zip entry {name!r} is encrypted", "zip the folder again without a password")
            )
            continue
        key = relative.as_posix().casefold()
        if key in seen:
            problems.append(
                _problem(
                    name,
                    f"zip entries {seen[key]!r} and {name!r} would be the same file",
                    "keep only one of them (names that differ only in upper/lower case count as one)",
                )
            )
            continue
        seen[key] = name
        if info.file_size > limits.max_file_bytes:
            problems.append(
                _problem(
                    name,
                    f"{relative} is {human_bytes(info.file_size)} unpacked, over the "
                    f"{human_bytes(limits.max_file_bytes)} limit per file",
                    "make the file smaller (a shorter or lower-bitrate video), or ask the desk's admin "
                    "to raise JOINTCAMPAIGN_UPLOAD_MAX_FILE_MB",
                )
            )
            continue
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            problems.append(
                _problem(
                    name,
                    f"{relative} unpacks to {info.file_size // max(info.compress_size, 1)}× its packed size "
                    "(looks like a zip bomb)",
                    "zip the real campaign files again",
                )
            )
            continue
        total += info.file_size
        if not is_junk(relative):
            entries.append(ZipEntry(info, relative))
    if total > limits.max_total_bytes:
        problems.append(
            _problem(
                "",
                f"the zip unpacks to {human_bytes(total)}, over the {human_bytes(limits.max_total_bytes)} "
                "limit per submission",
                "leave out files the campaign does not use, or ask the desk's admin to raise "
                "JOINTCAMPAIGN_UPLOAD_MAX_SUBMISSION_MB",
            )
        )
    return entries, problems


def extract_zip(zip_path: Path, destination: Path, limits: UploadLimits) -> tuple[list[str], list[Problem]]:
    """Unpack into ``destination`` (which must be empty) and list the files, or unpack nothing."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        return [], [_problem("", f"the upload is not a readable .zip ({exc})", "zip the folder again")]
    except OSError:  # its message names the server's path: not for the page
        return [], [_problem("", "the uploaded .zip could not be read", "upload it again")]
    with archive:
        entries, problems = check_zip(archive, limits)
        if problems:
            return [], problems
        written: list[str] = []
        try:
            for entry in entries:
                _extract_one(archive, entry, destination)
                written.append(entry.relative.as_posix())
        except ZipTooLarge as exc:
            shutil.rmtree(destination, ignore_errors=True)
            destination.mkdir(parents=True, exist_ok=True)
            return [], [_problem(str(exc), f"{exc} unpacks to more than its header says", "zip it again")]
        except (zipfile.BadZipFile, OSError, EOFError):
            shutil.rmtree(destination, ignore_errors=True)
            destination.mkdir(parents=True, exist_ok=True)
            return [], [
                _problem("", "the zip is damaged: an entry could not be unpacked", "zip the folder again")
            ]
    return written, []


def _extract_one(archive: zipfile.ZipFile, entry: ZipEntry, destination: Path) -> None:
    target = destination.joinpath(*entry.relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    produced = 0
    with archive.open(entry.info) as source, target.open("xb") as sink:
        while block := source.read(CHUNK):
            produced += len(block)
            if produced > entry.info.file_size:
                raise ZipTooLarge(entry.relative.as_posix())
            sink.write(block)
