"""HTML pages: view models built from bundles, rendered by autoescaping Jinja2 templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from jointcampaign.metrics.summary import KpiReport
from jointcampaign.portal.catalog import Bundle, PayloadFile

TEMPLATES = Path(__file__).parent / "templates"
GROUP_TITLES = {
    "video": "Videos",
    "posters": "Posters",
    "subtitles": "Subtitles",
    "copy": "Copy",
    "": "Documents",
}


@dataclass(frozen=True)
class Track:
    language: str
    url: str
    default: bool


@dataclass(frozen=True)
class Cut:
    language: str
    aspect: str
    video_url: str
    download_url: str
    poster_url: str | None
    tracks: list[Track]
    draft: bool = False  # shows a string nobody reviewed: the mark is burned in, and said here too


@dataclass(frozen=True)
class FileLink:
    rel: str
    size: str
    url: str
    download_url: str


def file_url(slug: str, rel: str, *, download: bool = False) -> str:
    return f"/campaigns/{quote(slug)}/files/{quote(rel)}" + ("?download=1" if download else "")


def zip_url(slug: str) -> str:
    return f"/campaigns/{quote(slug)}/bundle.zip"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def cuts_of(bundle: Bundle) -> list[Cut]:
    """One player per cut listed in manifest.json whose video really is in the bag."""
    vtts = sorted(rel for rel in bundle.files if rel.startswith("subtitles/") and rel.endswith(".vtt"))
    cuts = []
    for cut in bundle.manifest.get("cuts", []):
        video = str(cut.get("path", ""))
        if video not in bundle.files:
            continue
        language = str(cut.get("language", ""))
        poster = str(cut.get("poster", ""))
        # No track is on by default: the cut's own language is burned into the picture already.
        tracks = [Track(Path(rel).stem, file_url(bundle.slug, rel), False) for rel in vtts]
        cuts.append(
            Cut(
                language=language,
                aspect=str(cut.get("aspect", "")),
                video_url=file_url(bundle.slug, video),
                download_url=file_url(bundle.slug, video, download=True),
                poster_url=file_url(bundle.slug, poster) if poster in bundle.files else None,
                tracks=tracks,
                draft=cut.get("draft") is True,
            )
        )
    return cuts


def file_groups(bundle: Bundle) -> list[tuple[str, list[FileLink]]]:
    grouped: dict[str, list[FileLink]] = {}
    for rel, listed in sorted(bundle.files.items()):
        top = rel.split("/", 1)[0] if "/" in rel else ""
        grouped.setdefault(top, []).append(_link(bundle.slug, listed))
    order = [key for key in GROUP_TITLES if key in grouped] + sorted(set(grouped) - set(GROUP_TITLES))
    return [(GROUP_TITLES.get(key, key.capitalize()), grouped[key]) for key in order]


def _link(slug: str, listed: PayloadFile) -> FileLink:
    return FileLink(
        listed.rel,
        human_size(listed.size),
        file_url(slug, listed.rel),
        file_url(slug, listed.rel, download=True),
    )


class Pages:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def campaigns(self, partner_name: str | None, bundles: list[Bundle]) -> str:
        return self.render("campaigns.html", partner_name=partner_name, bundles=bundles)

    def campaign(
        self,
        bundle: Bundle,
        zip_info: tuple[Path, str] | None,
        results: KpiReport | None = None,
        *,
        results_unavailable: bool = False,
    ) -> str:
        posters = [rel for rel in sorted(bundle.files) if rel.startswith("posters/")]
        documents = [
            (rel, label) for rel, label in (("brief.html", "Campaign brief"), ("qc.html", "QC report"))
        ]
        return self.render(
            "campaign.html",
            partner_name=bundle.partner_name,
            bundle=bundle,
            pending=bundle.pending(),
            approvals=bundle.approvals(),
            cuts=cuts_of(bundle),
            posters=[(rel, file_url(bundle.slug, rel)) for rel in posters],
            documents=[
                (label, file_url(bundle.slug, rel)) for rel, label in documents if rel in bundle.files
            ],
            groups=file_groups(bundle),
            zip_url=zip_url(bundle.slug),
            zip_size=human_size(zip_info[0].stat().st_size) if zip_info else None,
            zip_sha256=zip_info[1] if zip_info else None,
            blockers=[b for b in bundle.manifest.get("blockers", []) if isinstance(b, dict)],
            results=results,
            results_unavailable=results_unavailable,
            plots=[
                (f"/campaigns/{quote(bundle.slug)}/kpis/{quote(name)}", text)
                for name, text in (results.plot_files() if results else [])
            ],
        )

    def error(self, status: int, title: str, message: str, partner_name: str | None = None) -> str:
        return self.render(
            "error.html", status=status, title=title, message=message, partner_name=partner_name
        )
