"""What a joint campaign writes down: partners, deliverables and owners, offers, KPIs, splits, rights.

Field-level rules live here; rules that relate fields to each other or to files live in
`jointcampaign.campaign.checks`, so every problem can be reported at once with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import langcodes
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

ASPECTS = ("16:9", "9:16", "1:1", "4:5")
Aspect = Literal["16:9", "9:16", "1:1", "4:5"]
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{2,23}$"


def _valid_language(tag: str) -> str:
    if not langcodes.tag_is_valid(tag):
        raise ValueError(
            f"'{tag}' is not a BCP 47 language tag; use codes like es, vi, ar, hi, zh-Hans, pt-BR"
        )
    return str(langcodes.standardize_tag(tag))


LanguageTag = Annotated[str, AfterValidator(_valid_language)]
PartnerId = Annotated[str, Field(pattern=SLUG_PATTERN)]
HexColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
Percent = Annotated[float, Field(ge=0, le=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Partner(Strict):
    id: PartnerId = Field(description="brand kit id: assets/partners/<id>/brand.yaml")
    name: str | None = Field(default=None, description="display name; defaults to the brand kit's name")
    languages: list[LanguageTag] = Field(
        default_factory=list,
        description="languages of its community: its bundle holds these; empty = every campaign language",
    )
    link_base: str = Field(pattern=r"^https?://\S+$", description="base URL for tracked links")


DeliverableKind = Literal["copy", "video", "logo", "review"]


class Focus(Strict):
    """For videos: where the subject is, so cuts of other shapes keep it in frame."""

    x: float = Field(default=0.5, ge=0, le=1, description="0 = left edge, 1 = right edge of the source")
    y: float = Field(default=0.5, ge=0, le=1, description="0 = top, 1 = bottom of the source")
    fit: Literal["crop", "pad"] = Field(
        default="crop", description="crop around the focus, or show the whole frame over a blurred copy"
    )


class Deliverable(Strict):
    """Something a partner promised to supply, by a date."""

    id: str = Field(min_length=1)
    kind: DeliverableKind
    owner: PartnerId
    due: dt.date
    source: str | None = Field(default=None, description="file in the campaign folder, e.g. copy/post.md")
    subtitles: str | None = Field(default=None, description="for videos: the source-language .srt")
    language: LanguageTag | None = Field(default=None, description="for reviews: the language reviewed")
    focus: Focus | None = Field(
        default=None, description="for videos: the subject's position, e.g. {x: 0.3, y: 0.5}"
    )


PLACEMENT_PATTERN = r"^[a-z][a-z0-9-]{1,23}$"


class OfferCode(Strict):
    """Another code for the same offer that tells where the customer saw it, so a till's export says
    which language and placement brought the sale (e.g. CAFE10-ES on the Spanish end card)."""

    code: str = Field(pattern=CODE_PATTERN)
    language: LanguageTag | None = Field(default=None, description="the language it is shown in, e.g. es")
    placement: str | None = Field(
        default=None, pattern=PLACEMENT_PATTERN, description="where it is shown: end-card, post, brief, flyer..."
    )


class Offer(Strict):
    """A cross-referral offer: customers of one partner get a discount at the other."""

    code: str = Field(pattern=CODE_PATTERN)
    for_customers_of: PartnerId
    honoured_by: PartnerId
    discount: str = Field(pattern=r"^\d{1,3}(\.\d+)?%$|^free .+$", description="'10%' or 'free <item>'")
    terms: str = Field(min_length=1)
    expires: dt.date
    codes: list[OfferCode] = Field(
        default_factory=list,
        description="optional codes per language and/or placement; each counts for this offer, and the "
        "end card of a language shows its end-card (else language) code",
    )

    def code_for(self, language: str, placement: str) -> str:
        """The code to show in `language` at `placement`: the most specific one listed, else `code`."""
        for wanted in ((language, placement), (language, None), (None, placement)):
            found = next((c.code for c in self.codes if (c.language, c.placement) == wanted), None)
            if found:
                return found
        return self.code


MeasuredBy = Literal["code_redemptions", "link_clicks", "manual"]


class Kpi(Strict):
    metric: str = Field(min_length=1)
    target: float = Field(gt=0)
    owner: PartnerId
    measured_by: MeasuredBy
    code: str | None = Field(default=None, description="for code_redemptions: the offer code")
    link: PartnerId | None = Field(
        default=None, description="for link_clicks: the partner whose page the counted tracked links open"
    )
    shared: bool = Field(default=False, description="shown to every partner, not only to its owner")


class Measurement(Strict):
    """When the KPIs are measured, and how far behind pace counts as a blocker."""

    start: dt.date | None = Field(default=None, description="first day counted; default: the last deliverable's due date")
    end: dt.date | None = Field(default=None, description="the day targets are due; default: the last offer's expiry")
    behind_by_percent: float = Field(
        default=25, ge=0, le=100, description="a KPI this far below its expected pace is a blocker for its owner"
    )


class Split(Strict):
    cost: dict[PartnerId, Percent]
    revenue: dict[PartnerId, Percent]


class Right(Strict):
    asset: str = Field(min_length=1, description="deliverable id or file in the campaign folder")
    owner: PartnerId
    licence: str = Field(min_length=1)
    co_created: bool = False


class Approval(Strict):
    approved: bool = False
    by: str | None = None
    date: dt.date | None = None


def _default_aspects() -> list[Aspect]:
    return ["16:9"]


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# The apps whose safe zones render/safe_zones.yaml holds (a unit test keeps the two lists equal).
PLATFORMS = ("reels", "tiktok", "shorts", "stories", "youtube")
Platform = Literal["reels", "tiktok", "shorts", "stories", "youtube"]


class Cuts(Strict):
    aspects: list[Aspect] = Field(default_factory=_default_aspects, min_length=1)
    # Apps whose own buttons and captions the cuts must stay clear of (render/safe_zones.yaml).
    platforms: Annotated[list[Platform], AfterValidator(_unique)] = Field(default_factory=list)
    max_duration_s: float = Field(default=60, gt=0)


class Glossary(Strict):
    keep: list[str] = Field(default_factory=list, description="terms never translated")
    fixed: dict[LanguageTag, dict[str, str]] = Field(
        default_factory=dict, description="per language: source term -> required translation"
    )


ALL_LANGUAGES = "all"


def _rules_key(key: str) -> str:
    return key if key == ALL_LANGUAGES else _valid_language(key)


class ReadingRules(Strict):
    """A campaign's own readability rules, over the defaults in subtitles/rules.yaml (same names)."""

    max_lines: int | None = Field(default=None, ge=1, le=3)
    max_chars_per_line: float | None = Field(default=None, ge=8, le=80)
    max_cps: float | None = Field(default=None, gt=0, le=40, description="characters per second")
    min_duration_s: float | None = Field(default=None, gt=0, le=5)
    max_duration_s: float | None = Field(default=None, gt=0, le=20)
    min_gap_frames: int | None = Field(default=None, ge=0, le=12)
    max_lag_out_s: float | None = Field(default=None, ge=0, le=2)
    max_lead_in_s: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _durations_in_order(self) -> ReadingRules:
        low, high = self.min_duration_s, self.max_duration_s
        if low is not None and high is not None and low >= high:
            raise ValueError(
                f"min_duration_s ({low:g}) must be less than max_duration_s ({high:g}); "
                "lower min_duration_s or raise max_duration_s"
            )
        return self

    def as_overrides(self) -> dict[str, float]:
        return {key: value for key, value in self.model_dump().items() if value is not None}


class SubtitleSettings(Strict):
    rules: dict[Annotated[str, AfterValidator(_rules_key)], ReadingRules] = Field(
        default_factory=dict,
        description="'all' or a language tag -> rules; a language's own entry wins over 'all'",
    )

    def overrides_for(self, language: str) -> dict[str, float]:
        """'all', then the language's primary subtag (zh), then the full tag (zh-Hans)."""
        primary = language.split("-", 1)[0]
        merged: dict[str, float] = {}
        for key in dict.fromkeys([ALL_LANGUAGES, primary, language]):
            if key in self.rules:
                merged.update(self.rules[key].as_overrides())
        return merged


CheckIn = Literal["weekly", "fortnightly", "monthly"]
UnreviewedCuts = Literal["draft", "hold"]


class TranslationSettings(Strict):
    unreviewed_cuts: UnreviewedCuts = Field(
        default="draft",
        description="cuts whose subtitles or end card hold a string that needs review: 'draft' burns a "
        "'DRAFT – translation not reviewed' mark into them; 'hold' leaves them out of the bundles",
    )


class Campaign(Strict):
    title: str = Field(min_length=1)
    source_language: LanguageTag = "en"
    languages: list[LanguageTag] = Field(min_length=1)
    partners: list[Partner] = Field(min_length=2)
    deliverables: list[Deliverable] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    measurement: Measurement = Field(default_factory=Measurement)
    split: Split
    rights: list[Right] = Field(default_factory=list)
    approvals: dict[PartnerId, Approval] = Field(default_factory=dict)
    check_in: CheckIn = "weekly"
    cuts: Cuts = Field(default_factory=Cuts)
    glossary: Glossary = Field(default_factory=Glossary)
    subtitles: SubtitleSettings = Field(default_factory=SubtitleSettings)
    translation: TranslationSettings = Field(default_factory=TranslationSettings)

    def partner(self, partner_id: str) -> Partner:
        return next(p for p in self.partners if p.id == partner_id)

    @property
    def partner_ids(self) -> list[str]:
        return [p.id for p in self.partners]

    def languages_for(self, partner_id: str) -> list[str]:
        """The languages a partner's bundle holds, in the campaign's order; no list means all of them."""
        asked = self.partner(partner_id).languages
        return [lang for lang in self.languages if not asked or lang in asked]

    def partners_for(self, language: str) -> list[str]:
        """Partners whose bundle holds `language`, in the campaign's order."""
        return [p for p in self.partner_ids if language in self.languages_for(p)]


class BrandColours(Strict):
    primary: HexColour
    secondary: HexColour = "#FFFFFF"
    text: HexColour = "#FFFFFF"


class BrandKit(Strict):
    """assets/partners/<id>/brand.yaml"""

    name: str = Field(min_length=1)
    colours: BrandColours
    tagline: str | None = None
    locale: LanguageTag = "en"
    logo: str = "logo.png"
    font: str | None = None


def is_slug(value: str) -> bool:
    return re.fullmatch(SLUG_PATTERN, value) is not None
