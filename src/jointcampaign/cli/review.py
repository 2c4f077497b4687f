"""`jointcampaign review ...`: hand machine translations to a human reviewer and take their fixes back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.cli.support import console, err_console, user_errors
from jointcampaign.errors import UserInputError
from jointcampaign.settings import Settings

review_app = typer.Typer(
    help=(
        "Human review of translations, as gettext PO files any PO editor (Poedit, Lokalize, Weblate) opens.\n\n"
        "1. jointcampaign review export campaigns/spring --lang vi      (writes spring.vi.po)\n\n"
        "2. The reviewer corrects strings and clears their 'fuzzy' mark (Poedit: 'Needs work' off).\n\n"
        "3. jointcampaign review import campaigns/spring spring.vi.po --lang vi\n\n"
        "Reviewed strings then win over machine translation on every run, and are remembered."
    ),
    no_args_is_help=True,
)

LangOption = Annotated[
    str, typer.Option("--lang", help="The campaign language, as campaign.yaml spells it (vi).")
]


def _load(folder: Path, language: str) -> LoadedCampaign:
    from jointcampaign.pipeline.validate import validate_campaign

    loaded = validate_campaign(folder, lambda source, target: True).require_ok()
    if language not in loaded.campaign.languages:
        raise UserInputError.single(
            loaded.campaign_file,
            f"--lang {language} is not one of the campaign's languages ({', '.join(loaded.campaign.languages)})",
            "use one of those tags exactly, or add the language to languages: in campaign.yaml",
            field="languages",
        )
    return loaded


@review_app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(metavar="CAMPAIGN_DIR", help="The campaign folder.")],
    language: LangOption,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the PO file (default: <campaign>.<lang>.po)."),
    ] = None,
) -> None:
    """Write every copy line and subtitle cue with its current translation, for a reviewer.

    Machine output is marked fuzzy (needs review); strings reviewed earlier come out as reviewed.
    Each entry names where it comes from: msgctxt is the piece or cue id, references give file:line
    or file#cue.

    Example:  jointcampaign review export campaigns/demo-cafe-florist --lang vi -o demo.vi.po
    """
    with user_errors():
        loaded = _load(folder, language)
        built = Settings.for_process()
        from jointcampaign.pipeline.review_export import export_review
        from jointcampaign.pipeline.translator import build_campaign_translator
        from jointcampaign.translate.engines.routing import build_engine, build_fallback
        from jointcampaign.translate.memory import MEMORY_FILE

        translator = build_campaign_translator(
            loaded, build_engine(built), built.cache_dir / MEMORY_FILE, fallback=build_fallback(built)
        )
        destination = output or Path(f"{loaded.slug}.{language}.po")
        with console.status(f"Translating {loaded.slug} into {language}…"):
            result = export_review(loaded, language, translator, destination)
    console.print(
        f"Wrote {result.path}: {result.entries} strings, {result.reviewed} already reviewed, "
        f"{result.entries - result.reviewed} to review (fuzzy), {result.needs_review} of them "
        "flagged needs-review (their comments say why)"
        + (
            f", {result.findings} with protected-term findings (see their comments)"
            if result.findings
            else ""
        ),
        markup=False,
    )
    console.print(
        f"After review:  jointcampaign review import {folder} {result.path} --lang {language}", markup=False
    )


@review_app.command("import")
def import_command(
    folder: Annotated[Path, typer.Argument(metavar="CAMPAIGN_DIR", help="The campaign folder.")],
    po_file: Annotated[Path, typer.Argument(metavar="FILE.po", help="The reviewed PO file.")],
    language: LangOption,
) -> None:
    """Check a reviewed PO file and store it as CAMPAIGN_DIR/review/<lang>.po.

    Checked: UTF-8, the header's Language, no plural forms, and that every reviewed string keeps the
    source's placeholders, brand names, offer codes, prices, links and glossary terms. If anything is
    wrong, nothing is stored and each problem is listed with its line (exit code 2).

    Example:  jointcampaign review import campaigns/demo-cafe-florist demo.vi.po --lang vi
    """
    with user_errors():
        loaded = _load(folder, language)
        from jointcampaign.pipeline.review_export import campaign_segments
        from jointcampaign.pipeline.translator import protection_rules
        from jointcampaign.translate.memory import MEMORY_FILE, TranslationMemory
        from jointcampaign.translate.review import import_review

        known = [segment.text for segment in campaign_segments(loaded, language)]
        result = import_review(folder, po_file, language, protection_rules(loaded, language), known)
        memory = TranslationMemory(Settings.for_process().cache_dir / MEMORY_FILE)
        memory.remember_reviewed(result.reviewed, loaded.campaign.source_language, language, str(result.path))
        memory.close()
    console.print(
        f"Stored {result.path}: {len(result.reviewed)} reviewed strings win over machine translation "
        f"from the next run; {result.fuzzy} fuzzy and {result.untranslated} empty entries are ignored.",
        markup=False,
    )
    if result.unknown:
        err_console.print(
            f"note: {len(result.unknown)} reviewed strings are not in the campaign's current copy or "
            "subtitles (kept; they apply if the text comes back).",
            style="yellow",
            markup=False,
        )
