"""Collect what is wrong with one subtitle file, so the reader reports everything at once.

Warnings of one kind are folded into a single Problem ("... and 40 more like this"): a
1 300-cue file with zero-based numbering deserves one warning, not 1 300.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jointcampaign.errors import Problem, UserInputError

MAX_ERRORS = 20


@dataclass
class _Tally:
    line: int | None
    message: str
    fix: str
    count: int = 1


class Findings:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._warnings: dict[str, _Tally] = {}
        self._errors: list[Problem] = []

    def warn(self, kind: str, line: int | None, message: str, fix: str) -> None:
        tally = self._warnings.get(kind)
        if tally is None:
            self._warnings[kind] = _Tally(line, message, fix)
        else:
            tally.count += 1

    def error(self, line: int | None, message: str, fix: str) -> None:
        self._errors.append(Problem(file=self.path, line=line, message=message, fix=fix))

    @property
    def has_errors(self) -> bool:
        return bool(self._errors)

    def warnings(self) -> list[Problem]:
        problems = []
        for tally in self._warnings.values():
            message = tally.message
            if tally.count > 1:
                message += f" (and {tally.count - 1} more like this)"
            problems.append(
                Problem(file=self.path, line=tally.line, message=message, fix=tally.fix, severity="warning")
            )
        return problems

    def raise_if_errors(self) -> None:
        if not self._errors:
            return
        shown = self._errors[:MAX_ERRORS]
        hidden = len(self._errors) - len(shown)
        if hidden:
            shown.append(
                Problem(
                    file=self.path,
                    message=f"{hidden} more errors of the kinds above",
                    fix="fix the ones listed and run again to see the rest",
                )
            )
        raise UserInputError(shown)
