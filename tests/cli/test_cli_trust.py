"""`translate` and `subtitles translate` as a user runs them: every protected span kept, one output line
per input line, verdicts in --json, a warning for what needs review, --strict exits 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jointcampaign.subtitles.read.reader import read_subtitles
from jointcampaign.translate.spans.protect import ProtectionRules, find_spans
from jointcampaign.translate.spans.verify import verify
from tests.helpers.cli import run_cli

pytestmark = pytest.mark.slow

LANGUAGES = ["es", "vi", "ar", "hi", "zh-Hans"]
# Copy the demo models never saw, with every kind of span protected by default (and one brand).
MIXED = [
    "Show code SPRING-24 at Corner Café before 5 pm and save $3.50.",
    "",
    "Follow @rosasflowers and tag #MapleBlooms, or mail hi@rosas.example.",
    "Book at https://cornercafe.example/book?id=7 or call +1 555-0134, {first_name}.",
    "Our oat milk flat white is 20% off with WINTER5 until 18:30, and the long line here must never be "
    "wrapped by the console however narrow the terminal is, because scripts pair output lines with input lines.",
]
KEEP = ["--keep", "Corner Café"]
RULES = ProtectionRules.build(["Corner Café"])


def _kept(source: str, output: str) -> bool:
    return verify(find_spans(source, RULES), output, RULES).missing == ()


@pytest.fixture
def env(demo_home: Path, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    return {"JOINTCAMPAIGN_HOME": str(home), "COLUMNS": "40"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translate_keeps_every_span_and_says_what_needs_review(
    tmp_path: Path, env: dict[str, str], language: str
) -> None:
    source = tmp_path / "copy.txt"
    source.write_text("\n".join(MIXED) + "\n", encoding="utf-8")
    plain = run_cli(["translate", "--to", language, *KEEP, "-"], cwd=tmp_path, env=env, offline=True,
                    timeout=300, stdin=source)  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.split("\n")[:-1]
    assert len(lines) == len(MIXED) and lines[1] == ""  # one line out per line in, never wrapped
    for text, output in zip(MIXED, lines, strict=True):
        assert _kept(text, output), (text, output)
    assert "4 of 4 line(s) need review" in plain.stderr

    as_json = run_cli(["translate", "--to", language, *KEEP, "--json", "--strict", "-"], cwd=tmp_path,
                      env=env, offline=True, timeout=300, stdin=source)  # fmt: skip
    assert as_json.returncode == 3
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(records) == len(MIXED)
    assert [r["status"] for r in records] == ["needs_review", "confident", *["needs_review"] * 3]
    for record in records[2:]:
        assert set(record) >= {"text", "status", "confidence", "engine", "notes"}
        assert record["engine"] == "argos" and record["notes"] and 0 <= record["confidence"] < 0.95
    assert [r["text"] for r in records] == lines  # the same translations, now with their verdicts


def test_translate_with_apertium_keeps_every_span(tmp_path: Path, env: dict[str, str]) -> None:
    source = tmp_path / "copy.txt"
    source.write_text("\n".join(MIXED) + "\n", encoding="utf-8")
    result = run_cli(["translate", "--to", "es", *KEEP, "--json", "-"], cwd=tmp_path,
                     env={**env, "JOINTCAMPAIGN_ENGINE_ES": "apertium"}, offline=True, timeout=300,
                     stdin=source)  # fmt: skip
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    for text, record in zip(MIXED, records, strict=True):
        assert _kept(text, record["text"]), (text, record)
        assert record["engine"] == ("apertium" if text else "none")


def test_a_glossary_file_adds_kept_terms_and_fixed_translations(tmp_path: Path, env: dict[str, str]) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("keep: [Maple Lane Bakery]\nfixed: {es: {receipt: comprobante}}\n", encoding="utf-8")
    result = run_cli(["translate", "--to", "es", "--glossary", str(glossary),
                      "Show your receipt at Maple Lane Bakery."], cwd=tmp_path, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Maple Lane Bakery" in result.stdout and "comprobante" in result.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("keep: Maple Lane Bakery\n", encoding="utf-8")
    bad = run_cli(["translate", "--to", "es", "--glossary", str(broken), "Hi"], cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "broken.yaml" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(("language", "engine"), [*((lang, "argos") for lang in LANGUAGES), ("es", "apertium")])
def test_subtitles_translate_keeps_every_span(tmp_path: Path, env: dict[str, str], language: str, engine: str) -> None:
    cues = [text for text in MIXED if text][:3]
    srt = tmp_path / "main.srt"
    srt.write_text(
        "".join(f"{n}\n00:00:0{2 * n - 1},000 --> 00:00:0{2 * n},500\n{text}\n\n" for n, text in enumerate(cues, 1)),
        encoding="utf-8",
    )
    out = tmp_path / f"main.{language}.srt"
    result = run_cli(["subtitles", "translate", str(srt), "--to", language, "-o", str(out), "--keep", "Corner Café"],
                     cwd=tmp_path, env={**env, f"JOINTCAMPAIGN_ENGINE_{language.upper()}": engine}, offline=True,
                     timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = " ".join(cue.text.replace("\n", " ") for cue in read_subtitles(out).cues)
    for cue in cues:
        for span in find_spans(cue, RULES):
            if span.kind != "time":
                assert span.replacement in text, (span, text)
    if engine == "argos":
        assert "need review" in result.stderr


def test_a_run_with_unseen_copy_succeeds_and_says_what_needs_review(
    campaign_copy: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    (campaign_copy / "copy" / "post.md").write_text(
        "# Winter warmers\n\nOur winter latte is back with cinnamon and oat milk.\n\n" + MIXED[0] + "\n",
        encoding="utf-8",
    )
    (campaign_copy / "video" / "main.srt").write_text(
        "1\n00:00:00,500 --> 00:00:02,400\nThe parking lot behind the bakery is closed on Sundays.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    # Spanish through Apertium, Vietnamese through the demo model: the same service for both.
    result = run_cli(["run", str(campaign_copy), "--out", str(out), "--languages", "es,vi"], cwd=tmp_path,
                     env={**env, "COLUMNS": "200", "JOINTCAMPAIGN_RENDER_HEIGHT": "180",
                          "JOINTCAMPAIGN_ENGINE_ES": "apertium"}, offline=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "need review (" in result.stdout and "vi " in result.stdout, result.stdout[-600:]
    manifest = json.loads((out / campaign_copy.name / "corner-cafe" / "data" / "manifest.json").read_text())
    assert manifest["translation"]["vi"]["needs_review"] > 0
    assert {cut["language"]: cut["draft"] for cut in manifest["cuts"]}["vi"] is True  # its subtitles need review
    for language in ("es", "vi"):
        post = (out / campaign_copy.name / "corner-cafe" / "data" / "copy" / language / "post.md").read_text()
        line = next(text for text in post.splitlines() if "SPRING-24" in text)
        assert _kept(MIXED[0], line), (language, line)
