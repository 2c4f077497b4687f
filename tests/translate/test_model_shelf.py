"""A machine with real models: the demo models never shadow or replace them, argostranslate's own
folder is read and never written, and `models list` says which model each pair uses and where it
came from. Everything goes through the real CLI on real (repackaged demo) packages."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from jointcampaign.translate.models.store import validate_archive
from tests.helpers.cli import run_cli

pytestmark = pytest.mark.slow


def _demo_archive(cache: Path, target: str) -> Path:
    for archive in sorted((cache / "demo-models").glob("*.argosmodel")):
        if validate_archive(archive)[1]["to_code"] == target:
            return archive
    raise AssertionError(f"the demo model cache has no en→{target} archive")


def _relabelled(archive: Path, destination: Path, version: str) -> Path:
    """The same weights under another package version: a stand-in for a model from elsewhere."""
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(destination, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), "package_version": version}).encode()
            new.writestr(info.filename, data)
    return destination


def _tree_digest(folder: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hasher.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


@pytest.fixture
def machine(tmp_path: Path, demo_model_cache: Path, demo_models: object) -> dict[str, Path]:
    """A home with its own cache of demo archives, and an argostranslate folder holding en→vi."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "cache").symlink_to(demo_model_cache, target_is_directory=True)  # reuse, never retrain
    argos = tmp_path / "argos-packages"
    with zipfile.ZipFile(
        _relabelled(_demo_archive(demo_model_cache, "vi"), tmp_path / "vi.argosmodel", "2.0")
    ) as z:
        z.extractall(argos)
    return {"home": home, "argos": argos, "root": tmp_path}


def _cli(machine: dict[str, Path], *args: str) -> tuple[int, str]:
    env = {
        "JOINTCAMPAIGN_HOME": str(machine["home"]),
        "ARGOS_PACKAGES_DIR": str(machine["argos"]),
        "XDG_DATA_HOME": str(machine["root"] / "xdg-data"),
    }
    saved = os.environ.pop("JOINTCAMPAIGN_ARGOS_DIRS", None)  # the suite hides this machine's folders
    try:
        result = run_cli(list(args), cwd=machine["root"], env=env)
    finally:
        if saved is not None:
            os.environ["JOINTCAMPAIGN_ARGOS_DIRS"] = saved
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


def _listed(machine: dict[str, Path]) -> dict[str, list[dict[str, object]]]:
    code, output = _cli(machine, "models", "list", "--json")
    assert code == 0, output
    pairs: dict[str, list[dict[str, object]]] = {}
    for row in json.loads(output)["models"]:
        pairs.setdefault(str(row["pair"]), []).append(row)
    return pairs


def test_demo_models_leave_real_models_active_and_untouched(
    machine: dict[str, Path], demo_model_cache: Path
) -> None:
    mine = _relabelled(_demo_archive(demo_model_cache, "es"), machine["root"] / "mine.argosmodel", "1.9")
    code, output = _cli(machine, "models", "install", str(mine))
    assert code == 0, output
    installed, argos = machine["home"] / "models", machine["argos"]
    before = (_tree_digest(installed), _tree_digest(argos))

    code, output = _cli(machine, "models", "demo")
    assert code == 0, output
    assert "en→es: your file model" in output and "en→vi: your argos model" in output
    assert (_tree_digest(installed), _tree_digest(argos)) == before  # not a byte changed

    pairs = _listed(machine)
    spanish, vietnamese, arabic = pairs["en→es"], pairs["en→vi"], pairs["en→ar"]
    assert [(m["origin"], m["version"], m["active"]) for m in spanish] == [
        ("file", "1.9", True),
        ("demo", spanish[1]["version"], False),
    ]
    assert spanish[0]["sha256"] == hashlib.sha256(mine.read_bytes()).hexdigest()
    assert [(m["origin"], m["version"], m["active"]) for m in vietnamese] == [
        ("argos", "2.0", True),
        ("demo", vietnamese[1]["version"], False),
    ]
    assert [(m["origin"], m["active"]) for m in arabic] == [("demo", True)]
    assert str(spanish[1]["version"]).startswith("2.0+")  # demo versions carry their table's hash

    # The table a person reads says the same.
    code, table = _cli(machine, "models", "list")
    assert code == 0 and "no (shadowed)" in table and str(argos) in table

    # argostranslate's folder is only read: removing its pair is refused, with the fix.
    code, output = _cli(machine, "models", "remove", "en", "vi")
    assert code == 2 and "argostranslate's own folder" in output and "argospm remove" in output
    assert _tree_digest(argos) == before[1]

    # Removing the user's model makes the demo one active again; removing again removes the demo one.
    assert _cli(machine, "models", "remove", "en", "es")[0] == 0
    assert [(m["origin"], m["active"]) for m in _listed(machine)["en→es"]] == [("demo", True)]
    assert _cli(machine, "models", "remove", "en", "es")[0] == 0
    assert "en→es" not in _listed(machine)


def test_a_translation_uses_the_active_model_of_each_folder(machine: dict[str, Path]) -> None:
    from jointcampaign.settings import Settings
    from jointcampaign.translate.engines.routing import models_used

    assert _cli(machine, "models", "demo")[0] == 0
    env = {"JOINTCAMPAIGN_HOME": str(machine["home"]), "ARGOS_PACKAGES_DIR": str(machine["argos"]),
           "XDG_DATA_HOME": str(machine["root"] / "xdg-data")}  # fmt: skip
    settings = Settings.from_env(env)
    assert [m["origin"] for m in models_used(settings, "en", "vi")] == ["argos"]
    assert [m["origin"] for m in models_used(settings, "en", "hi")] == ["demo"]
    assert models_used(settings, "es", "vi") == []  # no es→en model: no route at all

    # The CLI translates with the argostranslate package without copying it anywhere.
    code, output = _cli(machine, "translate", "Good morning from Maple Street!", "--to", "vi", "--json")
    assert code == 0, output
    assert json.loads(output.splitlines()[0])["text"] == "Chào buổi sáng từ Maple Street!"
    assert not any((machine["home"] / "models").glob("*vi*"))
    shutil.rmtree(machine["argos"])
    code, output = _cli(machine, "models", "list", "--json")
    assert [m["origin"] for m in json.loads(output)["models"] if m["pair"] == "en→vi"] == ["demo"]


def test_demo_models_an_earlier_version_put_among_the_users_models_move_to_the_demo_folder(
    machine: dict[str, Path], demo_model_cache: Path
) -> None:
    installed = machine["home"] / "models"
    with zipfile.ZipFile(_demo_archive(demo_model_cache, "hi")) as archive:
        archive.extractall(installed)  # as versions before the demo folder left it: no origin record
    mine = _relabelled(_demo_archive(demo_model_cache, "es"), machine["root"] / "mine.argosmodel", "1.9")
    assert _cli(machine, "models", "install", str(mine))[0] == 0

    code, output = _cli(machine, "models", "demo")
    assert code == 0, output
    assert "en→hi: moved the demo model" in output
    assert sorted(p.name for p in installed.iterdir() if not p.name.startswith(".")) == [
        next(p.name for p in installed.iterdir() if "en_es" in p.name)
    ]
    pairs = _listed(machine)
    assert [(m["origin"], m["active"]) for m in pairs["en→hi"]] == [("demo", True)]
    assert (pairs["en→es"][0]["origin"], pairs["en→es"][0]["version"]) == ("file", "1.9")
