"""Where every output of a run goes. One place, so the flow, the CLI and the portal agree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def aspect_slug(aspect: str) -> str:
    return aspect.replace(":", "x")


@dataclass(frozen=True)
class OutputLayout:
    """OUT/<slug>/<partner>/ is a partner's bag; OUT/<slug>/<partner>.zip its download."""

    out_dir: Path
    slug: str

    @property
    def campaign_dir(self) -> Path:
        return self.out_dir / self.slug

    @property
    def work_dir(self) -> Path:
        return self.campaign_dir / ".work"

    @property
    def cache_dir(self) -> Path:
        """Where the orchestrator keeps its records of finished steps (see src/jointcampaign/flows/caching.py)."""
        return self.work_dir / "cache"

    def copy_dir(self, language: str) -> Path:
        return self.work_dir / "copy" / language

    def subtitle_file(self, language: str, suffix: str) -> Path:
        return self.work_dir / "subtitles" / f"{language}{suffix}"

    def cut_file(self, partner: str, language: str, aspect: str) -> Path:
        return self.work_dir / "video" / partner / language / f"{aspect_slug(aspect)}.mp4"

    def poster_file(self, partner: str, language: str, aspect: str) -> Path:
        return self.work_dir / "posters" / partner / f"{language}-{aspect_slug(aspect)}.jpg"

    def payload_dir(self, partner: str) -> Path:
        return self.work_dir / "payload" / partner

    def bag_dir(self, partner: str) -> Path:
        return self.campaign_dir / partner

    def zip_file(self, partner: str) -> Path:
        return self.campaign_dir / f"{partner}.zip"
