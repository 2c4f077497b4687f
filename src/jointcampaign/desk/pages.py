"""The desk's HTML: autoescaping Jinja2 templates (templates/desk_*.html) fed with plain view data."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from jointcampaign.portal.pages import human_size

TEMPLATES = Path(__file__).parent / "templates"
UPLOAD_GROUP = ""  # problems about the upload as a whole, shown next to the file inputs


def problem_groups(
    files: list[str], problems: list[dict[str, Any]]
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Problems by the file they are about, in the upload's file order; the upload itself first."""
    grouped: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for problem in problems:
        if problem.get("field") in ("upload", "campaign") and not _is_listed(problem, files):
            key = UPLOAD_GROUP
        else:
            key = str(problem.get("file") or UPLOAD_GROUP)
        grouped.setdefault(key, []).append(problem)
    order = {name: index for index, name in enumerate(files)}
    return sorted(
        grouped.items(), key=lambda item: (item[0] != UPLOAD_GROUP, order.get(item[0], len(order)), item[0])
    )


def _is_listed(problem: dict[str, Any], files: list[str]) -> bool:
    return bool(problem.get("file")) and problem.get("file") in files


def anchor(name: str) -> str:
    """An id for a file's section: readable, and safe in HTML and CSS."""
    return "file-" + "".join(c if c.isalnum() else "-" for c in name) if name else "upload-problems"


class DeskPages:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["human_size"] = human_size
        self.env.globals["anchor"] = anchor

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)
