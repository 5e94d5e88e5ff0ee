"""`launchgen diff` output: text for people, JSON for pipelines."""

from __future__ import annotations

import json
from typing import Any

from launchgen.diff.semantic import DiffResult


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str) if value is not None else "(absent)"


def text(result: DiffResult, color: bool = False) -> str:
    red, green, dim, reset = ("\033[31m", "\033[32m", "\033[2m", "\033[0m") if color else ("", "", "", "")
    lines = []
    if result.old_version or result.new_version:
        lines.append(f"app version: {result.old_version} -> {result.new_version}")
    for res in result.resources:
        if res.status == "added":
            lines.append(f"{green}+ {res.label}{reset}  (added)")
        elif res.status == "removed":
            lines.append(f"{red}- {res.label}{reset}  (removed)")
        else:
            lines.append(f"~ {res.label}")
            for change in res.fields:
                entry = f"    {change.path}: {_show(change.old)} -> {_show(change.new)}"
                lines.append(f"{dim}{entry}  (app version){reset}" if change.derived else f"{red}{entry}{reset}")
    verdict = ("only app-version-derived changes" if result.only_app_version
               else f"{result.other_changes} change(s) not derived from the app version")
    lines.append(f"{result.derived_changes} app-version-derived change(s); {verdict}.")
    return "\n".join(lines) + "\n"


def as_json(result: DiffResult) -> str:
    payload = {
        "oldAppVersion": result.old_version,
        "newAppVersion": result.new_version,
        "onlyAppVersion": result.only_app_version,
        "resources": [
            {
                "kind": r.kind,
                "namespace": r.namespace,
                "name": r.name,
                "status": r.status,
                "changes": [
                    {"path": f.path, "old": f.old, "new": f.new, "appVersionDerived": f.derived} for f in r.fields
                ],
            }
            for r in result.resources
        ],
    }
    return json.dumps(payload, indent=2, default=str) + "\n"
