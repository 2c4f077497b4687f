"""Installed translation models: install (validated), list, remove, and which pairs are covered.

Each models folder is laid out like argostranslate's packages folder: one sub-folder per
package, each with a metadata.json. Listing reads only small files, so validation can call it
freely. Several folders are searched (see shelf.py); the first that has a pair wins.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jointcampaign.errors import ToolMissingError, UserInputError
from jointcampaign.fileio import sha256_file, sha256_tree
from jointcampaign.translate.languages import to_argos_code
from jointcampaign.translate.models.probe import probe_package
from jointcampaign.translate.models.shelf import (
    EXTERNAL,
    ORIGIN_RECORD,
    ModelShelf,
    as_shelf,
    origin_record,
    read_origin_record,
    write_origin_record,
)

PIVOT = "en"
DEMO_PHRASES_DIR = Path(__file__).parent.parent / "demo_phrases"
INSTALL_FIX = "jointcampaign models install FILE.argosmodel"
DEMO_FIX = "make demo-models"
_REQUIRED_METADATA = ("from_code", "to_code", "package_version")


@dataclass(frozen=True)
class InstalledModel:
    from_code: str
    to_code: str
    version: str
    size_bytes: int
    path: Path
    engine: str = "argos"
    # demo / index / file (recorded at install), argos (argostranslate's folders) or unrecorded.
    origin: str = "unrecorded"
    # sha256 of the archive it was installed from, when the project installed it.
    archive_sha256: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    def checksum(self) -> str:
        """The archive's sha256 when recorded, else one sha256 over the package's files."""
        if self.archive_sha256:
            return self.archive_sha256
        files = [path for path in self.path.rglob("*") if path.is_file() and path.name != ORIGIN_RECORD]
        return "files:" + sha256_tree(files, self.path)

    def record(self) -> dict[str, str]:
        """What a manifest and `models list --json` say about the model (no machine-specific path)."""
        return {
            "pair": self.pair,
            "from": self.from_code,
            "to": self.to_code,
            "engine": self.engine,
            "origin": self.origin,
            "version": self.version,
            "sha256": self.checksum(),
        }


def list_models(models: Path | ModelShelf) -> list[InstalledModel]:
    """Installed translation packages of every folder, sorted by pair; for one pair, the model
    that is used comes first. Folders that are not packages are skipped."""
    found = []
    for rank, (models_dir, fallback_origin) in enumerate(as_shelf(models).folders()):
        if not models_dir.is_dir():
            continue
        for folder in sorted(models_dir.iterdir()):
            metadata = _read_metadata(folder)
            if metadata is None or metadata.get("type", "translate") != "translate":
                continue
            found.append((rank, _describe(folder, metadata, fallback_origin)))
    found.sort(key=lambda item: (item[1].from_code, item[1].to_code, item[0], item[1].path.name))
    return [model for _, model in found]


def active_models(models: Path | ModelShelf) -> dict[tuple[str, str], InstalledModel]:
    """The model used for each pair: the first folder of the shelf that has the pair wins."""
    active: dict[tuple[str, str], InstalledModel] = {}
    for model in list_models(models):
        active.setdefault((model.from_code, model.to_code), model)
    return active


def stray_folders(models_dir: Path) -> list[Path]:
    """Folders in the models folder that are not packages; argostranslate's own listing fails on them."""
    if not models_dir.is_dir():
        return []
    return [
        folder
        for folder in sorted(models_dir.iterdir())
        if folder.is_dir() and _read_metadata(folder) is None
    ]


def find_model(models: Path | ModelShelf, from_code: str, to_code: str) -> InstalledModel | None:
    """The model used for from_code→to_code (Argos codes), or None."""
    return active_models(models).get((from_code, to_code))


def plan_route(models: Path | ModelShelf, source: str, target: str) -> list[InstalledModel] | None:
    """The models to chain for source→target (BCP 47 tags): one direct model, or two through English.

    An empty list means no model is needed (same language); None means the pair is not covered.
    """
    source_code, target_code = to_argos_code(source), to_argos_code(target)
    if source_code == target_code:
        return []
    installed = active_models(models)
    direct = installed.get((source_code, target_code))
    if direct is not None:
        return [direct]
    first, second = installed.get((source_code, PIVOT)), installed.get((PIVOT, target_code))
    if first is not None and second is not None:
        return [first, second]
    return None


def has_pair(models: Path | ModelShelf, source: str, target: str) -> bool:
    """True when source→target can be translated, directly or through English."""
    return plan_route(models, source, target) is not None


def missing_pair_error(models: Path | ModelShelf, source: str, target: str) -> ToolMissingError:
    source_code, target_code = to_argos_code(source), to_argos_code(target)
    wanted = f"{source_code}→{target_code}"
    if PIVOT not in (source_code, target_code):
        wanted += f" (or {source_code}→{PIVOT} plus {PIVOT}→{target_code})"
    lines = [
        f"No translation model for {source}→{target} is installed "
        f"(searched {as_shelf(models).describe()}).",
        f"    fix: install an Argos model for {wanted}: {INSTALL_FIX}",
    ]
    demo = demo_pairs()
    if (source_code, target_code) in demo or ((source_code, PIVOT) in demo and (PIVOT, target_code) in demo):
        lines.append(f"    or build and install the demo models: {DEMO_FIX} (or `jointcampaign models demo`)")
    return ToolMissingError("\n".join(lines))


def demo_pairs() -> set[tuple[str, str]]:
    """Language pairs the project ships demo phrase tables for (file names like en-es.tsv)."""
    pairs = set()
    for table in DEMO_PHRASES_DIR.glob("*.tsv"):
        source, _, target = table.stem.partition("-")
        pairs.add((source, target))
    return pairs


def install_model(
    archive: Path,
    models_dir: Path,
    *,
    probe: bool = True,
    origin: str = "file",
    source: str | None = None,
) -> InstalledModel:
    """Validate a .argosmodel file and install it, replacing any installed model for the same pair.

    With `probe` (always, outside tests of the archive handling itself) the staged package must
    load in CTranslate2 and SentencePiece and translate a probe sentence into its target's script.

    Extraction happens in a staging folder beside the models folder, and the package is loaded with
    argostranslate's own `Package` class before it is moved in, so a broken archive never leaves a
    half-installed folder (one without metadata.json stops argostranslate from listing anything).
    Only `models_dir` is written: a model for the same pair in another folder is left as it is.
    `origin` (file / index / demo) and `source` (path or URL) are recorded in the package.
    """
    top, metadata = validate_archive(archive)
    record = origin_record(origin, source or str(archive.resolve()), sha256_file(archive))
    models_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(models_dir / ".install.lock"):
        staging = Path(tempfile.mkdtemp(prefix=f".{models_dir.name}-install-", dir=models_dir.parent))
        try:
            # The same extraction argostranslate.package.install_from_path performs, aimed at the
            # staging folder instead of the global packages folder.
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(staging / "new")
            staged = staging / "new" / top
            _check_loads(staged, archive)
            if probe:
                probe_package(staged, archive, metadata)
            write_origin_record(staged, record)
            destination = models_dir / top
            replaced = [model.path for model in list_models(models_dir) if _same_pair(model, metadata)]
            if destination.exists():
                replaced.append(destination)
            for index, old in enumerate(dict.fromkeys(replaced)):
                os.replace(old, staging / f"old-{index}")
            os.replace(staged, destination)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return _describe(destination, metadata, origin)


def remove_model(models: Path | ModelShelf, source: str, target: str) -> list[InstalledModel]:
    """Uninstall the model used for source→target, when it is one the project installed (its own
    folder or the demo folder); after that the next folder's model for the pair, if any, is used.

    argostranslate's folders are never written: a pair used from there is refused with the fix.
    """
    shelf = as_shelf(models)
    source_code, target_code = to_argos_code(source), to_argos_code(target)
    pair = (source_code, target_code)
    active = active_models(shelf).get(pair)
    if active is None:
        raise UserInputError.single(
            shelf.installed,
            f"no model for {source_code}→{target_code} is installed",
            "see what is installed with `jointcampaign models list`",
        )
    folder = active.path.parent
    if active.origin == EXTERNAL:
        raise UserInputError.single(
            active.path,
            f"the {source_code}→{target_code} model in use is in argostranslate's own folder, "
            "which jointcampaign only reads",
            "remove it with argostranslate (`argospm remove ...`) or delete that folder yourself",
        )
    with exclusive_lock(folder / ".install.lock"):
        removed = [model for model in list_models(folder) if (model.from_code, model.to_code) == pair]
        for model in removed:
            shutil.rmtree(model.path)
    return removed


def validate_archive(archive: Path) -> tuple[str, dict[str, Any]]:
    """The package's top folder name and metadata; UserInputError if it is not an Argos model."""

    def problem(message: str, fix: str = "") -> UserInputError:
        return UserInputError.single(
            archive,
            message,
            fix
            or "use a .argosmodel file from the Argos package index, or build one with "
            "`jointcampaign models build PHRASES.tsv --from en --to es`",
        )

    if not archive.is_file():
        raise problem("file not found", "check the path; model files end in .argosmodel")
    if not zipfile.is_zipfile(archive):
        raise problem("is not a zip archive, so it is not an Argos model (.argosmodel)")
    try:
        with zipfile.ZipFile(archive) as bundle:
            names = [info.filename for info in bundle.infolist()]
            parts = [_safe_parts(name) for name in names]
            if any(not name_parts for name_parts in parts):
                raise problem("contains file names that point outside its folder; refusing to extract it")
            tops = {name_parts[0] for name_parts in parts}
            loose = [
                name
                for name, name_parts in zip(names, parts, strict=True)
                if len(name_parts) == 1 and not name.endswith("/")
            ]
            if len(tops) != 1 or loose:
                raise problem("must contain exactly one top-level folder holding the whole package")
            top = tops.pop()
            members = set(names)
            if f"{top}/metadata.json" not in members:
                raise problem(f"has no {top}/metadata.json, so argostranslate could not list it")
            metadata = json.loads(bundle.read(f"{top}/metadata.json").decode("utf-8"))
            if not any(name.startswith(f"{top}/model/") and not name.endswith("/") for name in names):
                raise problem(f"has no CTranslate2 model folder {top}/model/")
            if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & members:
                raise problem(f"has no tokenizer ({top}/sentencepiece.model)")
            damaged = bundle.testzip()
            if damaged is not None:
                raise problem(
                    f"is damaged ({damaged} fails its checksum)", "download or build the model again"
                )
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise problem(f"cannot be read as an Argos model: {err}") from err
    if not isinstance(metadata, dict):
        raise problem("metadata.json must hold a JSON object")
    missing = [
        key for key in _REQUIRED_METADATA if not isinstance(metadata.get(key), str) or not metadata[key]
    ]
    if missing:
        raise problem(f"metadata.json lacks {', '.join(missing)}")
    if metadata.get("type", "translate") != "translate":
        raise problem(f"is a {metadata['type']!r} package, not a translation model")
    return top, metadata


@contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[None]:
    """Serialise installs (and builds) across processes: flows and the CLI may run at once."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _safe_parts(name: str) -> tuple[str, ...]:
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or any(part == ".." for part in path.parts):
        return ()
    return path.parts


def _check_loads(folder: Path, archive: Path) -> None:
    from argostranslate.package import Package

    try:
        Package(folder)
    except Exception as err:  # argostranslate raises bare Exceptions; any of them means unusable
        raise UserInputError.single(
            archive,
            f"argostranslate cannot load this package: {err}",
            "download or build the model again",
        ) from err


def _same_pair(model: InstalledModel, metadata: dict[str, Any]) -> bool:
    return (model.from_code, model.to_code) == (metadata["from_code"], metadata["to_code"])


def _read_metadata(folder: Path) -> dict[str, Any] | None:
    if not folder.is_dir():
        return None
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(metadata, dict) or any(
        not isinstance(metadata.get(key), str) for key in _REQUIRED_METADATA
    ):
        return None
    return metadata


def _describe(folder: Path, metadata: dict[str, Any], fallback_origin: str) -> InstalledModel:
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    record = read_origin_record(folder) or {}
    origin = str(record.get("origin") or fallback_origin)
    if fallback_origin == EXTERNAL:  # a record copied along by hand does not make it ours
        origin = EXTERNAL
    return InstalledModel(
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=metadata["package_version"],
        size_bytes=size,
        path=folder,
        origin=origin,
        archive_sha256=str(record.get("sha256") or ""),
    )
