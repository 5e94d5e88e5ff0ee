"""GitHub Actions workflow commands: one annotation a problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from launchgen.problem import Problem
from launchgen.report.common import safe


def _github_escape(value: str, *, property_: bool = False) -> str:
    value = safe(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def report(problems: Sequence[Problem], **_: Any) -> str:
    """GitHub Actions workflow commands: one annotation a problem."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for p in problems:
        props = f"file={_github_escape(p.path, property_=True)},line={p.line},col={p.column}"
        props += f",title={_github_escape(p.rule, property_=True)}"
        message = p.message + (f" (hint: {p.hint})" if p.hint else "")
        lines.append(f"::{level[p.severity]} {props}::{_github_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
