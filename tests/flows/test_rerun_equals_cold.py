"""After any sequence of runs, damage, repairs, real edits and killed runs, a rerun ships exactly what
a cold run into an empty output folder ships: same bag files, same bytes, same zip.

Seeded random sequences (JOINTCAMPAIGN_RERUN_SEQUENCES=N for more than the default few, and
JOINTCAMPAIGN_RERUN_SEED to replay one), plus the issue's own three steps. Real Prefect API (test
harness), real demo models, real video at a small height; killed runs are real `jointcampaign run`
processes sent SIGKILL as a process group.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.flows.test_flow_incremental import REVIEW_ES
from tests.helpers.cli import BIN

pytestmark = pytest.mark.slow

SLUG = "demo-cafe-florist"
LANGUAGES = ["es", "vi"]
SEQUENCES = int(os.environ.get("JOINTCAMPAIGN_RERUN_SEQUENCES", "3"))
FIRST_SEED = int(os.environ.get("JOINTCAMPAIGN_RERUN_SEED", "1"))
STEPS_PER_SEQUENCE = 5


@pytest.fixture(scope="module")
def api_url(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path_factory.mktemp("rerun-home")
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCAMPAIGN_HOME", str(home))
        patch.setenv("JOINTCAMPAIGN_RENDER_HEIGHT", "180")
        with prefect_test_harness(server_startup_timeout=120):
            yield str(PREFECT_API_URL.value())


@dataclass
class Campaign:
    """The campaign folder under test, with the good bytes of every file a step may damage."""

    folder: Path
    good: dict[Path, bytes | None] = field(default_factory=dict)  # None: the file did not exist

    def remember(self, relative: str) -> Path:
        path = self.folder / relative
        self.good.setdefault(path, path.read_bytes() if path.exists() else None)
        return path


def damage_video(c: Campaign, rng: random.Random) -> str:
    path = c.remember("video/main.mp4")
    data = c.good[path] or b""
    path.write_bytes(data[: rng.randint(len(data) // 5, len(data) // 2)])
    return "video truncated"


def damage_subtitles(c: Campaign, rng: random.Random) -> str:
    c.remember("video/main.srt").write_text(
        "1\n00:00:05,000 --> 00:00:01,000\n\n\nnot a cue\n", encoding="utf-8"
    )
    return "subtitles broken"


def damage_copy(c: Campaign, rng: random.Random) -> str:
    c.remember("copy/post.md").write_bytes(b"\xff\xfe not utf-8 \x80")
    return "copy not UTF-8"


def damage_logo(c: Campaign, rng: random.Random) -> str:
    path = c.remember("../../assets/partners/rosas-flowers/logo.png")
    path.write_bytes((c.good[path] or b"")[: rng.randint(8, 40)])
    return "logo truncated"


def damage_review(c: Campaign, rng: random.Random) -> str:
    c.remember("review/es.po").write_text('msgid "unterminated\nmsgstr 12\n', encoding="utf-8")
    return "review file broken"


def restore(c: Campaign, rng: random.Random) -> str:
    for path, data in c.good.items():
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(data)
    return "inputs restored"


def edit_review(c: Campaign, rng: random.Random) -> str:
    path = c.folder / "review" / "es.po"
    path.write_text(REVIEW_ES, encoding="utf-8")
    c.good[path] = path.read_bytes()
    return "a Spanish line reviewed"


def edit_offer(c: Campaign, rng: random.Random) -> str:
    spec = c.folder / "campaign.yaml"
    text = spec.read_text(encoding="utf-8")
    current = re.search(r"discount: (\d+%)", text)
    assert current is not None
    discount = rng.choice([d for d in ("10%", "12%", "15%", "20%") if d != current.group(1)])
    spec.write_text(text.replace(current.group(0), f"discount: {discount}", 1), encoding="utf-8")
    c.good[spec] = spec.read_bytes()
    return f"an offer changed to {discount}"


DAMAGE: list[Callable[[Campaign, random.Random], str]] = [
    damage_video, damage_subtitles, damage_copy, damage_logo, damage_review,
]  # fmt: skip
EDITS: list[Callable[[Campaign, random.Random], str]] = [edit_review, edit_offer]


def bundles(out: Path) -> dict[str, str]:
    """Every file of every bag and zip of the campaign, by path and sha256."""
    root = out / SLUG
    files = [
        p for p in root.glob("*/**/*") if p.is_file() and not p.relative_to(root).parts[0].startswith(".")
    ]
    files += list(root.glob("*.zip"))
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def temp_leftovers(out: Path) -> list[Path]:
    from jointcampaign.pipeline.leftovers import find_leftovers
    from jointcampaign.pipeline.output_paths import OutputLayout

    return find_leftovers(OutputLayout(out, SLUG))


def run_flow(campaign: Path, out: Path) -> str:
    """The flow in this process; 'refused' when validation stops it (nothing is written then)."""
    from jointcampaign.errors import UserInputError
    from jointcampaign.flows.localize_campaign import localize_campaign

    try:
        summary = localize_campaign(campaign_dir=campaign, out_dir=out, languages=LANGUAGES)
    except UserInputError:
        return "refused"
    return "partial" if summary.failures else "completed"  # type: ignore[attr-defined]


def killed_run(campaign: Path, out: Path, api_url: str, rng: random.Random) -> str:
    """A real `jointcampaign run` sent SIGKILL (its whole process group) at a random moment."""
    env = {**os.environ, "PREFECT_API_URL": api_url, "COLUMNS": "120"}
    command = [str(BIN), "run", str(campaign), "--out", str(out), "--languages", ",".join(LANGUAGES)]
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # The kill lands a random moment after the run took the campaign's lock (it writes its pid into
    # it), while it translates, renders or bundles; a run here takes a few seconds.
    lock = out / SLUG / ".run.lock"
    while process.poll() is None and not _holds(lock, process.pid):
        time.sleep(0.05)
    delay = rng.uniform(0.0, 1.5)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return f"run killed {delay:.1f} s into its work"
    return f"run finished (exit {process.returncode}) before the kill at {delay:.1f} s"


def _holds(lock: Path, pid: int) -> bool:
    try:
        return lock.read_text(encoding="utf-8").strip() == str(pid)
    except OSError:
        return False


@dataclass
class Checker:
    campaign: Campaign
    scratch: Path
    cold_by_inputs: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def inputs_key(self) -> str:
        """The campaign, its brand kits and the machine's translation memory (reviews are remembered)."""
        work = self.campaign.folder.parent.parent
        home = Path(os.environ["JOINTCAMPAIGN_HOME"])
        files = [p for p in work.rglob("*") if p.is_file()]
        files += [p for p in home.rglob("*") if p.is_file() and "models" not in p.relative_to(home).parts]
        digest = hashlib.sha256()
        for path in sorted(files):
            digest.update(path.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def cold(self) -> tuple[str, dict[str, str]]:
        """A cold run of the campaign as it is now, into an empty folder (remembered per input state)."""
        key = self.inputs_key()
        if key not in self.cold_by_inputs:
            out = self.scratch / f"cold-{len(self.cold_by_inputs)}"
            status = run_flow(self.campaign.folder, out)
            self.cold_by_inputs[key] = (status, bundles(out) if status != "refused" else {})
            shutil.rmtree(out, ignore_errors=True)
        return self.cold_by_inputs[key]

    def rerun_equals_cold(self, out: Path, history: list[str]) -> None:
        before = bundles(out)
        status = run_flow(self.campaign.folder, out)
        cold_status, cold_files = self.cold()
        assert status == cold_status, (history, status, cold_status)
        if status == "refused":  # validation refused the inputs: the bundles already there are untouched
            assert bundles(out) == before, history
            return
        now = bundles(out)
        differing = sorted(
            name for name in now.keys() | cold_files.keys() if now.get(name) != cold_files.get(name)
        )
        assert not differing, (history, differing)
        assert temp_leftovers(out) == [], history


def test_the_issue_sequence_damaged_then_restored_video(
    api_url: str, campaign_copy: Path, tmp_path: Path
) -> None:
    campaign = Campaign(campaign_copy)
    checker = Checker(campaign, tmp_path)
    out = tmp_path / "out"
    assert run_flow(campaign.folder, out) == "completed"
    damage_video(campaign, random.Random(0))
    checker.rerun_equals_cold(out, ["good run", "video truncated"])
    restore(campaign, random.Random(0))
    checker.rerun_equals_cold(out, ["good run", "video truncated", "restored"])
    videos = [name for name in bundles(out) if name.endswith(".mp4")]
    assert len(videos) == 3  # es for both partners, vi for the café's bag

    # The doctor sees the failed step's stored results (never reused) and, with --fix, removes them;
    # the cache still holds every step, so the next run makes nothing again and ships the same bundles.
    from typer.testing import CliRunner

    from jointcampaign.cli.app import app

    shipped = bundles(out)
    found = CliRunner().invoke(app, ["doctor", str(out), "--json"])
    assert found.exit_code == 1, found.output
    kinds = {item["kind"] for item in json.loads(found.output)[0]["findings"]}
    assert "failed-record" in kinds and kinds <= {"failed-record", "unclaimed-output"}, kinds
    assert CliRunner().invoke(app, ["doctor", str(out), "--fix"]).exit_code == 0
    healthy = CliRunner().invoke(app, ["doctor", str(out)])
    assert healthy.exit_code == 0 and "nothing stale" in healthy.output, healthy.output
    from jointcampaign.flows.localize_campaign import localize_campaign

    again = localize_campaign(campaign_dir=campaign.folder, out_dir=out, languages=LANGUAGES)
    assert again.rebuilt == [] and bundles(out) == shipped  # type: ignore[attr-defined]
    fresh = localize_campaign(campaign_dir=campaign.folder, out_dir=out, languages=LANGUAGES, fresh=True)
    assert len(fresh.rebuilt) == 9 and bundles(out) == shipped  # type: ignore[attr-defined]


def plan_sequence(rng: random.Random, index: int) -> list[str]:
    """Two kinds of damage (the default sequences cover all five between them), each later repaired,
    with real edits and killed runs (each after an edit) at random places between."""
    damages = [DAMAGE[(2 * index + k) % len(DAMAGE)].__name__ for k in range(2)]
    rng.shuffle(damages)
    steps: list[str] = []
    for damage in damages:
        steps.append(damage)
        steps += rng.sample(["edit", "kill"], k=rng.randint(0, 2))
        steps.append("restore")
    steps.insert(rng.randint(0, len(steps)), "kill")
    return steps


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + SEQUENCES))
def test_random_sequences_rerun_equals_cold_run(
    api_url: str, campaign_copy: Path, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    campaign = Campaign(campaign_copy)
    checker = Checker(campaign, tmp_path)
    out = tmp_path / "out"
    history = [f"seed {seed}", "good run"]
    assert run_flow(campaign.folder, out) == "completed"
    damages = {action.__name__: action for action in DAMAGE}
    for step in plan_sequence(rng, seed - 1):
        if step in damages:
            history.append(damages[step](campaign, rng))
        elif step == "restore":
            history.append(restore(campaign, rng))
        elif step == "edit":
            history.append(rng.choice(EDITS)(campaign, rng))
        else:  # an edit first, so the killed run has real work to be killed in
            history.append(rng.choice(EDITS)(campaign, rng))
            history.append(killed_run(campaign.folder, out, api_url, rng))
        checker.rerun_equals_cold(out, history)
    print("; ".join(history))
