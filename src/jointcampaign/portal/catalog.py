"""What a partner may see in the output folder, and nothing else.

Every lookup starts from a grant, never from a partner id in the URL, and a file is served only if
its exact name is listed in the bag's sha256 manifest and its real path has no symlink in it. So
`..`, encoded separators, absolute paths, links to other folders and unlisted files all miss.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jointcampaign.bundle.bag import MANIFEST_NAME, PAYLOAD_MANIFEST, file_sha256
from jointcampaign.portal.tokens import Grant, is_valid_name


@dataclass(frozen=True)
class PayloadFile:
    rel: str  # relative to the bag's data/ folder, posix
    sha256: str
    size: int


@dataclass(frozen=True)
class Approval:
    partner: str
    name: str
    approved: bool
    by: str | None
    date: str | None


@dataclass(frozen=True)
class Bundle:
    slug: str
    partner: str
    bag_dir: Path
    zip_path: Path
    manifest: dict[str, Any]
    files: dict[str, PayloadFile] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str((self.manifest.get("campaign") or {}).get("title") or self.slug)

    @property
    def partner_name(self) -> str:
        return str((self.manifest.get("partner") or {}).get("name") or self.partner)

    @property
    def languages(self) -> list[str]:
        return [str(lang) for lang in self.manifest.get("languages", [])]

    def partner_names(self) -> dict[str, str]:
        return {
            str(p.get("id")): str(p.get("name") or p.get("id")) for p in self.manifest.get("partners", [])
        }

    def approvals(self) -> list[Approval]:
        """Everyone whose sign-off the spec asks for; with none recorded, every partner is still due."""
        names = self.partner_names()
        recorded: dict[str, Any] = self.manifest.get("approvals") or {pid: {} for pid in names}
        return [
            Approval(
                pid,
                names.get(pid, pid),
                (state or {}).get("approved") is True,
                (state or {}).get("by"),
                (state or {}).get("date"),
            )
            for pid, state in sorted(recorded.items())
        ]

    def pending(self) -> list[Approval]:
        return [approval for approval in self.approvals() if not approval.approved]

    @property
    def is_draft(self) -> bool:
        return bool(self.pending()) or not self.approvals()

    def data_path(self, rel: str) -> Path:
        return self.bag_dir / "data" / rel


class Catalog:
    def __init__(self, output_dir: Path) -> None:
        self.root = output_dir.resolve()
        self._zip_hashes: dict[tuple[Path, int, int], str] = {}
        self._lock = threading.Lock()

    def bundles_for(self, grant: Grant) -> list[Bundle]:
        if not self.root.is_dir():
            return []
        slugs = sorted(child.name for child in self.root.iterdir() if is_valid_name(child.name))
        found = (self.bundle(grant, slug) for slug in slugs)
        return [bundle for bundle in found if bundle is not None]

    def bundle(self, grant: Grant, slug: str) -> Bundle | None:
        """The grant's bundle for ``slug``, or None when it does not exist or is not theirs to see."""
        if not is_valid_name(slug) or not grant.covers(slug) or not is_valid_name(grant.partner):
            return None
        bag_dir = self.root / slug / grant.partner
        if not _is_plain_dir(bag_dir) or not (bag_dir / "bagit.txt").is_file():
            return None
        files = _listed_files(bag_dir)
        manifest = _read_json(bag_dir / "data" / PAYLOAD_MANIFEST) if PAYLOAD_MANIFEST in files else None
        if manifest is None:
            return None
        return Bundle(
            slug, grant.partner, bag_dir, self.root / slug / f"{grant.partner}.zip", manifest, files
        )

    def payload_file(self, bundle: Bundle, rel: str) -> tuple[Path, PayloadFile] | None:
        listed = bundle.files.get(rel)
        if listed is None:
            return None
        path = bundle.data_path(rel)
        if path.resolve() != path or not path.is_file():
            return None
        return path, listed

    def zip_file(self, bundle: Bundle) -> tuple[Path, str] | None:
        """The bundle's zip and its sha256 (cached while the file is unchanged)."""
        path = bundle.zip_path
        if path.is_symlink() or path.resolve() != path or not path.is_file():
            return None
        status = path.stat()
        key = (path, status.st_size, status.st_mtime_ns)
        with self._lock:
            known = self._zip_hashes.get(key)
        if known is None:
            known = file_sha256(path)
            with self._lock:
                self._zip_hashes[key] = known
        return path, known


def _is_plain_dir(path: Path) -> bool:
    # the real path must equal the spelled path: no symlink anywhere below the output root
    return path.is_dir() and path.resolve() == path


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _listed_files(bag_dir: Path) -> dict[str, PayloadFile]:
    try:
        text = (bag_dir / MANIFEST_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    files: dict[str, PayloadFile] = {}
    for line in text.splitlines():
        digest, _, name = line.partition(" ")
        name = name.strip()
        if not name.startswith("data/") or len(digest) != 64:
            continue
        rel = name.removeprefix("data/")
        path = bag_dir / "data" / rel
        try:
            size = path.stat().st_size
        except OSError:
            continue
        files[rel] = PayloadFile(rel, digest.lower(), size)
    return files
