"""Temp files of a run that died are found and removed; nothing else in the output folder is touched."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from jointcampaign.pipeline.leftovers import find_leftovers, is_leftover, remove_leftovers
from jointcampaign.pipeline.output_paths import OutputLayout

DIES_WHILE_WRITING = """
import os, sys
from pathlib import Path
from jointcampaign.fileio import atomic_path
with atomic_path(Path(sys.argv[1])) as temp:
    temp.write_bytes(b"half a video")
    os._exit(9)  # as a SIGKILL would: no cleanup runs
"""


def test_a_killed_write_leaves_a_temp_file_the_next_run_removes(tmp_path: Path) -> None:
    layout = OutputLayout(tmp_path / "out", "demo")
    cut = layout.cut_file("corner-cafe", "es", "16:9")
    cut.parent.mkdir(parents=True)
    cut.write_bytes(b"the good cut")
    subprocess.run([sys.executable, "-c", DIES_WHILE_WRITING, str(cut)], check=False)
    bag_build = Path(tempfile.mkdtemp(prefix=".corner-cafe.", suffix=".building", dir=layout.campaign_dir))
    (bag_build / "corner-cafe" / "data").mkdir(parents=True)
    zip_temp = Path(tempfile.mkstemp(prefix=".corner-cafe.zip.", suffix=".tmp", dir=layout.campaign_dir)[1])
    old = layout.campaign_dir / ".corner-cafe.old"
    old.mkdir()

    keep = [cut, layout.campaign_dir / ".run.lock", layout.campaign_dir / "corner-cafe.zip",
            layout.work_dir / "cache" / "build-bundle-0123", layout.work_dir / "copy" / "es" / ".notes.md"]  # fmt: skip
    for path in keep[1:]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")

    found = find_leftovers(layout)
    temps = [p for p in cut.parent.iterdir() if p != cut]
    assert len(temps) == 1 and temps[0].name.startswith(".16x9.mp4.") and temps[0].suffix == ".mp4"
    assert sorted(found) == sorted([temps[0], bag_build, zip_temp, old])
    assert sorted(remove_leftovers(layout)) == sorted(found)
    assert find_leftovers(layout) == [] and all(path.exists() for path in keep)
    assert cut.read_bytes() == b"the good cut"


def test_only_our_kinds_of_name_count() -> None:
    ours = [".16x9.mp4.k2j4_8zq.mp4", ".es-16x9.jpg.abcdefgh.jpg", ".corner-cafe.a1b2c3d4.building",
            ".corner-cafe.zip.a1b2c3d4.tmp", ".corner-cafe.old", ".post.md.zzzzzzzz.md"]  # fmt: skip
    theirs = [
        ".run.lock",
        "post.md",
        ".hidden",
        ".16x9.mp4",
        ".post.md.short.md",
        ".a.abcdefgh.mp4.txt",
        ".work",
    ]
    assert all(is_leftover(Path(name)) for name in ours)
    assert not any(is_leftover(Path(name)) for name in theirs)
