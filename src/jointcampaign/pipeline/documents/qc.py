"""The QC report: per language and cut, what was checked and what needs a human."""

from __future__ import annotations

from html import escape

from jointcampaign.pipeline.documents.html import flag, page, table
from jointcampaign.pipeline.results import RunOutcome
from jointcampaign.validation import Blocker


def render_qc(
    title: str,
    partner_name: str,
    partner_id: str,
    languages: list[str],
    outcome: RunOutcome,
    blockers: list[Blocker],
) -> str:
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
        rows.append(
            [
                escape(language),
                flag(copy is not None, f"{len(copy.pieces)} pieces" if copy else "", "missing"),
                flag(bool(subs), f"{sum(s.cue_count for s in subs)} cues" if subs else "", "missing"),
                flag(bool(cuts) and not failures, f"{len(cuts)} cut(s)", "failed"),
                escape("; ".join(dict.fromkeys(notes))) or "—",
            ]
        )
    sections += [
        "<h2>Languages</h2>",
        table(["Language", "Copy", "Subtitles", "Video", "Notes"], rows, raw=True),
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
            ]
        )
    sections += [
        "<h2>Video cuts (probed with ffprobe)</h2>",
        table(["Cut", "Poster", "Probe"], cut_rows, raw=True),
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
