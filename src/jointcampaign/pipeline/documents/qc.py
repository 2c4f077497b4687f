"""The QC report: per language and cut, what was checked and what needs a human."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from jointcampaign.pipeline.documents.html import flag, page, table
from jointcampaign.pipeline.documents.translation import LanguageReview
from jointcampaign.pipeline.results import RunOutcome
from jointcampaign.pipeline.validate import Blocker


def render_qc(
    title: str,
    partner_name: str,
    partner_id: str,
    languages: list[str],
    outcome: RunOutcome,
    blockers: list[Blocker],
    reviews: Mapping[str, LanguageReview] | None = None,
    *,
    zone_frames: Sequence[tuple[str, str]] = (),
    platforms: Sequence[str] = (),
) -> str:
    """`zone_frames`: (label, path relative to the report) of each frame with the platforms' mask drawn."""
    reviews = reviews or {}
    sections = [
        f"<h1>Quality report</h1><p class='muted'>{escape(title)} · bundle for {escape(partner_name)}</p>"
    ]
    rows = []
    for language in languages:
        copy = next((c for c in outcome.copies if c.language == language), None)
        subs = [s for s in outcome.subtitles if s.language == language]
        cuts = [c for c in outcome.cuts if c.language == language and c.partner == partner_id]
        failures = [f for f in outcome.failures if f.language == language and f.partner in (None, partner_id)]
        notes = [*(copy.notes if copy else ()), *(n for s in subs for n in s.notes)]
        review = reviews.get(language)
        unsure = review.needs_review if review else 0
        drafts = sum(cut.draft for cut in cuts)
        held = (partner_id, language) in outcome.held
        video = flag(bool(cuts) and not failures and not drafts, f"{len(cuts)} cut(s)",
                     "held back: not reviewed" if held else f"{drafts} draft(s)" if drafts else "failed")  # fmt: skip
        rows.append(
            [
                escape(language),
                flag(unsure == 0, "confident or reviewed", f"{unsure} need review"),
                flag(copy is not None, f"{len(copy.pieces)} pieces" if copy else "", "missing"),
                flag(bool(subs), f"{sum(s.cue_count for s in subs)} cues" if subs else "", "missing"),
                video,
                escape("; ".join(dict.fromkeys(notes))) or "—",
            ]
        )
    sections += [
        "<h2>Languages</h2>",
        table(["Language", "Translation", "Copy", "Subtitles", "Video", "Notes"], rows, raw=True),
        *_needs_review(reviews),
    ]
    sub_rows = []
    for result in outcome.subtitles:
        summary = result.readability
        within = float(summary.get("percent_within", 0.0))
        sub_rows.append(
            [
                escape(result.language),
                flag(within >= 100.0, f"{within:.0f}% of cues", f"{within:.0f}% of cues"),
                escape("; ".join(result.rule_breaks)) or "—",
                escape("; ".join(result.borrowed_time)) or "—",
            ]
        )
    sections += [
        "<h2>Subtitle readability</h2>",
        "<p class='muted'>Characters per line and per second, duration and gaps, per language rules. "
        "A translation that needs longer to read than its source may stay on screen into the pause "
        "after its speech (or appear just before it); those cues are listed so you can check them.</p>",
        table(
            ["Language", "Within rules", "Cues that break a rule", "Shown outside their speech"], sub_rows, raw=True
        ),
    ]
    cut_rows = []
    for cut in (c for c in outcome.cuts if c.partner == partner_id):
        probe = cut.probe
        poster = f'<img class="poster" alt="poster {escape(cut.language)}" src="posters/{escape(cut.poster.name)}">'
        cut_rows.append(
            [
                escape(f"{cut.language} {cut.aspect}"),
                poster,
                escape(
                    f"{probe.get('width')}×{probe.get('height')}, {probe.get('duration_s', 0):.2f} s, "
                    f"{probe.get('video_codec')}/{probe.get('audio_codec') or 'no audio'}, {probe.get('pix_fmt')}"
                ),
                flag(not cut.fitting, "fits as set", f"{len(cut.fitting)} subtitle(s) fitted")
                + (f"<ul>{''.join(f'<li>{escape(note)}</li>' for note in cut.fitting)}</ul>" if cut.fitting else ""),
            ]
        )
    sections += [
        "<h2>Video cuts (probed with ffprobe)</h2>",
        "<p class='muted'>Text is measured with the font it is drawn in. A subtitle too wide for its box "
        "is set in smaller type or, for a word longer than the box, broken inside the word; each is "
        "listed so that someone who reads the language can check it.</p>",
        table(["Cut", "Poster", "Probe", "Text fitting"], cut_rows, raw=True),
        *_safe_zones(zone_frames, platforms),
    ]
    sections += [
        "<h2>Failures</h2>",
        table(
            ["Stage", "Language", "Cut", "What went wrong"],
            [
                [f.stage, f.language or "—", f.aspect or "—", f.message]
                for f in outcome.failures
                if f.partner in (None, partner_id)
            ],
        ),
        "<h2>Blockers</h2>",
        table(
            ["Owner", "Deliverable", "What is missing"],
            [[b.partner, b.deliverable, b.message] for b in blockers],
        ),
    ]
    return page(f"QC — {title} — {partner_name}", "\n".join(sections))


def _safe_zones(frames: Sequence[tuple[str, str]], platforms: Sequence[str]) -> list[str]:
    """One frame per aspect with each platform's buttons-and-captions bands shaded over it."""
    chosen = ", ".join(platforms) if platforms else "none chosen (cuts.platforms): only the cut's own margins"
    sections = [
        "<h2 id='safe-zones'>Platform safe zones</h2>",
        f"<p class='muted'>Platforms: {escape(chosen)}. Shaded bands are covered by the app's own "
        "buttons and captions; each coloured outline is the region that platform leaves free, the dashed "
        "line the area the cut keeps its text and logos to, and the white boxes what was placed. Every "
        "box is checked to lie inside every platform's region; a cut where one does not fails.</p>",
    ]
    if not frames:
        return [*sections, "<p class='muted'>No cut was rendered for this bundle.</p>"]
    figures = "".join(
        f"<figure class='zone'><a href='{escape(path)}'><img class='poster' alt='safe zones {escape(label)}' "
        f"src='{escape(path)}'></a><figcaption>{escape(label)}</figcaption></figure>"
        for label, path in frames
    )
    return [*sections, f"<div class='zones'>{figures}</div>"]


def _needs_review(reviews: Mapping[str, LanguageReview]) -> list[str]:
    """Per language: every string the engine is not sure of, why, and the commands that fix it."""
    sections = [
        "<h2 id='needs-review'>Needs review</h2>",
        "<p class='muted'>Machine translations the checks could not trust (the engine's own score, "
        "repeated words, an odd length, repaired names or codes, words left untranslated). Cuts that "
        "show them carry a DRAFT mark. A speaker of the language corrects them once; they are then "
        "remembered and win on every run.</p>",
    ]
    listed = False
    for language, review in reviews.items():
        if not review.unsure:
            continue
        listed = True
        rows = [
            [item.where, item.source, item.text, "; ".join(item.verdict.reasons) or "low confidence",
             f"{item.verdict.engine}, {item.verdict.confidence:.2f}"]
            for item in review.unsure
        ]  # fmt: skip
        steps = "".join(f"<li><code>{escape(command)}</code></li>" for command in review.commands)
        sections += [
            f"<h3 data-language='{escape(language)}'>{escape(language)}: {review.needs_review} string(s)</h3>",
            table(["Where", "Source", "Machine output", "Why", "Engine, confidence"], rows),
            f"<p>To fix:</p><ol>{steps}</ol>",
        ]
    if not listed:
        sections.append("<p class='muted'>None: every string is reviewed, remembered or confident.</p>")
    return sections
