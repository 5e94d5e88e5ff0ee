"""Rules across two revisions: what a pull request may change, per the standard.

App repos: `appVersion` never leaves the placeholder; a changed chart has a higher
chart version (as chart-testing's check-version-increment); dependency upgrades are
reported old -> new; Chart.lock changes only together with Chart.yaml.
Properties and middleware repos: promoting a new appVersion (a new deployment record)
changes nothing else; values changes are reported per environment and key; deployment
records are append-only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from launchgen import semver, yamlio
from launchgen.gate.revisions import Change, RevisionPair
from launchgen.problem import Problem, Severity
from launchgen.records import RECORDS_DIR, RecordError, parse as parse_history
from launchgen.standard import APP_VERSION_PLACEHOLDER, REPO_CONFIG_FILE

CHART_FILES = ("Chart.yaml", "Chart.lock", "values.yaml", "values.schema.json", ".helmignore")
CHART_DIRS = ("templates/", "charts/", "crds/")


@dataclass(frozen=True)
class GateRule:
    """A cross-revision rule: its id, default severity and one-line summary (docs: module docstring)."""

    id: str
    severity: Severity
    summary: str
    hint: str


RULES: dict[str, GateRule] = {
    r.id: r
    for r in (
        GateRule("gate-app-version-placeholder", "error", "appVersion stays the magic placeholder in every revision",
                 f'restore appVersion: "{APP_VERSION_PLACEHOLDER}"; the version is set at render time'),
        GateRule("gate-chart-version-bump", "error", "a changed chart has a higher chart version",
                 "bump version in Chart.yaml (SemVer), e.g. 0.1.0 -> 0.1.1"),
        GateRule("gate-dependency-upgrade", "info", "dependency version changes are reported old -> new",
                 "check the dependency's changelog; `launchgen diff` shows what it changes in the manifests"),
        GateRule("gate-chart-lock-alone", "error", "Chart.lock changes only together with Chart.yaml",
                 "run `helm dependency update` after changing Chart.yaml, and commit both"),
        GateRule("gate-promotion-alone", "error", "a change promoting a new appVersion changes nothing else",
                 "split the pull request: the promotion alone, the other changes in their own"),
        GateRule("gate-values-change", "info", "values changes are reported per environment and key",
                 "review the change; it applies at the next deployment of that environment"),
        GateRule("gate-records-append-only", "error", "deployment records are append-only",
                 "restore the recorded entries; add new entries only at the end"),
    )
}


def _problem(rule_id: str, path: str, message: str, line: int = 1, column: int = 1) -> Problem:
    rule = RULES[rule_id]
    return Problem(path, line, column, rule.id, message, rule.severity, rule.hint)


def _yaml(pair: RevisionPair, which: str, path: str) -> Any:
    data = pair.read(which, path)
    if data is None:
        return None
    try:
        return yamlio.loads(yamlio.decode(data, path), path)
    except yamlio.YamlError:
        return None  # malformed files are the single-revision linter's business


def repo_kind(pair: RevisionPair) -> str | None:
    config = _yaml(pair, "head", REPO_CONFIG_FILE)
    return str(config.get("kind")) if isinstance(config, dict) and config.get("kind") else None


def check(pair: RevisionPair) -> list[Problem]:
    """Every cross-revision problem between the pair's base and head."""
    changes = pair.changes()
    if not changes:
        return []
    kind = repo_kind(pair)
    checks: list[Callable[[RevisionPair, list[Change]], Iterator[Problem]]]
    if kind == "app":
        checks = [_app_version_placeholder, _chart_version_bump, _dependency_upgrades, _chart_lock_alone]
    elif kind in ("properties", "middleware"):
        checks = [_records_append_only, _promotion_alone, _values_changes]
    else:
        checks = []
    return sorted(p for check_ in checks for p in check_(pair, changes))


def _changed(changes: list[Change]) -> set[str]:
    return {c.path for c in changes} | {c.old_path for c in changes if c.old_path}


# --- app repos -----------------------------------------------------------------

def _app_version_placeholder(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    if "Chart.yaml" not in _changed(changes):
        return
    head = _yaml(pair, "head", "Chart.yaml")
    if isinstance(head, dict) and str(head.get("appVersion")) != APP_VERSION_PLACEHOLDER:
        line, column = yamlio.position(head, ["appVersion"])
        yield _problem("gate-app-version-placeholder", "Chart.yaml",
                       f"appVersion changed to {head.get('appVersion')!r}; it must stay the placeholder",
                       line, column)


def _chart_changed(changes: list[Change]) -> bool:
    return any(p in CHART_FILES or p.startswith(CHART_DIRS) for p in _changed(changes))


def _chart_version_bump(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    if not _chart_changed(changes):
        return
    base, head = _yaml(pair, "base", "Chart.yaml"), _yaml(pair, "head", "Chart.yaml")
    if not isinstance(base, dict) or not isinstance(head, dict):
        return
    old, new = str(base.get("version")), str(head.get("version"))
    greater = semver.is_greater(new, old)
    if greater:
        return
    line, column = yamlio.position(head, ["version"])
    detail = "is not SemVer" if greater is None else ("is unchanged" if old == new else f"is lower than {old}")
    yield _problem("gate-chart-version-bump", "Chart.yaml",
                   f"the chart changed but its version {new} {detail}", line, column)


def _dependencies(chart: Any) -> dict[str, tuple[str, int]]:
    """name (or alias) -> (version, index) of a Chart.yaml's dependencies."""
    deps = chart.get("dependencies") if isinstance(chart, dict) else None
    if not isinstance(deps, list):
        return {}
    return {str(d.get("alias") or d.get("name")): (str(d.get("version")), i) for i, d in enumerate(deps) if isinstance(d, dict)}


def _dependency_upgrades(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    if "Chart.yaml" not in _changed(changes):
        return
    head = _yaml(pair, "head", "Chart.yaml")
    old, new = _dependencies(_yaml(pair, "base", "Chart.yaml")), _dependencies(head)
    for name, (version, index) in new.items():
        if name in old and old[name][0] != version:
            line, column = yamlio.position(head, ["dependencies", index, "version"])
            direction = "upgraded" if semver.is_greater(version, old[name][0]) else "changed"
            yield _problem("gate-dependency-upgrade", "Chart.yaml",
                           f"dependency {name} {direction}: {old[name][0]} -> {version}", line, column)


def _chart_lock_alone(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    changed = _changed(changes)
    if "Chart.lock" in changed and "Chart.yaml" not in changed:
        yield _problem("gate-chart-lock-alone", "Chart.lock", "Chart.lock changed but Chart.yaml did not")


# --- properties and middleware repos -----------------------------------------

def _record_files(changes: list[Change]) -> list[Change]:
    return [c for c in changes if (c.old_path or c.new_path or "").startswith(RECORDS_DIR + "/")]


def _entries(pair: RevisionPair, which: str, path: str | None) -> tuple[dict[str, Any], ...] | None:
    if path is None:
        return None
    data = pair.read(which, path)
    if data is None:
        return None
    try:
        return parse_history(yamlio.decode(data, path), path).entries
    except (RecordError, yamlio.YamlError):
        return None


def _records_append_only(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    for change in _record_files(changes):
        if change.old_path is None:
            continue  # a new environment's first record
        path = change.old_path
        if change.new_path is None:
            yield _problem("gate-records-append-only", path, "deployment record file deleted")
            continue
        base_text, head_text = pair.read("base", path) or b"", pair.read("head", change.new_path) or b""
        base_entries = _entries(pair, "base", path)
        head_entries = _entries(pair, "head", change.new_path)
        if base_entries is None or head_entries is None:
            if not head_text.startswith(base_text):
                yield _problem("gate-records-append-only", change.new_path,
                               "deployment record changed in a way that is not an append")
            continue
        for index, entry in enumerate(base_entries):
            if index >= len(head_entries):
                yield _problem("gate-records-append-only", change.new_path,
                               f"recorded entry seq {entry['seq']} was removed")
                break
            if head_entries[index] != entry:
                document = yamlio.loads(yamlio.decode(head_text, path), path)
                line, column = yamlio.position(document, ["entries", index])
                yield _problem("gate-records-append-only", change.new_path,
                               f"recorded entry seq {entry['seq']} was edited", line, column)
                break


def _promotions(pair: RevisionPair, changes: list[Change]) -> list[tuple[str, str]]:
    """(record path, app version) of each new deployment that changes the app version."""
    found = []
    for change in _record_files(changes):
        base = _entries(pair, "base", change.old_path) or ()
        head = _entries(pair, "head", change.new_path) or ()
        previous = next((e["appVersion"] for e in reversed(base) if e["event"] == "deployed"), None)
        for entry in head[len(base):]:
            if entry["event"] == "deployed" and entry.get("appVersion") != previous:
                found.append((change.path, str(entry["appVersion"])))
                previous = entry.get("appVersion")
    return found


def _promotion_alone(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    promotions = _promotions(pair, changes)
    if not promotions:
        return
    others = sorted(c.path for c in changes if not c.path.startswith(RECORDS_DIR + "/"))
    if others:
        path, version = promotions[0]
        listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        yield _problem("gate-promotion-alone", path,
                       f"promotes appVersion {version} and also changes {listed}")


def _flatten(value: Any, prefix: tuple[str | int, ...] = ()) -> dict[tuple[str | int, ...], Any]:
    if isinstance(value, dict) and value:
        out: dict[tuple[str | int, ...], Any] = {}
        for key, child in value.items():
            out.update(_flatten(child, (*prefix, str(key))))
        return out
    return {prefix: value}


def _values_changes(pair: RevisionPair, changes: list[Change]) -> Iterator[Problem]:
    for change in changes:
        parts = change.path.split("/")
        if len(parts) != 3 or parts[0] != "envs" or parts[2] != "values.yaml":
            continue
        env = parts[1]
        base, head = _yaml(pair, "base", change.old_path or ""), _yaml(pair, "head", change.new_path or "")
        old, new = _flatten(base if base is not None else {}), _flatten(head if head is not None else {})
        for key in sorted(set(old) | set(new), key=lambda k: [str(p) for p in k]):
            if old.get(key, _MISSING) == new.get(key, _MISSING):
                continue
            dotted = ".".join(str(k) for k in key) or "(document)"
            if key not in old:
                what = f"{dotted} added: {_show(new[key])}"
            elif key not in new:
                what = f"{dotted} removed (was {_show(old[key])})"
            else:
                what = f"{dotted}: {_show(old[key])} -> {_show(new[key])}"
            line, column = yamlio.position(head, list(key)) if key in new else (1, 1)
            yield _problem("gate-values-change", change.path, f"{env}: {what}", line, column)


_MISSING = object()


def _show(value: Any) -> str:
    """A value as it reads in YAML/JSON (true, "shop", [1, 2]), not Python's repr."""
    import json

    return json.dumps(yamlio.to_plain(value), default=str)
