"""Load a campaign folder and the brand kits it names, collecting every problem on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jointcampaign.campaign.models import BrandKit, Campaign
from jointcampaign.campaign.pydantic_problems import problems_from_validation
from jointcampaign.campaign.yaml_source import YamlDocument, load_yaml
from jointcampaign.errors import Problem, UserInputError

CAMPAIGN_FILE = "campaign.yaml"
BRAND_FILE = "brand.yaml"


@dataclass(frozen=True)
class LoadedBrandKit:
    partner_id: str
    folder: Path
    kit: BrandKit
    document: YamlDocument

    @property
    def logo_path(self) -> Path:
        return self.folder / self.kit.logo


@dataclass
class LoadedCampaign:
    folder: Path
    campaign: Campaign
    document: YamlDocument
    brand_kits: dict[str, LoadedBrandKit] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.folder.name

    @property
    def campaign_file(self) -> Path:
        return self.folder / CAMPAIGN_FILE

    def partner_name(self, partner_id: str) -> str:
        partner = self.campaign.partner(partner_id)
        if partner.name:
            return partner.name
        kit = self.brand_kits.get(partner_id)
        return kit.kit.name if kit else partner_id


def find_assets_dir(campaign_dir: Path, override: Path | None = None) -> Path:
    """Brand kits are shared across campaigns: the nearest ancestor holding assets/partners wins."""
    if override is not None:
        return override
    for folder in [campaign_dir, *campaign_dir.resolve().parents]:
        if (folder / "assets" / "partners").is_dir():
            return folder / "assets"
    return campaign_dir / "assets"


def load_campaign(campaign_dir: Path, assets_dir: Path | None = None) -> tuple[LoadedCampaign, list[Problem]]:
    """Parse campaign.yaml and every brand kit. Raises only if campaign.yaml itself is unusable.

    Problems in a section that has a default (offers, kpis...) are reported, and that section is
    dropped so the cross-checks can still run on the rest and report their problems too.
    """
    if not campaign_dir.is_dir():
        raise UserInputError.single(
            campaign_dir,
            "is not a folder",
            "pass the campaign folder, e.g. campaigns/demo-cafe-florist (create one with `jointcampaign new`)",
        )
    document = load_yaml(campaign_dir / CAMPAIGN_FILE)
    if not isinstance(document.data, dict):
        raise UserInputError.single(
            document.path, "must be a mapping of fields (title:, partners:, ...)", "see README.md", line=1
        )
    campaign, problems = _validate_leniently(Campaign, document)
    if campaign is None:
        raise UserInputError(problems)
    loaded = LoadedCampaign(folder=campaign_dir, campaign=campaign, document=document)
    assets = find_assets_dir(campaign_dir, assets_dir)
    for index, partner in enumerate(campaign.partners):
        kit, kit_problems = _load_brand_kit(assets, partner.id, document, index)
        problems.extend(kit_problems)
        if kit is not None:
            loaded.brand_kits[partner.id] = kit
    return loaded, problems


def _load_brand_kit(
    assets: Path, partner_id: str, campaign_doc: YamlDocument, index: int
) -> tuple[LoadedBrandKit | None, list[Problem]]:
    folder = assets / "partners" / partner_id
    path = folder / BRAND_FILE
    if not path.is_file():
        return None, [
            Problem(
                file=campaign_doc.path,
                line=campaign_doc.line_of(("partners", index, "id")),
                field=f"partners[{index}].id",
                message=f"partner '{partner_id}' has no brand kit ({path} not found)",
                fix=f"create {path} with name, colours and logo (`jointcampaign new` writes one)",
            )
        ]
    try:
        document = load_yaml(path)
    except UserInputError as exc:
        return None, exc.problems
    kit, problems = _validate_leniently(BrandKit, document)
    if kit is None:
        return None, problems
    return LoadedBrandKit(partner_id=partner_id, folder=folder, kit=kit, document=document), problems


M = TypeVar("M", bound=BaseModel)


def _validate_leniently(model: type[M], document: YamlDocument) -> tuple[M | None, list[Problem]]:
    data: dict[str, Any] = dict(document.data) if isinstance(document.data, dict) else {}
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        problems = problems_from_validation(error, document, model)
        broken = {loc[0] for loc in (tuple(e["loc"]) for e in error.errors()) if loc}
    fields = model.model_fields
    required = {name for name, info in fields.items() if info.is_required()}
    if broken & required:
        return None, problems
    salvage = {key: value for key, value in data.items() if key not in broken}
    try:
        return model.model_validate(salvage), problems
    except ValidationError:
        return None, problems
