"""The counting redirect behind every end-card QR code and tracked link: /r/<id> → the partner's page.

Targets come only from the plans the pipeline wrote next to the bundles (OUT/<campaign>/measure.json),
never from the request, so the portal cannot be made to send anyone anywhere else.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.metrics.links import TrackedLink, is_link_id, is_web_target
from jointcampaign.metrics.plan import PLAN_FILE, MeasurePlan, read_plan
from jointcampaign.portal.tokens import is_valid_name


@dataclass(frozen=True)
class Target:
    campaign: str
    link: TrackedLink


class LinkRegistry:
    """Every campaign's tracked links, re-read when a plan file changes (a new run), not per click."""

    # a new run's links are live within this many seconds; between checks a click costs no disk access
    RECHECK_S = 1.0

    def __init__(self, output_dir: Path) -> None:
        self.root = output_dir.resolve()
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._plans: dict[str, tuple[int, MeasurePlan | None]] = {}
        self._targets: dict[str, Target] = {}
        self._stamp: tuple[tuple[str, int], ...] = ()

    def _plan_files(self) -> list[tuple[str, Path]]:
        if not self.root.is_dir():
            return []
        return [
            (child.name, child / PLAN_FILE)
            for child in sorted(self.root.iterdir())
            if is_valid_name(child.name) and (child / PLAN_FILE).is_file()
        ]

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.RECHECK_S:
            return
        self._checked = now
        files = self._plan_files()
        stamp = tuple((slug, path.stat().st_mtime_ns) for slug, path in files)
        if stamp == self._stamp:
            return
        targets: dict[str, Target] = {}
        plans: dict[str, tuple[int, MeasurePlan | None]] = {}
        for (slug, path), (_, mtime) in zip(files, stamp, strict=True):
            plan = read_plan(path.parent)
            plans[slug] = (mtime, plan)
            if plan is None or plan.campaign != slug:
                continue
            for link in plan.links:
                if is_link_id(link.id) and is_web_target(link.url):
                    targets[link.id] = Target(slug, link)
        self._plans, self._targets, self._stamp = plans, targets, stamp

    def resolve(self, link_id: str) -> Target | None:
        if not is_link_id(link_id):
            return None
        with self._lock:
            self._refresh()
            return self._targets.get(link_id)

    def plan(self, slug: str) -> MeasurePlan | None:
        with self._lock:
            self._refresh()
            entry = self._plans.get(slug)
        return entry[1] if entry else None
