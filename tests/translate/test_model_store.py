"""Installing, listing and removing models, with hand-made packages (no training, no model loading).

These packages hold no real weights, so they are installed with probe=False; the probe itself is
tested with real packages in tests/translate/test_package_probe.py.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jointcampaign.cli.models import models_app
from jointcampaign.errors import ToolMissingError, UserInputError
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.languages import expected_scripts, sentence_separator, to_argos_code
from jointcampaign.translate.models.store import (
    has_pair,
    install_model,
    list_models,
    missing_pair_error,
    plan_route,
    remove_model,
    stray_folders,
)


@pytest.fixture(autouse=True)
def argos_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argostranslate creates folders under HOME/XDG when imported; keep them in the test's tmp dir."""
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    yield


def make_package(
    path: Path,
    from_code: str = "en",
    to_code: str = "es",
    version: str = "1.0",
    *,
    top: str | None = None,
    metadata: dict[str, object] | None = None,
    files: dict[str, bytes] | None = None,
) -> Path:
    top = top or f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    meta = (
        metadata
        if metadata is not None
        else {
            "package_version": version,
            "argos_version": "1.11.0",
            "from_code": from_code,
            "to_code": to_code,
            "from_name": from_code,
            "to_name": to_code,
        }
    )
    contents = (
        files
        if files is not None
        else {
            f"{top}/metadata.json": json.dumps(meta).encode(),
            f"{top}/model/model.bin": b"\0" * 64,
            f"{top}/sentencepiece.model": b"not loaded by these tests",
        }
    )
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in contents.items():
            bundle.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("es", "es"),
        ("es-419", "es"),
        ("pt-BR", "pb"),
        ("pt", "pt"),
        ("pt-PT", "pt"),
        ("no", "nb"),
        ("fil", "tl"),
        ("mo", "ro"),
        ("sw", "sw"),
        ("zh-Hans", "zh"),
        ("zh-CN", "zh"),
        ("zh", "zh"),
        ("zh-Hant", "zt"),
        ("zh-TW", "zt"),
        ("zh_Hant_HK", "zt"),
        ("ZH-hans-TW", "zh"),
        ("sr-Latn", "sr"),
        ("iw", "he"),
        ("AR", "ar"),
    ],
)
def test_bcp47_tags_map_to_argos_codes(tag: str, code: str) -> None:
    assert to_argos_code(tag) == code


@pytest.mark.parametrize("tag", ["", "-", "e", "english", "12", "xx", "qq-ZZ"])
def test_malformed_and_unregistered_tags_are_rejected_with_the_known_codes(tag: str) -> None:
    with pytest.raises(ValueError, match=r"Argos models use: ar, az, .*pb, .*vi, zh, zt"):
        to_argos_code(tag)


def test_a_script_subtag_decides_the_expected_script() -> None:
    assert expected_scripts("sr-Latn") == {"LATIN"}
    assert expected_scripts("sr-Cyrl") == {"CYRILLIC"}
    assert expected_scripts("pt-BR") == {"LATIN"}
    assert expected_scripts("zh-Hant") == {"CJK"}


def test_sentences_join_without_spaces_in_chinese_and_japanese() -> None:
    assert sentence_separator("zh-Hans") == ""
    assert sentence_separator("ja") == ""
    assert sentence_separator("vi") == " "


def test_install_list_and_remove(tmp_path: Path) -> None:
    models = tmp_path / "models"
    installed = install_model(make_package(tmp_path / "en_es.argosmodel"), models, probe=False)
    assert (installed.from_code, installed.to_code, installed.version, installed.engine) == (
        "en",
        "es",
        "1.0",
        "argos",
    )
    assert installed.path.parent == models and (installed.path / "metadata.json").exists()
    assert installed.size_bytes > 64
    assert list_models(models) == [installed]
    assert [model.pair for model in remove_model(models, "en", "es")] == ["en→es"]
    assert list_models(models) == []


def test_installing_a_pair_again_replaces_the_old_version(tmp_path: Path) -> None:
    models = tmp_path / "models"
    old = install_model(make_package(tmp_path / "old.argosmodel", version="1.0"), models, probe=False)
    new = install_model(make_package(tmp_path / "new.argosmodel", version="1.1"), models, probe=False)
    assert not old.path.exists()
    assert list_models(models) == [new]


def test_installing_is_visible_to_argostranslate_itself(tmp_path: Path) -> None:
    from argostranslate.package import get_installed_packages

    models = tmp_path / "models"
    install_model(make_package(tmp_path / "en_vi.argosmodel", "en", "vi"), models, probe=False)
    packages = get_installed_packages(path=[models])  # type: ignore[arg-type]
    assert [(package.from_code, package.to_code) for package in packages] == [("en", "vi")]


@pytest.mark.parametrize(
    ("name", "files", "complaint"),
    [
        ("not a zip", None, "not a zip archive"),
        ("two top folders", {"a/metadata.json": b"{}", "b/model/model.bin": b"x"}, "one top-level folder"),
        ("loose file", {"README.md": b"hi", "a/metadata.json": b"{}"}, "one top-level folder"),
        ("escapes", {"a/../../evil.txt": b"x", "a/metadata.json": b"{}"}, "outside its folder"),
        ("no metadata", {"a/model/model.bin": b"x", "a/sentencepiece.model": b"x"}, "no a/metadata.json"),
        (
            "bad json",
            {"a/metadata.json": b"{", "a/model/model.bin": b"x", "a/sentencepiece.model": b"x"},
            "read",
        ),
        (
            "no target",
            {
                "a/metadata.json": json.dumps({"from_code": "en", "package_version": "1"}).encode(),
                "a/model/model.bin": b"x",
                "a/sentencepiece.model": b"x",
            },
            "lacks to_code",
        ),
        (
            "no model",
            {
                "a/metadata.json": json.dumps(
                    {"from_code": "en", "to_code": "es", "package_version": "1"}
                ).encode(),
                "a/sentencepiece.model": b"x",
            },
            "no CTranslate2 model",
        ),
        (
            "no tokenizer",
            {
                "a/metadata.json": json.dumps(
                    {"from_code": "en", "to_code": "es", "package_version": "1"}
                ).encode(),
                "a/model/model.bin": b"x",
            },
            "no tokenizer",
        ),
    ],
)
def test_broken_archives_are_refused_and_leave_nothing_behind(
    tmp_path: Path, name: str, files: dict[str, bytes] | None, complaint: str
) -> None:
    archive = tmp_path / f"{name}.argosmodel"
    if files is None:
        archive.write_bytes(b"this is not a zip file")
    else:
        make_package(archive, files=files)
    models = tmp_path / "models"
    models.mkdir()
    before = sorted(path.name for path in tmp_path.iterdir())
    with pytest.raises(UserInputError) as caught:
        install_model(archive, models)
    assert complaint in str(caught.value)
    assert caught.value.problems[0].file == archive
    assert caught.value.problems[0].fix
    assert [path.name for path in models.iterdir() if path.is_dir()] == []
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert not (tmp_path / "evil.txt").exists()


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="file not found"):
        install_model(tmp_path / "nope.argosmodel", tmp_path / "models")


def test_folders_without_metadata_are_skipped_and_reported(tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "half-installed").mkdir(parents=True)
    installed = install_model(make_package(tmp_path / "en_es.argosmodel"), models, probe=False)
    assert list_models(models) == [installed]
    assert stray_folders(models) == [models / "half-installed"]


def test_pairs_are_covered_directly_or_through_english(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_model(make_package(tmp_path / "es_en.argosmodel", "es", "en"), models, probe=False)
    install_model(make_package(tmp_path / "en_vi.argosmodel", "en", "vi"), models, probe=False)
    assert has_pair(models, "es", "en")
    assert has_pair(models, "es-MX", "vi")  # es→en→vi
    assert [model.pair for model in plan_route(models, "es", "vi") or []] == ["es→en", "en→vi"]
    assert plan_route(models, "vi", "vi") == []
    assert has_pair(models, "zh-Hans", "zh-CN")
    assert not has_pair(models, "en", "es")
    assert not has_pair(models, "vi", "es")
    assert not has_pair(tmp_path / "does-not-exist", "en", "es")


def test_missing_pair_error_says_how_to_fix_it(tmp_path: Path) -> None:
    demo = str(missing_pair_error(tmp_path, "en", "vi"))
    assert "jointcampaign models install FILE.argosmodel" in demo
    assert "make demo-models" in demo
    other = str(missing_pair_error(tmp_path, "fr", "de"))
    assert "jointcampaign models install FILE.argosmodel" in other
    assert "fr→en plus en→de" in other
    assert "make demo-models" not in other


def test_translator_raises_tool_missing_for_an_uncovered_pair(tmp_path: Path) -> None:
    translator = ArgosTranslator(tmp_path / "models", threads=1, beam_size=1)
    with pytest.raises(ToolMissingError, match="models install"):
        translator.translate_batch(["Hello."], "en", "es")
    with pytest.raises(ToolMissingError):
        translator.version("en", "es")


def test_same_language_needs_no_model(tmp_path: Path) -> None:
    translator = ArgosTranslator(tmp_path / "models")
    batch = translator.translate_batch(["Hello.", ""], "zh-Hans", "zh")
    assert batch.texts == ["Hello.", ""] and batch.notes == []
    assert translator.version("en", "en-GB") == "identity"


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(tmp_path / "home"))
    for name in ("ARGOS_PACKAGES_DIR", "ARGOS_DEVICE_TYPE", "ARGOS_CHUNK_TYPE"):
        monkeypatch.delenv(name, raising=False)  # export_to_environment sets them; restore afterwards
    return tmp_path / "home"


# The CLI's install/list/remove round trip needs a real package: tests/translate/test_package_probe.py.


def test_cli_bad_input_exits_with_2(tmp_path: Path, cli_home: Path) -> None:
    runner = CliRunner()
    broken = tmp_path / "broken.argosmodel"
    broken.write_bytes(b"nope")
    result = runner.invoke(models_app, ["install", str(broken)])
    assert result.exit_code == 2
    assert "not a zip archive" in result.output and "Traceback" not in result.output
    assert runner.invoke(models_app, ["remove", "en", "es"]).exit_code == 2
    table = tmp_path / "phrases.tsv"
    table.write_text("Hello. Goodbye.\tHola. Adiós.\n", encoding="utf-8")
    built = runner.invoke(models_app, ["build", str(table), "--from", "en", "--to", "es"])
    assert built.exit_code == 2 and "own row" in built.output


def test_help_teaches_with_examples() -> None:
    result = CliRunner().invoke(models_app, ["build", "--help"])
    assert result.exit_code == 0
    assert "jointcampaign models build phrases.tsv --from en --to vi" in result.output


def test_a_campaign_without_a_direct_pair_pivots_through_english(campaign_copy: Path, tmp_path: Path) -> None:
    from jointcampaign.pipeline.measure import load_for_measuring
    from jointcampaign.pipeline.model_needs import campaign_needs
    from jointcampaign.settings import Settings
    from jointcampaign.translate.models.index import IndexEntry

    spec = campaign_copy / "campaign.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("source_language: en", "source_language: es"))
    text = spec.read_text(encoding="utf-8").replace(
        "languages: [es, vi, ar, hi, zh-Hans]", "languages: [en, vi, pt-BR]"
    )
    spec.write_text(
        text.replace("[es, vi, zh-Hans]", "[en, vi]").replace("[es, ar, hi]", "[pt-BR]"), encoding="utf-8"
    )
    loaded = load_for_measuring(campaign_copy)

    def entry(source: str, target: str) -> IndexEntry:
        return IndexEntry(source, target, "1.0", (f"{source}_{target}.argosmodel",))

    settings = Settings.from_env(
        {"JOINTCAMPAIGN_HOME": str(tmp_path / "home"), "JOINTCAMPAIGN_ARGOS_DIRS": ""}
    )
    needs = {n.language: n for n in campaign_needs(loaded, settings, [entry("es", "en"), entry("en", "vi")])}
    assert needs["en"].route == (("es", "en"),) and not needs["en"].pivots
    assert needs["vi"].route == (("es", "en"), ("en", "vi")) and needs["vi"].pivots and needs["vi"].covered
    assert needs["pt-BR"].missing == (("es", "pb"),)  # Argos calls Brazilian Portuguese "pb"
