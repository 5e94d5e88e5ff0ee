"""JUnit XML (GitLab's test report): a test case a problem, failures for errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from launchgen.problem import Problem
from launchgen.report.common import safe


def report(problems: Sequence[Problem], *, tool: str, **_: Any) -> str:
    """JUnit XML (GitLab's test report): a test case a problem, failures for errors."""
    from xml.sax.saxutils import escape, quoteattr

    failures = sum(1 for p in problems if p.severity == "error")
    cases = []
    for p in problems:
        name = quoteattr(safe(f"{p.rule} {p.path}:{p.line}:{p.column}"))
        body = escape(safe(p.message) + (f"\nhint: {safe(p.hint)}" if p.hint else ""))
        tag = "failure" if p.severity == "error" else "system-out"
        attrs = (
            f" message={quoteattr(safe(p.message))} type={quoteattr(safe(p.rule))}"
            if tag == "failure"
            else ""
        )
        cases.append(
            f"    <testcase classname={quoteattr(safe(p.path))} name={name}>\n      "
            f"<{tag}{attrs}>{body}</{tag}>\n    </testcase>"
        )
    if not cases:
        cases.append(f'    <testcase classname={quoteattr(tool)} name="no problems"/>')
    header = f'<testsuite name={quoteattr(tool)} tests="{max(len(problems), 1)}" failures="{failures}" errors="0">'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  '
        + header
        + "\n"
        + "\n".join(cases)
        + "\n  </testsuite>\n</testsuites>\n"
    )
