"""The flow on a real Prefect API (test harness), real demo models and real video: incremental reruns,
locking between concurrent runs, failure isolation, and the nightly pass."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SLUG = "demo-cafe-florist"
REVIEW_ES = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"

msgid "Good morning from Maple Street!"
msgstr "¡Muy buenos días desde Maple Street!"
"""


@pytest.fixture(scope="module")
def harness(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    # The demo models, but a translation memory of our own: reviewed strings are remembered
    # machine-wide, and this module's review must not reach other tests.
    home = tmp_path_factory.mktemp("incremental-home")
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCAMPAIGN_HOME", str(home))
        patch.setenv("JOINTCAMPAIGN_RENDER_HEIGHT", "180")
        with prefect_test_harness(server_startup_timeout=120):
            yield


def run(campaign: Path, out: Path, languages: list[str]) -> object:
    from jointcampaign.flows.localize_campaign import localize_campaign

    return localize_campaign(campaign_dir=campaign, out_dir=out, languages=languages)


def rebuilt(summary: object) -> set[str]:
    return set(summary.rebuilt)  # type: ignore[attr-defined]


def test_reruns_redo_only_what_changed(harness: None, campaign_copy: Path, tmp_path: Path) -> None:
    from jointcampaign.demo.media import make_logo

    out = tmp_path / "out"
    everything = {"copy es", "copy vi", "subtitles es", "subtitles vi", "bundle corner-cafe", "bundle rosas-flowers",
                  # Only the café's community reads Vietnamese: Rosa's Flowers gets no Vietnamese cut.
                  "render corner-cafe es 16:9", "render rosas-flowers es 16:9", "render corner-cafe vi 16:9"}

    # Two runs of the same campaign at once: the second waits for the first, then finds it all done.
    summaries: list[object] = []
    threads = [threading.Thread(target=lambda: summaries.append(run(campaign_copy, out, ["es", "vi"])))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert len(summaries) == 2
    assert sorted(len(rebuilt(s)) for s in summaries) == [0, len(everything)]
    assert rebuilt(max(summaries, key=lambda s: len(rebuilt(s)))) == everything
    zips = {p: out / SLUG / f"{p}.zip" for p in ("corner-cafe", "rosas-flowers")}
    assert all(z.is_file() for z in zips.values())

    assert rebuilt(run(campaign_copy, out, ["es", "vi"])) == set()

    (campaign_copy / "review" / "es.po").write_text(REVIEW_ES, encoding="utf-8")
    after_review = rebuilt(run(campaign_copy, out, ["es", "vi"]))
    # The reviewed line changes the Spanish subtitles, so the Spanish cuts render again; nothing Vietnamese.
    assert after_review == {"copy es", "subtitles es", "render corner-cafe es 16:9", "render rosas-flowers es 16:9",
                            "bundle corner-cafe", "bundle rosas-flowers"}
    assert "Muy buenos días" in (out / SLUG / ".work" / "subtitles" / "es.srt").read_text(encoding="utf-8")

    make_logo(campaign_copy.parents[1] / "assets/partners/corner-cafe/logo.png", "Corner Café", "#0B6E4F",
              size=(128, 64))
    after_logo = rebuilt(run(campaign_copy, out, ["es", "vi"]))
    # Every cut shows both logos, so every cut renders again; no text is translated again.
    assert {s for s in after_logo if s.startswith("render")} == {s for s in everything if s.startswith("render")}
    assert not {s for s in after_logo if s.startswith(("copy", "subtitles"))}

    assert not (out / SLUG / ".work" / "video" / "rosas-flowers" / "vi").exists()
    cut = out / SLUG / ".work" / "video" / "corner-cafe" / "vi" / "16x9.mp4"
    cut.unlink()
    after_cleanup = rebuilt(run(campaign_copy, out, ["es", "vi"]))
    assert {s for s in after_cleanup if s.startswith("render")} == {"render corner-cafe vi 16:9"}
    assert cut.is_file()


def test_one_failing_cut_leaves_the_others_and_is_reported(harness: None, campaign_copy: Path,
                                                          tmp_path: Path) -> None:
    from jointcampaign.flows.localize_campaign import localize_campaign

    out = tmp_path / "out"
    # A folder where the cut should land: the encoder succeeds, putting the file in place fails.
    (out / SLUG / ".work" / "video" / "corner-cafe" / "es" / "16x9.mp4" / "in-the-way").mkdir(parents=True)
    state = localize_campaign(campaign_dir=campaign_copy, out_dir=out, languages=["es"], return_state=True)
    assert state.name == "Partial" and state.is_completed()
    summary = state.result()
    assert summary.status == "partial"
    assert [(f.stage, f.language, f.partner) for f in summary.failures] == [("render", "es", "corner-cafe")]
    assert set(summary.bundles) == {"corner-cafe", "rosas-flowers"}
    assert (out / SLUG / ".work" / "video" / "rosas-flowers" / "es" / "16x9.mp4").is_file()
    manifest = json.loads((out / SLUG / "corner-cafe" / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert [f["partner"] for f in manifest["failures"]] == ["corner-cafe"]
    assert manifest["cuts"] == []
    qc = (out / SLUG / "corner-cafe" / "data" / "qc.html").read_text(encoding="utf-8")
    assert "in-the-way" in qc or "Is a directory" in qc
    other = json.loads((out / SLUG / "rosas-flowers" / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert other["failures"] == [] and len(other["cuts"]) == 1


def test_every_aspect_of_a_partner_and_language_renders_in_one_task(harness: None, campaign_copy: Path,
                                                                      tmp_path: Path) -> None:
    from PIL import Image

    from jointcampaign.media.probe import probe

    path = campaign_copy / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'aspects: ["16:9"]' in text
    path.write_text(text.replace('aspects: ["16:9"]', 'aspects: ["16:9", "9:16"]', 1), encoding="utf-8")
    out = tmp_path / "out"
    summary = run(campaign_copy, out, ["es"])
    assert summary.status == "completed", summary.failures  # type: ignore[attr-defined]
    partners = ("corner-cafe", "rosas-flowers")
    assert {s for s in rebuilt(summary) if s.startswith("render")} == {
        f"render {p} es {aspect}" for p in partners for aspect in ("16:9", "9:16")}
    work = out / SLUG / ".work"
    for partner in partners:
        for slug, size in (("16x9", (320, 180)), ("9x16", (180, 320))):
            info = probe(work / "video" / partner / "es" / f"{slug}.mp4")
            assert (info.width, info.height) == size, (partner, slug)
            with Image.open(work / "posters" / partner / f"es-{slug}.jpg") as poster:
                assert poster.size == size, (partner, slug)
        manifest = json.loads((out / SLUG / partner / "data" / "manifest.json").read_text(encoding="utf-8"))
        assert len(manifest["cuts"]) == 2 and manifest["failures"] == []
    assert rebuilt(run(campaign_copy, out, ["es"])) == set()


def only_spanish(campaign: Path) -> None:
    path = campaign / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("languages: [es, vi, ar, hi, zh-Hans]", "languages: [es]", 1), encoding="utf-8")


def test_nightly_renders_changed_campaigns_and_skips_the_rest(harness: None, campaign_copy: Path,
                                                              tmp_path: Path) -> None:
    from jointcampaign.flows.nightly_render import nightly_render

    only_spanish(campaign_copy)
    campaigns = campaign_copy.parent
    broken = campaigns / "broken-campaign"
    broken.mkdir()
    (broken / "campaign.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    out = tmp_path / "out"

    def outcomes() -> dict[str, str]:
        return {e.campaign: e.outcome for e in nightly_render(campaigns_dir=campaigns, out_dir=out)}

    assert outcomes() == {SLUG: "rendered", "broken-campaign": "failed"}
    assert (out / SLUG / "corner-cafe.zip").is_file()
    shutil.rmtree(broken)
    assert outcomes() == {SLUG: "skipped"}
    with (campaign_copy / "copy" / "flyer.md").open("a", encoding="utf-8") as handle:
        handle.write("\nSee you on Maple Street.\n")
    assert outcomes() == {SLUG: "rendered"}
    assert outcomes() == {SLUG: "skipped"}
