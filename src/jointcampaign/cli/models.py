"""`jointcampaign models ...`: install, build, list and remove offline translation models."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.status import Status
from rich.table import Table

from jointcampaign.cli.support import console, language_tag, user_errors
from jointcampaign.cli.support import err_console as errors
from jointcampaign.errors import UserInputError
from jointcampaign.settings import Settings
from jointcampaign.translate.models.store import InstalledModel

models_app = typer.Typer(
    help=(
        "Offline translation models (Argos .argosmodel packages).\n\n"
        "Campaigns are translated with models installed on this machine; nothing is downloaded. "
        "Install a model you downloaded elsewhere, or build a small one from your own phrase table.\n\n"
        "Start with the demo models:  jointcampaign models demo"
    ),
    no_args_is_help=True,
)


def _language(tag: str, option: str) -> str:
    from jointcampaign.translate.languages import to_argos_code

    return to_argos_code(language_tag(tag, option))


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1_000_000:.1f} MB"


@models_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the models as JSON (for scripts).")] = False,
) -> None:
    """Show every model this machine has, and which one each language pair uses.

    Models are looked for in this order, and the first that has a pair is the one used:
    the models you installed (`jointcampaign models install`), argostranslate's own folders
    ($ARGOS_PACKAGES_DIR, ~/.local/share/argos-translate/packages; only read, never written), then
    the demo models (`jointcampaign models demo`), so a demo model never shadows a real one.
    For each: the pair, whether it is the active one, its origin (file, index, demo, argos), version,
    sha256 and folder.

    Example:  jointcampaign models list
    """
    with user_errors():
        settings = Settings.for_process()
        from jointcampaign.translate.models.store import active_models, list_models, stray_folders

        shelf = settings.model_shelf
        models = list_models(shelf)
        active = {model.path for model in active_models(shelf).values()}
        if as_json:
            rows = [
                model.record() | {"active": model.path in active, "path": str(model.path)} for model in models
            ]
            console.print_json(data={"searched": [str(path) for path, _ in shelf.folders()], "models": rows})
            return
        if not models:
            console.print(f"No models found (searched {shelf.describe()}).", markup=False)
            console.print(
                "Install one with `jointcampaign models install FILE.argosmodel`, "
                "or build the demo models with `jointcampaign models demo`.",
                markup=False,
            )
        else:
            table = Table(title=f"Models (searched in this order: {shelf.describe()})")
            for column in ("pair", "active", "origin", "version", "sha256", "size", "path"):
                table.add_column(column, overflow="fold")
            for model in models:
                table.add_row(
                    model.pair,
                    "yes" if model.path in active else "no (shadowed)",
                    model.origin,
                    model.version,
                    model.checksum()[:12],
                    _size(model.size_bytes),
                    str(model.path),
                )
            console.print(table)
        _list_apertium()
        for folder in stray_folders(settings.models_dir):
            errors.print(
                f"warning: {folder} is not a model (no valid metadata.json); argostranslate's own tools "
                "fail while it is there. Remove it, or install the model again.",
                style="yellow",
                markup=False,
            )


def _list_apertium() -> None:
    from jointcampaign.translate.engines.apertium import installed_pairs

    pairs = installed_pairs()
    if pairs:
        table = Table(title="Apertium pairs (choose one per language: JOINTCAMPAIGN_ENGINE_ES=apertium)")
        for column in ("pair", "version", "size", "engine", "path"):
            table.add_column(column, overflow="fold")
        for pair in pairs:
            table.add_row(pair.pair, pair.version, _size(pair.size_bytes), "apertium", str(pair.path))
        console.print(table)


_PACKAGE_CODE = re.compile(r"^(?:translate-)?([A-Za-z]{2,3})_([A-Za-z]{2,3})$")


@models_app.command("install")
def install_command(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE|URL|CODE]...",
            help="What to install: .argosmodel files, URLs of .argosmodel files, or package codes of the "
            "index (translate-en_es, or just en_es).",
        ),
    ] = None,
    from_index: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--from-index",
            metavar="FROM TO",
            help="Download the newest model for this pair (BCP 47 tags) from the package index, e.g. en pt-BR.",
        ),
    ] = None,
    for_campaign: Annotated[
        Path | None,
        typer.Option(
            "--for",
            metavar="CAMPAIGN",
            help="Install every model this campaign folder needs from the index (through English when the "
            "index has no direct pair); pairs the index lacks are reported with what to do.",
        ),
    ] = None,
    index_url: Annotated[
        str | None,
        typer.Option(
            "--index-url",
            help="Package index (argostranslate's index.json format): a URL, an index.json file, or a "
            "folder holding one (a mirror copied to this machine). Default: $JOINTCAMPAIGN_MODEL_INDEX_URL, "
            "else argostranslate's public index. A `sha256` in an entry is checked.",
        ),
    ] = None,
) -> None:
    """Install translation models. Each package is test-loaded before it becomes active: its model and
    tokenizer must load and a probe sentence must come out in the target language's script. A broken
    or mislabelled package exits with 2 and the model installed before stays active.

    An installed model replaces the one you installed for the same pair; the demo models and
    argostranslate's own folders are never touched.

    Examples:

      jointcampaign models install ~/Downloads/translate-en_es-1_9.argosmodel

      jointcampaign models install https://models.example.org/translate-en_de-1_9.argosmodel

      jointcampaign models install translate-en_es en_pb --index-url /media/usb/argos-mirror/

      jointcampaign models install --from-index en pt-BR

      jointcampaign models install --for campaigns/my-campaign --index-url /media/usb/argos-mirror/
    """
    with user_errors():
        settings = Settings.for_process()
        given = [bool(sources), from_index is not None, for_campaign is not None]
        if sum(given) != 1:
            raise UserInputError.single(
                None,
                "give model FILEs, URLs or CODEs, or --from-index FROM TO, or --for CAMPAIGN (one of them)",
                "e.g. `jointcampaign models install model.argosmodel`, "
                "`jointcampaign models install --from-index en es` or "
                "`jointcampaign models install --for campaigns/my-campaign`",
            )
        index = index_url or settings.model_index_url
        if for_campaign is not None:
            _install_for_campaign(for_campaign, index, settings)
            return
        if from_index is not None:
            source, target = (
                _language(from_index[0], "--from-index FROM"),
                _language(from_index[1], "--from-index TO"),
            )
            models = [_install_pair((source, target), index, settings)]
        else:
            models = [_install_one(item, index, settings) for item in sources or []]
        for model in models:
            console.print(
                f"Installed {model.pair} (version {model.version}, sha256 {model.checksum()[:12]}) into {model.path}",
                markup=False,
            )


def _install_one(item: str, index: str, settings: Settings) -> InstalledModel:
    from jointcampaign.translate.models.index import install_from_url
    from jointcampaign.translate.models.store import install_model

    path = Path(item).expanduser()
    if path.exists() or (item.endswith(".argosmodel") and "://" not in item):
        return install_model(path, settings.models_dir)
    if "://" in item:
        with console.status(f"Downloading {item}…") as status:
            return install_from_url(item, settings.models_dir, progress=_download_progress(status, item))
    code = _PACKAGE_CODE.match(item)
    if code is None:
        raise UserInputError.single(
            path,
            "is not a model file, a URL or a package code",
            "give a .argosmodel file that exists, an https:// URL, or an index code such as translate-en_es",
        )
    return _install_pair((code.group(1).lower(), code.group(2).lower()), index, settings)


def _download_progress(status: Status, what: str) -> Callable[[int, int | None], None]:
    def show(done: int, total: int | None) -> None:
        size = f"{_size(done)} of {_size(total)}" if total else _size(done)
        status.update(f"Downloading {what}: {size}")

    return show


def _install_pair(pair: tuple[str, str], index: str, settings: Settings) -> InstalledModel:
    from jointcampaign.translate.models.index import choose, index_location, install_entry, read_index

    url = index_location(index)
    entry = choose(read_index(url), pair[0], pair[1], url)
    with console.status(f"Downloading the {entry.pair} model from {url}…") as status:
        return install_entry(entry, url, settings.models_dir, progress=_download_progress(status, entry.pair))


def _install_for_campaign(folder: Path, index: str, settings: Settings) -> None:
    from jointcampaign.pipeline.measure import load_for_measuring
    from jointcampaign.pipeline.model_needs import campaign_needs, describe_route
    from jointcampaign.translate.models.index import index_location, install_entry, read_index

    loaded = load_for_measuring(folder)
    url = index_location(index)
    needs = campaign_needs(loaded, settings, read_index(url))
    source = loaded.campaign.source_language
    fetched: dict[tuple[str, str], InstalledModel] = {}
    for need in needs:
        if need.engine != "argos":
            console.print(
                f"{need.language}: translated with {need.engine}; no Argos model needed", markup=False
            )
            continue
        if not need.route:
            console.print(f"{need.language}: the campaign's own language; nothing to translate", markup=False)
            continue
        if need.pivots:
            console.print(
                f"{need.language}: no direct {source}→{need.language} model; translating through English "
                f"({describe_route(need)}), which loses some nuance: have it reviewed",
                markup=False,
            )
        for pair, model in need.installed.items():
            console.print(f"{need.language}: {pair[0]}→{pair[1]} already installed ({model.origin}, {model.version})",
                          markup=False)  # fmt: skip
        for pair, entry in need.to_install.items():
            if pair not in fetched:
                with console.status(f"Downloading the {entry.pair} model from {url}…") as status:
                    fetched[pair] = install_entry(entry, url, settings.models_dir,
                                                  progress=_download_progress(status, entry.pair))  # fmt: skip
                console.print(
                    f"{need.language}: installed {entry.pair} (version {entry.version})", markup=False
                )
    missing = [need for need in needs if not need.covered]
    for need in missing:
        pairs = ", ".join(f"{a}→{b}" for a, b in need.missing)
        errors.print(
            f"{need.language}: no model for {pairs} is installed or in the index {url}\n"
            f"    fix: install a .argosmodel for it (`jointcampaign models install FILE`), build one from a "
            f"phrase table (`jointcampaign models build`), or translate {need.language} with Apertium "
            f"(JOINTCAMPAIGN_ENGINE_{need.language.upper().replace('-', '_')}=apertium)",
            style="red",
            markup=False,
        )
    if missing:
        raise typer.Exit(1)
    console.print(f"Every language of {loaded.slug} has its models.", markup=False)


@models_app.command("build")
def build_command(
    phrases: Annotated[
        Path,
        typer.Argument(
            metavar="PHRASES.tsv",
            help="Phrase table: one sentence per line, source text<TAB>translation, UTF-8.",
        ),
    ],
    source: Annotated[str, typer.Option("--from", help="Language of the first column (BCP 47), e.g. en.")],
    target: Annotated[str, typer.Option("--to", help="Language of the second column (BCP 47), e.g. vi.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write the model (default: translate-FROM_TO.argosmodel)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same table and seed give the same model.")] = 0,
    max_seconds: Annotated[
        float, typer.Option(help="Stop training after this much CPU time, in seconds.")
    ] = 90,
) -> None:
    """Train a small model that translates every phrase of your table exactly (about a minute on CPU).

    It knows the phrases of its table and little else: use it for fixed campaign copy, not general text.

    Example:  jointcampaign models build phrases.tsv --from en --to vi -o en-vi.argosmodel
    """
    with user_errors():
        Settings.for_process()  # before anything imports argostranslate
        from jointcampaign.translate.training.builder import build_argos_model_with_report

        source_code, target_code = _language(source, "--from"), _language(target, "--to")
        out = output or Path(f"translate-{source_code}_{target_code}.argosmodel")
        with console.status(f"Building {source_code}→{target_code} from {phrases}…") as status:
            report = build_argos_model_with_report(
                phrases,
                source,
                target,
                out,
                seed=seed,
                max_seconds=max_seconds,
                progress=lambda message: status.update(message),
            )
        console.print(
            f"Wrote {report.path} ({report.exact}/{report.total} phrases exact, {report.seconds:.0f} s).",
            markup=False,
        )
        shown = 10
        for source_text, expected, produced in report.wrong[:shown]:
            errors.print(
                f"  {source_text!r} → {_clip(produced)!r}, table says {expected!r}",
                style="yellow",
                markup=False,
            )
        if len(report.wrong) > shown:
            errors.print(f"  … and {len(report.wrong) - shown} more", style="yellow", markup=False)
        console.print(f"Install it with:  jointcampaign models install {report.path}", markup=False)
        if report.wrong:
            errors.print(
                "Not every phrase is exact: raise --max-seconds, or add rows with the shorter phrases "
                "the wrong ones are made of.",
                style="red",
                markup=False,
            )
            raise typer.Exit(1)


@models_app.command("demo")
def demo_command() -> None:
    """Build (once, then cached) and install the demo models: English to es, vi, ar, hi and zh.

    They cover the demo campaign's copy and subtitles, and little else. They go into their own
    folder and are used only for pairs no real model covers: your own models stay active and
    untouched. The first run trains for a minute or two.

    Example:  jointcampaign models demo
    """
    with user_errors():
        settings = Settings.for_process()
        from jointcampaign.translate.training.builder import ensure_demo_models, move_legacy_demo_models

        for model in move_legacy_demo_models(settings.models_dir, settings.demo_models_dir):
            console.print(
                f"{model.pair}: moved the demo model an earlier version installed among your own models "
                f"to {settings.demo_models_dir}",
                markup=False,
            )
        with console.status("Preparing the demo models…") as status:

            def show(message: str) -> None:
                status.update(message)
                if "step " not in message:
                    console.print(message, markup=False, highlight=False)

            models = ensure_demo_models(settings.demo_models_dir, settings.cache_dir, progress=show)
        console.print(f"{len(models)} demo models ready in {settings.demo_models_dir}", markup=False)
        from jointcampaign.translate.models.store import active_models

        active = active_models(settings.model_shelf)
        for model in models:
            used = active[(model.from_code, model.to_code)]
            if used.path != model.path:
                console.print(
                    f"{model.pair}: your {used.origin} model in {used.path.parent} stays the one used",
                    markup=False,
                )


@models_app.command("remove")
def remove_command(
    source: Annotated[str, typer.Argument(metavar="FROM", help="Source language, e.g. en.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Target language, e.g. es.")],
) -> None:
    """Uninstall the model for one language pair: the one you installed, else the demo model.

    Models in argostranslate's own folders are never removed by jointcampaign.

    Example:  jointcampaign models remove en es
    """
    with user_errors():
        settings = Settings.for_process()
        from jointcampaign.translate.models.store import remove_model

        _language(source, "FROM"), _language(target, "TO")
        for model in remove_model(settings.model_shelf, source, target):
            console.print(f"Removed {model.pair} (version {model.version}) from {model.path}", markup=False)
