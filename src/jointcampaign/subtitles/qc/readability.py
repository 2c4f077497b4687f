"""Per-language readability rules (from rules.yaml) and a check of cues against them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.qc.textmetrics import primary_subtag, reading_length

_KEYS = {
    "max_lines": "max_lines",
    "max_chars_per_line": "max_chars_per_line",
    "max_cps": "max_cps",
    "min_duration_s": "min_duration",
    "max_duration_s": "max_duration",
    "min_gap_frames": "min_gap_frames",
    "frame_rate": "frame_rate",
    "max_lag_out_s": "max_lag_out",
    "max_lead_in_s": "max_lead_in",
}


@dataclass(frozen=True)
class Rules:
    language: str
    max_lines: int
    max_chars_per_line: float
    max_cps: float
    min_duration: float  # seconds
    max_duration: float  # seconds
    min_gap_frames: int
    frame_rate: float
    max_lag_out: float  # seconds a cue may stay after its sentence's time, when reading needs it
    max_lead_in: float  # seconds a cue may appear before its sentence's time, when reading needs it

    @property
    def min_gap(self) -> float:
        return self.min_gap_frames / self.frame_rate

    @property
    def min_gap_ms(self) -> int:
        return math.ceil(self.min_gap * 1000)

    @property
    def max_chars_per_cue(self) -> float:
        return self.max_lines * self.max_chars_per_line


@lru_cache(maxsize=1)
def _rule_table() -> dict[str, Any]:
    text = files("jointcampaign.subtitles").joinpath("rules.yaml").read_text(encoding="utf-8")
    table: dict[str, Any] = yaml.safe_load(text)
    for settings in [table["defaults"], *table["languages"].values()]:
        unknown = set(settings) - set(_KEYS)
        if unknown:
            raise ValueError(f"rules.yaml: unknown setting(s) {sorted(unknown)}; known: {sorted(_KEYS)}")
    return table


def rules_for(
    lang: str, frame_rate: float | None = None, overrides: Mapping[str, float] | None = None
) -> Rules:
    """The rules for a BCP 47 tag (`zh-Hant` uses `zh`'s); unknown languages get the defaults.

    `overrides` (rules.yaml's names, e.g. {"max_cps": 15}) are a campaign's own choices."""
    table = _rule_table()
    unknown = set(overrides or {}) - set(_KEYS)
    if unknown:
        raise ValueError(f"unknown readability setting(s) {sorted(unknown)}; known: {sorted(_KEYS)}")
    settings = {**table["defaults"], **table["languages"].get(primary_subtag(lang), {}), **(overrides or {})}
    values = {_KEYS[key]: value for key, value in settings.items()}
    rules = Rules(language=lang, **values)
    return replace(rules, frame_rate=frame_rate) if frame_rate else rules


@dataclass(frozen=True)
class CueIssue:
    index: int
    rule: str  # "lines", "line_length", "cps", "min_duration", "max_duration", "gap"; check.py: "video_end"
    message: str
    value: float
    limit: float
    source_line: int | None = None

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["value"] = self.value if math.isfinite(self.value) else None  # JSON has no infinity
        return data


@dataclass(frozen=True)
class ReadabilitySummary:
    language: str
    total: int
    within_rules: int
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def percent_within(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.within_rules / self.total

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "percent_within": round(self.percent_within, 2)}


def check_cues(cues: Sequence[Cue], lang: str, rules: Rules | None = None) -> list[CueIssue]:
    rules = rules or rules_for(lang)
    issues: list[CueIssue] = []
    for position, cue in enumerate(cues):
        following = cues[position + 1] if position + 1 < len(cues) else None
        issues.extend(_cue_issues(cue, following, lang, rules))
    return issues


def summarize(cues: Sequence[Cue], issues: Sequence[CueIssue], lang: str) -> ReadabilitySummary:
    flagged = {issue.index for issue in issues}
    return ReadabilitySummary(
        language=lang,
        total=len(cues),
        within_rules=sum(1 for cue in cues if cue.index not in flagged),
        by_rule=dict(Counter(issue.rule for issue in issues)),
    )


def _cue_issues(cue: Cue, following: Cue | None, lang: str, rules: Rules) -> list[CueIssue]:
    found: list[CueIssue] = []

    def flag(rule: str, message: str, value: float, limit: float) -> None:
        found.append(CueIssue(cue.index, rule, message, round(value, 3), limit, cue.source_line))

    lines = cue.lines
    if len(lines) > rules.max_lines:
        flag("lines", f"{len(lines)} lines; at most {rules.max_lines}", len(lines), rules.max_lines)
    longest = max((reading_length(line, lang) for line in lines), default=0.0)
    if longest > rules.max_chars_per_line:
        flag(
            "line_length",
            f"a line of {longest:g} characters; at most {rules.max_chars_per_line:g}",
            longest,
            rules.max_chars_per_line,
        )
    length = reading_length(cue.text, lang)
    cps = length / cue.duration if cue.duration > 0 else math.inf
    if length and cps > rules.max_cps:
        flag("cps", f"{cps:.1f} characters per second; at most {rules.max_cps:g}", cps, rules.max_cps)
    if cue.duration < rules.min_duration - 0.0005:
        flag(
            "min_duration",
            f"on screen {cue.duration:.3f} s; at least {rules.min_duration:g} s",
            cue.duration,
            rules.min_duration,
        )
    if cue.duration > rules.max_duration + 0.0005:
        flag(
            "max_duration",
            f"on screen {cue.duration:.3f} s; at most {rules.max_duration:g} s",
            cue.duration,
            rules.max_duration,
        )
    if following is not None:
        gap = following.start - cue.end
        if gap < rules.min_gap - 0.0005:
            what = "overlaps the next cue" if gap < 0 else f"{gap * 1000:.0f} ms before the next cue"
            flag("gap", f"{what}; leave at least {rules.min_gap_frames} frames", gap, rules.min_gap)
    return found
