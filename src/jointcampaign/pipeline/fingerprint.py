"""Content fingerprints of what each pipeline step reads, so unchanged work can be skipped.

A step's fingerprint covers the bytes of every input file it reads, the values it is given, the
version of the code that does the work and, for translation, the installed model's files. Two runs
with equal fingerprints produce the same outputs, so the orchestrator may reuse the first's result,
provided the outputs are still on disk, byte for byte as that step left them (see `seals`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jointcampaign import __version__
from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.fileio import sha256_file
from jointcampaign.pipeline.plan import RunPlan, cut_partners
from jointcampaign.pipeline.results import RunOutcome, SubtitleOutcome
from jointcampaign.settings import Settings
from jointcampaign.translate.engines.routing import engine_identity, fallback_identity
from jointcampaign.translate.models.shelf import ORIGIN_RECORD, ModelShelf

# Modules that never change what a run produces: editing them must not invalidate cached work.
_CODE_EXCLUDED = ("cli", "portal", "demo", "flows")
_CODE_SUFFIXES = frozenset({".py", ".yaml", ".html", ".css", ".json", ".tsv"})
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
REVIEW_DIR = "review"


@dataclass(frozen=True)
class Fingerprint:
    digest: str
    outputs: tuple[Path, ...] = ()
    # False for a result that reflects a failure (a bundle listing failed steps): it is never reused,
    # so the next run tries the failed work again whatever its inputs.
    cacheable: bool = True


@dataclass
class Hasher:
    """Labelled parts in a fixed order; a file contributes its name and its content hash."""

    _digest: Any = field(default_factory=hashlib.sha256)

    def value(self, label: str, value: object) -> Hasher:
        encoded = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
        self._digest.update(f"{label}={encoded}\0".encode())
        return self

    def file(self, label: str, path: Path) -> Hasher:
        # The file's name and bytes, not its folder: a submitted snapshot of an unchanged campaign
        # lives elsewhere yet must reuse the work done for the original.
        content = file_digest(path) if path.is_file() else "absent"
        return self.value(label, [path.name, content])

    def files(self, label: str, paths: Iterable[Path]) -> Hasher:
        for path in paths:
            self.file(label, path)
        return self

    def hexdigest(self) -> str:
        return str(self._digest.hexdigest())


_file_digests: dict[tuple[str, int, int, int], str] = {}
_file_digests_lock = threading.Lock()


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered while its size, mtime and inode stay the same (models are large)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    with _file_digests_lock:
        known = _file_digests.get(key)
    if known is None:
        known = sha256_file(path)
        with _file_digests_lock:
            _file_digests[key] = known
    return known


@cache
def code_version() -> str:
    """The package version plus a hash of the core's own source and data files (readability rules,
    templates): a change to either means new results.

    Coarse on purpose: a per-step list of modules would go stale silently when imports change.
    """
    hasher = Hasher().value("version", __version__)
    for path in sorted(p for p in _PACKAGE_ROOT.rglob("*") if p.suffix in _CODE_SUFFIXES and p.is_file()):
        relative = path.relative_to(_PACKAGE_ROOT)
        if relative.parts[0].startswith(_CODE_EXCLUDED):
            continue
        hasher.value(relative.as_posix(), sha256_file(path))
    return hasher.hexdigest()[:16]


def model_version(models: Path | ModelShelf, source: str, target: str) -> str:
    """Which installed model(s) translate source→target, down to the bytes of their files."""
    from jointcampaign.translate.models.store import plan_route

    route = plan_route(models, source, target)
    if route is None:
        return "none"
    hasher = Hasher()
    for model in route:
        hasher.value("model", [model.from_code, model.to_code, model.version])
        # Where the package came from (its origin record) is not what it translates with.
        files = sorted(p for p in model.path.rglob("*") if p.is_file() and p.name != ORIGIN_RECORD)
        hasher.files(model.path.name, files)
    return hasher.hexdigest()


def review_files(loaded: LoadedCampaign, language: str) -> list[Path]:
    """Human corrections for one language: review/<lang>.* and any review deliverable for it."""
    folder = loaded.folder / REVIEW_DIR
    found = {p for p in folder.glob(f"{language}.*") if p.is_file()} if folder.is_dir() else set()
    for item in loaded.campaign.deliverables:
        if item.kind == "review" and item.language == language and item.source:
            found.add(loaded.folder / item.source)
    return sorted(found)


# Sections of campaign.yaml that no translation or render reads; any other change counts as an input.
_NOT_RENDERED: dict[str, Any] = {
    "kpis": True, "split": True, "rights": True, "approvals": True, "check_in": True,
    "deliverables": {"__all__": {"due", "owner"}},
}


def campaign_facts(loaded: LoadedCampaign) -> dict[str, Any]:
    """campaign.yaml as parsed, without the sections that only the brief uses (KPIs, money, rights...).

    Listing what to leave out, not what to keep, means a field added later counts as an input.
    """
    facts: dict[str, Any] = loaded.campaign.model_dump(mode="json", exclude=_NOT_RENDERED)
    return facts


def brand_facts(loaded: LoadedCampaign) -> dict[str, Any]:
    return {partner: kit.kit.model_dump(mode="json") for partner, kit in sorted(loaded.brand_kits.items())}


def translation_version(settings: Settings, source: str, target: str) -> str:
    """The engine chosen for the language and, for Argos, the bytes of the installed model."""
    from jointcampaign.translate.engines.routing import engine_identity

    engine = engine_identity(settings, source, target)
    return f"{engine}:{model_version(settings.model_shelf, source, target)}" if engine == "argos" else engine


def _translation(plan: RunPlan, language: str, settings: Settings, stage: str) -> Hasher:
    return (
        Hasher()
        .value("stage", stage)
        .value("code", code_version())
        .value("pair", [plan.source_language, language])
        .value("model", translation_version(settings, plan.source_language, language))
        .value("engine", engine_identity(settings, plan.source_language, language))
        .value("beam_size", settings.beam_size)
        .value("fallback", fallback_identity(settings, plan.source_language, language))
        .value("campaign", campaign_facts(plan.loaded))
        .value("brands", brand_facts(plan.loaded))
        .files("review", review_files(plan.loaded, language))
    )


def copy_fingerprint(plan: RunPlan, language: str, settings: Settings) -> Fingerprint:
    pieces = plan.copy_pieces()
    hasher = _translation(plan, language, settings, "copy")
    for item in pieces:
        assert item.source is not None  # checked by validation
        hasher.file(f"piece:{item.id}", plan.loaded.folder / item.source)
    outputs = tuple(plan.layout.copy_dir(language) / f"{item.id}.md" for item in pieces)
    return Fingerprint(hasher.value("outputs", outputs).hexdigest(), outputs)


def subtitles_fingerprint(plan: RunPlan, language: str, settings: Settings) -> Fingerprint:
    video = next((v for v in plan.videos() if v.subtitles), None)
    hasher = _translation(plan, language, settings, "subtitles")
    if video is None or video.subtitles is None:
        return Fingerprint(hasher.value("video", None).hexdigest())
    source = plan.loaded.folder / video.subtitles
    outputs = (plan.layout.subtitle_file(language, ".srt"), plan.layout.subtitle_file(language, ".vtt"))
    hasher.value("video", video.id).file("source", source).value("outputs", outputs)
    if video.source:  # its frame rate and length set the gaps and the last cue's end
        hasher.file("video-source", plan.loaded.folder / video.source)
    return Fingerprint(hasher.hexdigest(), outputs if source.is_file() else ())


def cut_fingerprint(
    plan: RunPlan, partner: str, language: str, aspect: str, subtitles: SubtitleOutcome, settings: Settings
) -> Fingerprint:
    """A cut shows every partner's logo and brand, so every brand kit is an input of every cut."""
    video = next(v for v in plan.videos() if v.id == subtitles.deliverable)
    assert video.source is not None
    layout = plan.layout
    outputs = (layout.cut_file(partner, language, aspect), layout.poster_file(partner, language, aspect))
    hasher = (
        Hasher()
        .value("stage", "render")
        .value("code", code_version())
        .value("cut", [partner, language, aspect])
        .value("render", [settings.render_height, settings.video_preset, settings.video_crf])
        .value("campaign", campaign_facts(plan.loaded))
        .value("brands", brand_facts(plan.loaded))
        .file("video", plan.loaded.folder / video.source)
        .file("subtitles", subtitles.srt)
        .value("end_card", subtitles.end_cards.get(partner))
        .value("portal_url", plan.portal_url)  # the end card's QR code encodes it
        # The DRAFT mark is burned in while a string needs review: reviewing it must re-render the cut.
        .value("draft", subtitles.draft_for(partner))
    )
    for kit_partner, kit in sorted(plan.loaded.brand_kits.items()):
        hasher.files(f"kit:{kit_partner}", sorted(p for p in kit.folder.rglob("*") if p.is_file()))
    return Fingerprint(hasher.value("outputs", outputs).hexdigest(), outputs)


def cuts_fingerprint(plan: RunPlan, language: str, subtitles: SubtitleOutcome, settings: Settings) -> Fingerprint:
    """Every cut of one language, rendered together from one decode: each partner whose bundle
    holds the language, each aspect, in render order. A partner added to or dropped from the
    language changes it; a language a partner does not get never touches that partner's cuts."""
    order = [(aspect, partner) for aspect in plan.aspects for partner in cut_partners(plan, subtitles)]
    cuts = [cut_fingerprint(plan, partner, language, aspect, subtitles, settings) for aspect, partner in order]
    hasher = Hasher().value("stage", "render-cuts").value("cuts-of", order)
    hasher.value("cuts", [cut.digest for cut in cuts])
    outputs = tuple(path for cut in cuts for path in cut.outputs)
    return Fingerprint(hasher.hexdigest(), outputs)


def inputs_digest(loaded: LoadedCampaign) -> str:
    """Every file of the campaign folder and of its brand kits, by name and content."""
    from jointcampaign.pipeline.bundle_stage import input_files

    roots = [loaded.folder, *(kit.folder for kit in loaded.brand_kits.values())]
    hasher = Hasher()
    for root_index, root in enumerate(roots):
        files = sorted(p for p in input_files(loaded) if p.is_relative_to(root))
        for path in files:
            hasher.value(f"{root_index}:{path.relative_to(root).as_posix()}", file_digest(path))
    return hasher.hexdigest()


def bundle_fingerprint(plan: RunPlan, partner: str, outcome: RunOutcome) -> Fingerprint:
    """Everything a partner's bundle holds: the campaign's inputs, the day's brief, every staged file.

    Only the partner's own languages count: a change to a language it does not get leaves it be."""
    languages = plan.languages_of(partner)
    failures = [f for f in outcome.failures if f.language in (None, *languages) and f.partner in (None, partner)]
    hasher = (
        Hasher()
        .value("stage", "bundle")
        .value("code", code_version())
        .value("partner", partner)
        .value("languages", languages)
        .value("today", plan.today.isoformat())
        .value("sources", inputs_digest(plan.loaded))
        .value("blockers", [b.as_dict() for b in plan.blockers])
        .value("failures", [f.as_dict() for f in failures])
        # the brief and the plots show the KPIs so far: new clicks or redemptions rebuild the bundle
        .value("kpis", plan.kpis.for_partner(partner).as_dict() if plan.kpis else None)
        .value("portal_url", plan.portal_url)
        # the manifest names each language's model with its origin and checksum
        .value("models", {lang: plan.models.get(lang, []) for lang in languages})
    )
    hasher.value("held", sorted(outcome.held))
    for copy in sorted((c for c in outcome.copies if c.language in languages), key=lambda c: c.language):
        hasher.value("notes", [copy.language, list(copy.notes)])
        hasher.value("strings", [item.as_dict() for item in copy.strings])
        hasher.files(f"copy:{copy.language}", [copy.pieces[k] for k in sorted(copy.pieces)])
    for subs in sorted((s for s in outcome.subtitles if s.language in languages), key=lambda s: s.language):
        hasher.value("cues", [subs.language, subs.cue_count, list(subs.notes)])
        hasher.value("strings", [item.as_dict() for item in subs.strings])
        hasher.value("end_card_strings", {p: item.as_dict() for p, item in sorted(subs.end_card_strings.items())})
        hasher.files("subs", [subs.srt, subs.vtt])
    for cut in sorted(outcome.cuts, key=lambda c: (c.partner, c.language, c.aspect)):
        if cut.partner == partner:
            hasher.value("probe", [cut.language, cut.aspect, cut.probe, cut.draft]).files("cut", [cut.path, cut.poster])
    outputs = (plan.layout.bag_dir(partner), plan.layout.zip_file(partner))
    return Fingerprint(hasher.value("outputs", outputs).hexdigest(), outputs, cacheable=not failures)


def campaign_fingerprint(loaded: LoadedCampaign, settings: Settings) -> str:
    """Changes when anything a run of the whole campaign reads changes: its files, models, code, settings."""
    campaign = loaded.campaign
    hasher = Hasher().value("code", code_version()).value("sources", inputs_digest(loaded))
    # where things live, how many threads and the desk's upload limits change no output
    # (the portal database's location neither: the nightly pass adds the KPIs it holds on its own)
    # (nor which folders models are read from: the models themselves are hashed below)
    ignored = ("home", "threads", "model_index_url", "upload_max_file_mb", "upload_max_submission_mb",
               "portal_db_file", "argos_dirs", "metrics_db_url")  # fmt: skip
    hasher.value("settings", asdict(settings) | dict.fromkeys(ignored))
    for language in campaign.languages:
        hasher.value(language, translation_version(settings, campaign.source_language, language))
    return hasher.hexdigest()
