"""A problem launchgen reports: where, what, how bad, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. `path` is relative to the repo root (POSIX separators); line and
    column are 1-based. Rules set everything but `severity`, which configuration decides.
    """

    path: str
    line: int
    column: int
    rule: str
    message: str
    severity: Severity = "error"
    hint: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


def count_failing(problems: list[Problem] | tuple[Problem, ...], strict: bool = False) -> int:
    """How many problems fail a run: errors, and warnings too when strict."""
    failing = {"error", "warning"} if strict else {"error"}
    return sum(1 for p in problems if p.severity in failing)
