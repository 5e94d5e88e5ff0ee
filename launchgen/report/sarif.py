"""SARIF 2.1.0, as GitHub code scanning uploads it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from launchgen import __version__
from launchgen.problem import Problem
from launchgen.report.common import DOCS_URL, fingerprints


def report(
    problems: Sequence[Problem], *, tool: str, rule_help: Mapping[str, str], **_: Any
) -> str:
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
