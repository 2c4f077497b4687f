"""Temporary files a run that died left behind (kill -9, power cut), found and removed by the next run.

Every write in a run goes to a temp path beside its target and is renamed into place, so a run that
is killed leaves temp files but never a half-written output. Only our own kinds of temp path are
matched, only inside the campaign's output folder, and the caller must hold the run lock: a live
run's temp files are then impossible, because no other run of the campaign can be going on.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from jointcampaign.pipeline.output_paths import OutputLayout

# tempfile.mkstemp/mkdtemp put 8 characters of [a-z0-9_] between our prefix and suffix.
_RANDOM = r"[a-z0-9_]{8}"
# fileio.atomic_path and the renderer's scratch files: .<name>.<random><suffix of name>
_ATOMIC = re.compile(rf"^\.(?P<name>.+)\.{_RANDOM}(?P<suffix>\.[^./]+)?$")
# bundle/bag.py: .<bag>.<random>.building (a folder) and .<bag>.zip.<random>.tmp
_BAG = re.compile(rf"^\..+\.{_RANDOM}\.(building|tmp)$")
# fileio.replace_dir: .<folder>.old, the previous folder while the new one is swapped in
_OLD = re.compile(r"^\..+\.old$")


def is_leftover(path: Path) -> bool:
    name = path.name
    if _BAG.match(name) or _OLD.match(name):
        return True
    found = _ATOMIC.match(name)
    if found is None:
        return False
    suffix = found.group("suffix") or ""
    return found.group("name").endswith(suffix)


def find_leftovers(layout: OutputLayout) -> list[Path]:
    """Our temp files and folders in OUT/<campaign>/ (top level) and anywhere under its .work/ folder."""
    return sorted(_walk(layout))


def _walk(layout: OutputLayout) -> Iterator[Path]:
    top = layout.campaign_dir
    if not top.is_dir():
        return
    for entry in top.iterdir():
        if is_leftover(entry):
            yield entry
    if layout.work_dir.is_dir():
        for entry in layout.work_dir.rglob(".*"):
            if is_leftover(entry) and not _inside_leftover(entry, layout.work_dir):
                yield entry


def _inside_leftover(entry: Path, work_dir: Path) -> bool:
    """Whether a folder between .work/ and `entry` is itself a leftover (it goes, and all in it)."""
    return any(is_leftover(parent) for parent in entry.relative_to(work_dir).parents if parent.name)


def remove_leftovers(layout: OutputLayout) -> list[Path]:
    """Remove what `find_leftovers` finds; the caller holds the campaign's run lock. Returns what went."""
    removed = []
    for path in find_leftovers(layout):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
