"""Seals: the bytes a cached step's outputs had when it finished, so its record is trusted only while they still do.

Several cache keys write the same output paths: the Spanish subtitles before and after a review, a
partner's bundle with its videos and, after a damaged video, without them. A cache record only says
"key K made these paths". Once another key has replaced what is at those paths, reusing K's record
would hand back someone else's files (the stale-bundle bug of issue 15). The seal says "and these
were their bytes"; a record whose seal is missing or no longer matches is not used.

Seals live in OUT/<campaign>/.work/seals/<key>.json, beside the cache records they vouch for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.fileio import write_text_atomic
from jointcampaign.pipeline.fingerprint import file_digest
from jointcampaign.pipeline.output_paths import OutputLayout

SEALS_DIR = "seals"
SEAL_SUFFIX = ".json"


def seals_dir(layout: OutputLayout) -> Path:
    return layout.work_dir / SEALS_DIR


def seal_file(layout: OutputLayout, key: str) -> Path:
    return seals_dir(layout) / f"{key}{SEAL_SUFFIX}"


@dataclass(frozen=True)
class Seal:
    key: str
    # Output paths relative to OUT/<campaign>/, so the folder may move or be mounted elsewhere by a worker.
    paths: tuple[str, ...]
    digests: dict[str, str | None]

    def holds(self, layout: OutputLayout) -> bool:
        current = output_digests(layout, [layout.campaign_dir / p for p in self.paths])
        return current == self.digests and None not in current.values()


def _relative(layout: OutputLayout, path: Path) -> str:
    root = layout.campaign_dir.absolute()
    absolute = path.absolute()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else absolute.as_posix()


def output_digests(layout: OutputLayout, outputs: Iterable[Path]) -> dict[str, str | None]:
    """sha256 of every output file; a folder counts file by file (a bag), a missing path as None."""
    found: dict[str, str | None] = {}
    for path in outputs:
        if path.is_dir():
            found[f"{_relative(layout, path)}/"] = "folder"
            found |= {_relative(layout, p): file_digest(p) for p in sorted(path.rglob("*")) if p.is_file()}
        else:
            found[_relative(layout, path)] = file_digest(path) if path.is_file() else None
    return found


def write_seal(layout: OutputLayout, key: str, outputs: Iterable[Path]) -> Path:
    """Record what the step that just finished under `key` left at its output paths."""
    listed = list(outputs)
    seal = {
        "key": key,
        "paths": [_relative(layout, p) for p in listed],
        "outputs": output_digests(layout, listed),
    }
    path = seal_file(layout, key)
    write_text_atomic(path, json.dumps(seal, indent=1, sort_keys=True) + "\n")
    return path


def read_seal(path: Path) -> Seal | None:
    """The seal at `path`, or None when it is unreadable (a seal that cannot be read vouches for nothing)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Seal(key=str(data["key"]), paths=tuple(map(str, data["paths"])), digests=dict(data["outputs"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def seal_holds(layout: OutputLayout, key: str, outputs: Iterable[Path]) -> bool:
    """Whether the outputs are exactly what the step keyed `key` left; unreadable or absent seals do not hold."""
    seal = read_seal(seal_file(layout, key))
    expected = tuple(_relative(layout, p) for p in outputs)
    return seal is not None and seal.key == key and seal.paths == expected and seal.holds(layout)


def break_seal(layout: OutputLayout, key: str) -> None:
    seal_file(layout, key).unlink(missing_ok=True)
