"""Export a campaign's segments and their current translations as a PO file for a reviewer.

The msgids must be exactly the texts the pipeline sends to the translator, or reviewed strings
would never match. So the segments are taken by running the pipeline's own copy and subtitle
steps with a translator that returns its input and records it (the subtitle step merges cues
into sentences per language, so segments depend on the language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from jointcampaign import __version__
from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.fileio import atomic_path
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.protocol import TranslationBatch


@dataclass(frozen=True)
class Segment:
    text: str
    context: str  # msgctxt: the piece id, or video id#cue(s)
    reference: tuple[str, str]  # (file, line) or (file#cue, "")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    entries: int
    reviewed: int
    findings: int
    needs_review: int = 0


class _Recorder:
    """A Translator that translates nothing and remembers what it was asked."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def version(self, source: str, target: str) -> str:
        return "identity"

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        self.seen += texts
        return TranslationBatch(texts=list(texts))


def campaign_segments(loaded: LoadedCampaign, language: str) -> list[Segment]:
    """Every segment the pipeline translates into `language`, in file order (repeats included)."""
    segments: list[Segment] = []
    for item in loaded.campaign.deliverables:
        if item.kind == "copy" and item.source and (loaded.folder / item.source).is_file():
            segments += _copy_segments(loaded, item.id, item.source, language)
        if item.kind == "video" and item.subtitles and (loaded.folder / item.subtitles).is_file():
            movie = loaded.folder / item.source if item.source else None
            segments += _subtitle_segments(loaded, item.id, item.subtitles, language, movie)
    return segments + _end_card_segments(loaded, language)


def _end_card_segments(loaded: LoadedCampaign, language: str) -> list[Segment]:
    """Each partner's end-card offer sentence (with the language's code), translated with the subtitles."""
    from jointcampaign.pipeline.offers import audience_offer, offer_line

    segments = []
    for partner in loaded.campaign.partner_ids:
        line, offer = offer_line(loaded, partner, language), audience_offer(loaded, partner)
        if line is None or offer is None:
            continue
        number = loaded.document.line_of(("offers", loaded.campaign.offers.index(offer)))
        reference = (loaded.campaign_file.name, str(number) if number else "")
        segments.append(Segment(line, f"end-card:{partner}", reference))
    return segments


def _copy_segments(loaded: LoadedCampaign, piece: str, source: str, language: str) -> list[Segment]:
    from jointcampaign.pipeline.copy_stage import translate_markdown

    text = (loaded.folder / source).read_text(encoding="utf-8-sig")
    recorder = _Recorder()
    translate_markdown(text, recorder, loaded.campaign.source_language, language)
    lines = text.splitlines()
    segments, line = [], 0
    for segment in recorder.seen:
        found = next((n for n in range(line, len(lines)) if segment in lines[n]), None)
        line = found if found is not None else line
        segments.append(Segment(segment, piece, (source, str(line + 1))))
    return segments


def _subtitle_segments(
    loaded: LoadedCampaign, video: str, source: str, language: str, movie: Path | None
) -> list[Segment]:
    from jointcampaign.pipeline.subtitle_stage import VideoTiming, localize_with
    from jointcampaign.subtitles.read.reader import read_subtitles

    recorder = _Recorder()
    cues = read_subtitles(loaded.folder / source).cues
    # The video's frame rate and end shape the sentences exactly as the run lays them out, so
    # every msgid is a string the run translates (cues past the video's end are not).
    timing = VideoTiming.of(movie) if movie is not None and movie.is_file() else VideoTiming()
    localized, _ = localize_with(cues, recorder, loaded.campaign.source_language, language, timing=timing)
    segments = []
    for unit in recorder.seen:
        group = next((g for g in localized.groups if unit == g.text or unit in g.text.split("\n")), None)
        indices = [cue.index for cue in group.cues] if group is not None else []
        cue = f"{indices[0]}-{indices[-1]}" if len(indices) > 1 else "".join(map(str, indices))
        segments.append(Segment(unit, f"{video}#{cue}", (f"{source}#{cue}", "")))
    return segments


def export_review(
    loaded: LoadedCampaign, language: str, translator: LocalizingTranslator, destination: Path
) -> ExportResult:
    """One entry per distinct segment: machine output flagged fuzzy, reviewed strings as they are."""
    segments = campaign_segments(loaded, language)
    first: dict[str, Segment] = {}
    places: dict[str, list[Segment]] = {}
    for segment in segments:
        first.setdefault(segment.text, segment)
        places.setdefault(segment.text, []).append(segment)
    texts = list(first)
    source = loaded.campaign.source_language
    batch = translator.translate_detailed(texts, source, language)
    findings = {finding.segment: finding for finding in batch.findings}
    po = polib.POFile(wrapwidth=0)
    po.header = (
        f"{loaded.campaign.title}: {source} → {language}, for review.\n"
        "Fix a string, then clear its fuzzy mark (Poedit: Needs work); fuzzy strings are ignored."
    )
    po.metadata = {
        "Project-Id-Version": f"{loaded.slug}",
        "POT-Creation-Date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000"),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"jointcampaign {__version__}",
        "X-Source-Language": source,
        "X-Machine-Translation": (
            translator.engine.version(source, language) if set(batch.origins) - {"review"} else ""
        ),
    }
    reviewed = unsure = 0
    for text, translation, origin, verdict in zip(texts, batch.texts, batch.origins, batch.statuses, strict=True):
        where = places[text]
        notes = [f"{segment.context}: {segment.reference[0]}" for segment in where[1:]]
        if verdict.needs_review:
            unsure += 1
            notes.append(f"QC: needs review ({verdict.engine}, confidence {verdict.confidence:.2f}): "
                         + "; ".join(verdict.reasons))  # fmt: skip
        finding = findings.get(text)
        if finding is not None:
            notes.append("QC: " + finding.note())
        entry = polib.POEntry(
            msgctxt=first[text].context,
            msgid=text,
            msgstr=translation,
            occurrences=[segment.reference for segment in where],
            comment="\n".join(["also in " + note if not note.startswith("QC") else note for note in notes]),
            flags=[] if origin == "review" else ["fuzzy"],
        )
        reviewed += origin == "review"
        po.append(entry)
    with atomic_path(destination) as temp:
        po.save(str(temp))
    return ExportResult(destination, len(texts), reviewed, len(findings), unsure)
