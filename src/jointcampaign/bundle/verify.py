"""Check a bundle (a bag folder or its zip) file by file; every problem names the path it is about.

Zips are read in place, never extracted, so a hostile archive cannot write anywhere.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from jointcampaign.bundle.bag import CHUNK, PAYLOAD_MANIFEST
from jointcampaign.errors import Problem

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
REQUIRED_ALGORITHM = "sha256"
FIX_REBUILD = "download the bundle again, or rebuild it with `jointcampaign run`"


class BagSource(Protocol):
    """A bag's files, wherever they live; paths are posix and relative to the bag's root."""

    def files(self) -> dict[str, int]: ...

    def open(self, rel: str) -> IO[bytes]: ...

    def where(self, rel: str) -> Path: ...


@dataclass
class FolderSource:
    root: Path
    problems: list[Problem] = field(default_factory=list)

    def files(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for current, dirs, names in os.walk(self.root):
            for name in [*dirs, *names]:
                path = Path(current) / name
                if path.is_symlink():
                    self.problems.append(
                        Problem(path, "is a symbolic link; bundles hold only regular files", FIX_REBUILD)
                    )
                elif name in names:
                    found[path.relative_to(self.root).as_posix()] = path.stat().st_size
            dirs[:] = [d for d in dirs if not (Path(current) / d).is_symlink()]
        return found

    def open(self, rel: str) -> IO[bytes]:
        return (self.root / rel).open("rb")

    def where(self, rel: str) -> Path:
        return self.root / rel


@dataclass
class ZipSource:
    archive: zipfile.ZipFile
    zip_path: Path
    prefix: str = ""
    problems: list[Problem] = field(default_factory=list)

    def files(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for entry in self.archive.infolist():
            name = entry.filename
            if name.endswith("/"):
                continue
            if not _safe_member(name):
                self.problems.append(
                    Problem(self.zip_path / name, "has an unsafe path (absolute, `..` or `\\`)", FIX_REBUILD)
                )
                continue
            if stat.S_ISLNK(entry.external_attr >> 16):
                self.problems.append(
                    Problem(
                        self.zip_path / name,
                        "is a symbolic link; bundles hold only regular files",
                        FIX_REBUILD,
                    )
                )
                continue
            if not name.startswith(self.prefix):
                self.problems.append(
                    Problem(self.zip_path / name, "lies outside the bag folder in the zip", "remove it")
                )
                continue
            rel = name[len(self.prefix) :]
            if rel in found:
                self.problems.append(Problem(self.zip_path / name, "appears twice in the zip", FIX_REBUILD))
            found[rel] = entry.file_size
        return found

    def open(self, rel: str) -> IO[bytes]:
        return self.archive.open(self.prefix + rel)

    def where(self, rel: str) -> Path:
        return self.zip_path / (self.prefix + rel)


def verify_bundle(path: Path) -> list[Problem]:
    """Every problem with the bag folder or bag zip at ``path``; an empty list means it is intact."""
    if path.is_dir():
        folder = FolderSource(path)
        return _verify(folder, folder.problems)
    if not path.is_file():
        return [Problem(path, "does not exist", "pass the path of a bundle folder or its .zip")]
    try:
        with zipfile.ZipFile(path) as archive:
            source = ZipSource(archive, path)
            source.prefix = _bag_prefix(archive)
            return _verify(source, source.problems)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        return [Problem(path, f"is not a readable zip ({exc})", FIX_REBUILD)]


def _safe_member(name: str) -> bool:
    posix = PurePosixPath(name)
    if not posix.parts or posix.is_absolute() or "\\" in name:
        return False
    return ".." not in posix.parts and ":" not in posix.parts[0]


def _bag_prefix(archive: zipfile.ZipFile) -> str:
    """Where the bag starts inside the zip: at the root, or in its single top-level folder."""
    names = [entry.filename for entry in archive.infolist()]
    if "bagit.txt" in names:
        return ""
    candidates = sorted({name.split("/", 1)[0] + "/" for name in names if name.count("/") == 1})
    for candidate in candidates:
        if candidate + "bagit.txt" in names:
            return candidate
    return candidates[0] if len(candidates) == 1 else ""


def _verify(source: BagSource, found_problems: list[Problem]) -> list[Problem]:
    problems: list[Problem] = []
    present = source.files()
    problems.extend(found_problems)
    if "bagit.txt" not in present:
        problems.append(
            Problem(source.where("bagit.txt"), "is missing: this is not a BagIt bag", FIX_REBUILD)
        )
        return problems
    problems.extend(_check_declaration(source))
    if PAYLOAD_MANIFEST not in {rel.removeprefix("data/") for rel in present if rel.startswith("data/")}:
        problems.append(Problem(source.where(f"data/{PAYLOAD_MANIFEST}"), "is missing", FIX_REBUILD))

    payload_listed: dict[str, dict[str, str]] = {}
    tag_listed: dict[str, dict[str, str]] = {}
    for algorithm in ALGORITHMS:
        for kind, listed in (
            (f"manifest-{algorithm}.txt", payload_listed),
            (f"tagmanifest-{algorithm}.txt", tag_listed),
        ):
            if kind in present:
                problems.extend(_read_manifest(source, kind, algorithm, listed))
    for required in (f"manifest-{REQUIRED_ALGORITHM}.txt", f"tagmanifest-{REQUIRED_ALGORITHM}.txt"):
        if required not in present:
            problems.append(Problem(source.where(required), "is missing", FIX_REBUILD))

    problems.extend(_check_completeness(source, present, payload_listed, tag_listed))
    for rel, digests in sorted({**tag_listed, **payload_listed}.items()):
        if rel in present:
            problems.extend(_check_digests(source, rel, digests))
    if not problems:  # the oxum only restates the payload; once a file is reported it adds nothing
        problems.extend(_check_oxum(source, present))
    return sorted(problems, key=lambda problem: (str(problem.file), problem.line or 0))


def _check_declaration(source: BagSource) -> list[Problem]:
    text = _read_text(source, "bagit.txt")
    if text is None:
        return [Problem(source.where("bagit.txt"), "is not UTF-8 text", FIX_REBUILD)]
    if text.startswith("\ufeff"):
        return [Problem(source.where("bagit.txt"), "starts with a byte-order mark", FIX_REBUILD)]
    tags = dict(_tag_lines(text))
    version = tags.get("BagIt-Version")
    if version not in {"0.97", "1.0"}:
        return [Problem(source.where("bagit.txt"), f"declares BagIt-Version {version!r}", FIX_REBUILD)]
    return []


def _tag_lines(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        label, sep, value = line.partition(":")
        if sep:
            yield label.strip(), value.strip()


def _read_text(source: BagSource, rel: str) -> str | None:
    try:
        with source.open(rel) as handle:
            return handle.read().decode("utf-8")
    except (UnicodeDecodeError, zipfile.BadZipFile, zlib.error, OSError):
        return None


def _read_manifest(
    source: BagSource, name: str, algorithm: str, listed: dict[str, dict[str, str]]
) -> list[Problem]:
    text = _read_text(source, name)
    if text is None:
        return [Problem(source.where(name), "cannot be read as UTF-8 text", FIX_REBUILD)]
    problems: list[Problem] = []
    width = hashlib.new(algorithm).digest_size * 2
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, raw_path = line.partition(" ")
        rel = _decode_path(raw_path.strip().lstrip("*"))
        if len(digest) != width or not rel or any(c not in "0123456789abcdefABCDEF" for c in digest):
            problems.append(
                Problem(source.where(name), f"line is not `<{algorithm}>  <path>`", FIX_REBUILD, line=number)
            )
        elif not _safe_member(rel) or (name.startswith("manifest-") and not rel.startswith("data/")):
            problems.append(
                Problem(source.where(name), f"lists an unsafe path {rel!r}", FIX_REBUILD, line=number)
            )
        elif algorithm in listed.setdefault(rel, {}):
            problems.append(Problem(source.where(name), f"lists {rel} twice", FIX_REBUILD, line=number))
        else:
            listed[rel][algorithm] = digest.lower()
    return problems


def _decode_path(raw: str) -> str:
    return raw.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _check_completeness(
    source: BagSource,
    present: dict[str, int],
    payload_listed: dict[str, dict[str, str]],
    tag_listed: dict[str, dict[str, str]],
) -> list[Problem]:
    problems: list[Problem] = []
    for rel in sorted(set(payload_listed) | set(tag_listed)):
        if rel not in present:
            problems.append(Problem(source.where(rel), "is listed in the manifest but missing", FIX_REBUILD))
    for rel in sorted(present):
        is_tag_manifest = "/" not in rel and rel.startswith("tagmanifest-")
        if rel in payload_listed or rel in tag_listed or rel == "bagit.txt" or is_tag_manifest:
            continue
        problems.append(
            Problem(
                source.where(rel),
                "is an extra file not listed in the bag's manifests",
                f"remove it; {FIX_REBUILD}",
            )
        )
    return problems


def _check_digests(source: BagSource, rel: str, digests: dict[str, str]) -> list[Problem]:
    hashers = {algorithm: hashlib.new(algorithm) for algorithm in digests}
    try:
        with source.open(rel) as handle:
            while block := handle.read(CHUNK):
                for hasher in hashers.values():
                    hasher.update(block)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        return [Problem(source.where(rel), f"cannot be read: damaged ({exc})", FIX_REBUILD)]
    return [
        Problem(
            source.where(rel),
            f"{algorithm} checksum does not match: the file changed after the bundle was built "
            f"(expected {expected[:12]}…, found {hashers[algorithm].hexdigest()[:12]}…)",
            FIX_REBUILD,
        )
        for algorithm, expected in sorted(digests.items())
        if hashers[algorithm].hexdigest() != expected
    ]


def _check_oxum(source: BagSource, present: dict[str, int]) -> list[Problem]:
    text = _read_text(source, "bag-info.txt")
    if text is None:
        return []
    oxum = dict(_tag_lines(text)).get("Payload-Oxum")
    if oxum is None:
        return []
    payload = [size for rel, size in present.items() if rel.startswith("data/")]
    actual = f"{sum(payload)}.{len(payload)}"
    if oxum != actual:
        return [
            Problem(
                source.where("bag-info.txt"),
                f"Payload-Oxum says {oxum} but the payload is {actual}",
                FIX_REBUILD,
            )
        ]
    return []
