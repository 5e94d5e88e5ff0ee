"""`launchgen diff` output: text for people, JSON for pipelines."""

from __future__ import annotations

import json
from typing import Any

from launchgen.diff.compare import Comparison, EnvironmentDiff
from launchgen.diff.semantic import DiffResult
from launchgen.display import printable


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str) if value is not None else "(absent)"


def _result_lines(result: DiffResult, indent: str, color: bool) -> list[str]:
    red, green, dim, reset = (
        ("\033[31m", "\033[32m", "\033[2m", "\033[0m") if color else ("", "", "", "")
    )
    lines = []
    if result.old_version or result.new_version:
        lines.append(
            f"{indent}app version: {printable(result.old_version)} -> {printable(result.new_version)}"
        )
    for res in result.resources:
        label = printable(res.label)
        if res.status == "added":
            lines.append(f"{indent}{green}+ {label}{reset}  (added)")
        elif res.status == "removed":
            lines.append(f"{indent}{red}- {label}{reset}  (removed)")
        else:
            lines.append(f"{indent}~ {label}")
            for change in res.fields:
                entry = (
                    f"{indent}    {printable(change.path)}: {printable(_show(change.old), limit=4000)} -> "
                    f"{printable(_show(change.new), limit=4000)}"
                )
                lines.append(
                    f"{dim}{entry}  (app version){reset}"
                    if change.derived
                    else f"{red}{entry}{reset}"
                )
    return lines


def _environment_lines(env: EnvironmentDiff, named: bool, color: bool) -> list[str]:
    red, reset = ("\033[31m", "\033[0m") if color else ("", "")
    name = printable(env.environment)
    if env.status == "added":
        return [f"{red}+ environment {name}{reset}  (only in NEW)"]
    if env.status == "removed":
        return [f"{red}- environment {name}{reset}  (only in OLD)"]
    lines = [f"environment {name}:"] if named else []
    if env.environment_changed:
        lines.append(f"{red}  the two sides are renders of different environments ({name}){reset}")
    assert env.result is not None
    return lines + _result_lines(env.result, "  " if named else "", color)


def text(comparison: Comparison, color: bool = False) -> str:
    named = len(comparison.environments) > 1
    lines: list[str] = []
    for env in comparison.environments:
        lines += _environment_lines(env, named, color)
    verdict = (
        "only app-version-derived changes"
        if comparison.only_app_version
        else f"{comparison.other_changes} change(s) not derived from the app version"
    )
    count = len(comparison.environments)
    scope = f" in {count} environments" if count > 1 else ""
    lines.append(f"{comparison.derived_changes} app-version-derived change(s){scope}; {verdict}.")
    return "\n".join(lines) + "\n"


def _resources(result: DiffResult, environment: str | None) -> list[dict[str, Any]]:
    return [
        {
            "environment": environment,
            "kind": r.kind,
            "namespace": r.namespace,
            "name": r.name,
            "status": r.status,
            "changes": [
                {"path": f.path, "old": f.old, "new": f.new, "appVersionDerived": f.derived}
                for f in r.fields
            ],
        }
        for r in result.resources
    ]


def as_json(comparison: Comparison) -> str:
    results = [e.result for e in comparison.environments if e.result is not None]
    olds = {r.old_version for r in results}
    news = {r.new_version for r in results}
    payload = {
        "oldAppVersion": olds.pop() if len(olds) == 1 else None,
        "newAppVersion": news.pop() if len(news) == 1 else None,
        "onlyAppVersion": comparison.only_app_version,
        "environments": [
            {
                "old": e.old_environment,
                "new": e.new_environment,
                "status": e.status,
                "onlyAppVersion": e.only_app_version,
                "oldAppVersion": e.result.old_version if e.result else None,
                "newAppVersion": e.result.new_version if e.result else None,
            }
            for e in comparison.environments
        ],
        "resources": [
            res
            for e in comparison.environments
            if e.result
            for res in _resources(e.result, e.environment)
        ],
    }
    return json.dumps(payload, indent=2, default=str) + "\n"
