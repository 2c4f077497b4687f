"""Every pin has a reason, and pyproject.toml and requirements.lock agree on versions."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO


def _lock() -> dict[str, tuple[str, str]]:
    entries = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        requirement, _, note = line.partition("#")
        if "==" in requirement:
            name, version = requirement.strip().split("==")
            entries[re.sub(r"[-_.]+", "-", name).lower()] = (version, note.strip())
    return entries


def test_every_locked_pin_says_why_it_is_there() -> None:
    unexplained = [name for name, (_, note) in _lock().items() if not note or note == "UNEXPLAINED"]
    assert not unexplained, f"give these a reason (scripts/annotate_lock.py) or remove them: {unexplained}"


def test_pyproject_pins_are_the_locked_versions() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lock = _lock()
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, _, version = spec.partition("==")
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key == "torch":
            continue  # installed first by scripts/setup.sh, the CPU build
        assert key in lock, f"{spec} is in pyproject.toml but not in requirements.lock"
        if version:
            assert lock[key][0] == version, f"{spec}: requirements.lock pins {lock[key][0]}"
