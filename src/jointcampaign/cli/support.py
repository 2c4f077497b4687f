"""Shared CLI plumbing: one console pair, and errors turned into exit codes (settings: Settings.for_process)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from jointcampaign.errors import JointCampaignError, Problem, ToolMissingError, UserInputError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NEEDS_REVIEW = 3  # --strict: the work is written, and some of it needs a person's review



def warn_needs_review(unsure: int, total: int, what: str, *, strict: bool, hint: str = "") -> None:
    """The closing warning of translate and subtitles translate: `unsure` of `total` items need a
    person's check; with --strict the command then exits EXIT_NEEDS_REVIEW (its output is written)."""
    if not unsure:
        return
    err_console.print(
        f"warning: {unsure} of {total} {what} need review: the engine is not sure of them{hint}; "
        "have a speaker of the language check them before use",
        style="yellow", highlight=False, markup=False, soft_wrap=True,
    )  # fmt: skip
    if strict:
        raise typer.Exit(EXIT_NEEDS_REVIEW)


GlossaryOption = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        help="Terms to keep and fixed translations: YAML like campaign.yaml's glossary, "
        "or one term per line (term<TAB>translation for a fixed one).",
    ),
]

console = Console()
err_console = Console(stderr=True)


def print_problems(problems: list[Problem], title: str = "Problems") -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        err_console.print(f"[bold red]{title}: {len(errors)} to fix[/]")
        for problem in errors:
            _print_problem(problem, "red")
    for problem in warnings:
        _print_problem(problem, "yellow", mark="! warning:")


def _print_problem(problem: Problem, colour: str, mark: str = "✗") -> None:
    # The mark, not only the colour, tells a warning from an error: output is often piped or logged.
    where = problem.location() + (f" [{problem.field}]" if problem.field else "")
    err_console.print(f"[{colour}]{mark}[/] [bold]{escape(where)}[/]", highlight=False, soft_wrap=True)
    err_console.print(f"    {problem.message}", highlight=False, markup=False, soft_wrap=True)
    err_console.print(f"    [dim]fix:[/] {escape(problem.fix)}", highlight=False, soft_wrap=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Bad input → its problems and exit 2; a missing tool → how to install it, exit 2; a failed stage → exit 1."""
    try:
        yield
    except UserInputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ToolMissingError as exc:
        err_console.print(f"[bold red]Missing:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except JointCampaignError as exc:
        err_console.print(f"[bold red]Failed:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_FAILED) from None


def split_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def language_tag(tag: str, option: str) -> str:
    """A language given on the command line, checked: UserInputError (exit 2) naming the option and the
    codes the models use when it is not a BCP 47 tag. Returns the tag as given."""
    from jointcampaign.translate.languages import to_argos_code

    try:
        to_argos_code(tag)
    except ValueError as err:
        raise UserInputError.single(None, str(err), "use a tag such as es, vi, pt-BR or zh-Hans", field=option) from err
    return tag
