"""`jointcampaign new`: a campaign folder that validates, for a marketing lead to fill in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from jointcampaign.errors import UserInputError
from jointcampaign.fileio import write_text_atomic
from jointcampaign.spec.load import find_assets_dir
from jointcampaign.spec.models import is_slug

PALETTE = ["#6F4E37", "#C2185B", "#1565C0", "#2E7D32", "#EF6C00", "#6A1B9A"]


@dataclass(frozen=True)
class Scaffolded:
    folder: Path
    created_kits: list[Path]


def scaffold_campaign(folder: Path, partners: list[str], languages: list[str], today: dt.date) -> Scaffolded:
    _check_arguments(folder, partners, languages)
    assets = find_assets_dir(folder.parent if not folder.exists() else folder)
    created = [
        _brand_kit(assets / "partners" / pid, pid, PALETTE[i % len(PALETTE)])
        for i, pid in enumerate(partners)
    ]
    first, second = partners[0], partners[1]
    due = today + dt.timedelta(days=14)
    expires = today + dt.timedelta(days=60)
    data = {
        "title": f"{_title(first)} × {_title(second)}",
        "source_language": "en",
        "languages": languages,
        "partners": [
            {"id": pid, "languages": languages, "link_base": f"https://{pid}.example/campaign"}
            for pid in partners
        ],
        "deliverables": [
            {"id": "post", "kind": "copy", "source": "copy/post.md", "owner": first, "due": due},
            {
                "id": "video",
                "kind": "video",
                "source": "video/main.mp4",
                "subtitles": "video/main.srt",
                "owner": second,
                "due": due,
            },
        ],
        "offers": [
            {
                "code": _code(first),
                "for_customers_of": first,
                "honoured_by": second,
                "discount": "10%",
                "terms": f"Show a {_title(first)} receipt at {_title(second)}.",
                "expires": expires,
            },
            {
                "code": _code(second),
                "for_customers_of": second,
                "honoured_by": first,
                "discount": "10%",
                "terms": f"Show a {_title(second)} receipt at {_title(first)}.",
                "expires": expires,
            },
        ],
        "kpis": [
            {
                "metric": f"Redemptions of {_code(first)}",
                "target": 20,
                "owner": second,
                "measured_by": "code_redemptions",
                "code": _code(first),
            },
            {
                "metric": f"Redemptions of {_code(second)}",
                "target": 20,
                "owner": first,
                "measured_by": "code_redemptions",
                "code": _code(second),
            },
        ],
        "split": {"cost": _even(partners), "revenue": _even(partners)},
        "rights": [
            {"asset": "post", "owner": first, "licence": "Both partners may use it", "co_created": True},
            {"asset": "video", "owner": second, "licence": "Both partners may use it", "co_created": True},
        ],
        "approvals": {pid: {"approved": False} for pid in partners},
        "check_in": "weekly",
        "cuts": {"aspects": ["16:9"], "max_duration_s": 30},
        "glossary": {"keep": [_title(p) for p in partners], "fixed": {}},
    }
    header = (
        "# Joint campaign. Fill in every field; `jointcampaign validate` checks it.\n"
        "# Field reference: README.md, section 'The campaign folder'.\n"
    )
    (folder / "copy").mkdir(parents=True, exist_ok=True)
    (folder / "video").mkdir(exist_ok=True)
    (folder / "review").mkdir(exist_ok=True)
    write_text_atomic(
        folder / "campaign.yaml", header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    write_text_atomic(folder / "copy" / "post.md", "# Write your headline here.\n\nWrite your post here.\n")
    write_text_atomic(
        folder / "video" / "main.srt", "1\n00:00:00,500 --> 00:00:03,000\nWrite your subtitles here.\n\n"
    )
    return Scaffolded(folder=folder, created_kits=[k for k in created if k is not None])


def _check_arguments(folder: Path, partners: list[str], languages: list[str]) -> None:
    problems = []
    if (folder / "campaign.yaml").exists():
        raise UserInputError.single(
            folder / "campaign.yaml", "already exists", "choose a new folder name; nothing was changed"
        )
    if len(partners) < 2 or len(set(partners)) != len(partners):
        raise UserInputError.single(
            None,
            "--partners needs at least two different partner ids",
            "e.g. --partners corner-cafe,rosas-flowers",
        )
    for pid in partners:
        if not is_slug(pid):
            problems.append(pid)
    if problems:
        raise UserInputError.single(
            None,
            f"partner ids must be lowercase letters, digits and '-': {', '.join(problems)}",
            "e.g. --partners corner-cafe,rosas-flowers",
        )
    if not languages:
        raise UserInputError.single(None, "no target languages", "pass --languages es,vi (for example)")


def _brand_kit(folder: Path, partner_id: str, colour: str) -> Path | None:
    if (folder / "brand.yaml").exists():
        return None
    from jointcampaign.demo.media import make_logo

    folder.mkdir(parents=True, exist_ok=True)
    kit = {
        "name": _title(partner_id),
        "colours": {"primary": colour, "secondary": "#FFFFFF", "text": "#FFFFFF"},
        "tagline": "Replace with your tagline",
        "locale": "en",
        "logo": "logo.png",
    }
    write_text_atomic(folder / "brand.yaml", yaml.safe_dump(kit, sort_keys=False, allow_unicode=True))
    make_logo(folder / "logo.png", _title(partner_id), colour)
    return folder


def _title(partner_id: str) -> str:
    return " ".join(word.capitalize() for word in partner_id.split("-"))


def _code(partner_id: str) -> str:
    letters = "".join(ch for ch in partner_id.upper() if ch.isalnum())[:6]
    return f"{letters or 'CODE'}10"


def _even(partners: list[str]) -> dict[str, float]:
    share = round(100 / len(partners), 2)
    shares = {pid: share for pid in partners}
    shares[partners[-1]] = round(100 - share * (len(partners) - 1), 2)
    return shares
