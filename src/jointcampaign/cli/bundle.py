"""`jointcampaign bundle ...`: check the bundles partners receive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jointcampaign.bundle.verify import verify_bundle
from jointcampaign.cli.support import EXIT_BAD_INPUT, console, print_problems

bundle_app = typer.Typer(help="Check partner bundles (BagIt bags and their zips).", no_args_is_help=True)


@bundle_app.callback()
def _bundle() -> None:
    """Check partner bundles (BagIt bags and their zips)."""


@bundle_app.command("verify")
def verify(
    path: Annotated[Path, typer.Argument(help="A bundle folder (BagIt bag) or its .zip.")],
) -> None:
    """Check every checksum and the structure of a bundle; exit 0 if intact, 2 if not.

    A changed byte, a missing file and an extra file are each reported with their path.

    Example: jointcampaign bundle verify out/spring/corner-cafe.zip
    """
    problems = verify_bundle(path)
    if problems:
        print_problems(problems, title=f"{escape(str(path))} is not intact")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(f"[green]✓[/] {escape(str(path))}: every file and checksum is intact", highlight=False)


if __name__ == "__main__":
    bundle_app()
