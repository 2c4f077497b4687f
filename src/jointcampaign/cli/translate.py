"""`jointcampaign translate`: a quick translation through the same localizing service as a campaign run."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from jointcampaign.cli.support import (
    EXIT_NEEDS_REVIEW,
    GlossaryOption,
    err_console,
    language_tag,
    user_errors,
    warn_needs_review,
)
from jointcampaign.settings import Settings


def translate_command(
    text: Annotated[
        str | None, typer.Argument(help="Text to translate; omit it (or pass -) to read stdin.")
    ] = None,
    to: Annotated[str, typer.Option("--to", help="Target language (BCP 47), e.g. vi.")] = "es",
    source: Annotated[str, typer.Option("--from", help="Source language.")] = "en",
    keep: Annotated[
        list[str] | None,
        typer.Option("--keep", help="A name or term to leave exactly as written (repeat for more)."),
    ] = None,
    glossary: GlossaryOption = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object per input line: text, status, confidence, engine, notes."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help=f"Exit with {EXIT_NEEDS_REVIEW} when any line needs review.")
    ] = False,
) -> None:
    """Translate text line by line, with the installed models (no campaign needed).

    Prints exactly one line per input line. Codes (CAFE10), @handles, #hashtags, links, e-mails,
    {placeholders}, prices, times and phone numbers are kept as written, and so are --keep terms.
    Each line is judged: a line the engine is not sure of is counted on stderr as needing review
    (with --json, its status is needs_review and its notes say why).

    Examples:
      jointcampaign translate --to vi "Fresh coffee at Corner Café."
      cat copy/post.md | jointcampaign translate --to ar --keep "Corner Café" --json
      jointcampaign translate --to es --glossary glossary.yaml --strict < lines.txt

    Exit code 0 (also when lines need review), 3 with --strict when any line needs review,
    2 for bad input or a missing model.
    """
    from jointcampaign.pipeline.standalone import build_translator, load_glossary

    with user_errors():
        language_tag(to, "--to"), language_tag(source, "--from")
        lines = (sys.stdin.read() if text in (None, "-") else text or "").splitlines()
        terms = load_glossary(glossary, to) if glossary is not None else None
        translator = build_translator(Settings.for_process(), keep=keep or (), glossary=terms)
        segments = [line for line in lines if line.strip()]
        batch = translator.translate_detailed(segments, source, to) if segments else None
    results = iter(zip(batch.texts, batch.statuses, strict=True) if batch else [])
    findings = {finding.segment: finding.note() for finding in batch.findings} if batch else {}
    unsure = 0
    out = []
    for line in lines:
        if not line.strip():
            out.append(json.dumps(_record(line, "", "confident", 1.0, "none", [])) if as_json else "")
            continue
        translated, verdict = next(results)
        unsure += verdict.needs_review
        if as_json:
            notes = [*verdict.reasons, *([findings[line]] if line in findings else [])]
            out.append(json.dumps(
                _record(line, translated, verdict.status, verdict.confidence, verdict.engine, notes),
                ensure_ascii=False,
            ))  # fmt: skip
        else:
            # Never wrapped: a translation with a line break inside still takes one output line.
            out.append(" ".join(translated.splitlines()))
    sys.stdout.write("".join(item + "\n" for item in out))
    sys.stdout.flush()
    for note in batch.notes if batch else []:
        if not note.startswith(("repaired «", "NOT REPAIRED")):
            err_console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    warn_needs_review(unsure, len(segments), "line(s)", strict=strict, hint=" (--json says why)")


def _record(
    source: str, text: str, status: str, confidence: float, engine: str, notes: list[str]
) -> dict[str, object]:
    return {
        "source": source,
        "text": text,
        "status": status,
        "confidence": round(confidence, 4),
        "engine": engine,
        "notes": notes,
    }
