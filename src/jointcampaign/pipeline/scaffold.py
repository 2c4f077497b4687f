"""`jointcampaign new`: a campaign folder that validates, for a marketing lead to fill in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from jointcampaign.campaign.load import find_assets_dir
from jointcampaign.campaign.models import is_slug
from jointcampaign.errors import UserInputError
from jointcampaign.fileio import write_text_atomic

PALETTE = ["#6F4E37", "#C2185B", "#1565C0", "#2E7D32", "#EF6C00", "#6A1B9A"]

HEADER = (
    "# Joint campaign. Fill in every field; `jointcampaign validate` checks it.\n"
    "# Field reference: README.md, section 'The campaign folder'.\n"
)
# The comment above each section of campaign.yaml: what the section is for, in a marketing lead's words.
SECTION_NOTES = {
    "title": "The campaign's name, as both partners will see it in the brief.",
    "source_language": "The language the copy and subtitles are written in (BCP 47, e.g. en).",
    "languages": "The languages to translate into: the languages of both partners' customers.",
    "partners": "The businesses taking part: id = their brand kit folder under assets/partners/,\n"
    "the languages of their community, and the web address their tracked links start with.",
    "deliverables": "Every piece somebody must supply: which file, who owns it, when it is due.",
    "offers": "Cross-referral offers: customers of one partner get a discount at the other.",
    "kpis": "The goals, who owns each, and how it is measured.",
    "split": "How cost and revenue are shared, in percent per partner (each must add up to 100).",
    "rights": "Who owns each asset and what the other partner may do with it.",
    "approvals": "Each partner's sign-off. Set approved: true, by (a name) and date when agreed.",
    "check_in": "How often the partners meet: weekly, fortnightly or monthly.",
    "cuts": "Video shapes to render (16:9, 9:16, 1:1, 4:5) and the longest cut in seconds.",
    "glossary": "keep: names never translated; fixed: per language, term → the translation to use.",
}
# Lists of plain values up to this length are written on one line: [es, vi].
_FLOW_WIDTH = 80


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
    (folder / "copy").mkdir(parents=True, exist_ok=True)
    (folder / "video").mkdir(exist_ok=True)
    (folder / "review").mkdir(exist_ok=True)
    write_text_atomic(folder / "campaign.yaml", readable_yaml(data, SECTION_NOTES, HEADER))
    write_text_atomic(folder / "copy" / "post.md", "# Write your headline here.\n\nWrite your post here.\n")
    write_text_atomic(
        folder / "video" / "main.srt", "1\n00:00:00,500 --> 00:00:03,000\nWrite your subtitles here.\n\n"
    )
    return Scaffolded(folder=folder, created_kits=[k for k in created if k is not None])


class _ReadableDumper(yaml.SafeDumper):
    """Plain YAML for people: no anchors or aliases (`&id001`/`*id001`), short lists on one line."""

    def ignore_aliases(self, data: object) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key, as people write them


class _Section(dict[str, object]):
    """One top-level section: always written as a block, whatever its size."""


def _represent_list(dumper: yaml.SafeDumper, data: list[object]) -> yaml.nodes.SequenceNode:
    plain = all(isinstance(item, str | int | float | bool | dt.date) for item in data)
    short = len(", ".join(map(str, data))) <= _FLOW_WIDTH
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=plain and short)


def _represent_section(dumper: yaml.SafeDumper, data: _Section) -> yaml.nodes.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


def _represent_dict(dumper: yaml.SafeDumper, data: Mapping[object, object]) -> yaml.nodes.MappingNode:
    # A small mapping of plain values (a split, an approval) reads best on one line too.
    plain = all(isinstance(value, str | int | float | bool | dt.date) for value in data.values())
    short = bool(data) and len(", ".join(f"{k}: {v}" for k, v in data.items())) <= _FLOW_WIDTH // 2
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=plain and short)


_ReadableDumper.add_representer(list, _represent_list)
_ReadableDumper.add_representer(dict, _represent_dict)
_ReadableDumper.add_representer(_Section, _represent_section)


def readable_yaml(data: Mapping[str, object], notes: Mapping[str, str], header: str = "") -> str:
    """`data` as YAML a marketing lead can edit: each top-level section under a comment saying
    what it is for, separated by a blank line; it loads back to exactly `data`."""
    sections = []
    for key, value in data.items():
        comment = "".join(f"# {line}\n" for line in notes.get(key, "").splitlines())
        body = yaml.dump(_Section({key: value}), Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=100)
        sections.append(comment + body)
    return header + "\n" + "\n".join(sections)


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
    # 50 reads better than 50.0 in the file a marketing lead edits.
    return {pid: int(value) if value.is_integer() else value for pid, value in shares.items()}
