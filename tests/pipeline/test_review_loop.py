"""The human review loop with real models and real PO files: export, edit, import, rerun, change model."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from jointcampaign.cli.review import review_app
from jointcampaign.pipeline import plan as core
from jointcampaign.pipeline.translator import build_campaign_translator
from jointcampaign.pipeline.validate import validate_campaign
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.memory import MEMORY_FILE
from jointcampaign.translate.models.store import install_model
from jointcampaign.translate.protocol import TranslationBatch, Translator
from jointcampaign.translate.training.builder import demo_archive_path, demo_tables

pytestmark = pytest.mark.slow

EDITED = {
    "Two shops. One street. Two gifts.": "Hai tiệm, một phố, hai món quà.",
    "Fresh coffee at Corner Café.": "Cà phê thơm tại Corner Café.",
    "Show your receipt and save 10%.": "Đưa hóa đơn, bớt 10%.",
}


class Recording:
    """Passes batches to a real engine and keeps every text the pipeline asked for."""

    def __init__(self, engine: Translator) -> None:
        self.engine, self.name, self.seen = engine, engine.name, set[str]()

    def version(self, source: str, target: str) -> str:
        return self.engine.version(source, target)

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        self.seen.update(texts)
        return self.engine.translate_batch(texts, source, target)


@pytest.fixture
def home(demo_models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(demo_models_dir, target_is_directory=True)
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(home))
    return home


def vi_outputs(plan: core.RunPlan, engine: Translator, memory: Path) -> str:
    translator = build_campaign_translator(plan.loaded, engine, memory)
    copy = core.translate_copy(plan, "vi", translator)
    subtitles = core.translate_subtitles(plan, "vi", translator)
    assert subtitles is not None
    return "\n".join(p.read_text(encoding="utf-8") for p in [*copy.pieces.values(), subtitles.srt])


def changed_model(cache: Path, tmp_path: Path) -> Path:
    """The en→vi demo model repackaged under a new version: what a model update looks like."""
    original = demo_archive_path(next(t for t in demo_tables() if t.stem == "en-vi"), cache)
    archive = tmp_path / "updated.argosmodel"
    with zipfile.ZipFile(original) as old, zipfile.ZipFile(archive, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("/metadata.json") and info.filename.count("/") == 1:
                metadata = json.loads(data)
                metadata["package_version"] = "9.9"
                data = json.dumps(metadata).encode()
            new.writestr(info, data)
    models = tmp_path / "updated-models"
    install_model(archive, models)
    return models


def test_export_edit_import_rerun_and_change_model(
    home: Path,
    campaign_copy: Path,
    tmp_path: Path,
    demo_models_dir: Path,
    demo_model_cache: Path,
    demo_length_video: Path,
) -> None:
    # Every cue inside the video (the fixture's clip is 3 s; cues past a video's end are left out,
    # of the run and of the review file alike).
    shutil.copy(demo_length_video, campaign_copy / "video" / "main.mp4")
    subtitles = campaign_copy / "video" / "main.srt"
    subtitles.write_text(  # the last sentence now runs over two cues
        subtitles.read_text(encoding="utf-8").replace(
            "00:00:07,100 --> 00:00:09,500\nShow your receipt and save 10%.",
            "00:00:07,100 --> 00:00:08,200\nShow your receipt\n\n5\n00:00:08,300 --> 00:00:09,500\nand save 10%.",
        ),
        encoding="utf-8",
    )
    runner = CliRunner()
    exported = tmp_path / "vi.po"
    result = runner.invoke(review_app, ["export", str(campaign_copy), "--lang", "vi", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(exported))
    assert po.metadata["Language"] == "vi" and "UTF-8" in po.metadata["Content-Type"]
    assert all(entry.fuzzy for entry in po)

    plan = core.plan_run(validate_campaign(campaign_copy, lambda source, target: True), tmp_path / "out")
    recording = Recording(ArgosTranslator(demo_models_dir, threads=2))
    core.translate_copy(plan, "vi", recording)
    core.translate_subtitles(plan, "vi", recording)
    assert {entry.msgid for entry in po} == recording.seen  # msgids are what the pipeline translates
    cue = po.find("Good morning from Maple Street!")
    assert cue is not None and cue.msgctxt == "street-video#1"
    assert cue.occurrences == [("video/main.srt#1", "")]
    assert cue.msgstr == "Chào buổi sáng từ Maple Street!"
    merged = po.find("Show your receipt and save 10%.")
    assert merged is not None and merged.msgctxt == "street-video#4-5"
    assert merged.occurrences == [("video/main.srt#4-5", "")]
    card = po.find("Show this at Rosa's Flowers: 10% off with code CAFE10.")
    assert card is not None and card.msgctxt == "end-card:corner-cafe"
    assert card.occurrences[0][0] == "campaign.yaml" and card.occurrences[0][1].isdigit()
    line = po.find("Two shops. One street. Two gifts.")
    assert line is not None and line.msgctxt == "flyer" and line.occurrences == [("copy/flyer.md", "3")]

    for msgid, msgstr in EDITED.items():
        entry = po.find(msgid)
        assert entry is not None
        entry.msgstr = msgstr
        entry.flags.remove("fuzzy")
    po.save(str(exported))
    result = runner.invoke(review_app, ["import", str(campaign_copy), str(exported), "--lang", "vi"])
    assert result.exit_code == 0, result.output
    stored = campaign_copy / "review" / "vi.po"
    assert stored.read_bytes() == exported.read_bytes()

    memory = home / "cache" / MEMORY_FILE
    outputs = vi_outputs(plan, ArgosTranslator(demo_models_dir, threads=2), memory)
    assert all(text in outputs for text in EDITED.values())

    again = tmp_path / "again.po"
    assert (
        runner.invoke(review_app, ["export", str(campaign_copy), "--lang", "vi", "-o", str(again)]).exit_code
        == 0
    )
    reviewed = {entry.msgid: entry.msgstr for entry in polib.pofile(str(again)) if not entry.fuzzy}
    assert reviewed == EDITED

    # A new model: machine output is translated afresh, the reviewed strings still win...
    updated = ArgosTranslator(changed_model(demo_model_cache, tmp_path), threads=2)
    assert updated.version("en", "vi") != ArgosTranslator(demo_models_dir).version("en", "vi")
    assert all(text in vi_outputs(plan, updated, memory) for text in EDITED.values())
    # ...and they are kept in the memory even when the review file is gone.
    stored.unlink()
    assert all(text in vi_outputs(plan, updated, memory) for text in EDITED.values())


def test_an_invalid_review_is_refused_and_nothing_is_stored(
    home: Path, campaign_copy: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "vi.po"
    runner = CliRunner()
    assert (
        runner.invoke(
            review_app, ["export", str(campaign_copy), "--lang", "vi", "-o", str(exported)]
        ).exit_code
        == 0
    )
    po = polib.pofile(str(exported))
    entry = po.find("Bring a café receipt to Rosa's Flowers for 10% off with code CAFE10.")
    assert entry is not None
    entry.msgstr = "Mang hóa đơn quán cà phê đến tiệm hoa để được giảm 10%."
    entry.flags.remove("fuzzy")
    po.save(str(exported))
    result = runner.invoke(review_app, ["import", str(campaign_copy), str(exported), "--lang", "vi"])
    assert result.exit_code == 2
    assert "«Rosa's Flowers»" in result.output and "«CAFE10»" in result.output
    saved = polib.pofile(str(exported)).find(entry.msgid)
    assert saved is not None and f"{exported}:{saved.linenum}" in result.output
    assert not (campaign_copy / "review" / "vi.po").exists()
