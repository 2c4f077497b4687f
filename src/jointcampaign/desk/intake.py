"""Turn a received upload into a campaign workspace and validate it with `jointcampaign validate`'s code.

Two layouts are accepted, as a picked folder or as a .zip:

- the campaign folder itself (``campaign.yaml`` at its top): brand kits come from the desk's shared
  ``assets/partners/`` (partners recur across campaigns, as on the command line);
- a project folder with ``campaigns/<slug>/campaign.yaml`` and ``assets/partners/<id>/``: its own brand
  kits are used, and any it lacks come from the shared ones.

Either way the draft becomes ``<draft>/workspace/campaigns/<slug>/`` beside ``<draft>/workspace/assets/``,
the layout a submission snapshot has, so validation and the run find brand kits the usual way.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from jointcampaign.campaign.load import CAMPAIGN_FILE
from jointcampaign.errors import Problem
from jointcampaign.pipeline.validate import ValidationReport, validate_campaign
from jointcampaign.portal.safe_zip import extract_zip
from jointcampaign.portal.sniff import sniff_problems
from jointcampaign.portal.tokens import is_valid_name
from jointcampaign.portal.upload_paths import UploadLimits
from jointcampaign.portal.uploads import ReceivedUpload

PairCheck = Callable[[str, str], bool]
UPLOAD_FIELD = "upload"
CAMPAIGN_FIELD = "campaign"


@dataclass
class ShownProblem:
    """A problem as the page shows it: next to a file of the upload (or the upload field) and a field."""

    file: str | None  # relative to what the lead uploaded; None: the upload as a whole
    field: str | None
    line: int | None
    message: str
    fix: str
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "field": self.field,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
            "severity": self.severity,
        }


@dataclass
class IntakeResult:
    slug: str | None
    workspace: Path
    files: list[str] = field(default_factory=list)
    errors: list[ShownProblem] = field(default_factory=list)
    warnings: list[ShownProblem] = field(default_factory=list)
    blockers: list[dict[str, str]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    campaign_layout: bool = True

    @property
    def ok(self) -> bool:
        return self.slug is not None and not self.errors

    @property
    def campaign_dir(self) -> Path:
        assert self.slug is not None
        return self.workspace / "campaigns" / self.slug


def take_in(
    received: ReceivedUpload,
    draft_dir: Path,
    shared_assets: Path,
    limits: UploadLimits,
    has_model: PairCheck,
    allowed: Callable[[str], bool],
) -> IntakeResult:
    """Unpack, lay out, sniff and validate; every problem found is in the result, none raised."""
    files_dir = draft_dir / "files"
    result = IntakeResult(slug=None, workspace=draft_dir / "workspace")
    upload_problems = list(received.problems)
    names = list(received.files)
    if received.archive is not None and not upload_problems:
        names, zip_problems = extract_zip(received.archive, files_dir, limits)
        upload_problems += zip_problems
    if received.archive is not None:
        received.archive.unlink(missing_ok=True)
    result.errors += [_shown_upload(p) for p in upload_problems]
    if upload_problems:
        return result  # an unsafe or oversized upload is not looked into further
    if not names:
        result.errors.append(
            ShownProblem(
                None, UPLOAD_FIELD, None, "nothing was uploaded", "pick the campaign folder or its .zip"
            )
        )
        return result
    top, names = _strip_common_folder(names)
    root = files_dir / top if top else files_dir
    fallback = top or Path(received.archive_name or "").stem or received.fields.get(CAMPAIGN_FIELD, "")
    slug, prefix = _find_campaign(names, fallback.strip())
    result.files = sorted(names)
    if slug is None:
        result.errors.append(
            ShownProblem(
                None,
                UPLOAD_FIELD,
                None,
                f"no {CAMPAIGN_FILE} in the upload",
                f"pick the campaign folder (the one with {CAMPAIGN_FILE} in it), "
                f"or a folder with campaigns/<name>/{CAMPAIGN_FILE}",
            )
        )
        return result
    result.campaign_layout = prefix == ""
    if not is_valid_name(slug):
        result.errors.append(
            ShownProblem(
                None,
                CAMPAIGN_FIELD,
                None,
                f"the campaign's folder name {slug!r} cannot be a campaign id",
                "rename the folder with lowercase letters, digits and '-', e.g. spring-2027",
            )
        )
        return result
    if not allowed(slug):
        result.errors.append(
            ShownProblem(
                None,
                CAMPAIGN_FIELD,
                None,
                f"your link may not submit campaign {slug!r}",
                "pick one of your own campaigns (listed on this page), or ask for a link that covers it",
            )
        )
        return result
    result.slug = slug
    sniffed = sniff_problems(root, names)  # before any tool opens a file
    result.errors += [_shown(p, root, result) for p in sniffed]
    _lay_out(root, names, prefix, result.campaign_dir, result.workspace / "assets")
    add_shared_kits(result.campaign_dir / CAMPAIGN_FILE, shared_assets, result.workspace / "assets")
    check_workspace(result, has_model)
    shutil.rmtree(files_dir, ignore_errors=True)
    return result


def check_workspace(result: IntakeResult, has_model: PairCheck) -> None:
    """Validate the laid-out campaign exactly as `jointcampaign validate` does; add what it finds."""
    report = validate_campaign(result.campaign_dir, has_model, assets_dir=result.workspace / "assets")
    _add_report(result, report)


def _shown_upload(problem: Problem) -> ShownProblem:
    return ShownProblem(
        problem.file.as_posix() if problem.file else None,
        UPLOAD_FIELD,
        None,
        problem.message,
        problem.fix,
    )


def _strip_common_folder(names: list[str]) -> tuple[str, list[str]]:
    """A picked folder arrives as ``folder/…``: drop that one shared top folder."""
    parts = [PurePosixPath(name).parts for name in names]
    tops = {p[0] for p in parts}
    if len(tops) == 1 and all(len(p) > 1 for p in parts) and CAMPAIGN_FILE not in names:
        top = next(iter(tops))
        return top, [PurePosixPath(*p[1:]).as_posix() for p in parts]
    return "", names


def _find_campaign(names: list[str], fallback: str) -> tuple[str | None, str]:
    """The campaign's slug and where its folder starts in the upload ('' or 'campaigns/<slug>/');
    (None, '') when the upload holds no campaign.yaml, or several campaigns."""
    if CAMPAIGN_FILE in names:
        return (fallback or None), ""
    found = sorted(
        {
            PurePosixPath(name).parts[1]
            for name in names
            if len(PurePosixPath(name).parts) == 3
            and PurePosixPath(name).parts[0] == "campaigns"
            and PurePosixPath(name).parts[2] == CAMPAIGN_FILE
        }
    )
    if len(found) == 1:
        return found[0], f"campaigns/{found[0]}/"
    return None, ""


def _lay_out(root: Path, names: list[str], prefix: str, campaign_dir: Path, assets: Path) -> None:
    for name in names:
        source = root / name
        if prefix == "":
            target = campaign_dir / name
        elif name.startswith(prefix):
            target = campaign_dir / name[len(prefix) :]
        elif name.startswith("assets/partners/"):
            target = assets / name[len("assets/") :]
        else:
            continue  # other campaigns or files beside them: not part of this submission
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
    (assets / "partners").mkdir(parents=True, exist_ok=True)


def add_shared_kits(campaign_file: Path, shared_assets: Path, assets: Path) -> None:
    """Brand kits the upload does not carry come from the desk's shared assets/partners/."""
    try:
        data = yaml.safe_load(campaign_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # validation reports the unreadable file
    partners = data.get("partners") if isinstance(data, dict) else None
    for partner in partners if isinstance(partners, list) else []:
        pid = partner.get("id") if isinstance(partner, dict) else None
        if not isinstance(pid, str) or not is_valid_name(pid):
            continue
        shared = shared_assets / "partners" / pid
        target = assets / "partners" / pid
        if shared.is_dir() and not shared.is_symlink() and not target.exists():
            shutil.copytree(shared, target, symlinks=False)


def _display_path(path: Path, result: IntakeResult) -> str:
    """Where the lead finds the file: inside the folder they uploaded."""
    for base, shown_prefix in (
        (result.campaign_dir, "" if result.campaign_layout else f"campaigns/{result.slug}/"),
        (result.workspace, ""),
    ):
        try:
            return shown_prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.name


def _clean(text: str, result: IntakeResult) -> str:
    """Messages name files by their server path; show them as the lead knows them."""
    if result.slug is not None:
        inner = f"{result.campaign_dir}/"
        text = text.replace(inner, "" if result.campaign_layout else f"campaigns/{result.slug}/")
    return text.replace(f"{result.workspace}/", "")


def _shown(problem: Problem, root: Path, result: IntakeResult) -> ShownProblem:
    if problem.file is None:
        shown_file = None
    elif problem.file.is_absolute():
        shown_file = _display_path(problem.file, result)
    else:
        shown_file = problem.file.as_posix()  # already relative to the upload (sniffed)
    return ShownProblem(
        shown_file,
        problem.field,
        problem.line,
        _clean(problem.message, result),
        _clean(problem.fix, result),
        problem.severity,
    )


def _add_report(result: IntakeResult, report: ValidationReport) -> None:
    result.errors += [_shown(p, result.workspace, result) for p in report.errors]
    result.warnings += [_shown(p, result.workspace, result) for p in report.warnings]
    result.blockers = [
        {key: _clean(value, result) for key, value in b.as_dict().items()} for b in report.blockers
    ]
    loaded = report.loaded
    if loaded is not None:
        campaign = loaded.campaign
        result.summary = {
            "title": campaign.title,
            "partners": [{"id": p, "name": loaded.partner_name(p)} for p in campaign.partner_ids],
            "source_language": campaign.source_language,
            "languages": list(campaign.languages),
            "cuts": list(campaign.cuts.aspects),
            "offers": [f"{o.code} ({o.discount} at {o.honoured_by})" for o in campaign.offers],
        }
