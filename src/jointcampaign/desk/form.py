"""Start a campaign from a form instead of a folder: `jointcampaign new`'s scaffold, filled from fields.

The form asks for what the partners agree on (partners, languages, cuts, offers, goals, the money
split); `scaffold_campaign` writes a campaign.yaml that validates, the answers are put into it, and
the result is validated like any upload. Problems are shown next to the form field they come from.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jointcampaign.campaign.load import CAMPAIGN_FILE
from jointcampaign.desk.intake import IntakeResult, ShownProblem, check_workspace
from jointcampaign.errors import UserInputError
from jointcampaign.fileio import write_text_atomic
from jointcampaign.pipeline.scaffold import scaffold_campaign
from jointcampaign.portal.tokens import is_valid_name

ASPECTS = ("16:9", "9:16", "1:1", "4:5")
SHARE = re.compile(r"^\s*([a-z0-9][a-z0-9._-]*)\s*[=:]\s*(\d+(?:\.\d+)?)\s*%?\s*$")
PERCENT = re.compile(r"^\s*(\d{1,2})\s*%?\s*$")
# campaign.yaml fields → the form field whose answer produced them
FORM_FIELD_OF = {
    "title": "title",
    "partners": "partners",
    "languages": "languages",
    "cuts": "cuts",
    "split.cost": "cost",
    "split.revenue": "revenue",
    "offers": "discount",
    "kpis": "target",
}


@dataclass
class CampaignForm:
    campaign: str = ""
    title: str = ""
    partners: str = ""
    languages: str = ""
    cuts: list[str] = field(default_factory=lambda: ["16:9"])
    cost: str = ""
    revenue: str = ""
    discount: str = "10%"
    target: str = "20"

    @classmethod
    def from_fields(cls, fields: dict[str, Any], cuts: list[str]) -> CampaignForm:
        text = {
            name: str(fields.get(name, "")).strip() for name in ("campaign", "title", "partners", "languages")
        }
        return cls(
            **text,
            cuts=[c for c in cuts if c in ASPECTS],
            cost=str(fields.get("cost", "")).strip(),
            revenue=str(fields.get("revenue", "")).strip(),
            discount=str(fields.get("discount", "10%")).strip(),
            target=str(fields.get("target", "20")).strip(),
        )

    def partner_ids(self) -> list[str]:
        return [p.strip() for p in self.partners.split(",") if p.strip()]

    def language_tags(self) -> list[str]:
        return [p.strip() for p in self.languages.split(",") if p.strip()]


def form_field_of(problem: dict[str, Any]) -> str:
    """Which form field a problem of the scaffolded campaign.yaml belongs next to."""
    name = str(problem.get("field") or "")
    for prefix, form_field in FORM_FIELD_OF.items():
        if name == prefix or name.startswith((prefix + ".", prefix + "[")):
            return form_field
    return "campaign" if problem.get("field") in ("upload", "campaign") else ""


def _problem(form_field: str, message: str, fix: str) -> ShownProblem:
    return ShownProblem(None, form_field, None, message, fix)


def _shares(
    text: str, partners: list[str], form_field: str
) -> tuple[dict[str, float] | None, list[ShownProblem]]:
    if not text:
        return None, []  # the scaffold's even split
    shares: dict[str, float] = {}
    for part in text.split(","):
        match = SHARE.match(part)
        if match is None:
            return None, [
                _problem(
                    form_field,
                    f"{part.strip()!r} is not partner=percent",
                    "write e.g. corner-cafe=60, rosas-flowers=40",
                )
            ]
        shares[match.group(1)] = float(match.group(2))
    unknown = sorted(set(shares) - set(partners))
    if unknown:
        return None, [
            _problem(
                form_field, f"{', '.join(unknown)} is not one of the partners", "use the partner ids above"
            )
        ]
    return {p: shares.get(p, 0.0) for p in partners}, []


def form_problems(form: CampaignForm, allowed: set[str]) -> list[ShownProblem]:
    """What the form itself gets wrong; everything else is the validator's to say."""
    problems = []
    if form.campaign not in allowed:
        problems.append(_problem("campaign", "choose one of your campaigns", "pick it from the list"))
    partners = form.partner_ids()
    if (
        len(partners) < 2
        or len(set(partners)) != len(partners)
        or not all(is_valid_name(p) for p in partners)
    ):
        problems.append(
            _problem(
                "partners",
                "needs at least two different partner ids (lowercase letters, digits and '-')",
                "write e.g. corner-cafe, rosas-flowers",
            )
        )
    if not form.language_tags():
        problems.append(_problem("languages", "no languages to translate into", "write e.g. es, vi"))
    if not form.cuts:
        problems.append(_problem("cuts", "no video shape chosen", "tick at least one, e.g. 16:9"))
    if PERCENT.match(form.discount) is None:
        problems.append(_problem("discount", f"{form.discount!r} is not a percentage", "write e.g. 10%"))
    if not form.target.isdigit():
        problems.append(_problem("target", f"{form.target!r} is not a whole number", "write e.g. 20"))
    for form_field in ("cost", "revenue"):
        problems += _shares(getattr(form, form_field), partners, form_field)[1]
    return problems


def build_from_form(form: CampaignForm, draft_dir: Path, shared_assets: Path, today: dt.date) -> IntakeResult:
    """Scaffold the campaign in the draft's workspace and fill in the form's answers (form already checked)."""
    workspace = draft_dir / "workspace"
    result = IntakeResult(slug=form.campaign, workspace=workspace)
    partners = form.partner_ids()
    kits = workspace / "assets" / "partners"
    kits.mkdir(parents=True)
    for pid in partners:  # partners the desk knows keep their real brand kits
        if (shared_assets / "partners" / pid).is_dir():
            shutil.copytree(shared_assets / "partners" / pid, kits / pid, symlinks=False)
    try:
        scaffold_campaign(result.campaign_dir, partners, form.language_tags(), today)
    except UserInputError as exc:
        result.errors += [_problem("partners", p.message, p.fix) for p in exc.problems]
        return result
    spec_path = result.campaign_dir / CAMPAIGN_FILE
    header, _, _ = spec_path.read_text(encoding="utf-8").partition("title:")
    data = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    if form.title:
        data["title"] = form.title
    data["cuts"]["aspects"] = form.cuts
    for name in ("cost", "revenue"):
        shares, _ = _shares(getattr(form, name), partners, name)
        if shares is not None:
            data["split"][name] = shares
    match = PERCENT.match(form.discount)
    for offer in data["offers"]:
        offer["discount"] = f"{int(match.group(1)) if match else 10}%"
    for kpi in data["kpis"]:
        kpi["target"] = int(form.target) if form.target.isdigit() else kpi["target"]
    write_text_atomic(spec_path, header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    result.files = sorted(
        p.relative_to(result.campaign_dir).as_posix() for p in result.campaign_dir.rglob("*") if p.is_file()
    )
    return result


def validate_built(result: IntakeResult, has_model: Any) -> IntakeResult:
    if not result.errors:
        check_workspace(result, has_model)
    return result
