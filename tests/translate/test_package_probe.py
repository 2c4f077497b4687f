"""Installing real packages: each is test-loaded in staging; broken or mislabelled ones are refused
and the model installed before stays active. The broken packages are made from a real demo model."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jointcampaign.cli.models import models_app
from jointcampaign.errors import UserInputError
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.models.store import InstalledModel, find_model, install_model, validate_archive

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def argos_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))


@pytest.fixture(scope="session")
def en_es_archive(demo_models: list[InstalledModel], demo_model_cache: Path) -> Path:
    """The real demo en→es .argosmodel from the build cache."""
    for archive in sorted((demo_model_cache / "demo-models").glob("*.argosmodel")):
        _, metadata = validate_archive(archive)
        if (metadata["from_code"], metadata["to_code"]) == ("en", "es"):
            return archive
    raise AssertionError("the demo model cache has no en→es archive")


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """Copy a package archive, passing each member through `change` (None drops the member)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def truncated_model(name: str, data: bytes) -> bytes | None:
    return data[: len(data) // 3] if name.endswith("model/model.bin") else data


def missing_model(name: str, data: bytes) -> bytes | None:
    return None if name.endswith("model/model.bin") else data


def garbage_tokenizer(name: str, data: bytes) -> bytes | None:
    return b"\x08\x01garbage, not a sentencepiece model" * 10 if name.endswith("sentencepiece.model") else data


def short_vocabulary(name: str, data: bytes) -> bytes | None:
    if name.endswith("model/shared_vocabulary.json"):
        return json.dumps(json.loads(data)[:100]).encode()
    return data


def labelled_arabic(name: str, data: bytes) -> bytes | None:
    if name.endswith("/metadata.json"):
        metadata = json.loads(data)
        metadata.update(to_code="ar", to_name="Arabic", package_version="9.0")
        return json.dumps(metadata).encode()
    return data


def test_a_real_package_is_probed_and_installed(en_es_archive: Path, tmp_path: Path) -> None:
    model = install_model(en_es_archive, tmp_path / "models")
    assert model.pair == "en→es"
    batch = ArgosTranslator(tmp_path / "models").translate_batch(["Hello, neighbour."], "en", "es")
    assert batch.texts[0]


@pytest.mark.parametrize(
    ("change", "to_code", "complaint"),
    [
        (truncated_model, "es", "CTranslate2 cannot load"),
        (missing_model, "es", "no model/model.bin"),
        (garbage_tokenizer, "es", "not a SentencePiece model"),
        (short_vocabulary, "es", "has 100 entries"),
        (labelled_arabic, "ar", "mislabelled"),
    ],
)
def test_a_broken_package_is_refused_and_the_installed_one_stays(
    en_es_archive: Path,
    tmp_path: Path,
    change: Callable[[str, bytes], bytes | None],
    to_code: str,
    complaint: str,
) -> None:
    models = tmp_path / "models"
    installed = install_model(en_es_archive, models)
    if to_code == "ar":  # the pair the mislabelled package claims must stay as it was too
        install_model(next(p for p in _cache_archives(en_es_archive) if _pair(p) == ("en", "ar")), models)
    before = {path.relative_to(models): path.stat().st_size for path in models.rglob("*") if path.is_file()}
    broken = rewrite(en_es_archive, tmp_path / "broken.argosmodel", change)

    with pytest.raises(UserInputError) as caught:
        install_model(broken, models)

    problem = caught.value.problems[0]
    assert complaint in problem.message and problem.file == broken and problem.fix
    after = {path.relative_to(models): path.stat().st_size for path in models.rglob("*") if path.is_file()}
    assert after == before
    assert find_model(models, "en", "es") == installed
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".models-install-")]


def test_cli_installs_refuses_with_exit_2_and_lists(
    en_es_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(tmp_path / "home"))
    for name in ("ARGOS_PACKAGES_DIR", "ARGOS_DEVICE_TYPE", "ARGOS_CHUNK_TYPE"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    result = runner.invoke(models_app, ["install", str(en_es_archive)])
    assert result.exit_code == 0 and "Installed en→es" in result.output, result.output
    broken = rewrite(en_es_archive, tmp_path / "broken.argosmodel", truncated_model)
    refused = runner.invoke(models_app, ["install", str(broken)])
    assert refused.exit_code == 2 and "CTranslate2 cannot load" in refused.output
    assert "Traceback" not in refused.output and "fix:" in refused.output
    listed = runner.invoke(models_app, ["list"])
    assert listed.exit_code == 0 and "en→es" in listed.output
    removed = runner.invoke(models_app, ["remove", "en", "es"])
    assert removed.exit_code == 0 and "Removed en→es" in removed.output


def _cache_archives(one: Path) -> list[Path]:
    return sorted(one.parent.glob("*.argosmodel"))


def _pair(archive: Path) -> tuple[str, str]:
    _, metadata = validate_archive(archive)
    return metadata["from_code"], metadata["to_code"]
