"""Build one partner's bundle: a BagIt bag (RFC 8493, sha256) and a byte-reproducible zip of it.

The tag files are written here rather than by ``bagit.make_bag`` because that function changes the
process-wide working directory, which is unsafe when tasks run in threads (Prefect's default task
runner, the portal's thread pool). The ``bagit`` library still certifies every bag we build: it
validates the staged bag before it replaces anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bagit

from jointcampaign.errors import Problem, StageFailedError, UserInputError

ALGORITHM = "sha256"
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFEST_NAME = f"manifest-{ALGORITHM}.txt"
TAGMANIFEST_NAME = f"tagmanifest-{ALGORITHM}.txt"
PAYLOAD_MANIFEST = "manifest.json"

FILE_MODE = 0o644
DIR_MODE = 0o755
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry
ZIP_EPOCH_MAX = 4354819198  # 2107-12-31T23:59:58Z, the latest
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BagInfo:
    """What bag-info.txt records about a bundle; everything here comes from the inputs, never the clock."""

    campaign_slug: str
    campaign_title: str
    partner_id: str
    partner_name: str
    languages: tuple[str, ...]
    generator: str
    source_hash: str
    source_epoch: int  # seconds since 1970 (UTC), derived from the inputs like SOURCE_DATE_EPOCH

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any], source_epoch: int) -> BagInfo:
        """Read the fields the lead's ``manifest.json`` already carries."""
        campaign = manifest.get("campaign") or {}
        partner = manifest.get("partner") or {}
        return cls(
            campaign_slug=str(campaign.get("slug", "")),
            campaign_title=str(campaign.get("title", "")),
            partner_id=str(partner.get("id", "")),
            partner_name=str(partner.get("name", "")),
            languages=tuple(str(lang) for lang in manifest.get("languages", [])),
            generator=str(manifest.get("generator", "")),
            source_hash=str(manifest.get("source_hash", "")),
            source_epoch=source_epoch,
        )

    def bagging_date(self) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(self.source_epoch))

    def tags(self, payload_bytes: int, payload_files: int) -> list[tuple[str, str]]:
        """bag-info.txt lines in a fixed order (reserved labels first, then ours)."""
        return [
            ("Bag-Software-Agent", f"{self.generator} (bagit {bagit.VERSION})"),
            ("Bagging-Date", self.bagging_date()),
            ("External-Identifier", f"{self.campaign_slug}/{self.partner_id}"),
            ("External-Description", f"{self.campaign_title} — bundle for {self.partner_name}"),
            ("Bag-Group-Identifier", self.campaign_slug),
            ("Payload-Oxum", f"{payload_bytes}.{payload_files}"),
            ("Campaign", self.campaign_slug),
            ("Campaign-Title", self.campaign_title),
            ("Partner", self.partner_id),
            ("Partner-Name", self.partner_name),
            ("Languages", ", ".join(self.languages)),
            ("Generator", self.generator),
            ("Source-Hash", self.source_hash),
            ("Source-Date-Epoch", str(self.source_epoch)),
        ]


@dataclass(frozen=True)
class BundleResult:
    bag_dir: Path
    zip_path: Path
    zip_sha256: str
    payload_files: int
    payload_bytes: int


def read_payload_manifest(payload_dir: Path) -> dict[str, Any]:
    """Load the payload's manifest.json, reporting a missing or broken one as the user's fix to make."""
    path = payload_dir / PAYLOAD_MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserInputError.single(
            path, "the payload has no manifest.json", "write manifest.json into the payload before bundling"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserInputError.single(
            path, f"manifest.json cannot be read: {exc}", "rewrite it as UTF-8 JSON"
        ) from None
    if not isinstance(data, dict):
        raise UserInputError.single(path, "manifest.json is not a JSON object", "write a JSON object ({...})")
    return data


def build_bundle(payload_dir: Path, bag_dir: Path, zip_path: Path, info: BagInfo) -> BundleResult:
    """Bag ``payload_dir`` into ``bag_dir`` and zip it to ``zip_path``; same inputs give the same bytes.

    Both targets are built beside their final place and renamed in, so a failure leaves any previous
    bundle untouched.
    """
    payload_dir, bag_dir, zip_path = payload_dir.resolve(), bag_dir.absolute(), zip_path.absolute()
    _check_inputs(payload_dir, bag_dir, zip_path, info)
    bag_dir.parent.mkdir(parents=True, exist_ok=True)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{bag_dir.name}.", suffix=".building", dir=bag_dir.parent))
    zip_fd, zip_tmp_name = tempfile.mkstemp(prefix=f".{zip_path.name}.", suffix=".tmp", dir=zip_path.parent)
    os.close(zip_fd)
    zip_tmp = Path(zip_tmp_name)
    try:
        staged = work / bag_dir.name
        payload_bytes, payload_files = _stage_bag(payload_dir, staged, info)
        _self_check(staged)
        _write_zip(staged, bag_dir.name, zip_tmp, _zip_date_time(info.source_epoch))
        os.chmod(zip_tmp, FILE_MODE)
        zip_sha256 = file_sha256(zip_tmp)
        _swap_dir(staged, bag_dir, work / ".previous")
        os.replace(zip_tmp, zip_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        zip_tmp.unlink(missing_ok=True)
    return BundleResult(bag_dir, zip_path, zip_sha256, payload_files, payload_bytes)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _check_inputs(payload_dir: Path, bag_dir: Path, zip_path: Path, info: BagInfo) -> None:
    problems: list[Problem] = []
    if not payload_dir.is_dir():
        problems.append(Problem(payload_dir, "the payload folder does not exist", "stage the payload first"))
    elif not (payload_dir / PAYLOAD_MANIFEST).is_file():
        problems.append(
            Problem(
                payload_dir / PAYLOAD_MANIFEST, "the payload has no manifest.json", "write it before bundling"
            )
        )
    if bag_dir.parent.resolve().is_relative_to(payload_dir):
        problems.append(
            Problem(
                bag_dir, "the bag would be built inside its own payload", "choose a bag folder outside it"
            )
        )
    if zip_path.resolve().is_relative_to(payload_dir):
        problems.append(Problem(zip_path, "the zip would be written into the payload", "write it elsewhere"))
    if not ZIP_EPOCH_MIN <= info.source_epoch <= ZIP_EPOCH_MAX:
        problems.append(
            Problem(
                None, f"source_epoch {info.source_epoch} is outside 1980–2107", "derive it from the inputs"
            )
        )
    if problems:
        raise UserInputError(problems)


def _payload_files(payload_dir: Path) -> list[tuple[str, Path]]:
    """Files under the payload as (posix relative path, path), sorted by path so output never varies."""
    found: list[tuple[str, Path]] = []
    for root, _dirs, files in os.walk(payload_dir, followlinks=True):
        for name in files:
            path = Path(root) / name
            found.append((path.relative_to(payload_dir).as_posix(), path))
    return sorted(found)


def _check_name(rel: str, path: Path) -> None:
    # RFC 8493 escapes CR, LF and % in manifests, but readers disagree on '%'; refusing them keeps every
    # BagIt tool reading our manifests the same way.
    if any(ch in rel for ch in "\r\n%\\") or rel != rel.strip():
        raise UserInputError.single(
            path,
            "a payload file name contains %, a backslash, a line break or edge spaces",
            "rename the file",
        )


def _stage_bag(payload_dir: Path, staged: Path, info: BagInfo) -> tuple[int, int]:
    data = staged / "data"
    lines: list[str] = []
    total_bytes = 0
    count = 0
    for rel, source in _payload_files(payload_dir):
        _check_name(rel, source)
        target = data / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with source.open("rb") as src, target.open("wb") as dst:
            while block := src.read(CHUNK):
                digest.update(block)
                dst.write(block)
        total_bytes += target.stat().st_size
        count += 1
        lines.append(f"{digest.hexdigest()}  data/{rel}\n")
    if count == 0:
        raise UserInputError.single(
            payload_dir, "the payload folder is empty", "stage the deliverables first"
        )
    _write_text(staged / "bagit.txt", BAGIT_TXT)
    _write_text(staged / MANIFEST_NAME, "".join(lines))
    tags = info.tags(total_bytes, count)
    _write_text(staged / "bag-info.txt", "".join(f"{label}: {_one_line(value)}\n" for label, value in tags))
    tag_lines = [
        f"{file_sha256(staged / name)}  {name}\n"
        for name in sorted(("bagit.txt", "bag-info.txt", MANIFEST_NAME))
    ]
    _write_text(staged / TAGMANIFEST_NAME, "".join(tag_lines))
    _normalise_modes(staged)
    return total_bytes, count


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def _normalise_modes(root: Path) -> None:
    os.chmod(root, DIR_MODE)
    for current, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(Path(current) / name, DIR_MODE)
        for name in files:
            os.chmod(Path(current) / name, FILE_MODE)


def _self_check(staged: Path) -> None:
    try:
        bagit.Bag(str(staged)).validate()
    except bagit.BagError as exc:
        raise StageFailedError(f"the staged bag {staged} did not validate: {exc}") from exc


def _zip_date_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    moment = time.gmtime(epoch)
    # zip stores seconds in two-second steps; rounding down here keeps every reader agreeing.
    return (
        moment.tm_year,
        moment.tm_mon,
        moment.tm_mday,
        moment.tm_hour,
        moment.tm_min,
        moment.tm_sec // 2 * 2,
    )


def _write_zip(staged: Path, top: str, zip_tmp: Path, date_time: tuple[int, int, int, int, int, int]) -> None:
    entries = sorted(
        (path.relative_to(staged).as_posix(), path) for path in staged.rglob("*") if path.is_file()
    )
    with zipfile.ZipFile(zip_tmp, "w", allowZip64=True) as archive:
        for rel, path in entries:
            entry = zipfile.ZipInfo(f"{top}/{rel}", date_time=date_time)
            entry.create_system = 3  # Unix, so the permission bits below mean the same everywhere
            entry.external_attr = (0o100000 | FILE_MODE) << 16
            # Stored, not deflated: deflate output differs between zlib builds (zlib-ng is the system
            # zlib on some distributions), which would break byte-identical zips across machines. The
            # payload is mostly video and JPEG, which deflate would not shrink anyway.
            entry.compress_type = zipfile.ZIP_STORED
            entry.file_size = path.stat().st_size
            entry.extra = b""
            with path.open("rb") as src, archive.open(entry, "w") as dst:
                shutil.copyfileobj(src, dst, CHUNK)


def _swap_dir(staged: Path, target: Path, parking: Path) -> None:
    """Move ``staged`` to ``target``; a previous bundle is parked and restored if the move fails."""
    if not target.exists() and not target.is_symlink():
        os.rename(staged, target)
        return
    os.rename(target, parking)
    try:
        os.rename(staged, target)
    except OSError:
        os.rename(parking, target)
        raise
