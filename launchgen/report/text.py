"""The text format: `path:line:col: severity rule-id message`, then the hint, indented."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from launchgen.problem import Problem
from launchgen.report.common import safe, summary

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


def report(problems: Sequence[Problem], *, color: bool, **_: Any) -> str:
    """`path:line:col: severity rule-id message`, then the hint, indented."""
    lines = []
    for p in problems:
        where = f"{safe(p.path)}:{p.line}:{p.column}:"
        severity: str = p.severity
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[p.severity]}{severity}{_RESET}"
        lines.append(f"{where} {severity} {safe(p.rule)} {safe(p.message)}")
        if p.hint:
            hint = f"  hint: {safe(p.hint)}"
            lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    if problems:
        lines.append(f"Found {summary(problems)}.")
    return "\n".join(lines) + ("\n" if lines else "")
