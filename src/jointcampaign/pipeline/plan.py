"""A validated campaign turned into the list of things to make, and the core steps that make them.

Each step is a plain function (the Prefect flow wraps each in a task); none imports Prefect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jointcampaign.errors import Problem, UserInputError
from jointcampaign.pipeline.bundle_stage import PartnerBundle, source_epoch, stage_payload
from jointcampaign.pipeline.copy_stage import translate_copy_piece
from jointcampaign.pipeline.layout import OutputLayout
from jointcampaign.pipeline.results import CopyOutcome, CutOutcome, RunOutcome, SubtitleOutcome
from jointcampaign.pipeline.subtitle_stage import VideoTiming, translate_subtitle_file
from jointcampaign.progress import reporter
from jointcampaign.settings import Settings
from jointcampaign.spec.load import LoadedCampaign
from jointcampaign.spec.models import Deliverable
from jointcampaign.translate.protocol import Translator
from jointcampaign.translate.status import TranslatedString
from jointcampaign.validation import Blocker, ValidationReport


@dataclass
class RunPlan:
    loaded: LoadedCampaign
    layout: OutputLayout
    languages: list[str]
    blockers: list[Blocker] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def source_language(self) -> str:
        return self.loaded.campaign.source_language

    @property
    def partners(self) -> list[str]:
        return self.loaded.campaign.partner_ids

    @property
    def aspects(self) -> list[str]:
        return list(self.loaded.campaign.cuts.aspects)

    def _supplied(self, item: Deliverable) -> bool:
        blocked = {b.deliverable for b in self.blockers}
        return item.id not in blocked

    @property
    def protected_terms(self) -> list[str]:
        """Names and codes a line break must never split."""
        campaign = self.loaded.campaign
        names = [self.loaded.partner_name(p) for p in self.partners]
        return list(dict.fromkeys([*campaign.glossary.keep, *names, *(o.code for o in campaign.offers)]))

    def copy_pieces(self) -> list[Deliverable]:
        return [d for d in self.loaded.campaign.deliverables if d.kind == "copy" and self._supplied(d)]

    def videos(self) -> list[Deliverable]:
        return [d for d in self.loaded.campaign.deliverables if d.kind == "video" and self._supplied(d)]


def plan_run(report: ValidationReport, out_dir: Path, languages: list[str] | None = None) -> RunPlan:
    loaded = report.require_ok()
    wanted = list(loaded.campaign.languages)
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


def render_cuts_for(
    plan: RunPlan,
    partner: str,
    language: str,
    subtitles: SubtitleOutcome,
    settings: Settings,
    end_card_text: str | None = None,
) -> list[CutOutcome]:
    """Every aspect of one partner's cut in `language`, from one decode of the source; in `plan.aspects` order.

    `end_card_text`: the offer sentence in `language` (pipeline.offers.translated_offer_line); None = source.
    """
    from jointcampaign.pipeline.offers import end_card_for
    from jointcampaign.render.cut import DRAFT_MARK, CutRequest, Focus, render_cuts
    from jointcampaign.subtitles.reader import read_subtitles

    video = next(v for v in plan.videos() if v.id == subtitles.deliverable)
    assert video.source is not None
    kits = plan.loaded.brand_kits
    draft = subtitles.draft_for(partner)
    ordered = [partner, *(p for p in plan.partners if p != partner)]
    cues = read_subtitles(subtitles.srt).cues
    aspects = plan.aspects
    requests = [
        CutRequest(
            source=plan.loaded.folder / video.source,
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
            end_card=end_card_for(plan.loaded, partner, language, aspect, end_card_text),
            draft_mark=DRAFT_MARK if draft else None,
        )
        for aspect in aspects
    ]
    updates = [reporter("render", f"{partner} {language} {aspect}") for aspect in aspects]
    results = render_cuts(requests, progress=lambda index, fraction: updates[index](fraction))
    outcomes = []
    for aspect, result in zip(aspects, results, strict=True):
        poster = plan.layout.poster_file(partner, language, aspect)
        poster.parent.mkdir(parents=True, exist_ok=True)
        result.poster_path.replace(poster)
        outcomes.append(
            CutOutcome(
                partner=partner,
                language=language,
                aspect=aspect,
                path=result.path,
                poster=poster,
                probe=asdict(result.info),
                draft=draft,
            )
        )
    return outcomes


def build_partner_bundle(plan: RunPlan, partner: str, outcome: RunOutcome) -> PartnerBundle:
    from jointcampaign.bundle.bag import BagInfo, build_bundle, read_payload_manifest

    payload = stage_payload(
        plan.loaded, plan.layout, partner, plan.languages, outcome, plan.blockers, plan.today
    )
    info = BagInfo.from_manifest(read_payload_manifest(payload), source_epoch(plan.loaded))
    bag_dir = plan.layout.bag_dir(partner)
    zip_path = plan.layout.zip_file(partner)
    build_bundle(payload, bag_dir, zip_path, info)
    reporter("bundle", partner)(1.0)
    return PartnerBundle(partner=partner, bag_dir=bag_dir, zip_path=zip_path)
