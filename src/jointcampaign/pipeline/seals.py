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
from pathlib import Path

from jointcampaign.fileio import write_text_atomic
from jointcampaign.pipeline.fingerprint import file_digest
from jointcampaign.pipeline.layout import OutputLayout

SEALS_DIR = "seals"
SEAL_SUFFIX = ".json"


def seals_dir(layout: OutputLayout) -> Path:
    return layout.work_dir / SEALS_DIR


def seal_file(layout: OutputLayout, key: str) -> Path:
    return seals_dir(layout) / f"{key}{SEAL_SUFFIX}"


def output_digests(outputs: Iterable[Path]) -> dict[str, str | None]:
    """sha256 of every output file; a folder counts file by file (a bag), a missing path as None."""
    found: dict[str, str | None] = {}
    for path in outputs:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            found |= {p.as_posix(): file_digest(p) for p in files}
            found[f"{path.as_posix()}/"] = "folder"
        else:
            found[path.as_posix()] = file_digest(path) if path.is_file() else None
    return found


def write_seal(layout: OutputLayout, key: str, outputs: Iterable[Path]) -> Path:
    """Record what the step that just finished under `key` left at its output paths."""
    path = seal_file(layout, key)
    digests = output_digests(outputs)
    write_text_atomic(path, json.dumps({"key": key, "outputs": digests}, indent=1, sort_keys=True) + "\n")
    return path


def seal_holds(layout: OutputLayout, key: str, outputs: Iterable[Path]) -> bool:
    """Whether the outputs are exactly what the step keyed `key` left; unreadable or absent seals do not hold."""
    try:
        sealed = json.loads(seal_file(layout, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    current = output_digests(outputs)
    return isinstance(sealed, dict) and sealed.get("outputs") == current and None not in current.values()


def break_seal(layout: OutputLayout, key: str) -> None:
    seal_file(layout, key).unlink(missing_ok=True)
