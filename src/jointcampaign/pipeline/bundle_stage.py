"""Gather one partner's deliverables into a payload folder, then seal it as a verified bundle."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from jointcampaign import __version__
from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.fileio import sha256_tree, write_text_atomic
from jointcampaign.metrics.summary import KpiReport
from jointcampaign.pipeline.documents.brief import PLOTS_DIR, render_brief
from jointcampaign.pipeline.documents.qc import render_qc
from jointcampaign.pipeline.documents.translation import review_blockers, translation_review
from jointcampaign.pipeline.measure import kpi_blockers
from jointcampaign.pipeline.output_paths import OutputLayout, aspect_slug
from jointcampaign.pipeline.results import RunOutcome
from jointcampaign.pipeline.validate import Blocker
from jointcampaign.pipeline.zone_frames import ZONE_DIR, cut_zone_frames

ZIP_EPOCH_FLOOR = calendar.timegm((1980, 1, 2, 0, 0, 0))


@dataclass(frozen=True)
class PartnerBundle:
    partner: str
    bag_dir: Path
    zip_path: Path


def input_files(loaded: LoadedCampaign) -> list[Path]:
    files = [p for p in loaded.folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    for kit in loaded.brand_kits.values():
        files += [p for p in kit.folder.rglob("*") if p.is_file()]
    return files


def source_hash(loaded: LoadedCampaign) -> str:
    roots = [loaded.folder, *(kit.folder for kit in loaded.brand_kits.values())]
    common = Path(os.path.commonpath([str(r.resolve()) for r in roots]))
    return sha256_tree([p.resolve() for p in input_files(loaded)], common)


def source_epoch(loaded: LoadedCampaign) -> int:
    """A timestamp taken from the inputs (the latest date they mention), so bundles are reproducible."""
    campaign = loaded.campaign
    dates = [d.due for d in campaign.deliverables] + [o.expires for o in campaign.offers]
    dates += [a.date for a in campaign.approvals.values() if a.date]
    latest = max(dates, default=dt.date(2026, 1, 1))
    return max(ZIP_EPOCH_FLOOR, calendar.timegm(latest.timetuple()))


def stage_payload(
    loaded: LoadedCampaign,
    layout: OutputLayout,
    partner: str,
    languages: list[str],
    outcome: RunOutcome,
    blockers: list[Blocker],
    today: dt.date,
    *,
    kpis: KpiReport | None = None,
    models: dict[str, list[dict[str, str]]] | None = None,
    portal_url: str | None = None,
) -> Path:
    """The partner's payload folder: only `languages` (the languages its bundle holds).

    With `kpis`, the partner's own and shared KPIs go into the brief, with their plots in kpis/."""
    payload = layout.payload_dir(partner)
    shutil.rmtree(payload, ignore_errors=True)
    payload.mkdir(parents=True)
    outcome = _only(outcome, partner, languages)
    for copy in outcome.copies:
        for piece, path in copy.pieces.items():
            _place(path, payload / "copy" / copy.language / f"{piece}.md")
    for subs in outcome.subtitles:
        _place(subs.srt, payload / "subtitles" / subs.srt.name)
        _place(subs.vtt, payload / "subtitles" / subs.vtt.name)
    cuts = []
    for cut in (c for c in outcome.cuts if c.partner == partner):
        video = Path("video") / cut.language / f"{aspect_slug(cut.aspect)}.mp4"
        poster = Path("posters") / f"{cut.language}-{aspect_slug(cut.aspect)}.jpg"
        _place(cut.path, payload / video)
        _place(cut.poster, payload / poster)
        cuts.append(
            {
                "language": cut.language,
                "aspect": cut.aspect,
                "path": video.as_posix(),
                "poster": poster.as_posix(),
                "probe": cut.probe,
                "draft": cut.draft,
            }
        )
    name = loaded.partner_name(partner)
    title = loaded.campaign.title
    reviews = translation_review(loaded, outcome, partner, languages)
    everything = [*blockers, *review_blockers(loaded, reviews)]
    results = None
    if kpis is not None:
        from jointcampaign.metrics.plots import report_plots  # matplotlib: only when there is a plot to draw

        everything += kpi_blockers(loaded, kpis)
        results = kpis.for_partner(partner)
        for file_name, svg in report_plots(results).items():
            write_text_atomic(payload / PLOTS_DIR / file_name, svg)
    zones = cut_zone_frames(loaded, [c for c in outcome.cuts if c.partner == partner], payload / ZONE_DIR)
    write_text_atomic(
        payload / "brief.html", render_brief(loaded, partner, everything, today, reviews, results=results, portal_url=portal_url)
    )
    zone_links = [(frame.label, frame.path.relative_to(payload).as_posix()) for frame in zones]
    qc = render_qc(title, name, partner, languages, outcome, everything, reviews, zone_frames=zone_links,
                   platforms=loaded.campaign.cuts.platforms)  # fmt: skip
    write_text_atomic(payload / "qc.html", qc)
    manifest = {
        "campaign": {"slug": loaded.slug, "title": title},
        "partner": {"id": partner, "name": name},
        "partners": [{"id": p, "name": loaded.partner_name(p)} for p in loaded.campaign.partner_ids],
        "languages": languages,
        "approvals": {
            p: loaded.campaign.approvals[p].model_dump(mode="json")
            if p in loaded.campaign.approvals
            else {"approved": False, "by": None, "date": None}
            for p in loaded.campaign.partner_ids
        },
        "blockers": [b.as_dict() for b in everything],
        "failures": [f.as_dict() for f in outcome.failures if f.partner in (None, partner)],
        "translation": {
            language: review.as_manifest() | {"models": (models or {}).get(language, [])}
            for language, review in reviews.items()
        },
        "cuts": cuts,
        "held_back": [
            {"language": language, "reason": "translation not reviewed (translation.unreviewed_cuts: hold)"}
            for held_partner, language in outcome.held
            if held_partner == partner
        ],
        "generator": f"jointcampaign {__version__}",
        "source_hash": source_hash(loaded),
    }
    write_text_atomic(payload / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return payload


def _only(outcome: RunOutcome, partner: str, languages: list[str]) -> RunOutcome:
    """What one partner's bundle holds of a run: its languages, its cuts, failures that concern it."""
    return RunOutcome(
        copies=[c for c in outcome.copies if c.language in languages],
        subtitles=[s for s in outcome.subtitles if s.language in languages],
        cuts=[c for c in outcome.cuts if c.partner == partner and c.language in languages],
        failures=[f for f in outcome.failures if f.partner in (None, partner) and f.language in (None, *languages)],
        held=[(p, lang) for p, lang in outcome.held if p == partner and lang in languages],
    )


def _place(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
