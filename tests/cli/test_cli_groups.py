"""The `jointcampaign` command mounts every group the README documents, one way, at import."""

from __future__ import annotations

from typer.main import get_command

from jointcampaign.cli.app import app


def test_every_documented_group_and_command_is_mounted() -> None:
    command = get_command(app)
    names = set(command.commands)  # type: ignore[attr-defined]
    assert {"models", "bundle", "portal", "subtitles", "review"} <= names
    assert {"new", "validate", "run", "translate", "submit", "status"} <= names


def _every_command(command: object, path: str = "jointcampaign") -> list[tuple[str, object]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _every_command(sub, f"{path} {name}")
    return found


def test_every_command_and_group_help_teaches_with_an_example() -> None:
    # The README promises it: a newcomer typing `jointcampaign portal token --help` should see a
    # command line to copy, not only a list of subcommands.
    without = [
        path
        for path, command in _every_command(get_command(app))
        if "example" not in (getattr(command, "help", None) or "").lower()
    ]
    assert without == []
