"""The one-page Markdown summary of a run, for the orchestrator's UI (a Prefect artifact)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jointcampaign.pipeline.documents.translation import needs_review_counts
from jointcampaign.pipeline.results import RunOutcome
from jointcampaign.pipeline.validate import Blocker


@dataclass(frozen=True)
class RunFacts:
    campaign: str
    status: str
    languages: list[str]
    outcome: RunOutcome
    blockers: list[Blocker]
    bundles: dict[str, Path]
    rebuilt: list[str] = field(default_factory=list)  # steps that ran; the others were reused
    steps: int = 0


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def run_summary_markdown(facts: RunFacts) -> str:
    outcome = facts.outcome
    seconds = sum(float(c.probe.get("duration_s", 0) or 0) for c in outcome.cuts)
    lines = [
        f"# {facts.campaign}: {facts.status}",
        "",
        f"- Languages: {', '.join(facts.languages) or '—'}",
        f"- Copy: {sum(len(c.pieces) for c in outcome.copies)} pieces in {len(outcome.copies)} language(s)",
        f"- Subtitles: {sum(s.cue_count for s in outcome.subtitles)} cues "
        f"in {len(outcome.subtitles)} language(s)",
        f"- Cuts: {len(outcome.cuts)} ({seconds:.1f} s of video)",
        f"- Failures: {len(outcome.failures)} · blockers: {len(facts.blockers)}",
        f"- Work done: {len(facts.rebuilt)} of {facts.steps} steps ran; the rest were unchanged and reused",
        "",
        "## Languages",
        "",
        "| language | copy | subtitles | cuts | need review | notes |",
        "|---|---|---|---|---|---|",
    ]
    unsure = needs_review_counts(outcome, facts.languages)
    for language in facts.languages:
        copy = next((c for c in outcome.copies if c.language == language), None)
        subs = next((s for s in outcome.subtitles if s.language == language), None)
        cuts = [c for c in outcome.cuts if c.language == language]
        drafts = sum(c.draft for c in cuts)
        notes = [*(copy.notes if copy else ()), *(subs.notes if subs else ())]
        lines.append(
            f"| {language} | {len(copy.pieces) if copy else '✗'} | {subs.cue_count if subs else '✗'} cues "
            f"| {len(cuts)}{f' ({drafts} draft)' if drafts else ''} | {unsure[language] or '—'} "
            f"| {_cell('; '.join(dict.fromkeys(notes))) or '—'} |"
        )
    if outcome.failures:
        lines += [
            "",
            "## Failures",
            "",
            "| stage | language | partner | cut | what went wrong |",
            "|---|---|---|---|---|",
        ]
        for f in outcome.failures:
            where = f"{f.language or '—'} | {f.partner or '—'} | {f.aspect or '—'}"
            lines.append(f"| {f.stage} | {where} | {_cell(f.message)} |")
    if facts.blockers:
        lines += ["", "## Blockers", "", "| owner | deliverable | what is missing |", "|---|---|---|"]
        lines += [f"| {b.partner} | {b.deliverable} | {_cell(b.message)} |" for b in facts.blockers]
    lines += ["", "## Bundles", "", "| partner | bundle | size |", "|---|---|---:|"]
    for partner, path in facts.bundles.items():
        size = f"{path.stat().st_size / 1e6:.1f} MB" if path.is_file() else "missing"
        lines.append(f"| {partner} | `{path}` | {size} |")
    if facts.rebuilt:
        lines += ["", "## Rebuilt this run", "", ", ".join(facts.rebuilt)]
    return "\n".join(lines) + "\n"
