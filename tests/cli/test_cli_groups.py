"""The `jointcampaign` command mounts every group the README documents, one way, at import."""

from __future__ import annotations

from typer.main import get_command

from jointcampaign.cli.app import app


def test_every_documented_group_and_command_is_mounted() -> None:
    command = get_command(app)
    names = set(command.commands)  # type: ignore[attr-defined]
    assert {"models", "bundle", "portal", "subtitles", "review"} <= names
    assert {"new", "validate", "run", "translate", "submit", "status"} <= names
