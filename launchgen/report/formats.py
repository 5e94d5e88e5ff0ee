"""The report formats. Each takes sorted problems and returns the whole report text."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from launchgen import __version__
from launchgen.display import printable
from launchgen.problem import Problem

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"
DOCS_URL = "https://launchgen.dev/rules/{rule}"


def _safe(value: str, limit: int = 4000) -> str:
    """Text from a repo (paths, messages quoting names) as one line of visible text:
    control characters, terminal escapes and undecodable bytes escaped (display.py)."""
    return printable(value, limit=limit)


def _summary(problems: Sequence[Problem]) -> str:
    counts = Counter(p.severity for p in problems)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
        for s in ("error", "warning", "info")
        if counts[s]
    ]
    return ", ".join(parts) if parts else "no problems"


def text(problems: Sequence[Problem], *, color: bool, **_: Any) -> str:
    """`path:line:col: severity rule-id message`, then the hint, indented."""
    lines = []
    for p in problems:
        where = f"{_safe(p.path)}:{p.line}:{p.column}:"
        severity: str = p.severity
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[p.severity]}{severity}{_RESET}"
        lines.append(f"{where} {severity} {_safe(p.rule)} {_safe(p.message)}")
        if p.hint:
            hint = f"  hint: {_safe(p.hint)}"
            lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    if problems:
        lines.append(f"Found {_summary(problems)}.")
    return "\n".join(lines) + ("\n" if lines else "")


def json_report(problems: Sequence[Problem], **_: Any) -> str:
    return json.dumps({"problems": [p.as_dict() for p in problems]}, indent=2) + "\n"


def _github_escape(value: str, *, property_: bool = False) -> str:
    value = _safe(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(problems: Sequence[Problem], **_: Any) -> str:
    """GitHub Actions workflow commands: one annotation a problem."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for p in problems:
        props = f"file={_github_escape(p.path, property_=True)},line={p.line},col={p.column}"
        props += f",title={_github_escape(p.rule, property_=True)}"
        message = p.message + (f" (hint: {p.hint})" if p.hint else "")
        lines.append(f"::{level[p.severity]} {props}::{_github_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def fingerprints(problems: Sequence[Problem]) -> list[str]:
    """A stable id per problem that survives lines moving: rule, path and message, plus
    the occurrence number among identical ones (as GitHub's primaryLocationLineHash)."""
    import hashlib

    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for p in problems:
        key = (p.rule, p.path, p.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join(key).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        out.append(f"{digest}:{seen[key]}")
    return out


def gitlab(problems: Sequence[Problem], **_: Any) -> str:
    """GitLab Code Quality (a CodeClimate subset): the merge request widget's format."""
    severity = {"error": "major", "warning": "minor", "info": "info"}
    issues = [
        {
            "type": "issue",
            "description": p.message + (f" (hint: {p.hint})" if p.hint else ""),
            "check_name": p.rule,
            "categories": ["Style" if p.rule == "yaml-lint" else "Bug Risk"],
            "fingerprint": fingerprint.replace(":", "-"),
            "severity": severity[p.severity],
            "location": {"path": p.path, "lines": {"begin": p.line}},
        }
        for p, fingerprint in zip(problems, fingerprints(problems), strict=False)
    ]
    return json.dumps(issues, indent=2) + "\n"


def sarif(problems: Sequence[Problem], *, tool: str, rule_help: Mapping[str, str], **_: Any) -> str:
    """SARIF 2.1.0, as GitHub code scanning uploads it."""
    level = {"error": "error", "warning": "warning", "info": "note"}
    rule_ids = sorted({p.rule for p in problems} | set(rule_help))
    rules = [
        {
            "id": rule,
            "shortDescription": {"text": rule_help.get(rule, rule)},
            "helpUri": DOCS_URL.format(rule=rule),
        }
        for rule in rule_ids
    ]
    index = {rule: i for i, rule in enumerate(rule_ids)}
    results = [
        {
            "ruleId": p.rule,
            "ruleIndex": index[p.rule],
            "level": level[p.severity],
            "message": {"text": p.message + (f" Hint: {p.hint}" if p.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": p.path},
                        "region": {"startLine": p.line, "startColumn": p.column},
                    }
                }
            ],
            "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        }
        for p, fingerprint in zip(problems, fingerprints(problems), strict=False)
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "launchgen",
                        "fullName": tool,
                        "version": __version__,
                        "informationUri": "https://launchgen.dev",
                        "rules": rules,
                    }
                },
                "results": results,
                # The analysis category: several uploads (one per repo) stay apart.
                "automationDetails": {"id": "launchgen-lint/"},
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def junit(problems: Sequence[Problem], *, tool: str, **_: Any) -> str:
    """JUnit XML (GitLab's test report): a test case a problem, failures for errors."""
    from xml.sax.saxutils import escape, quoteattr

    failures = sum(1 for p in problems if p.severity == "error")
    cases = []
    for p in problems:
        name = quoteattr(_safe(f"{p.rule} {p.path}:{p.line}:{p.column}"))
        body = escape(_safe(p.message) + (f"\nhint: {_safe(p.hint)}" if p.hint else ""))
        tag = "failure" if p.severity == "error" else "system-out"
        attrs = (
            f" message={quoteattr(_safe(p.message))} type={quoteattr(_safe(p.rule))}"
            if tag == "failure"
            else ""
        )
        cases.append(
            f"    <testcase classname={quoteattr(_safe(p.path))} name={name}>\n      "
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
