"""Tracked links: a partner's base URL with lowercase UTM parameters naming campaign, partner, language, cut."""

from __future__ import annotations

from jointcampaign.metrics.links import utm_url


def tracked_link(
    base: str, campaign: str, partner: str, language: str | None = None, cut: str | None = None
) -> str:
    content = None
    if language:
        content = language if cut is None else f"{language}-{cut.replace(':', 'x')}"
    return utm_url(base, campaign, partner, content)
