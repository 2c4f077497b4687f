"""Where installed models are looked for, in order, and what each one's origin is.

Three kinds of folder, searched in this order (the first that has a pair wins):
  1. the project's models folder ($JOINTCAMPAIGN_HOME/models): `models install` writes here;
  2. argostranslate's own package folders ($ARGOS_PACKAGES_DIR, ~/.local/share/argos-translate/
     packages): models the user installed with argospm or argostranslate, used where they are,
     never copied and never written;
  3. the demo folder ($JOINTCAMPAIGN_HOME/demo-models): `models demo` writes here only, so a demo
     phrase-table model can never replace or shadow a real one.

Each package the project installs gets a small record beside its metadata.json saying where it
came from (file, index or demo), from which path or URL, and the sha256 of the archive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jointcampaign.settings import ModelShelf

__all__ = ["ModelShelf", "as_shelf", "origin_record", "read_origin_record", "write_origin_record"]

ORIGIN_RECORD = ".jointcampaign-origin.json"
ORIGINS = ("file", "index", "demo")
# A package with no record: in an argostranslate folder it came from argospm/argostranslate;
# in our own folder it was installed by a version of the project that kept no record.
EXTERNAL = ModelShelf.EXTERNAL
UNRECORDED = ModelShelf.UNRECORDED


def as_shelf(models: Path | ModelShelf) -> ModelShelf:
    """A bare folder is a shelf of one (tests and builders pass a single folder)."""
    return models if isinstance(models, ModelShelf) else ModelShelf(installed=models)


def origin_record(origin: str, source: str, sha256: str) -> dict[str, Any]:
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}, not {origin!r}")
    return {"origin": origin, "source": source, "sha256": sha256}


def write_origin_record(package_dir: Path, record: dict[str, Any]) -> None:
    """Written into the staged package before it is moved in, so it is never missing or half there."""
    (package_dir / ORIGIN_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def read_origin_record(package_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((package_dir / ORIGIN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
