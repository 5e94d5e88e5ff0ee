"""Gate: what a change between two git revisions may do (`launchgen lint --base REF`).

These rules compare the head revision with its base, both read from git objects
without touching the working tree; they run in CI on every pull request and in the
repo pre-commit hook at push time. App repos: `appVersion` never leaves the
placeholder, a changed chart has a higher chart version, dependency upgrades are
reported, Chart.lock changes only with Chart.yaml. Properties and middleware repos:
promoting a new app version changes nothing else, values changes are reported per
environment and key, deployment records are append-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from launchgen import semver, yamlio
from launchgen.display import printable
from launchgen.gate.revisions import Change, RevisionPair
from launchgen.lint.contract import Context, Hit, rule
from launchgen.lint.schemamsg import number
from launchgen.lint.source import DEFAULT_MAX_BYTES
from launchgen.standard import APP_VERSION_PLACEHOLDER

if TYPE_CHECKING:  # the records reader is imported only when a record changed
    from launchgen.records import Entry

CHART_FILES = ("Chart.yaml", "Chart.lock", "values.yaml", "values.schema.json", ".helmignore")
CHART_DIRS = ("templates/", "charts/", "crds/")
_MISSING = object()


def _pair(ctx: Context) -> RevisionPair:
    pair: RevisionPair = ctx.base
    return pair


def _yaml(pair: RevisionPair, which: str, path: str | None) -> Any:
    data = pair.read(which, path) if path else None
    if data is None or len(data) > DEFAULT_MAX_BYTES:
        return None  # too large: files-too-large's business
    try:
        return yamlio.loads(yamlio.decode(data, path or ""), path or "")
    except Exception:
        return None


def _changed(changes: list[Change]) -> set[str]:
    return {c.path for c in changes} | {c.old_path for c in changes if c.old_path}


# --- app repos -----------------------------------------------------------------


@rule("gate-app-version-placeholder", scope="revision", kinds=("app",))
def app_version_placeholder(ctx: Context) -> Iterator[Hit]:
    """appVersion left the magic placeholder in this change.

    The app version is the only variable of consequence from one deployment to the
    next, and it comes from the build: `launchgen render --app-version` puts it in a
    temporary copy at deploy time. A committed version would be deployed by every
    later render, whatever was built.
    """
    pair = _pair(ctx)
    if "Chart.yaml" not in _changed(pair.changes()):
        return
    head = _yaml(pair, "head", "Chart.yaml")
    if isinstance(head, dict) and str(head.get("appVersion")) != APP_VERSION_PLACEHOLDER:
        line, column = yamlio.position(head, ["appVersion"])
        yield Hit(
            f"appVersion changed to {_text(head.get('appVersion'))!r}; it must stay the placeholder",
            f'restore appVersion: "{APP_VERSION_PLACEHOLDER}"; the version is set at render time',
            line,
            column,
            "Chart.yaml",
        )


@rule("gate-chart-version-bump", scope="revision", kinds=("app",))
def chart_version_bump(ctx: Context) -> Iterator[Hit]:
    """The chart changed but its version did not increase.

    Any change to the umbrella chart (Chart.yaml, Chart.lock, values.yaml,
    values.schema.json, templates/, charts/, crds/) must raise `version` in SemVer
    order, as chart-testing's check-version-increment requires, so every rendered
    deployment names the exact chart it came from.
    """
    pair = _pair(ctx)
    changed = sorted(
        p for p in _changed(pair.changes()) if p in CHART_FILES or p.startswith(CHART_DIRS)
    )
    if "Chart.yaml" in changed and _app_version_only(pair):
        changed.remove("Chart.yaml")  # gate-app-version-placeholder's business: no bump asked for
    if not changed:
        return
    base, head = _yaml(pair, "base", "Chart.yaml"), _yaml(pair, "head", "Chart.yaml")
    if not isinstance(base, dict) or not isinstance(head, dict):
        return
    old, new = _text(base.get("version")), _text(head.get("version"))
    greater = _is_greater(new, old)
    if greater:
        return
    line, column = yamlio.position(head, ["version"])
    detail = (
        "is not SemVer"
        if greater is None
        else ("is unchanged" if old == new else f"is lower than {old}")
    )
    listed = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    yield Hit(
        f"the chart changed ({listed}) but its version {new} {detail}",
        _bump_hint(old),
        line,
        column,
        "Chart.yaml",
    )


def _text(value: Any) -> str:
    """A version from a file, printable and short (it is quoted in messages)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return printable(str(value), limit=80)


def _is_greater(new: str, old: str) -> bool | None:
    try:
        return semver.is_greater(new, old)
    except ValueError:  # a version number past Python's 4,300-digit int limit
        return None


def _bump_hint(old: str) -> str:
    """The next version after the base's: a patch bump (a pre-release's release)."""
    try:
        parsed = semver.parse(old)
    except ValueError:
        parsed = None
    if parsed is None:
        return "bump version in Chart.yaml to a SemVer version (MAJOR.MINOR.PATCH) greater than the base's"
    major, minor, patch, pre = parsed
    suggested = f"{major}.{minor}.{patch}" if pre else f"{major}.{minor}.{patch + 1}"
    return f"bump version in Chart.yaml above the base's {old} (SemVer), e.g. {old} -> {suggested}"


def _app_version_only(pair: RevisionPair) -> bool:
    """Chart.yaml changed in its appVersion line only (data and every other line alike)."""
    base_text, head_text = pair.read("base", "Chart.yaml"), pair.read("head", "Chart.yaml")
    base, head = _yaml(pair, "base", "Chart.yaml"), _yaml(pair, "head", "Chart.yaml")
    if (
        base_text is None
        or head_text is None
        or not isinstance(base, dict)
        or not isinstance(head, dict)
    ):
        return False
    if {k: v for k, v in base.items() if k != "appVersion"} != {
        k: v for k, v in head.items() if k != "appVersion"
    }:
        return False

    def other_lines(data: bytes) -> list[str]:
        return [
            line
            for line in data.decode("utf-8", "replace").splitlines()
            if not line.startswith("appVersion:")
        ]

    return other_lines(base_text) == other_lines(head_text)


def _dependencies(chart: Any) -> dict[str, tuple[str, int]]:
    """name (or alias) -> (version, index) of a Chart.yaml's dependencies."""
    deps = chart.get("dependencies") if isinstance(chart, dict) else None
    if not isinstance(deps, list):
        return {}
    return {
        str(d.get("alias") or d.get("name")): (str(d.get("version")), i)
        for i, d in enumerate(deps)
        if isinstance(d, dict)
    }


@rule("gate-dependency-upgrade", scope="revision", kinds=("app",), severity="info")
def dependency_upgrade(ctx: Context) -> Iterator[Hit]:
    """A chart dependency changed version (reported old -> new).

    Upgrading the Launch microservice chart or another dependency changes what every
    environment renders; the report makes it visible in review.
    """
    pair = _pair(ctx)
    if "Chart.yaml" not in _changed(pair.changes()):
        return
    head = _yaml(pair, "head", "Chart.yaml")
    old, new = _dependencies(_yaml(pair, "base", "Chart.yaml")), _dependencies(head)
    for name, (version, index) in new.items():
        if name in old and old[name][0] != version:
            line, column = yamlio.position(head, ["dependencies", index, "version"])
            direction = "upgraded" if semver.is_greater(version, old[name][0]) else "changed"
            yield Hit(
                f"dependency {name} {direction}: {old[name][0]} -> {version}",
                "check the dependency's changelog; `launchgen diff` shows what it changes in the manifests",
                line,
                column,
                "Chart.yaml",
            )


@rule("gate-chart-lock-alone", scope="revision", kinds=("app",))
def chart_lock_alone(ctx: Context) -> Iterator[Hit]:
    """Chart.lock changed without Chart.yaml.

    The lock follows the dependencies declared in Chart.yaml; a lock changed on its
    own pins something Chart.yaml does not say.
    """
    changed = _changed(_pair(ctx).changes())
    if "Chart.lock" in changed and "Chart.yaml" not in changed:
        yield Hit(
            "Chart.lock changed but Chart.yaml did not",
            "run `helm dependency update` after changing Chart.yaml, and commit both",
            path="Chart.lock",
        )


# --- properties and middleware repos -----------------------------------------


def _record_changes(changes: list[Change]) -> list[Change]:
    from launchgen.records import RECORDS_DIR

    return [
        c
        for c in changes
        if c.path.startswith(RECORDS_DIR + "/") or (c.old_path or "").startswith(RECORDS_DIR + "/")
    ]


def _entries(pair: RevisionPair, which: str, path: str | None) -> tuple[Entry, ...] | None:
    data = pair.read(which, path) if path else None
    if data is None or path is None:
        return None
    from launchgen.records import parse as parse_history

    try:
        return parse_history(yamlio.decode(data, path), path).entries
    except Exception:
        return None


@rule("gate-records-append-only", scope="revision", kinds=("properties", "middleware"))
def records_append_only(ctx: Context) -> Iterator[Hit]:
    """A deployment record was edited or removed.

    `deployments/<env>.yaml` is the environment's history of what was deployed, by
    whom, approved by whom: the non-repudiation trail. Entries are only ever appended.
    """
    hint = "restore the recorded entries; add new entries only at the end"
    pair = _pair(ctx)
    for change in _record_changes(pair.changes()):
        if change.old_path is None:
            continue  # a new environment's first record
        path = change.old_path
        if change.new_path is None:
            yield Hit("deployment record file deleted", hint, path=path)
            continue
        base_text, head_text = (
            pair.read("base", path) or b"",
            pair.read("head", change.new_path) or b"",
        )
        base_entries, head_entries = (
            _entries(pair, "base", path),
            _entries(pair, "head", change.new_path),
        )
        if base_entries is None or head_entries is None:
            if not head_text.startswith(base_text):
                yield Hit(
                    "deployment record changed in a way that is not an append",
                    hint,
                    path=change.new_path,
                )
            continue
        for index, entry in enumerate(base_entries):
            if index >= len(head_entries):
                yield Hit(
                    f"recorded entry seq {number(entry['seq'])} was removed",
                    hint,
                    path=change.new_path,
                )
                break
            if head_entries[index] != entry:
                document = yamlio.loads(yamlio.decode(head_text, path), path)
                line, column = yamlio.position(document, ["entries", index])
                yield Hit(
                    f"recorded entry seq {number(entry['seq'])} was edited",
                    hint,
                    line,
                    column,
                    change.new_path,
                )
                break


def _promotions(pair: RevisionPair) -> list[tuple[str, str]]:
    """(record path, app version) of each new deployment that changes the app version."""
    found = []
    for change in _record_changes(pair.changes()):
        base = _entries(pair, "base", change.old_path) or ()
        head = _entries(pair, "head", change.new_path) or ()
        previous = next((e["appVersion"] for e in reversed(base) if e["event"] == "deployed"), None)
        for entry in head[len(base) :]:
            if entry["event"] == "deployed" and entry.get("appVersion") != previous:
                found.append((change.path, _text(entry["appVersion"])))
                previous = entry.get("appVersion")
    return found


@rule("gate-promotion-alone", scope="revision", kinds=("properties", "middleware"))
def promotion_alone(ctx: Context) -> Iterator[Hit]:
    """A change that promotes a new app version also changes something else.

    The app version is the only variable of consequence from one deployment to the
    next: a promotion must be reviewable, and revertible, on its own.
    """
    pair = _pair(ctx)
    promotions = _promotions(pair)
    if not promotions:
        return
    from launchgen.records import RECORDS_DIR

    others = sorted(c.path for c in pair.changes() if not c.path.startswith(RECORDS_DIR + "/"))
    if others:
        path, version = promotions[0]
        listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        yield Hit(
            f"promotes appVersion {version} and also changes {listed}",
            "split the pull request: the promotion alone, the other changes in their own",
            path=path,
        )


def _flatten(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(value, dict) and value:
        out: dict[tuple[str, ...], Any] = {}
        for key, child in value.items():
            out.update(_flatten(child, (*prefix, str(key))))
        return out
    return {prefix: value}


def _show(value: Any, key: tuple[str, ...]) -> str:
    """A value as it reads in YAML/JSON (true, "shop", [1, 2]), with whatever is or may be
    a secret redacted (lint/redact.py): the report lands in CI logs."""
    from launchgen.lint.redact import REDACTED, secret_name, shown

    if any(secret_name(part) for part in key):
        return REDACTED
    return shown(yamlio.to_plain(value), key[-1] if key else None)


@rule("gate-values-change", scope="revision", kinds=("properties", "middleware"), severity="info")
def values_change(ctx: Context) -> Iterator[Hit]:
    """A value changed in an environment (reported per environment and key).

    Values changes apply at the next deployment of that environment; the report lists
    each one where it happened so the review sees them all. Values that are or may be
    secrets (keys named like one, random-looking or long strings, URLs with
    credentials) are shown as `<redacted>`: the report lands in CI logs.
    """
    pair = _pair(ctx)
    for change in pair.changes():
        parts = change.path.split("/")
        if len(parts) != 3 or parts[0] != "envs" or parts[2] != "values.yaml":
            continue
        env = parts[1]
        base, head = _yaml(pair, "base", change.old_path), _yaml(pair, "head", change.new_path)
        old, new = (
            _flatten(base if base is not None else {}),
            _flatten(head if head is not None else {}),
        )
        for key in sorted(set(old) | set(new)):
            if old.get(key, _MISSING) == new.get(key, _MISSING):
                continue
            dotted = printable(".".join(key), limit=200) or "(document)"
            if key not in old:
                what = f"{dotted} added: {_show(new[key], key)}"
            elif key not in new:
                what = f"{dotted} removed (was {_show(old[key], key)})"
            else:
                what = f"{dotted}: {_show(old[key], key)} -> {_show(new[key], key)}"
            line, column = yamlio.position(head, list(key)) if key in new else (1, 1)
            yield Hit(
                f"{env}: {what}",
                "review the change; it applies at the next deployment of that environment",
                line,
                column,
                change.path,
            )


RULES = (
    app_version_placeholder,
    chart_version_bump,
    dependency_upgrade,
    chart_lock_alone,
    records_append_only,
    promotion_alone,
    values_change,
)
