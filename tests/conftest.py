"""Test-session environment: every folder a library might write to points into a temp dir.

Set at import time (before any test module imports argostranslate or prefect, which read their
settings on import), so a test run never touches the developer's HOME and runs without network.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.helpers.model_fixtures"]

REPO = Path(__file__).resolve().parents[1]
DEMO_CAMPAIGN = REPO / "campaigns" / "demo-cafe-florist"
DEMO_ASSETS = REPO / "assets"
# The shared real-world subtitle corpus sits beside the clone (CI lays a copy of shared/ there).
CORPUS = REPO.parent / "shared" / "corpus"
# CI sets this so a missing corpus fails the corpus tests instead of skipping them.
REQUIRE_CORPUS = "JOINTCAMPAIGN_REQUIRE_CORPUS"

_SESSION_ROOT = Path(tempfile.mkdtemp(prefix="jointcampaign-tests-"))
for _name, _sub in (
    ("XDG_DATA_HOME", "xdg-data"),
    ("XDG_CACHE_HOME", "xdg-cache"),
    ("XDG_CONFIG_HOME", "xdg-config"),
    ("JOINTCAMPAIGN_HOME", "jointcampaign-home"),
    ("PREFECT_HOME", "prefect-home"),
):
    os.environ[_name] = str(_SESSION_ROOT / _sub)
os.environ["ARGOS_PACKAGES_DIR"] = str(_SESSION_ROOT / "jointcampaign-home" / "models")
# No argostranslate folders of this machine in tests (tests of them set their own).
os.environ["JOINTCAMPAIGN_ARGOS_DIRS"] = ""
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ.setdefault("JOINTCAMPAIGN_RENDER_HEIGHT", "360")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `corpus` read ../shared/corpus: skip them in a lone clone, fail them in CI."""
    if item.get_closest_marker("corpus") is None or CORPUS.is_dir():
        return
    if os.environ.get(REQUIRE_CORPUS) == "1":
        pytest.fail(f"the subtitle corpus is missing at {CORPUS}, and {REQUIRE_CORPUS}=1 requires it")
    pytest.skip(f"needs the shared subtitle corpus at {CORPUS} (absent in a lone clone)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SESSION_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def session_root() -> Path:
    return _SESSION_ROOT


@pytest.fixture(scope="session")
def small_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 3 s, 320×180 H.264+AAC clip with a picture and a tone, made once per session."""
    from jointcampaign.demo.media import make_demo_video

    path = tmp_path_factory.mktemp("media") / "small.mp4"
    make_demo_video(path, width=320, height=180, fps=15, seconds=3.0)
    return path


@pytest.fixture(scope="session")
def demo_length_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """As `small_video`, but 10 s like the demo's own video, so every demo subtitle cue is inside it:
    for tests about the subtitles that never render a cut (cues past a video's end are left out)."""
    from jointcampaign.demo.media import make_demo_video

    path = tmp_path_factory.mktemp("media") / "demo-length.mp4"
    make_demo_video(path, width=320, height=180, fps=15, seconds=10.0)
    return path


@pytest.fixture
def campaign_copy(tmp_path: Path, small_video: Path) -> Iterator[Path]:
    """A private copy of the demo campaign and brand kits (with logos and a small video) to break or run."""
    from jointcampaign.demo.media import make_logo

    root = tmp_path / "work"
    folder = root / "campaigns" / DEMO_CAMPAIGN.name
    shutil.copytree(DEMO_CAMPAIGN, folder, ignore=shutil.ignore_patterns("*.mp4"))
    shutil.copytree(DEMO_ASSETS, root / "assets", ignore=shutil.ignore_patterns("logo.png"))
    make_logo(root / "assets/partners/corner-cafe/logo.png", "Corner Café", "#6F4E37", size=(128, 64))
    make_logo(root / "assets/partners/rosas-flowers/logo.png", "Rosa's Flowers", "#C2185B", size=(128, 64))
    shutil.copy(small_video, folder / "video" / "main.mp4")
    yield folder
