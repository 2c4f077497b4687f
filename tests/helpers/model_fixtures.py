"""Shared fixtures for slow tests: real demo translation models, built once and cached.

`demo_models_dir` builds the five demo models (en→es, vi, ar, hi, zh) on first use, into a cache
keyed by each phrase table's hash: $JOINTCAMPAIGN_TEST_CACHE if set (reused across sessions, so
later runs only install), otherwise a temp folder of this session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jointcampaign.translate.models.store import InstalledModel


@pytest.fixture(scope="session")
def demo_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("JOINTCAMPAIGN_TEST_CACHE")
    if configured:
        cache = Path(configured).expanduser()
        cache.mkdir(parents=True, exist_ok=True)
        return cache
    return tmp_path_factory.mktemp("demo-model-cache")


@pytest.fixture(scope="session")
def demo_models(demo_model_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> list[InstalledModel]:
    from jointcampaign.translate.training.builder import ensure_demo_models

    models_dir = tmp_path_factory.mktemp("demo-home") / "models"
    return ensure_demo_models(models_dir, demo_model_cache)


@pytest.fixture(scope="session")
def demo_models_dir(demo_models: list[InstalledModel]) -> Path:
    """A models folder with all five demo models installed. Treat it as read-only."""
    return demo_models[0].path.parent


@pytest.fixture(scope="session")
def demo_home(demo_models_dir: Path) -> Path:
    """A JOINTCAMPAIGN_HOME whose models/ holds the five demo models (for CLI and flow runs)."""
    return demo_models_dir.parent
