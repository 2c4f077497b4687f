"""Two things leads do with an earlier submission: download its snapshot, and see what changed since.

The spec diff compares campaign.yaml (and each brand.yaml) field by field — `split.revenue.corner-cafe:
60 → 50` says more to a marketing lead than a line diff — and lists files added, removed or changed
(by sha256) anywhere in the snapshot.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from jointcampaign.fileio import atomic_path, sha256_file

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same snapshot always zips to the same bytes
SPEC_NAMES = {"campaign.yaml", "brand.yaml"}


@dataclass(frozen=True)
class FieldChange:
    file: str
    field: str
    before: str | None  # None: the field is new
    after: str | None  # None: the field was removed


@dataclass(frozen=True)
class SpecDiff:
    fields: list[FieldChange]
    added: list[str]
    removed: list[str]
    changed: list[str]

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)


def snapshot_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def zip_snapshot(root: Path, destination: Path) -> Path:
    """The snapshot as a .zip (made once, then reused: a snapshot never changes)."""
    if destination.is_file():
        return destination
    with atomic_path(destination) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in snapshot_files(root):
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as source, archive.open(info, "w") as sink:
                while block := source.read(1 << 20):
                    sink.write(block)
    return destination


def spec_diff(before_root: Path, after_root: Path) -> SpecDiff:
    before = {p.relative_to(before_root).as_posix(): p for p in snapshot_files(before_root)}
    after = {p.relative_to(after_root).as_posix(): p for p in snapshot_files(after_root)}
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(n for n in set(before) & set(after) if sha256_file(before[n]) != sha256_file(after[n]))
    fields: list[FieldChange] = []
    for name in sorted(set(before) | set(after)):
        if Path(name).name not in SPEC_NAMES or (name in before and name in after and name not in changed):
            continue
        old = _flatten(_load(before.get(name)))
        new = _flatten(_load(after.get(name)))
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                fields.append(FieldChange(name, key, old.get(key), new.get(key)))
    return SpecDiff(fields, added, removed, changed)


def _load(path: Path | None) -> Any:
    if path is None:
        return {}
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {"(unreadable)": path.name}


def _flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """`{split: {cost: {a: 50}}}` → `{"split.cost.a": "50"}`; list items by index, or by `id`/`code`."""
    flat: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            label = _item_label(value, index)
            flat.update(_flatten(value, f"{prefix}[{label}]"))
    else:
        flat[prefix or "(document)"] = "" if data is None else str(data)
    return flat


def _item_label(value: Any, index: int) -> str:
    # deliverables, offers and partners are easier to follow by their id than by their position
    if isinstance(value, dict):
        for key in ("id", "code", "asset", "metric"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return str(index)
