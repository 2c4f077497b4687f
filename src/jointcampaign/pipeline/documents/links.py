"""Tracked links: a partner's base URL with UTM parameters naming campaign, partner, language, cut."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit


def tracked_link(
    base: str, campaign: str, partner: str, language: str | None = None, cut: str | None = None
) -> str:
    parts = urlsplit(base)
    params = {"utm_source": partner, "utm_medium": "referral", "utm_campaign": campaign}
    if language:
        params["utm_content"] = language if cut is None else f"{language}-{cut.replace(':', 'x')}"
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
