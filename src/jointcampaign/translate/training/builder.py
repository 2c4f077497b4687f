"""Build real (small) Argos models from phrase tables, on CPU, with no download.

Recipe: a SentencePiece BPE tokenizer shared by both languages, a tiny Transformer trained with
torch until every phrase of the table is reproduced, converted to CTranslate2 and zipped as a
.argosmodel. The result is verified by translating the whole table through ArgosTranslator,
the same code that translates campaigns.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from jointcampaign.errors import UserInputError
from jointcampaign.translate.languages import language_name, to_argos_code
from jointcampaign.translate.models.store import (
    DEMO_PHRASES_DIR,
    InstalledModel,
    exclusive_lock,
    install_model,
    list_models,
)
from jointcampaign.translate.sentences import split_sentences
from jointcampaign.translate.training.parallel import BuildJob, build_all

# Bump whenever the recipe changes what a table builds into: it keys the demo cache and model versions.
BUILDER_VERSION = "2"
_VOCABULARY_SIZE = 800
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    path: Path
    source: str
    target: str
    version: str
    exact: int
    total: int
    seconds: float
    steps: int
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (source, expected, produced)


def load_phrase_table(path: Path) -> list[tuple[str, str]]:
    """Rows of `source<TAB>target`, one sentence each. Lines starting with # (and no tab) are comments."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise UserInputError.single(
            path, f"cannot read the phrase table: {err}", "save it as UTF-8 text"
        ) from err
    rows: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (line.startswith("#") and "\t" not in line):
            continue
        cells = line.split("\t")
        if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
            raise UserInputError.single(
                path,
                "each row needs exactly two non-empty columns",
                "write: source text<TAB>translation",
                line=number,
            )
        source, target = (" ".join(cell.split()) for cell in cells)
        if len(split_sentences(source)) != 1:
            raise UserInputError.single(
                path,
                f"{source!r} is more than one sentence; models are trained and used sentence by sentence",
                "put each sentence on its own row",
                line=number,
            )
        if rows.get(source, target) != target:
            raise UserInputError.single(
                path, f"{source!r} has two different translations", "keep one of the rows", line=number
            )
        rows[source] = target
    if not rows:
        raise UserInputError.single(
            path, "the phrase table has no rows", "add rows: source text<TAB>translation"
        )
    return list(rows.items())


def table_digest(phrases_tsv: Path, source: str, target: str, seed: int) -> str:
    """Identifies what a build produces: the table's bytes, the pair, the seed and the recipe version."""
    digest = hashlib.sha256()
    for part in (BUILDER_VERSION, to_argos_code(source), to_argos_code(target), str(seed)):
        digest.update(part.encode() + b"\0")
    digest.update(phrases_tsv.read_bytes())
    return digest.hexdigest()


def model_version(digest: str) -> str:
    return f"{BUILDER_VERSION}.0+{digest[:12]}"


def build_argos_model(
    phrases_tsv: Path,
    source: str,
    target: str,
    out_path: Path,
    *,
    seed: int = 0,
    max_seconds: float = 90,
    progress: Progress | None = None,
) -> Path:
    """Train a model that reproduces every phrase of the table and write it to `out_path`."""
    return build_argos_model_with_report(
        phrases_tsv, source, target, out_path, seed=seed, max_seconds=max_seconds, progress=progress
    ).path


def build_argos_model_with_report(
    phrases_tsv: Path,
    source: str,
    target: str,
    out_path: Path,
    *,
    seed: int = 0,
    max_seconds: float = 90,
    progress: Progress | None = None,
    threads: int = 1,
) -> BuildReport:
    """Like build_argos_model, and says how well the model learned its table.

    `max_seconds` counts this process's CPU time, so a busy machine slows the build down but does
    not change its outcome. One thread is the default because it is the fastest: batches this
    small gain nothing from a second thread, and OpenMP threads that spin for a busy core made
    training about eight times slower in measurements on a loaded 2-core machine.
    """
    from jointcampaign.translate.training import tiny_nmt

    started = time.monotonic()
    cpu_deadline = time.process_time() + max_seconds

    def out_of_time() -> bool:
        return time.process_time() >= cpu_deadline

    say = progress or (lambda message: None)
    source_code, target_code = to_argos_code(source), to_argos_code(target)
    pair = f"{source_code}→{target_code}"
    pairs = load_phrase_table(phrases_tsv)
    version = model_version(table_digest(phrases_tsv, source, target, seed))
    say(f"{pair}: {len(pairs)} phrases, training on {threads} thread(s)")
    top = f"translate-{source_code}_{target_code}-{version.replace('.', '_').replace('+', '-')}"
    with tempfile.TemporaryDirectory(prefix="jointcampaign-build-") as work_name:
        work = Path(work_name)
        package_dir = work / "packages" / top
        package_dir.mkdir(parents=True)
        processor = _train_tokenizer(pairs, package_dir / "sentencepiece.model")
        vocabulary = tiny_nmt.SPECIAL_TOKENS + [
            processor.id_to_piece(i) for i in range(3, processor.get_piece_size())
        ]

        def ids(text: str) -> list[int]:
            return [index + 1 for index in processor.encode(text)]  # +1: <blank> (padding) comes first

        encoded = [(ids(source_text), ids(target_text)) for source_text, target_text in pairs]
        with tiny_nmt.torch_threads(threads):
            trainer = tiny_nmt.Trainer(encoded, len(vocabulary), seed=seed)

            def on_epoch(state: tiny_nmt.TrainingState) -> None:
                seconds = time.monotonic() - started
                say(f"{pair}: step {state.steps}, {state.exact}/{state.total} exact, {seconds:.0f} s")

            while True:
                trainer.train(out_of_time, on_epoch=on_epoch)
                model_dir = package_dir / "model"
                shutil.rmtree(model_dir, ignore_errors=True)
                tiny_nmt.export_ctranslate2(trainer.model, vocabulary, model_dir)
                _write_metadata(package_dir, source_code, target_code, version, seed, None, len(pairs))
                wrong = _verify(work / "packages", pairs, source, target, threads)
                if not wrong or out_of_time():
                    break
                say(f"{pair}: {len(wrong)} phrases differ after conversion; training on")
        seconds = time.monotonic() - started
        exact = len(pairs) - len(wrong)
        _write_metadata(package_dir, source_code, target_code, version, seed, exact, len(pairs))
        _zip_package(package_dir, out_path)
    for source_text, expected, produced in wrong:
        say(f"{pair}: WRONG {source_text!r} → {produced!r} (table: {expected!r})")
    say(f"{pair}: {exact}/{len(pairs)} phrases exact in {seconds:.1f} s → {out_path}")
    return BuildReport(
        path=out_path,
        source=source_code,
        target=target_code,
        version=version,
        exact=exact,
        total=len(pairs),
        seconds=seconds,
        steps=trainer.steps,
        wrong=wrong,
    )


def build_job(job: BuildJob, progress: Progress) -> Path:
    return build_argos_model(job.phrases_tsv, job.source, job.target, job.out_path, progress=progress)


def demo_tables() -> list[Path]:
    return sorted(DEMO_PHRASES_DIR.glob("*.tsv"))


def demo_archive_path(table: Path, cache_dir: Path) -> Path:
    source, target = _table_pair(table)
    return cache_dir / "demo-models" / f"{table_digest(table, source, target, 0)}.argosmodel"


def ensure_demo_models(
    models_dir: Path, cache_dir: Path, progress: Progress | None = None
) -> list[InstalledModel]:
    """Build (once, cached by table hash) and install every demo model that is not installed yet.

    `models_dir` is the demo folder (Settings.demo_models_dir), never the user's own models folder:
    installing replaces a model of the same pair in the folder it installs into.
    """
    say = progress or (lambda message: None)
    installed: dict[Path, InstalledModel] = {}
    present = list_models(models_dir)
    for table in demo_tables():
        source, target = _table_pair(table)
        version = model_version(table_digest(table, source, target, 0))
        for model in present:
            if (model.from_code, model.to_code) == (source, target) and model.version == version:
                say(f"{model.pair}: demo model {version} already installed")
                installed[table] = model
    wanted = [table for table in demo_tables() if table not in installed]
    if wanted:
        cache = cache_dir / "demo-models"
        cache.mkdir(parents=True, exist_ok=True)
        # Parallel callers (test workers, flow runs) wait here instead of training the same model twice.
        with exclusive_lock(cache / ".build.lock"):
            jobs = []
            for table in wanted:
                source, target = _table_pair(table)
                archive = demo_archive_path(table, cache_dir)
                if archive.exists():
                    say(f"{source}→{target}: using the cached demo model {archive.name}")
                else:
                    say(f"{source}→{target}: building the demo model from {table.name}")
                    jobs.append(BuildJob(table, source, target, archive))
            build_all(jobs, build_job, say)
        for table in wanted:
            source, target = _table_pair(table)
            note = f"demo phrase table {table.name}"
            installed[table] = install_model(
                demo_archive_path(table, cache_dir), models_dir, origin="demo", source=note
            )
            say(f"{source}→{target}: installed into {models_dir}")
    return [installed[table] for table in demo_tables()]


def move_legacy_demo_models(installed_dir: Path, demo_dir: Path) -> list[InstalledModel]:
    """Demo models that versions before the demo folder installed among the user's own models:
    moved to the demo folder, where they no longer shadow a real model. Only packages of the
    current demo tables' exact versions, with no origin record, are taken; anything else stays."""
    demo_versions = {}
    for table in demo_tables():
        source, target = _table_pair(table)
        demo_versions[(source, target)] = model_version(table_digest(table, source, target, 0))
    moved = []
    for model in list_models(installed_dir):
        pair = (model.from_code, model.to_code)
        if model.origin != "unrecorded" or demo_versions.get(pair) != model.version:
            continue
        destination = demo_dir / model.path.name
        demo_dir.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(installed_dir / ".install.lock"), exclusive_lock(demo_dir / ".install.lock"):
            if destination.exists():
                shutil.rmtree(model.path)
            else:
                os.replace(model.path, destination)
        moved.append(model)
    return moved


def _table_pair(table: Path) -> tuple[str, str]:
    source, _, target = table.stem.partition("-")
    return source, target


def _train_tokenizer(pairs: list[tuple[str, str]], out_file: Path) -> Any:
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter([text for row in pairs for text in row]),
        model_writer=model,
        model_type="bpe",
        vocab_size=_VOCABULARY_SIZE,
        hard_vocab_limit=False,
        character_coverage=1.0,
        # Identity keeps full-width punctuation (，。！) and every character exactly as written.
        normalization_rule_name="identity",
        num_threads=1,
        minloglevel=2,
    )
    out_file.write_bytes(model.getvalue())
    return sentencepiece.SentencePieceProcessor(model_proto=model.getvalue())


def _verify(
    models_dir: Path, pairs: list[tuple[str, str]], source: str, target: str, threads: int
) -> list[tuple[str, str, str]]:
    from jointcampaign.translate.engines.argos import ArgosTranslator

    translator = ArgosTranslator(models_dir, threads=threads, beam_size=1)
    produced = translator.translate_batch([source_text for source_text, _ in pairs], source, target).texts
    return [
        (source_text, expected, output)
        for (source_text, expected), output in zip(pairs, produced, strict=True)
        if output != expected
    ]


def _write_metadata(
    package_dir: Path,
    source: str,
    target: str,
    version: str,
    seed: int,
    exact: int | None,
    total: int,
) -> None:
    try:
        argos_version = package_metadata.version("argostranslate")
    except package_metadata.PackageNotFoundError:
        argos_version = "1.11.0"
    metadata = {
        "package_version": version,
        "argos_version": argos_version,
        "from_code": source,
        "from_name": language_name(source),
        "to_code": target,
        "to_name": language_name(target),
        "type": "translate",
        "links": [],
        "jointcampaign": {
            "builder_version": BUILDER_VERSION,
            "seed": seed,
            "phrases_exact": exact,
            "phrases": total,
        },
    }
    (package_dir / "metadata.json").write_text(
        json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    if exact is not None:
        (package_dir / "README.md").write_text(
            f"# {language_name(source)} → {language_name(target)} (phrase-table model)\n\n"
            f"Built by jointcampaign from a phrase table of {total} rows; {exact} of {total} rows "
            "translate exactly. It knows those phrases and little else.\n",
            "utf-8",
        )


def _zip_package(package_dir: Path, out_path: Path) -> None:
    """Zip with fixed timestamps and order, so the same model always gives the same file."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(path for path in package_dir.rglob("*") if path.is_file()):
                info = zipfile.ZipInfo(
                    f"{package_dir.name}/{path.relative_to(package_dir).as_posix()}", _ZIP_TIMESTAMP
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                bundle.writestr(info, path.read_bytes())
        temp.chmod(0o644)
        os.replace(temp, out_path)
    finally:
        temp.unlink(missing_ok=True)
