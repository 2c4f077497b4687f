"""A validated campaign turned into the list of things to make, and the core steps that make them.

Each step is a plain function (the Prefect flow wraps each in a task); none imports Prefect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.campaign.models import Deliverable
from jointcampaign.errors import Problem, UserInputError
from jointcampaign.metrics.summary import KpiReport
from jointcampaign.pipeline.bundle_stage import PartnerBundle, source_epoch, stage_payload
from jointcampaign.pipeline.copy_stage import translate_copy_piece
from jointcampaign.pipeline.output_paths import OutputLayout
from jointcampaign.pipeline.results import (
    CopyOutcome,
    CutOutcome,
    CutsFailedError,
    RunOutcome,
    SubtitleOutcome,
)
from jointcampaign.pipeline.subtitle_stage import VideoTiming, translate_subtitle_file
from jointcampaign.pipeline.validate import Blocker, ValidationReport
from jointcampaign.progress import reporter
from jointcampaign.settings import Settings
from jointcampaign.translate.protocol import Translator
from jointcampaign.translate.status import TranslatedString


@dataclass
class RunPlan:
    loaded: LoadedCampaign
    layout: OutputLayout
    languages: list[str]  # what this run makes: languages some partner's bundle holds
    blockers: list[Blocker] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    # issue 19: where end-card QR codes point (the portal's counting redirect), and the KPIs so far
    portal_url: str | None = None
    kpis: KpiReport | None = None
    # the models that translate each language (origin, version, sha256), recorded in manifest.json
    models: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def source_language(self) -> str:
        return self.loaded.campaign.source_language

    @property
    def partners(self) -> list[str]:
        return self.loaded.campaign.partner_ids

    @property
    def aspects(self) -> list[str]:
        return list(self.loaded.campaign.cuts.aspects)

    def languages_of(self, partner: str) -> list[str]:
        """The languages of this run that the partner's bundle holds (its `languages`, or all)."""
        theirs = self.loaded.campaign.languages_for(partner)
        return [lang for lang in self.languages if lang in theirs]

    def partners_for(self, language: str) -> list[str]:
        """Partners whose bundle holds `language`: only their cuts of it are rendered."""
        return self.loaded.campaign.partners_for(language)

    def _supplied(self, item: Deliverable) -> bool:
        blocked = {b.deliverable for b in self.blockers}
        return item.id not in blocked

    @property
    def protected_terms(self) -> list[str]:
        """Names and codes a line break must never split."""
        campaign = self.loaded.campaign
        names = [self.loaded.partner_name(p) for p in self.partners]
        codes = [c for o in campaign.offers for c in (o.code, *(extra.code for extra in o.codes))]
        return list(dict.fromkeys([*campaign.glossary.keep, *names, *codes]))

    def copy_pieces(self) -> list[Deliverable]:
        return [d for d in self.loaded.campaign.deliverables if d.kind == "copy" and self._supplied(d)]

    def videos(self) -> list[Deliverable]:
        return [d for d in self.loaded.campaign.deliverables if d.kind == "video" and self._supplied(d)]


def attach_measurement(plan: RunPlan, settings: Settings) -> None:
    """Give a run its tracked-link target (the portal, when configured) and the KPIs so far, and
    publish the campaign's links where the portal reads them (OUT/<campaign>/measure.json)."""
    from jointcampaign.pipeline.measure import kpi_report, publish_plan

    plan.portal_url = settings.portal_url
    plan.kpis = kpi_report(plan.loaded, settings.metrics_db, plan.today)
    plan.layout.campaign_dir.mkdir(parents=True, exist_ok=True)
    publish_plan(plan.loaded, plan.layout.campaign_dir)


def attach_models(plan: RunPlan, settings: Settings) -> None:
    """Record which model translates each language of the run, for the manifests."""
    from jointcampaign.translate.engines.routing import models_used

    plan.models = {lang: models_used(settings, plan.source_language, lang) for lang in plan.languages}


def plan_run(report: ValidationReport, out_dir: Path, languages: list[str] | None = None) -> RunPlan:
    loaded = report.require_ok()
    campaign = loaded.campaign
    wanted = list(campaign.languages)
    if languages:
        unknown = [lang for lang in languages if lang not in wanted]
        if unknown:
            raise UserInputError.single(
                loaded.campaign_file,
                f"--languages names {', '.join(unknown)}, which the campaign does not list",
                f"choose from {', '.join(wanted)}, or add them to languages: in campaign.yaml",
                field="languages",
            )
        wanted = [lang for lang in wanted if lang in languages]
        nobody = [lang for lang in wanted if not campaign.partners_for(lang)]
        if nobody:
            raise UserInputError.single(
                loaded.campaign_file,
                f"--languages names {', '.join(nobody)}, which no partner's bundle holds",
                f"add {', '.join(nobody)} to a partner's languages: in campaign.yaml, or leave it out",
                field="partners[].languages",
            )
    # A language no partner asked for would be made for nobody (validate warns about it).
    wanted = [lang for lang in wanted if campaign.partners_for(lang)]
    videos = [d for d in loaded.campaign.deliverables if d.kind == "video"]
    if len(videos) > 1:
        raise UserInputError(
            [
                Problem(
                    file=loaded.campaign_file,
                    field="deliverables",
                    line=loaded.document.line_of(("deliverables",)),
                    message="this version renders one video per campaign, and the campaign lists "
                    f"{len(videos)}",
                    fix="keep one video deliverable; put other videos in their own campaign",
                )
            ]
        )
    return RunPlan(
        loaded=loaded,
        layout=OutputLayout(out_dir, loaded.slug),
        languages=wanted,
        blockers=list(report.blockers),
    )


def translate_copy(plan: RunPlan, language: str, translator: Translator) -> CopyOutcome:
    pieces: dict[str, Path] = {}
    notes: list[str] = []
    strings: list[TranslatedString] = []
    items = plan.copy_pieces()
    update = reporter("copy", language)
    for done, item in enumerate(items):
        assert item.source is not None  # checked by validation
        result = translate_copy_piece(
            plan.loaded.folder / item.source,
            item.id,
            translator,
            plan.source_language,
            language,
            plan.layout.copy_dir(language),
        )
        pieces[item.id] = result.path
        notes.extend(result.notes)
        strings.extend(result.strings)
        update((done + 1) / len(items))
    return CopyOutcome(
        language=language, pieces=pieces, notes=tuple(dict.fromkeys(notes)), strings=tuple(strings)
    )


def translate_subtitles(plan: RunPlan, language: str, translator: Translator) -> SubtitleOutcome | None:
    video = next((v for v in plan.videos() if v.subtitles), None)
    if video is None or video.subtitles is None:
        return None
    source = plan.loaded.folder / video.subtitles
    if not source.is_file():
        return None
    movie = plan.loaded.folder / video.source if video.source else None
    timing = VideoTiming.of(movie) if movie is not None and movie.is_file() else VideoTiming()
    result = translate_subtitle_file(
        source,
        translator,
        plan.source_language,
        language,
        plan.layout.subtitle_file(language, ".srt"),
        plan.layout.subtitle_file(language, ".vtt"),
        terms=plan.protected_terms,
        timing=timing,
        rule_overrides=plan.loaded.campaign.subtitles.overrides_for(language),
    )
    reporter("subtitles", language)(1.0)
    localized = result.localized
    cards = _end_card_strings(plan, language, translator)
    return SubtitleOutcome(
        language=language,
        deliverable=video.id,
        srt=result.srt,
        vtt=result.vtt,
        cue_count=len(localized.cues),
        notes=result.notes,
        readability=localized.summary.as_dict(),
        rule_breaks=tuple(f"cue {issue.index}: {issue.message}" for issue in localized.issues),
        borrowed_time=tuple(localized.borrowed_time()),
        end_cards={partner: card.text for partner, card in cards.items()},
        strings=result.strings,
        end_card_strings=cards,
    )


def _end_card_strings(plan: RunPlan, language: str, translator: Translator) -> dict[str, TranslatedString]:
    from jointcampaign.pipeline.offers import translated_offer

    lines = {partner: translated_offer(plan.loaded, partner, language, translator) for partner in plan.partners}
    return {partner: line for partner, line in lines.items() if line is not None and line.text}


def holds_back(plan: RunPlan, subtitles: SubtitleOutcome, partner: str) -> bool:
    """Whether the campaign keeps `partner`'s unreviewed cuts out of its bundle instead of marking them."""
    return plan.loaded.campaign.translation.unreviewed_cuts == "hold" and subtitles.draft_for(partner)


def cut_partners(plan: RunPlan, subtitles: SubtitleOutcome) -> list[str]:
    """Partners whose cuts of the subtitles' language are rendered: their bundle holds it, and not held back."""
    return [p for p in plan.partners_for(subtitles.language) if not holds_back(plan, subtitles, p)]


def render_language_cuts(
    plan: RunPlan, language: str, subtitles: SubtitleOutcome, settings: Settings
) -> list[CutOutcome]:
    """Every cut of `language` for every partner whose bundle holds it, from one decode of the source.

    The partners' cuts of one aspect differ only in their overlays (logo order, brand colours, end
    card), so they are made from the same decoded and reframed frames. In (aspect, partner) order.
    Raises CutsFailedError naming the cuts that failed (and carrying those that did not) when some
    of them could not be finished.
    """
    from jointcampaign.pipeline.offers import end_card_for
    from jointcampaign.render.cut import (
        DRAFT_MARK,
        CutRequest,
        CutResult,
        Focus,
        PartialRenderError,
        render_cuts,
    )
    from jointcampaign.subtitles.read.reader import read_subtitles

    video = next(v for v in plan.videos() if v.id == subtitles.deliverable)
    assert video.source is not None
    kits = plan.loaded.brand_kits
    cues = read_subtitles(subtitles.srt).cues
    cuts = [(aspect, partner) for aspect in plan.aspects for partner in cut_partners(plan, subtitles)]

    def request(aspect: str, partner: str) -> CutRequest:
        ordered = [partner, *(p for p in plan.partners if p != partner)]
        end_card_text = subtitles.end_cards.get(partner)
        return CutRequest(
            source=plan.loaded.folder / video.source,  # type: ignore[operator]
            cues=cues,
            language=language,
            aspect=aspect,
            height=settings.render_height,
            logos=[kits[p].logo_path for p in ordered],
            brand_colour=kits[partner].kit.colours.primary,
            out=plan.layout.cut_file(partner, language, aspect),
            preset=settings.video_preset,
            crf=settings.video_crf,
            threads=settings.threads,
            focus=Focus(**video.focus.model_dump()) if video.focus else Focus(),
            end_card=end_card_for(
                plan.loaded, partner, language, aspect, end_card_text, portal_url=plan.portal_url
            ),
            draft_mark=DRAFT_MARK if subtitles.draft_for(partner) else None,
            platforms=tuple(plan.loaded.campaign.cuts.platforms),
        )

    requests = [request(aspect, partner) for aspect, partner in cuts]
    updates = [reporter("render", f"{partner} {language} {aspect}") for aspect, partner in cuts]
    results: list[CutResult | None]
    try:
        results = list(render_cuts(requests, progress=lambda index, fraction: updates[index](fraction)))
        failed: dict[int, str] = {}
    except PartialRenderError as partial:
        results = partial.results
        failed = partial.errors
    outcomes = []
    for index, ((aspect, partner), result) in enumerate(zip(cuts, results, strict=True)):
        if result is None:
            continue
        poster = plan.layout.poster_file(partner, language, aspect)
        poster.parent.mkdir(parents=True, exist_ok=True)
        result.poster_path.replace(poster)
        outcomes.append(CutOutcome(partner=partner, language=language, aspect=aspect, path=result.path,
                                   poster=poster, probe=asdict(result.info),
                                   draft=subtitles.draft_for(partner), fitting=result.fitting,
                                   placed=result.placed))  # fmt: skip
        assert index not in failed
    if failed:
        raise CutsFailedError(
            language,
            done=outcomes,
            failed=[(cuts[index][1], cuts[index][0], message) for index, message in sorted(failed.items())],
        )
    return outcomes


def build_partner_bundle(plan: RunPlan, partner: str, outcome: RunOutcome) -> PartnerBundle:
    from jointcampaign.bundle.bag import BagInfo, build_bundle, read_payload_manifest

    payload = stage_payload(
        plan.loaded, plan.layout, partner, plan.languages_of(partner), outcome, plan.blockers, plan.today,
        kpis=plan.kpis, models=plan.models, portal_url=plan.portal_url,
    )
    info = BagInfo.from_manifest(read_payload_manifest(payload), source_epoch(plan.loaded))
    bag_dir = plan.layout.bag_dir(partner)
    zip_path = plan.layout.zip_file(partner)
    build_bundle(payload, bag_dir, zip_path, info)
    reporter("bundle", partner)(1.0)
    return PartnerBundle(partner=partner, bag_dir=bag_dir, zip_path=zip_path)
