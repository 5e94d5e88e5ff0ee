"""GitLab Code Quality (a CodeClimate subset): the merge request widget's format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from launchgen.problem import Problem
from launchgen.report.common import fingerprints


def report(problems: Sequence[Problem], **_: Any) -> str:
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
