"""`models install --from-index`: a real download over HTTP on loopback, of a real demo model archive."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jointcampaign.cli.models import models_app
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.models.store import list_models
from jointcampaign.translate.training.builder import demo_archive_path, demo_tables

pytestmark = pytest.mark.slow


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 by a real HTTP server, like an organisation's model mirror."""
    root = tmp_path / "mirror"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def vi_archive(demo_models_dir: Path, demo_model_cache: Path) -> Path:
    return demo_archive_path(
        next(table for table in demo_tables() if table.stem == "en-vi"), demo_model_cache
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(home))
    return home


def write_index(root: Path, *entries: dict[str, object]) -> None:
    (root / "index.json").write_text(json.dumps(list(entries)), encoding="utf-8")


def package(to_code: str, version: str, link: str, **extra: object) -> dict[str, object]:
    return {
        "from_code": "en",
        "to_code": to_code,
        "package_version": version,
        "links": [link],
        "from_name": "English",
        "to_name": to_code,
        "type": "translate",
        **extra,
    }


def leftovers(home: Path) -> list[str]:
    """Everything in the home besides installed packages (temp downloads, staging folders)."""
    return sorted(
        str(path.relative_to(home))
        for path in home.rglob("*")
        if path.parent != home / "models"
        and not str(path.relative_to(home)).startswith("models/translate-")
        and path != home / "models"
    )


def test_install_from_index_downloads_verifies_and_installs(
    mirror: tuple[Path, str], vi_archive: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, url = mirror
    (root / "packages").mkdir()
    shutil.copy(vi_archive, root / "packages" / "translate-en_vi-2_0.argosmodel")
    digest = hashlib.sha256(vi_archive.read_bytes()).hexdigest()
    write_index(
        root,
        package("vi", "1.0", "packages/missing-old.argosmodel"),
        package("vi", "2.0", "packages/translate-en_vi-2_0.argosmodel", sha256=digest),
        package("es", "1.0", f"{url}/packages/nothing.argosmodel"),
    )
    monkeypatch.setenv("JOINTCAMPAIGN_MODEL_INDEX_URL", f"{url}/index.json")
    result = CliRunner().invoke(models_app, ["install", "--from-index", "en", "vi"])
    assert result.exit_code == 0, result.output
    assert "Installed en→vi" in result.output
    [model] = list_models(home / "models")
    assert (model.from_code, model.to_code) == ("en", "vi")
    translated = ArgosTranslator(home / "models").translate_batch(["Two shops."], "en", "vi").texts
    assert translated == ["Hai cửa hàng."]
    assert leftovers(home) == []


@pytest.mark.parametrize(
    "problem", ["not a zip", "foreign zip", "wrong pair", "bad checksum", "missing file"]
)
def test_a_bad_download_installs_nothing(
    mirror: tuple[Path, str], vi_archive: Path, home: Path, problem: str
) -> None:
    root, url = mirror
    link, extra = "model.argosmodel", {}
    if problem == "not a zip":
        (root / link).write_bytes(b"<html>proxy login page</html>")
    elif problem == "foreign zip":
        with zipfile.ZipFile(root / link, "w") as bundle:
            bundle.writestr("holiday/photo.txt", "not a model")
    else:
        shutil.copy(vi_archive, root / link)
    if problem == "bad checksum":
        extra = {"sha256": "0" * 64}
    if problem == "missing file":
        link = "gone.argosmodel"
    write_index(root, package("ar" if problem == "wrong pair" else "vi", "2.0", link, **extra))
    result = CliRunner().invoke(
        models_app,
        [
            "install",
            "--from-index",
            "en",
            "ar" if problem == "wrong pair" else "vi",
            "--index-url",
            f"{url}/index.json",
        ],
    )
    expected_exit, expected_text = {
        "not a zip": (2, "is not a zip archive"),
        "foreign zip": (2, "has no holiday/metadata.json"),
        "wrong pair": (2, "translates en→vi, but the index lists it as en→ar"),
        "bad checksum": (1, "does not match the index's sha256"),
        "missing file": (1, "HTTP 404"),
    }[problem]
    assert result.exit_code == expected_exit, result.output
    output = " ".join(result.output.split())  # the console wraps long lines
    assert expected_text in output
    assert f"{url}/" in output
    assert list_models(home / "models") == []
    assert [p.name for p in (home / "models").iterdir()] in ([], [".install.lock"])
    assert leftovers(home) == []


def test_unknown_pair_and_unreachable_index(mirror: tuple[Path, str], home: Path) -> None:
    root, url = mirror
    write_index(root, package("es", "1.0", "es.argosmodel"))
    result = CliRunner().invoke(
        models_app, ["install", "--from-index", "en", "vi", "--index-url", f"{url}/index.json"]
    )
    assert result.exit_code == 2
    assert "has no en→vi package (it has: en→es)" in " ".join(result.output.split())
    result = CliRunner().invoke(
        models_app, ["install", "--from-index", "en", "vi", "--index-url", f"{url}/nope.json"]
    )
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "cannot read the model index" in output and "JOINTCAMPAIGN_MODEL_INDEX_URL" in output
    result = CliRunner().invoke(models_app, ["install"])
    assert result.exit_code == 2 and "--from-index" in result.output


def _demo_archives(cache: Path) -> dict[str, Path]:
    return {table.stem.split("-")[1]: demo_archive_path(table, cache) for table in demo_tables()}


def test_install_for_a_campaign_from_a_mirror_folder_reports_what_is_missing(
    demo_models_dir: Path, demo_model_cache: Path, campaign_copy: Path, home: Path, tmp_path: Path
) -> None:
    """The mirror is a plain folder (copied to an offline machine), given as a path, with checksums."""
    mirror = tmp_path / "usb-mirror"
    mirror.mkdir()
    archives = _demo_archives(demo_model_cache)
    entries = []
    for code in ("es", "ar", "hi", "zh"):  # no en→vi, like the public index
        shutil.copy(archives[code], mirror / f"translate-en_{code}.argosmodel")
        digest = hashlib.sha256(archives[code].read_bytes()).hexdigest()
        entries.append(package(code, "2.0", f"translate-en_{code}.argosmodel", sha256=digest))
    write_index(mirror, *entries)

    def install_for() -> tuple[int, str]:
        result = CliRunner().invoke(
            models_app, ["install", "--for", str(campaign_copy), "--index-url", str(mirror)]
        )
        return result.exit_code, " ".join(result.output.split())

    code, output = install_for()
    assert code == 1, output
    assert "vi: no model for en→vi is installed or in the index" in output
    assert "jointcampaign models build" in output and "JOINTCAMPAIGN_ENGINE_VI=apertium" in output
    assert sorted(m.to_code for m in list_models(home / "models")) == ["ar", "es", "hi", "zh"]
    assert {m.origin for m in list_models(home / "models")} == {"index"}
    assert "zh-Hans: installed en→zh" in output

    # Again: nothing is downloaded twice; and once en→vi is in the mirror, every language is covered.
    shutil.copy(archives["vi"], mirror / "translate-en_vi.argosmodel")
    write_index(mirror, *entries, package("vi", "2.0", "translate-en_vi.argosmodel"))
    code, output = install_for()
    assert code == 0, output
    assert "es: en→es already installed (index" in output and "vi: installed en→vi" in output
    assert "Every language of demo-cafe-florist has its models." in output
    assert leftovers(home) == []


def test_install_by_package_code_and_by_url(
    mirror: tuple[Path, str], demo_model_cache: Path, demo_models_dir: Path, home: Path
) -> None:
    root, url = mirror
    archives = _demo_archives(demo_model_cache)
    shutil.copy(archives["es"], root / "es.argosmodel")
    shutil.copy(archives["hi"], root / "hi.argosmodel")
    write_index(root, package("es", "2.0", "es.argosmodel"))
    runner = CliRunner()
    result = runner.invoke(
        models_app, ["install", "translate-en_es", f"{url}/hi.argosmodel", "--index-url", f"{url}/index.json"]
    )
    assert result.exit_code == 0, result.output
    assert {(m.to_code, m.origin) for m in list_models(home / "models")} == {("es", "index"), ("hi", "file")}
    result = runner.invoke(models_app, ["install", f"{url}/none.argosmodel"])
    assert result.exit_code == 1 and "HTTP 404" in result.output
    result = runner.invoke(models_app, ["install", "not-a-thing"])
    assert result.exit_code == 2 and "is not a model file, a URL or a package code" in " ".join(
        result.output.split()
    )
    result = runner.invoke(models_app, ["install", "en_es", "--index-url", str(root / "missing")])
    assert result.exit_code == 2 and "is not a model index" in result.output
