"""Check an output folder's work area against its cache records: what would be reused, what is stale.

A run already ignores every record whose seal does not hold, so nothing here changes what a run
ships; it tells a user who doubts the cache what is in it, and `--fix` removes the dead weight:
records that will never be reused, seals without records, temp files of runs that died, and work
files no kept record vouches for (a language or partner dropped from the campaign).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.pipeline.leftovers import find_leftovers
from jointcampaign.pipeline.output_paths import OutputLayout
from jointcampaign.pipeline.seals import SEAL_SUFFIX, Seal, output_digests, read_seal, seal_file, seals_dir

# Prefect names a kept record by its cache key (<task name>-<sha256>); the result of a failed step
# is stored under a random uuid instead, so that it is never found as a cached result.
_KEYED = re.compile(r"^[a-z][a-z0-9-]*-[0-9a-f]{64}$")
_FAILED = re.compile(r"^[0-9a-f]{32}$")
# Work folders whose files are the outputs of cached steps (payload/ is rebuilt by every bundle step).
_STEP_OUTPUTS = ("copy", "subtitles", "video", "posters")


@dataclass(frozen=True)
class Finding:
    kind: str
    path: Path
    detail: str
    removes: tuple[Path, ...]


@dataclass(frozen=True)
class Checkup:
    layout: OutputLayout
    reusable: int
    findings: tuple[Finding, ...]

    @property
    def healthy(self) -> bool:
        return not self.findings


def campaign_layouts(out: Path) -> list[OutputLayout]:
    """OUT may be one campaign's folder (it has .work/) or a folder of them."""
    if (out / ".work").is_dir():
        return [OutputLayout(out.parent, out.name)]
    return [OutputLayout(out, child.name) for child in sorted(out.iterdir()) if (child / ".work").is_dir()]


def examine(layout: OutputLayout) -> Checkup:
    """Every record, seal, temp file and step output of one campaign's output folder, judged."""
    findings: list[Finding] = []
    holding: list[Seal] = []
    records = cache_records(layout)
    for record in records:
        finding, seal = _judge_record(layout, record)
        if finding is not None:
            findings.append(finding)
        elif seal is not None:
            holding.append(seal)
    kept = {record.name for record in records if _KEYED.match(record.name)}
    if seals_dir(layout).is_dir():
        for path in sorted(seals_dir(layout).glob(f"*{SEAL_SUFFIX}")):
            if path.name.removesuffix(SEAL_SUFFIX) not in kept:
                findings.append(Finding("orphan-seal", path, "a seal whose cache record is gone", (path,)))
    findings += [
        Finding("temp-file", path, "left by a run that did not finish", (path,))
        for path in find_leftovers(layout)
    ]
    findings += _unclaimed_outputs(layout, holding, {f.path for f in findings})
    return Checkup(layout, len(holding), tuple(findings))


def cache_records(layout: OutputLayout) -> list[Path]:
    folder = layout.cache_dir
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _judge_record(layout: OutputLayout, record: Path) -> tuple[Finding | None, Seal | None]:
    if _FAILED.match(record.name):
        return Finding(
            "failed-record", record, "the stored result of a failed step (never reused)", (record,)
        ), None
    if not _KEYED.match(record.name):
        return None, None  # not a record of ours: leave it be
    sealed_at = seal_file(layout, record.name)
    seal = read_seal(sealed_at)
    if seal is None:
        detail = "no seal: made by an older version, or its run died before sealing; it will be redone"
        return Finding("unsealed-record", record, detail, (record, sealed_at)), None
    if not seal.holds(layout):
        changed = _first_change(layout, seal)
        detail = f"stale: {changed} is no longer what this step made; it will be redone"
        return Finding("stale-record", record, detail, (record, sealed_at)), None
    return None, seal


def _first_change(layout: OutputLayout, seal: Seal) -> str:
    current = output_digests(layout, [layout.campaign_dir / p for p in seal.paths])
    for name in sorted(set(current) | set(seal.digests)):
        if current.get(name) != seal.digests.get(name):
            return name
    return "an output"


def _unclaimed_outputs(layout: OutputLayout, holding: Iterable[Seal], reported: set[Path]) -> list[Finding]:
    claimed = {
        layout.campaign_dir / name for seal in holding for name in seal.digests if not name.endswith("/")
    }
    found = []
    for folder in (layout.work_dir / name for name in _STEP_OUTPUTS):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path not in claimed and not any(parent in reported for parent in (path, *path.parents)):
                detail = "made by no step whose record is kept (an old run, or a language or partner since dropped)"
                found.append(Finding("unclaimed-output", path, detail, (path,)))
    return found


def repair(checkup: Checkup) -> list[Path]:
    """Remove what the findings name; the caller holds the campaign's run lock. Returns what went."""
    removed = []
    for finding in checkup.findings:
        for path in finding.removes:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists() or path.is_symlink():
                path.unlink(missing_ok=True)
            else:
                continue
            removed.append(path)
    return removed
