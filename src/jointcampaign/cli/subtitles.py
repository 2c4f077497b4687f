"""`jointcampaign subtitles`: check a subtitle file against readability rules, or translate one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jointcampaign.cli.support import (
    EXIT_FAILED,
    EXIT_NEEDS_REVIEW,
    GlossaryOption,
    console,
    err_console,
    language_tag,
    user_errors,
    warn_needs_review,
)
from jointcampaign.settings import Settings

if TYPE_CHECKING:
    from jointcampaign.pipeline.subtitle_stage import VideoTiming

subtitles_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")

_SHOWN_BREAKS = 10

FpsOption = Annotated[
    float | None,
    typer.Option(
        "--fps",
        min=1.0,
        help="Frame rate the two-frame minimum gap is counted in (default 25, or the --video's).",
    ),
]
VideoOption = Annotated[
    Path | None,
    typer.Option(
        "--video",
        help="The video the subtitles belong to: its frame rate counts the two-frame gap "
        "(translate also keeps every cue inside its length).",
    ),
]


def _timing(video: Path | None, fps: float | None) -> VideoTiming:
    from jointcampaign.pipeline.subtitle_stage import VideoTiming

    timing = VideoTiming.of(video) if video is not None else VideoTiming()
    return VideoTiming(frame_rate=fps or timing.frame_rate, end=timing.end)


@subtitles_app.command()
def check(
    file: Annotated[Path, typer.Argument(help="An .srt, .vtt, .ass or .ssa file (any encoding).")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the file (BCP 47), e.g. vi, zh-Hans.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    fps: FpsOption = None,
    video: VideoOption = None,
) -> None:
    """List every cue that breaks a readability rule for LANG, and the share of cues within rules.

    The rules (characters per line and per second, 5/6 s to 7 s on screen, a two-frame gap) are per language, in the package's subtitles/rules.yaml.

    Examples:
      jointcampaign subtitles check out/demo/corner-cafe/data/subtitles/vi.srt --lang vi
      jointcampaign subtitles check main.zh-Hans.vtt --lang zh-Hans --video video/main.mp4 --json

    Exit code 1 when any cue breaks a rule, 2 when the file cannot be read.
    """
    from jointcampaign.subtitles.qc.check import check_subtitle_file
    from jointcampaign.subtitles.read.reader import require_cue_text

    with user_errors():
        language_tag(lang, "--lang")
        timing = _timing(video, fps)
        result = check_subtitle_file(file, lang, frame_rate=timing.frame_rate, media_end=timing.end)
        require_cue_text(result.document)
    if as_json:
        console.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        console.print(result.render(), highlight=False, markup=False)
    if result.issues:
        raise typer.Exit(EXIT_FAILED)


@subtitles_app.command()
def translate(
    file: Annotated[Path, typer.Argument(help="Source subtitles (.srt, .vtt, .ass or .ssa).")],
    to: Annotated[str, typer.Option("--to", help="Target language (BCP 47), e.g. es.")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Output file: .srt (SubRip), .vtt (WebVTT) or .ass (styled).")
    ],
    source: Annotated[str, typer.Option("--from", help="Language of the source file.")] = "en",
    terms: Annotated[
        list[str] | None,
        typer.Option(
            "--term", "--keep",
            help="A name or term kept exactly as written, never split by a line break (repeat for more).",
        ),
    ] = None,
    glossary: GlossaryOption = None,
    crlf: Annotated[bool, typer.Option("--crlf", help="Windows line endings (SRT only).")] = False,
    fps: FpsOption = None,
    video: VideoOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=f"Exit with {EXIT_NEEDS_REVIEW} when any sentence needs review (the file is still written).")
    ] = False,
) -> None:
    """Translate whole sentences, re-time them over the original timing, and write SRT, WebVTT or ASS.

    Cues are merged into sentences, each sentence is translated whole, then cut at clause ends and laid over the time its source cues had, in proportion to reading length. A translation that needs longer to read than its source may linger into the following pause (by default up to 0.5 s) or start shortly before its speech (0.25 s), never into another sentence's time. Cues that still break a rule are listed.

    Examples:
      jointcampaign subtitles translate video/main.srt --to es -o main.es.srt
      jointcampaign subtitles translate video/main.srt --to vi -o main.vi.vtt --term "Corner Café" --video video/main.mp4

    Codes, @handles, #hashtags, links, prices, times and --keep terms come out exactly as written. Sentences the engine is not sure of are listed as needing review (exit code 0, or 3 with --strict).

    Exit code 0 when the file is written (flagged cues are listed; `subtitles check` is the gate), 2 for bad input or a missing model.
    """
    from jointcampaign.pipeline.standalone import build_translator, load_glossary
    from jointcampaign.pipeline.subtitle_stage import localize_with_strings
    from jointcampaign.subtitles.read.reader import read_subtitles, require_cue_text
    from jointcampaign.subtitles.write.writer import check_output_format, write_subtitles

    with user_errors():
        language_tag(to, "--to"), language_tag(source, "--from")
        check_output_format(out)
        config = Settings.for_process()
        timing = _timing(video, fps)
        document = require_cue_text(read_subtitles(file))
        kept = load_glossary(glossary, to) if glossary is not None else None
        translator = build_translator(config, keep=terms or (), glossary=kept)
        line_terms = [*(terms or ()), *(kept.keep if kept else ())]
        localized, notes, strings = localize_with_strings(document.cues, translator, source, to, line_terms, timing)
        write_subtitles(localized.cues, out, crlf=crlf, lang=to)
    summary = localized.summary
    console.print(
        f"[green]Wrote[/] {out}: {summary.total} cues, {summary.within_rules} within the {to} rules "
        f"({summary.percent_within:.1f}%)",
        highlight=False,
    )
    cues = {cue.index: cue for cue in localized.cues}
    for issue in localized.issues[:_SHOWN_BREAKS]:
        where = cues[issue.index]
        console.print(f"[yellow]cue {issue.index}[/] ({where.start:.3f} s): {issue.message}", highlight=False)
    if len(localized.issues) > _SHOWN_BREAKS:
        console.print(
            f"… and {len(localized.issues) - _SHOWN_BREAKS} more: jointcampaign subtitles check {out} --lang {to}"
        )
    for note in dict.fromkeys(notes):
        if not note.startswith(("repaired «", "NOT REPAIRED")):
            console.print(f"[yellow]note:[/] {note}", highlight=False)
    unsure = [item for item in strings if item.verdict.needs_review]
    for item in unsure[:_SHOWN_BREAKS]:
        err_console.print(
            f"needs review: «{item.source}» → «{item.text}»: {'; '.join(item.verdict.reasons)}",
            highlight=False, markup=False, soft_wrap=True,
        )  # fmt: skip
    warn_needs_review(len(unsure), len(strings), "sentence(s)", strict=strict)
