"""`jointcampaign translate` for a quick look: argument or stdin, blank lines kept, bad pair → exit 2."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import BIN, run_cli


@pytest.mark.slow
def test_translate_an_argument_and_stdin(tmp_path: Path, demo_home: Path) -> None:
    env = {"JOINTCAMPAIGN_HOME": str(demo_home)}
    one = run_cli(["translate", "--to", "vi", "Fresh coffee at Corner Café."], cwd=tmp_path, env=env)
    assert one.returncode == 0 and one.stdout == "Cà phê mới pha tại Corner Café.\n"
    piped = subprocess.run(
        [str(BIN), "translate", "--to", "zh-Hans"],
        input="Two shops. One street. Two gifts.\n\nSee you on Maple Street!\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "JOINTCAMPAIGN_HOME": str(demo_home)},
        check=False,
    )
    assert piped.returncode == 0
    assert piped.stdout == "两家小店。一条街。两份礼物。\n\nMaple Street 见！\n"


def test_translate_without_a_model_says_how_to_install(tmp_path: Path) -> None:
    result = run_cli(
        ["translate", "--to", "vi", "hello"],
        cwd=tmp_path,
        env={"JOINTCAMPAIGN_HOME": str(tmp_path / "empty")},
    )
    assert result.returncode == 2
    assert "jointcampaign models install" in result.stderr and "Traceback" not in result.stderr
