"""Receive a campaign upload: the multipart body streamed part by part to disk, within the limits.

Nothing is held in memory but one chunk: python-multipart's streaming parser hands each file's bytes
over as they arrive and they go straight into a file under the upload's own folder. A file over the
per-file limit, or a body over the per-submission limit, stops being written at once (its partial
file is deleted) and becomes a problem named after that file; the rest of the body is read and
discarded, so the browser still gets an answer it can show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jointcampaign.errors import Problem
from jointcampaign.portal.upload_paths import UploadLimits, clean_relative_path, human_bytes, is_junk

FILES_FIELD = "files"  # a picked folder: one part per file, named by its relative path
ARCHIVE_FIELD = "archive"  # a .zip
MAX_TEXT_FIELD = 4096
ZIP_NAME = "upload.zip"
# an honest body is the files plus a little multipart framing; beyond this it is not read at all
FRAMING_SLACK = 1 << 20
UPLOAD_FIELD = "upload"


@dataclass
class ReceivedUpload:
    files: list[str] = field(default_factory=list)  # relative posix paths under the files folder
    archive: Path | None = None
    archive_name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    sink: BinaryIO | None = None
    path: Path | None = None
    relative: str | None = None
    size: int = 0
    text: bytearray = field(default_factory=bytearray)
    dropped: bool = False


def _problem(name: str | None, message: str, fix: str) -> Problem:
    return Problem(file=Path(name) if name else None, field=UPLOAD_FIELD, message=message, fix=fix)


class _Receiver:
    def __init__(self, files_dir: Path, archive_path: Path, limits: UploadLimits) -> None:
        self.files_dir = files_dir
        self.archive_path = archive_path
        self.limits = limits
        self.result = ReceivedUpload()
        self.part = _Part()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.total = 0
        self.over_total = False
        self.seen: set[str] = set()

    # --- python-multipart callbacks ---------------------------------------------------------
    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.header_field.decode("latin-1").lower()] = _decode(bytes(self.header_value))
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get("content-disposition", ""))
        part = self.part
        part.name = options.get(b"name", b"").decode("latin-1")
        raw = options.get(b"filename")
        part.filename = _decode(raw) if raw is not None else None
        if part.filename is None or part.filename == "":
            return  # a text field, or a file input left empty
        if part.name == ARCHIVE_FIELD:
            self._open_archive(part)
        elif part.name == FILES_FIELD:
            self._open_file(part)
        else:
            part.dropped = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        length = end - start
        if part.filename is None or part.filename == "":
            if len(part.text) + length <= MAX_TEXT_FIELD:
                part.text += data[start:end]
            return
        if part.dropped:
            return
        part.size += length
        self.total += length
        per_file = self.limits.max_total_bytes if part.name == ARCHIVE_FIELD else self.limits.max_file_bytes
        if part.size > per_file:
            self._drop(
                part,
                _problem(
                    part.relative or part.filename,
                    f"{part.relative or part.filename} is over the {human_bytes(per_file)} limit "
                    + ("per submission" if part.name == ARCHIVE_FIELD else "per file"),
                    "make the file smaller (a shorter or lower-bitrate video, a smaller logo), or ask the "
                    "desk's admin to raise JOINTCAMPAIGN_UPLOAD_MAX_FILE_MB",
                ),
            )
            return
        if self.total > self.limits.max_total_bytes:
            self._drop(part, None)
            if not self.over_total:
                self.over_total = True
                self.result.problems.append(
                    _problem(
                        None,
                        f"the upload is over the {human_bytes(self.limits.max_total_bytes)} limit per submission",
                        "leave out files the campaign does not use, or ask the desk's admin to raise "
                        "JOINTCAMPAIGN_UPLOAD_MAX_SUBMISSION_MB",
                    )
                )
            return
        assert part.sink is not None
        part.sink.write(data[start:end])

    def on_part_end(self) -> None:
        part = self.part
        if part.filename is None:
            if part.name and part.name not in self.result.fields:
                self.result.fields[part.name] = part.text.decode("utf-8", "replace")
            return
        if part.filename == "":
            return  # a file input left empty: browsers still send it, with no name and no bytes
        if part.sink is not None:
            part.sink.close()
            part.sink = None
        if part.dropped:
            return
        if part.name == ARCHIVE_FIELD:
            self.result.archive = self.archive_path
            self.result.archive_name = part.filename
        elif part.relative is not None:
            self.result.files.append(part.relative)

    # --- helpers ----------------------------------------------------------------------------
    def _open_archive(self, part: _Part) -> None:
        if self.result.archive is not None or self.archive_path.exists():
            part.dropped = True
            self.result.problems.append(
                _problem(part.filename, "more than one .zip was sent", "upload one .zip at a time")
            )
            return
        if not part.filename or not part.filename.lower().endswith(".zip"):
            part.dropped = True
            self.result.problems.append(
                _problem(part.filename, f"{part.filename} is not a .zip", "choose the campaign's .zip file")
            )
            return
        part.path = self.archive_path
        part.sink = self.archive_path.open("xb")

    def _open_file(self, part: _Part) -> None:
        assert part.filename is not None
        relative, why = clean_relative_path(part.filename)
        if relative is None:
            part.dropped = True
            self.result.problems.append(
                _problem(part.filename, f"{part.filename!r} {why}", "pick the campaign folder itself")
            )
            return
        if is_junk(relative):
            part.dropped = True
            return
        key = relative.as_posix().casefold()
        if key in self.seen:
            part.dropped = True
            self.result.problems.append(
                _problem(
                    relative.as_posix(),
                    f"{relative} was sent twice (names that differ only in case count as one)",
                    "keep one of the two files",
                )
            )
            return
        self.seen.add(key)
        part.relative = relative.as_posix()
        part.path = self.files_dir.joinpath(*relative.parts)
        part.path.parent.mkdir(parents=True, exist_ok=True)
        part.sink = part.path.open("xb")

    def _drop(self, part: _Part, problem: Problem | None) -> None:
        part.dropped = True
        if part.sink is not None:
            part.sink.close()
            part.sink = None
        if part.path is not None:
            part.path.unlink(missing_ok=True)
        if problem is not None:
            self.result.problems.append(problem)

    def close(self) -> None:
        if self.part.sink is not None:
            self.part.sink.close()


def _decode(raw: bytes | str) -> str:
    # browsers send file names as raw UTF-8 inside a header the parser decoded as latin-1
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


async def receive_upload(
    request: Request, files_dir: Path, archive_path: Path, limits: UploadLimits
) -> ReceivedUpload:
    """Stream the request's multipart body into ``files_dir`` (a folder) or ``archive_path`` (a zip)."""
    files_dir.mkdir(parents=True, exist_ok=True)
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        return ReceivedUpload(
            problems=[_problem(None, "the upload was not sent as a form", "use the upload form on this page")]
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_total_bytes + FRAMING_SLACK:
        return ReceivedUpload(
            problems=[
                _problem(
                    None,
                    f"the upload is {human_bytes(int(declared))}, over the "
                    f"{human_bytes(limits.max_total_bytes)} limit per submission",
                    "leave out files the campaign does not use, or ask the desk's admin to raise "
                    "JOINTCAMPAIGN_UPLOAD_MAX_SUBMISSION_MB",
                )
            ]
        )
    receiver = _Receiver(files_dir, archive_path, limits)
    parser = MultipartParser(
        boundary,
        callbacks={
            "on_part_begin": receiver.on_part_begin,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
        },
    )
    ceiling = limits.max_total_bytes + FRAMING_SLACK
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > ceiling:
                receiver.result.problems.append(
                    _problem(None, "the upload is far over the limit per submission", "upload less at once")
                )
                break
            # file writes happen in the parser's callbacks: keep them off the event loop
            await run_in_threadpool(parser.write, chunk)
        parser.finalize()
    except FormParserError as exc:
        receiver.result.problems.append(
            _problem(None, f"the upload was cut off or malformed ({exc})", "try the upload again")
        )
    finally:
        receiver.close()
    return receiver.result
