"""Reporters: problems as text, JSON, SARIF, GitHub annotations, JUnit XML or GitLab Code Quality.

A plain registry, as check-jsonschema keeps its reporters: a format name maps to a
function from problems to the text printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launchgen.problem import Problem

Reporter = Callable[..., str]


def _lazy(name: str) -> Reporter:
    """The reporter `name` of report.formats, imported when first called (fast startup)."""

    def reporter(problems: Sequence[Problem], **options: Any) -> str:
        from launchgen.report import formats

        function: Reporter = getattr(formats, name)
        return function(problems, **options)

    reporter.__name__ = name
    return reporter


REPORTER_BY_NAME: dict[str, Reporter] = {
    "text": _lazy("text"),
    "json": _lazy("json_report"),
    "sarif": _lazy("sarif"),
    "github": _lazy("github"),
    "junit": _lazy("junit"),
    "gitlab": _lazy("gitlab"),
}
FORMATS = tuple(REPORTER_BY_NAME)


def default_format(environ: Mapping[str, str] | None = None) -> str:
    """GitHub annotations under GitHub Actions, text elsewhere."""
    environ = os.environ if environ is None else environ
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def render(
    problems: Sequence[Problem],
    fmt: str,
    *,
    color: bool = False,
    tool: str = "launchgen lint",
    rule_help: Mapping[str, str] | None = None,
) -> str:
    """The report of `problems` in format `fmt` (a key of REPORTER_BY_NAME)."""
    return REPORTER_BY_NAME[fmt](
        sorted(problems), color=color, tool=tool, rule_help=rule_help or {}
    )
