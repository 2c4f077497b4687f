"""A run of a campaign whose copy the models never saw: it completes, and says so everywhere.

Manifest counts per status and draft cuts, qc.html's Needs review section, the brief's badges and
owner-attributed blockers, a visible DRAFT mark; then a review of one language clears it and the
rerun makes again only that language's steps. Real Prefect API (test harness), models and video.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polib
import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.slow

PARTNERS = ["corner-cafe", "rosas-flowers"]
PARTNER_LANGUAGES = {"corner-cafe": ["es", "vi", "zh-Hans"], "rosas-flowers": ["es", "ar", "hi"]}
UNSEEN_POST = """# Winter warmers

Our winter latte is back with cinnamon and oat milk.
Use code CAFE10 at the counter before 5 pm.
Follow @cornercafe, tag #MapleMornings, see https://cornercafe.example/winter or pay $4.50, {first_name}.
"""
KEPT = ["CAFE10", "@cornercafe", "#MapleMornings", "https://cornercafe.example/winter", "$4.50", "{first_name}"]
UNSEEN_SRT = """1
00:00:00,300 --> 00:00:01,400
Good morning from Maple Street!

2
00:00:01,600 --> 00:00:02,800
The parking lot behind the bakery at Rosa's Flowers closes with code BLOOM-77.
"""


@pytest.fixture(scope="module")
def harness(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path_factory.mktemp("unreviewed-home")
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCAMPAIGN_HOME", str(home))
        patch.setenv("JOINTCAMPAIGN_RENDER_HEIGHT", "180")
        with prefect_test_harness(server_startup_timeout=120):
            yield


def run(campaign: Path, out: Path, languages: list[str] | None = None) -> object:
    from jointcampaign.flows.localize_campaign import localize_campaign

    return localize_campaign(campaign_dir=campaign, out_dir=out, languages=languages)


def unseen(campaign: Path) -> Path:
    (campaign / "copy" / "post.md").write_text(UNSEEN_POST, encoding="utf-8")
    (campaign / "video" / "main.srt").write_text(UNSEEN_SRT, encoding="utf-8")
    return campaign


def manifest(out: Path, partner: str) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "demo-cafe-florist" / partner / "data" / "manifest.json").read_text(encoding="utf-8"))


def top_band_red(video: Path) -> int:
    """Red pixels in the band under the logos, where the DRAFT mark goes, at 1 s."""
    from imageio_ffmpeg import get_ffmpeg_exe

    raw = subprocess.run(
        [get_ffmpeg_exe(), "-v", "error", "-ss", "1", "-i", str(video), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    frame = np.frombuffer(raw, dtype=np.uint8).reshape(180, 320, 3).astype(np.int16)
    band = frame[25:70, 60:260]
    return int(((band[:, :, 0] > 150) & (band[:, :, 1] < 80) & (band[:, :, 2] < 90)).sum())


def review_everything(campaign: Path, language: str, tmp_path: Path) -> None:
    """What a reviewer does: export, correct every string (keeping its names and codes), import."""
    from jointcampaign.cli.review import review_app

    po_path = tmp_path / f"review.{language}.po"
    exported = CliRunner().invoke(review_app, ["export", str(campaign), "--lang", language, "-o", str(po_path)])
    assert exported.exit_code == 0, exported.output
    po = polib.pofile(str(po_path))
    assert any("needs review" in entry.comment for entry in po)  # the reviewer is told which and why
    for entry in po:
        entry.msgstr = f"[revisado] {entry.msgid}"
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(po_path))
    imported = CliRunner().invoke(review_app, ["import", str(campaign), str(po_path), "--lang", language])
    assert imported.exit_code == 0, imported.output


def test_unseen_copy_ships_only_as_marked_drafts_until_reviewed(
    harness: None, campaign_copy: Path, tmp_path: Path
) -> None:
    campaign = unseen(campaign_copy)
    out = tmp_path / "out"
    first = run(campaign, out)
    assert first.failures == [] and first.status == "completed"  # type: ignore[attr-defined]

    for partner in PARTNERS:
        data = manifest(out, partner)
        languages = PARTNER_LANGUAGES[partner]
        for language in languages:
            counts = data["translation"][language]
            assert counts["needs_review"] > 0 and counts["strings"]["needs_review"] == counts["needs_review"]
            assert set(counts["strings"]) == {"reviewed", "memory", "confident", "needs_review"}
        assert {cut["language"]: cut["draft"] for cut in data["cuts"]} == dict.fromkeys(languages, True)
        review_es = [b for b in data["blockers"] if b["deliverable"] == "review-es" and "need review" in b["message"]]
        assert [b["partner"] for b in review_es] == ["corner-cafe"]  # the owner of the es review deliverable
        for language in languages[1:]:  # no reviewer named: the partner whose community reads it
            review = [b["partner"] for b in data["blockers"] if b["deliverable"] == f"review-{language}"]
            assert review == [partner], (language, review)
        bundle = out / "demo-cafe-florist" / partner / "data"
        qc = (bundle / "qc.html").read_text(encoding="utf-8")
        assert "Needs review" in qc and "Our winter latte is back with cinnamon and oat milk." in qc
        assert all(f"<h3 data-language='{language}'>" in qc for language in languages)
        assert "jointcampaign review export" in qc and "jointcampaign review import" in qc
        assert "● confident or reviewed" not in qc  # no language shows green
        brief = (bundle / "brief.html").read_text(encoding="utf-8")
        assert brief.count("needs review</span>") == len(languages)
        for language in languages:  # guesses, but every protected span is intact
            post = (bundle / "copy" / language / "post.md").read_text(encoding="utf-8")
            assert all(kept in post for kept in KEPT), (language, post)
            subtitles = " ".join((bundle / "subtitles" / f"{language}.srt").read_text(encoding="utf-8").split())
            assert "Rosa's Flowers" in subtitles and "BLOOM-77" in subtitles, (language, subtitles)
    draft_cut = out / "demo-cafe-florist" / "corner-cafe" / "data" / "video" / "es" / "16x9.mp4"
    draft_red = top_band_red(draft_cut)
    vi_cut = campaign_out_cut(out, "corner-cafe", "vi")
    vi_before = (vi_cut.stat().st_mtime_ns, vi_cut.stat().st_ino)

    review_everything(campaign, "es", tmp_path)
    second = run(campaign, out)
    assert second.failures == []  # type: ignore[attr-defined]
    assert set(second.rebuilt) == {  # type: ignore[attr-defined]
        "copy es", "subtitles es", "render corner-cafe es 16:9", "render rosas-flowers es 16:9",
        "bundle corner-cafe", "bundle rosas-flowers",
    }  # fmt: skip
    assert (vi_cut.stat().st_mtime_ns, vi_cut.stat().st_ino) == vi_before
    for partner in PARTNERS:
        data = manifest(out, partner)
        es = data["translation"]["es"]
        assert es["needs_review"] == 0 and es["strings"]["reviewed"] > 0
        languages = PARTNER_LANGUAGES[partner]
        assert all(data["translation"][lang]["needs_review"] > 0 for lang in languages[1:])
        assert {cut["language"]: cut["draft"] for cut in data["cuts"]} == {
            **dict.fromkeys(languages, True), "es": False
        }
    reviewed_cut = out / "demo-cafe-florist" / "corner-cafe" / "data" / "video" / "es" / "16x9.mp4"
    assert draft_red > 200 and top_band_red(reviewed_cut) < draft_red / 10  # the mark is gone


def campaign_out_cut(out: Path, partner: str, language: str) -> Path:
    return out / "demo-cafe-florist" / ".work" / "video" / partner / language / "16x9.mp4"


def test_a_campaign_can_hold_unreviewed_cuts_back(harness: None, campaign_copy: Path, tmp_path: Path) -> None:
    campaign = unseen(campaign_copy)
    spec = campaign / "campaign.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\ntranslation:\n  unreviewed_cuts: hold\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run(campaign, out, ["vi"])
    assert summary.failures == []  # type: ignore[attr-defined]
    data = manifest(out, "corner-cafe")
    assert data["cuts"] == [] and [item["language"] for item in data["held_back"]] == ["vi"]
    qc = (out / "demo-cafe-florist" / "corner-cafe" / "data" / "qc.html").read_text(encoding="utf-8")
    assert "held back: not reviewed" in qc
