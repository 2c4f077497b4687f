"""A coarse class of the browser that clicked: enough to tell phones (QR scans) from desktops, not a person."""

from __future__ import annotations

import re

UA_CLASSES = ("bot", "tablet", "mobile", "desktop", "other")
# crawlers, scripts, and the link-preview fetchers of social and chat apps
_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|externalhit|facebookcatalog|whatsapp|telegram|discord|embedly|"
    r"curl|wget|python|httpx|go-http|headless",
    re.I,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|phone|blackberry|opera mini|iemobile", re.I)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux|cros", re.I)


def ua_class(user_agent: str | None) -> str:
    """One of UA_CLASSES; the user-agent string itself is never stored."""
    agent = (user_agent or "").strip()
    if not agent:
        return "other"
    for name, pattern in (("bot", _BOT), ("tablet", _TABLET), ("mobile", _MOBILE), ("desktop", _DESKTOP)):
        if pattern.search(agent):
            return name
    return "other"
