"""Tracked links: one stable id per referring partner × language × cut × placement, and its target URL."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

# ids are derived, not random, so a rerun prints the same QR codes as a cold run; 12 base32
# characters (60 bits) are short enough for a small QR code and too many to enumerate
LINK_ID_PATTERN = re.compile(r"^[a-z2-7]{12}$")
# end-card: the QR code of a video cut; post: a link written into copy; brief: the link the
# partners' brief shows for each partner's customers (so the brief's clicks count too)
PLACEMENTS = ("end-card", "post", "brief")


@dataclass(frozen=True)
class TrackedLink:
    id: str
    referrer: str  # whose audience sees the link (whose bundle holds it)
    destination: str  # whose page it opens
    language: str
    cut: str  # an aspect such as 16:9 for end cards, "text" for links written into posts
    placement: str
    url: str  # the destination page with UTM parameters

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackedLink:
        return cls(**{key: str(data[key]) for key in cls.__dataclass_fields__})


def link_id(campaign: str, referrer: str, language: str, cut: str, placement: str) -> str:
    key = "\x1f".join((campaign, referrer, language, cut, placement)).encode("utf-8")
    return base64.b32encode(hashlib.sha256(key).digest()).decode("ascii").lower()[:12]


def is_link_id(value: str) -> bool:
    return LINK_ID_PATTERN.fullmatch(value) is not None


def utm_url(base: str, campaign: str, source: str, content: str | None = None) -> str:
    """`base` with utm_source/medium/campaign(/content), every value lowercase (analytics tools are case-sensitive)."""
    parts = urlsplit(base)
    params = {"utm_source": source.lower(), "utm_medium": "referral", "utm_campaign": campaign.lower()}
    if content:
        params["utm_content"] = content.lower()
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def is_web_target(url: str) -> bool:
    """Only absolute http(s) URLs with a host are ever redirected to."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "\\" not in url


def redirect_url(portal_url: str, link: str) -> str:
    return f"{portal_url.rstrip('/')}/r/{link}"


def content_tag(language: str, cut: str, placement: str) -> str:
    """utm_content: "es-16x9" for an end card of the 16:9 cut, "es-post" for a link in a post, "en-brief"
    for the link in the brief."""
    return f"{language}-{cut.replace(':', 'x')}" if placement == "end-card" else f"{language}-{placement}"
