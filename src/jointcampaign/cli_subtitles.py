"""`jointcampaign subtitles`: check a subtitle file against readability rules, or translate one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jointcampaign.cli_support import EXIT_FAILED, console, settings, user_errors

subtitles_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")


@subtitles_app.command()
def check(
    file: Annotated[Path, typer.Argument(help="An .srt or .vtt file (any encoding).")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the file (BCP 47), e.g. vi, zh-Hans.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List every cue that breaks a readability rule for LANG, and the share of cues within rules.

    Example: jointcampaign subtitles check out/demo/corner-cafe/data/subtitles/vi.srt --lang vi

    Exit code 1 when any cue breaks a rule, 2 when the file cannot be read.
    """
    from jointcampaign.subtitles.check import check_subtitle_file

    with user_errors():
        result = check_subtitle_file(file, lang)
    if as_json:
        console.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        console.print(result.render(), highlight=False, markup=False)
    if result.issues:
        raise typer.Exit(EXIT_FAILED)


@subtitles_app.command()
def translate(
    file: Annotated[Path, typer.Argument(help="Source subtitles (.srt or .vtt).")],
    to: Annotated[str, typer.Option("--to", help="Target language (BCP 47), e.g. es.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file; .vtt writes WebVTT, else SRT.")],
    source: Annotated[str, typer.Option("--from", help="Language of the source file.")] = "en",
) -> None:
    """Translate whole sentences, re-time them over the original span, and write SRT or WebVTT.

    Example: jointcampaign subtitles translate video/main.srt --to es -o main.es.srt
    """
    from jointcampaign.pipeline.subtitle_stage import localize_with
    from jointcampaign.subtitles.reader import read_subtitles
    from jointcampaign.subtitles.writer import write_srt, write_vtt
    from jointcampaign.translate.argos_engine import ArgosTranslator

    with user_errors():
        config = settings()
        document = read_subtitles(file)
        engine = ArgosTranslator(config.models_dir, threads=config.threads, beam_size=config.beam_size)
        localized, notes = localize_with(document.cues, engine, source, to)
        writer = write_vtt if out.suffix.lower() == ".vtt" else write_srt
        writer(localized.cues, out)
    summary = localized.summary
    console.print(
        f"[green]Wrote[/] {out}: {summary.total} cues, {summary.percent_within:.0f}% within {to} rules"
    )
    for note in dict.fromkeys(notes):
        console.print(f"[yellow]note:[/] {note}")
