"""Validate a campaign folder completely: the YAML, the rules between fields, and the files it names.

Every problem is collected before anything is reported. Inputs a partner has not supplied yet are
blockers attributed to that partner, not errors: everything else still runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from jointcampaign.campaign.checks import consistency_problems
from jointcampaign.campaign.load import LoadedCampaign, load_campaign
from jointcampaign.campaign.models import Deliverable
from jointcampaign.errors import Problem, UserInputError
from jointcampaign.settings import Settings

COPY_DIR = "copy"
VIDEO_DIR = "video"
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm"}
SUBTITLE_SUFFIXES = {".srt", ".vtt", ".ass", ".ssa"}  # what subtitles/reader.py reads

PairCheck = Callable[[str, str], bool]


@dataclass(frozen=True)
class Blocker:
    """A deliverable its owner has not supplied yet; the run goes on without it."""

    partner: str
    deliverable: str
    message: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        return {
            "partner": self.partner,
            "deliverable": self.deliverable,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass
class ValidationReport:
    folder: Path
    loaded: LoadedCampaign | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.loaded is not None and not self.errors

    def require_ok(self) -> LoadedCampaign:
        if not self.ok or self.loaded is None:
            raise UserInputError(self.errors)
        return self.loaded


def validate_with_installed_models(folder: Path, settings: Settings) -> ValidationReport:
    """Validate against the translation models (or Apertium pairs) installed on this machine."""
    from jointcampaign.translate.engines.routing import pair_available

    return validate_campaign(folder, lambda source, target: pair_available(settings, source, target))


def validate_campaign(folder: Path, has_model: PairCheck, assets_dir: Path | None = None) -> ValidationReport:
    """`has_model(source, target)` says whether a translation model (direct or pivot) is installed."""
    report = ValidationReport(folder=folder)
    try:
        loaded, problems = load_campaign(folder, assets_dir)
    except UserInputError as exc:
        report.errors.extend(exc.problems)
        return report
    report.loaded = loaded
    report.errors.extend(problems)
    report.errors.extend(consistency_problems(loaded))
    report.errors.extend(_brand_kit_problems(loaded))
    report.errors.extend(_language_problems(loaded, has_model))
    report.errors.extend(_unowned_file_problems(loaded))
    report.errors.extend(_glyph_problems(loaded))
    report.errors.extend(_review_problems(loaded))
    for deliverable in loaded.campaign.deliverables:
        errors, blockers = _deliverable_files(loaded, deliverable)
        report.errors.extend(errors)
        report.blockers.extend(blockers)
    for problem in list(report.errors):
        if problem.severity == "warning":
            report.errors.remove(problem)
            report.warnings.append(problem)
    return report


def _brand_kit_problems(loaded: LoadedCampaign) -> Iterator[Problem]:
    for kit in loaded.brand_kits.values():
        logo = kit.logo_path
        line = kit.document.line_of(("logo",))
        if not logo.is_file():
            yield Problem(
                file=kit.document.path,
                line=line,
                field="logo",
                message=f"logo file {logo} not found",
                fix=f"put the partner's logo (PNG with transparency) at {logo}, or point logo: at it",
            )
            continue
        try:
            with Image.open(logo) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            yield Problem(
                file=kit.document.path,
                line=line,
                field="logo",
                message=f"logo {logo.name} does not open as an image ({exc})",
                fix="export the logo again as PNG",
            )


def _language_problems(loaded: LoadedCampaign, has_model: PairCheck) -> Iterator[Problem]:
    campaign = loaded.campaign
    source = campaign.source_language
    for index, language in enumerate(campaign.languages):
        if language != source and not has_model(source, language):
            yield Problem(
                file=loaded.campaign_file,
                line=loaded.document.line_of(("languages", index)),
                field=f"languages[{index}]",
                message=f"no translation model installed for {source}→{language}",
                fix=(
                    f"install one: `jointcampaign models install FILE.argosmodel` "
                    f"(or `jointcampaign models install --from-index {source} {language}`); "
                    "the demo languages are installed by `make demo-models`"
                ),
            )


def _glyph_problems(loaded: LoadedCampaign) -> list[Problem]:
    """Every language's script, and the source and glossary texts, must be drawable: no tofu in videos."""
    from jointcampaign.render.text.glyph_check import undrawable_report
    from jointcampaign.render.text.script_samples import sample_for

    campaign = loaded.campaign
    texts: dict[str, list[str]] = {}
    for language in campaign.languages:
        sample = sample_for(language)
        fixed = list(campaign.glossary.fixed.get(language, {}).values())
        texts[language] = [*([sample] if sample else []), *fixed]
    names = [loaded.partner_name(p) for p in campaign.partner_ids]
    texts.setdefault(campaign.source_language, []).extend(names)
    return undrawable_report(texts, file=loaded.campaign_file)


def _review_problems(loaded: LoadedCampaign) -> list[Problem]:
    """Reviewers' PO files are checked now, not halfway through a run (placeholders, terms, syntax)."""
    from jointcampaign.pipeline.translator import protection_rules, review_files
    from jointcampaign.translate.review import read_review

    problems: list[Problem] = []
    for language in loaded.campaign.languages:
        for path in (p for p in review_files(loaded, language) if p.is_file()):
            try:
                read_review(path, language, protection_rules(loaded, language))
            except UserInputError as exc:
                problems.extend(exc.problems)
    return problems


def _unowned_file_problems(loaded: LoadedCampaign) -> Iterator[Problem]:
    """Every copy piece and video in the folder must have an owner, or nobody is accountable for it."""
    declared = {d.source for d in loaded.campaign.deliverables if d.source}
    declared |= {d.subtitles for d in loaded.campaign.deliverables if d.subtitles}
    candidates = [
        *sorted((loaded.folder / COPY_DIR).glob("*.md")),
        *sorted(p for p in (loaded.folder / VIDEO_DIR).glob("*") if p.suffix.lower() in VIDEO_SUFFIXES),
    ]
    for path in candidates:
        relative = path.relative_to(loaded.folder).as_posix()
        if relative not in declared:
            yield Problem(
                file=path,
                message="has no owner: it is not listed under deliverables",
                fix=(
                    f"add to campaign.yaml under deliverables: an entry with 'source: {relative}', "
                    "an owner and a due date (or remove the file)"
                ),
            )


def _deliverable_files(loaded: LoadedCampaign, item: Deliverable) -> tuple[list[Problem], list[Blocker]]:
    errors: list[Problem] = []
    blockers: list[Blocker] = []
    for relative in (item.source, item.subtitles):
        if not relative:
            continue
        path = loaded.folder / relative
        if not path.is_file():
            blockers.append(
                Blocker(
                    partner=item.owner,
                    deliverable=item.id,
                    message=f"{relative} has not been supplied yet (due {item.due.isoformat()})",
                    fix=f"{loaded.partner_name(item.owner)} puts the file at {relative} in the {loaded.slug} campaign folder",
                )
            )
            continue
        errors.extend(_content_problems(path, item, as_subtitles=relative == item.subtitles))
    if item.source and item.subtitles and not blockers and not any(p.severity == "error" for p in errors):
        errors.extend(_subtitles_past_video(loaded.folder / item.source, loaded.folder / item.subtitles))
    return errors, blockers


def _subtitles_past_video(video: Path, subtitles: Path) -> list[Problem]:
    """A warning when cues run past the video: usually another cut's subtitles or a trimmed video,
    and the run cuts them at the video's end, which the lead should know before it ships."""
    from jointcampaign.media.probe import probe
    from jointcampaign.subtitles.read.reader import read_subtitles

    try:
        end = probe(video).picture_duration_s
        late = [cue for cue in read_subtitles(subtitles).cues if cue.end > end + 0.001]
    except UserInputError:
        return []  # already reported by the file's own checks
    if not late:
        return []
    first = late[0]
    return [
        Problem(
            file=subtitles,
            line=first.source_line or None,
            message=(
                f"{len(late)} cue(s) run past the end of {video.name} ({end:.3f} s), the first is cue "
                f"{first.index} ({first.start:.3f}–{first.end:.3f} s): they are cut at the video's end, "
                "and cues that start after it are left out"
            ),
            fix=f"check that {subtitles.name} belongs to {video.name}, or re-time those cues in your subtitle editor",
            severity="warning",
        )
    ]


def _content_problems(path: Path, item: Deliverable, as_subtitles: bool = False) -> list[Problem]:
    """`as_subtitles`: the file is a video's `subtitles:`, read as such whatever its name ends in,
    since the run will read it so."""
    suffix = path.suffix.lower()
    try:
        if suffix in VIDEO_SUFFIXES:
            from jointcampaign.media.probe import probe

            info = probe(path)
            if info.width <= 0 or info.height <= 0:
                return [
                    Problem(file=path, message="has no video stream", fix="export it again as MP4 (H.264)")
                ]
        elif as_subtitles or suffix in SUBTITLE_SUFFIXES:
            from jointcampaign.subtitles.read.reader import read_subtitles, require_cue_text

            return list(require_cue_text(read_subtitles(path)).warnings)
        elif suffix == ".md":
            path.read_text(encoding="utf-8-sig")
    except UserInputError as exc:
        return exc.problems
    except UnicodeDecodeError as exc:
        return [Problem(file=path, message=f"is not UTF-8 text ({exc.reason})", fix="save the file as UTF-8")]
    return []
