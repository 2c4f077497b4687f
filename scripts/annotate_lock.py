"""Rewrite requirements.lock with a reason on every pin, from the installed .venv's metadata.

A pin the project imports says so (`# imported: src, tests`); a pin nothing here imports names who
needs it (`# via prefect, uvicorn`) or, for a direct dependency, the reason in REASONS below. A pin
that is neither is reported and the script exits 1: delete it or give the reason.

Run after changing pins:  .venv/bin/python scripts/annotate_lock.py
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import Distribution, distributions, packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
SCANNED = ("src", "flows", "tests", "bench", "scripts")
# Direct pins that no module imports, and why they are pinned all the same.
REASONS = {
    "sqlalchemy": "Prefect's database layer; pinned: Prefect 3.8 silently never ran schedules on SQLAlchemy 2.1",
    "dask": "the Dask task runner's scheduler; pinned equal to distributed, which requires the same release",
    "ruff": "tool: make lint",
    "mypy": "tool: make lint",
    "import-linter": "tool: lint-imports, run by make lint and make test (import contracts in .importlinter)",
    "types-pyyaml": "type stubs for mypy",
}
HEADER = """\
# Every Python package, pinned to versions verified together (installed by scripts/setup.sh:
# torch==2.13.0, the CPU build, first; an unpinned torch would pull a multi-GB CUDA build).
# Each pin says why it is here: "imported: ..." (folders whose code imports it), "via ..." (the
# pinned packages that require it), or the reason a direct pin nothing imports is still needed.
# After changing pins, regenerate these notes: .venv/bin/python scripts/annotate_lock.py
"""


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            found[canonicalize_name(requirement.split("==")[0])] = requirement
    return found


def importers() -> dict[str, set[str]]:
    """Distribution → the folders whose code imports one of its top-level modules."""
    owners = packages_distributions()
    used: dict[str, set[str]] = {}
    for folder in SCANNED:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    for dist in owners.get(module.split(".")[0], []):
                        used.setdefault(canonicalize_name(dist), set()).add(folder)
    return used


def required_by(pinned: set[str]) -> dict[str, set[str]]:
    """Distribution → the pinned distributions that require it, through the extras they ask for
    (prefect asks for httpx[http2], which brings h2)."""
    metadata: dict[str, Distribution] = {canonicalize_name(d.metadata["Name"]): d for d in distributions()}
    wanted_extras: dict[str, set[str]] = {}
    needed: dict[str, set[str]] = {}
    for _ in range(3):  # extras asked for by a package found on the previous pass
        for name in pinned & metadata.keys():
            for raw in metadata[name].requires or []:
                requirement = Requirement(raw)
                extras = wanted_extras.get(name, set()) | {""}
                if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in extras):
                    continue
                target = canonicalize_name(requirement.name)
                needed.setdefault(target, set()).add(name)
                wanted_extras.setdefault(target, set()).update(requirement.extras)
    return needed


def main() -> int:
    pinned = pins()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = {
        canonicalize_name(re.split(r"[=<>!~\[; ]", spec)[0])
        for spec in project["dependencies"] + project["optional-dependencies"]["dev"]
    }
    # torch is pinned in scripts/setup.sh (installed first, CPU build), not in this file.
    used, needed = importers(), required_by(set(pinned) | {"torch"})
    lines, unexplained = [HEADER.rstrip("\n")], []
    for name, requirement in sorted(pinned.items()):
        if name in used:
            note = "imported: " + ", ".join(sorted(used[name]))
        elif name in direct and name in REASONS:
            note = REASONS[name]
        elif name in needed:
            note = "via " + ", ".join(sorted(needed[name]))
        else:
            unexplained.append(requirement)
            note = "UNEXPLAINED"
        lines.append(f"{requirement:<34} # {note}")
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for requirement in unexplained:
        print(f"{requirement}: nothing imports or requires it; remove it or add its reason", file=sys.stderr)
    return 1 if unexplained else 0


if __name__ == "__main__":
    raise SystemExit(main())
