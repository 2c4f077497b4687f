"""One exception hierarchy. Every message names what is wrong and how to fix it.

The CLI turns :class:`UserInputError` into a readable report and exit code 2, and any other
:class:`JointCampaignError` into exit code 1; only genuine bugs escape as tracebacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, precise enough to fix without reading code."""

    file: Path | None
    message: str
    fix: str
    line: int | None = None
    field: str | None = None
    severity: str = "error"  # "error" stops the run; "warning" is reported and the run goes on

    def location(self) -> str:
        where = str(self.file) if self.file is not None else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return where

    def render(self) -> str:
        parts = [self.location()]
        if self.field:
            parts.append(f"[{self.field}]")
        parts.append(self.message)
        return " ".join(parts) + f"\n    fix: {self.fix}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.file) if self.file is not None else None,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "fix": self.fix,
            "severity": self.severity,
        }


class JointCampaignError(Exception):
    """Base class for every error this project raises on purpose."""


@dataclass
class UserInputError(JointCampaignError):
    """The user's input is wrong; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)

    def __reduce__(self) -> tuple[type[UserInputError], tuple[list[Problem]]]:
        # Crosses process boundaries (model builds, Dask workers): rebuilt from its problems, not
        # from Exception.args, which holds the rendered text.
        return (type(self), (self.problems,))

    @classmethod
    def single(
        cls,
        file: Path | None,
        message: str,
        fix: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> UserInputError:
        return cls([Problem(file=file, message=message, fix=fix, line=line, field=field)])


class ToolMissingError(JointCampaignError):
    """A program or model the project needs is not installed; the message says how to install it."""


class DownloadError(JointCampaignError):
    """A model index or package could not be fetched; worth retrying, so not bad input (exit 1)."""


class StoreUnavailableError(JointCampaignError):
    """A database server the project counts into does not answer (down, restarting, unreachable)."""


class StageFailedError(JointCampaignError):
    """A pipeline stage failed on valid input (an encoder crashed, a model produced nothing)."""


class RepeatableStageError(StageFailedError):
    """A stage failure that the same inputs reproduce on every try (text that cannot fit a platform's
    safe zone): reported at once, never retried."""
