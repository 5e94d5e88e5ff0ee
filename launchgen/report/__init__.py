"""Reporters: problems as text, JSON, SARIF, GitHub annotations, JUnit XML or GitLab Code Quality.

A plain registry, as check-jsonschema keeps its reporters: a format name maps to the
module `launchgen.report.<module>` whose `report(problems, *, color, tool, rule_help)`
returns the text printed. A new format is one such module and one line below;
`--format` offers it at once (lint and validate read FORMATS).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launchgen.problem import Problem

Reporter = Callable[..., str]


def _lazy(module: str) -> Reporter:
    """The reporter of `launchgen.report.<module>`, imported when first called (fast startup)."""

    def reporter(problems: Sequence[Problem], **options: Any) -> str:
        from importlib import import_module

        function: Reporter = import_module(f"launchgen.report.{module}").report
        return function(problems, **options)

    reporter.__name__ = module
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
