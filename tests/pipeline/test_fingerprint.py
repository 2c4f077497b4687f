"""Fingerprints change exactly when a step's inputs change, so reruns redo only what they must."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from jointcampaign.pipeline import fingerprint as fp
from jointcampaign.pipeline.plan import RunPlan, plan_run
from jointcampaign.pipeline.results import SubtitleOutcome
from jointcampaign.pipeline.validate import validate_campaign
from jointcampaign.settings import Settings


def plan_for(folder: Path, out: Path) -> RunPlan:
    return plan_run(validate_campaign(folder, lambda source, target: True), out)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", render_height=180)


def subtitles_in(tmp_path: Path, text: str = "1\n00:00:00,000 --> 00:00:01,000\nHola\n") -> SubtitleOutcome:
    srt = tmp_path / "es.srt"
    srt.write_text(text, encoding="utf-8")
    return SubtitleOutcome(language="es", deliverable="street-video", srt=srt, vtt=srt.with_suffix(".vtt"),
                           cue_count=1)


def keys(plan: RunPlan, settings: Settings, subs: SubtitleOutcome) -> dict[str, str]:
    found = {}
    for language in ("es", "vi"):
        found[f"copy {language}"] = fp.copy_fingerprint(plan, language, settings).digest
        found[f"subtitles {language}"] = fp.subtitles_fingerprint(plan, language, settings).digest
    for partner in plan.partners:
        found[f"cut {partner}"] = fp.cut_fingerprint(plan, partner, "es", "16:9", subs, settings).digest
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_same_inputs_give_the_same_keys(campaign_copy: Path, tmp_path: Path, settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    first = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    again = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    assert first == again
    assert len(set(first.values())) == len(first)  # every step has its own key


def test_a_review_file_changes_only_its_own_language(campaign_copy: Path, tmp_path: Path,
                                                     settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    before = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    (campaign_copy / "review" / "es.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
        'msgid "Hello"\nmsgstr "Hola"\n',
        encoding="utf-8",
    )
    after = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    assert changed(before, after) == {"copy es", "subtitles es"}


def test_a_copy_piece_changes_copy_only(campaign_copy: Path, tmp_path: Path, settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    before = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    with (campaign_copy / "copy" / "post.md").open("a", encoding="utf-8") as handle:
        handle.write("\nOne more line.\n")
    after = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    assert changed(before, after) == {"copy es", "copy vi"}


def test_a_logo_changes_every_cut_that_shows_it(campaign_copy: Path, tmp_path: Path, settings: Settings) -> None:
    from jointcampaign.demo.media import make_logo

    subs = subtitles_in(tmp_path)
    before = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    logo = campaign_copy.parents[1] / "assets/partners/corner-cafe/logo.png"
    make_logo(logo, "Corner Café", "#112233", size=(128, 64))
    after = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    # Both partners' logos are burned into every cut.
    assert changed(before, after) == {"cut corner-cafe", "cut rosas-flowers"}


def test_translated_subtitles_and_render_settings_change_cuts(campaign_copy: Path, tmp_path: Path,
                                                             settings: Settings) -> None:
    plan = plan_for(campaign_copy, tmp_path / "out")
    subs = subtitles_in(tmp_path)
    before = fp.cut_fingerprint(plan, "corner-cafe", "es", "16:9", subs, settings).digest
    retranslated = subtitles_in(tmp_path, "1\n00:00:00,000 --> 00:00:01,000\nBuenas\n")
    assert fp.cut_fingerprint(plan, "corner-cafe", "es", "16:9", retranslated, settings).digest != before
    taller = replace(settings, render_height=360)
    assert fp.cut_fingerprint(plan, "corner-cafe", "es", "16:9", retranslated, taller).digest != before


def test_a_snapshot_elsewhere_reuses_the_same_keys(campaign_copy: Path, tmp_path: Path,
                                                   settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(campaign_copy.parents[1], snapshot)
    original = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    copied = keys(plan_for(snapshot / "campaigns" / campaign_copy.name, tmp_path / "out"), settings, subs)
    assert original == copied


def test_another_output_folder_is_another_key(campaign_copy: Path, tmp_path: Path, settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    here = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    there = keys(plan_for(campaign_copy, tmp_path / "elsewhere"), settings, subs)
    assert changed(here, there) == set(here)


def fake_model(models_dir: Path, weights: bytes) -> None:
    """An installed-package folder as the model store lists it (metadata.json plus model files)."""
    package = models_dir / "translate-en_es"
    (package / "model").mkdir(parents=True, exist_ok=True)
    metadata = {"from_code": "en", "to_code": "es", "package_version": "1.0", "type": "translate"}
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    (package / "model" / "model.bin").write_bytes(weights)


def test_model_version_follows_the_model_files(tmp_path: Path) -> None:
    models = tmp_path / "models"
    assert fp.model_version(models, "en", "es") == "none"
    fake_model(models, b"weights-1")
    first = fp.model_version(models, "en", "es")
    fake_model(models, b"weights-2 retrained")
    assert fp.model_version(models, "en", "es") != first
    assert fp.model_version(models, "en", "en") == fp.model_version(tmp_path / "empty", "en", "en")


def test_campaign_fingerprint_tracks_any_input(campaign_copy: Path, settings: Settings) -> None:
    loaded = validate_campaign(campaign_copy, lambda source, target: True).require_ok()
    before = fp.campaign_fingerprint(loaded, settings)
    assert fp.campaign_fingerprint(loaded, settings) == before
    # the campaign desk's upload limits are not an input of any output
    assert fp.campaign_fingerprint(loaded, replace(settings, upload_max_file_mb=1)) == before
    (campaign_copy / "video" / "main.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHi\n", encoding="utf-8")
    assert fp.campaign_fingerprint(loaded, settings) != before


def edit_campaign(folder: Path, old: str, new: str) -> None:
    path = folder / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in campaign.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_brief_only_sections_do_not_count_but_offers_do(campaign_copy: Path, tmp_path: Path,
                                                        settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    before = keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)
    edit_campaign(campaign_copy, "target: 40", "target: 45")  # a KPI: only the brief shows it
    assert keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs) == before
    edit_campaign(campaign_copy, "terms: Show a Corner Café receipt", "terms: Show any Corner Café receipt")
    assert changed(before, keys(plan_for(campaign_copy, tmp_path / "out"), settings, subs)) == set(before)


def test_every_cut_of_a_language_shares_one_fingerprint(campaign_copy: Path, tmp_path: Path,
                                                        settings: Settings) -> None:
    subs = subtitles_in(tmp_path)
    single = fp.cuts_fingerprint(plan_for(campaign_copy, tmp_path / "out"), "es", subs, settings)
    # Both partners list es: one step makes both partners' cuts of it.
    assert len(single.outputs) == 4
    edit_campaign(campaign_copy, 'aspects: ["16:9"]', 'aspects: ["16:9", "9:16"]')
    plan = plan_for(campaign_copy, tmp_path / "out")
    both = fp.cuts_fingerprint(plan, "es", subs, settings)
    assert both.digest != single.digest
    assert set(both.outputs) == {
        path for aspect in ("16:9", "9:16") for partner in ("corner-cafe", "rosas-flowers")
        for path in fp.cut_fingerprint(plan, partner, "es", aspect, subs, settings).outputs}
    assert len(both.outputs) == 8
    assert fp.cuts_fingerprint(plan, "es", subs, settings) == both
    retranslated = subtitles_in(tmp_path, "1\n00:00:00,000 --> 00:00:01,000\nBuenas\n")
    assert fp.cuts_fingerprint(plan, "es", retranslated, settings).digest != both.digest


def test_a_language_only_one_partner_gets_renders_only_its_cuts(campaign_copy: Path, tmp_path: Path,
                                                               settings: Settings) -> None:
    plan = plan_for(campaign_copy, tmp_path / "out")
    subs = replace(subtitles_in(tmp_path), language="vi")
    vi = fp.cuts_fingerprint(plan, "vi", subs, settings)
    assert {path.parts[-3] for path in vi.outputs if path.suffix == ".mp4"} == {"corner-cafe"}
    # Rosa's Flowers starts serving Vietnamese customers: the Vietnamese step now makes its cut too.
    edit_campaign(campaign_copy, "languages: [es, ar, hi]", "languages: [es, vi, ar, hi]")
    widened = fp.cuts_fingerprint(plan_for(campaign_copy, tmp_path / "out"), "vi", subs, settings)
    assert widened.digest != vi.digest
    assert {path.parts[-3] for path in widened.outputs if path.suffix == ".mp4"} == {"corner-cafe", "rosas-flowers"}


def test_a_bundle_ignores_languages_its_partner_does_not_get(campaign_copy: Path, tmp_path: Path,
                                                             settings: Settings) -> None:
    from jointcampaign.pipeline.results import CopyOutcome, RunOutcome

    plan = plan_for(campaign_copy, tmp_path / "out")
    piece = tmp_path / "post.md"
    piece.write_text("Xin chào", encoding="utf-8")
    outcome = RunOutcome(copies=[CopyOutcome(language="vi", pieces={"post": piece})])
    before = {p: fp.bundle_fingerprint(plan, p, outcome).digest for p in plan.partners}
    piece.write_text("Xin chào Maple Street", encoding="utf-8")
    after = {p: fp.bundle_fingerprint(plan, p, outcome).digest for p in plan.partners}
    # Only the café's bundle holds Vietnamese.
    assert {p for p in plan.partners if before[p] != after[p]} == {"corner-cafe"}
