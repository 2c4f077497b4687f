"""The `jointcampaign` command line: one module per command group, mounted by app.py.

The edge of the project: each command builds Settings once, calls the pipeline or a library, and
turns every user mistake into a message and exit code 2 (support.py).
"""

from __future__ import annotations


def main() -> None:
    """The console script's entry point (imported lazily, so `import jointcampaign.cli.x` stays light)."""
    from jointcampaign.cli.app import main as run

    run()
