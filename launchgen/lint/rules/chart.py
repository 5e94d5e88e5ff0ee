"""App chart: the app repo's Chart.yaml is the one umbrella chart the standard describes.

apiVersion v2; `appVersion` is the magic placeholder, as a quoted string, replaced at
deploy time by the artifact version; the Launch microservice chart is a dependency;
every dependency is pinned to an exact version from an allowed repository; Chart.lock
is present and in sync.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from launchgen.display import printable
from launchgen.lint.contract import Context, Edit, Hit, rule
from launchgen.lint.rules.files import explained
from launchgen.lint.schemamsg import json_type, number
from launchgen.semver import EXACT_SEMVER
from launchgen.standard import (
    APP_VERSION_PLACEHOLDER,
    BUILTIN_CHART_REPOSITORY,
    LAUNCH_CHART_NAME,
    REPO_CONFIG_FILE,
)

CHART = "Chart.yaml"
LOCK = "Chart.lock"


def _chart(ctx: Context) -> dict[str, Any] | None:
    source = ctx.file if ctx.file is not None else ctx.source(CHART)
    data = source.data if source else None
    return data if isinstance(data, dict) else None


def _key(value: Any) -> str:
    """A dependency field from a file, comparable and printable (never a 5,000-digit str())."""
    return printable(value, limit=200) if isinstance(value, str) else number(value)


def _url(value: Any) -> str:
    """A repository URL without its credentials (`https://user:token@host`)."""
    import re

    return re.sub(r"://[^/@\s]*@", "://<redacted>@", _key(value))


def _dependencies(chart: Mapping[str, Any]) -> list[dict[str, Any]]:
    deps = chart.get("dependencies")
    return [d for d in deps if isinstance(d, dict)] if isinstance(deps, list) else []


def _at(ctx: Context, *path: str | int) -> tuple[int, int]:
    document = ctx.file.document if ctx.file else None
    return document.position(path) if document else (1, 1)


@rule("chart-api-version", scope="file", kinds=("app",), files=(CHART,), fixable=True)
def api_version(ctx: Context) -> Iterator[Hit]:
    """Chart.yaml's `apiVersion` is not `v2`.

    Helm 3 and 4 charts with dependencies in Chart.yaml are `apiVersion: v2`.
    `--fix` sets it.
    """
    chart = _chart(ctx)
    if chart is None or chart.get("apiVersion") == "v2":
        return
    line, column = _at(ctx, "apiVersion")
    scalar = (
        ctx.file.document.scalars.get(("apiVersion",)) if ctx.file and ctx.file.document else None
    )
    fix = Edit(scalar.start, scalar.end, "v2") if scalar else None
    yield Hit(
        f"apiVersion is {_key(chart.get('apiVersion'))!r}, not 'v2'",
        "set `apiVersion: v2`",
        line=line,
        column=column,
        fix=fix,
    )


@rule("chart-app-version", scope="file", kinds=("app",), files=(CHART,), fixable=True)
def app_version(ctx: Context) -> Iterator[Hit]:
    """Chart.yaml's `appVersion` is not the magic placeholder `0.0.0-launch.placeholder`.

    appVersion is the only variable of consequence between deployments: `launchgen
    render --app-version` puts the artifact's version there at deploy time, and it
    becomes the image tag. A real version committed here would be deployed by mistake.
    `--fix` restores the placeholder.
    """
    chart = _chart(ctx)
    if chart is None or chart.get("appVersion") == APP_VERSION_PLACEHOLDER:
        return
    scalar = (
        ctx.file.document.scalars.get(("appVersion",)) if ctx.file and ctx.file.document else None
    )
    line, column = _at(ctx, "appVersion")
    hint = (
        f'set `appVersion: "{APP_VERSION_PLACEHOLDER}"`; the real version is given at deploy time'
    )
    if "appVersion" not in chart:
        yield Hit("appVersion is missing", hint, line=line, column=column)
        return
    fix = Edit(scalar.start, scalar.end, f'"{APP_VERSION_PLACEHOLDER}"') if scalar else None
    yield Hit(
        f"appVersion is {_key(chart['appVersion'])!r}, not the placeholder {APP_VERSION_PLACEHOLDER!r}",
        hint,
        line=line,
        column=column,
        fix=fix,
    )


@rule("chart-app-version-quoted", scope="file", kinds=("app",), files=(CHART,), fixable=True)
def app_version_quoted(ctx: Context) -> Iterator[Hit]:
    """Chart.yaml's `appVersion` is not a quoted string.

    Unquoted, versions like `1.10` become numbers (`1.1`) and the deployed image tag is
    wrong. `--fix` adds double quotes, changing nothing else in the file.
    """
    document = ctx.file.document if ctx.file else None
    scalar = document.scalars.get(("appVersion",)) if document else None
    if scalar is None or scalar.style in ("'", '"'):
        return
    raw = ctx.file.text[scalar.start : scalar.end] if ctx.file and ctx.file.text else scalar.value
    quoted = '"' + scalar.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    fix = (
        Edit(scalar.start, scalar.end, quoted) if scalar.style is None and "\n" not in raw else None
    )
    yield Hit(
        f"appVersion {printable(raw, limit=80)!r} is not quoted",
        f"write `appVersion: {printable(quoted, limit=80)}`",
        line=scalar.line,
        column=scalar.column,
        fix=fix,
    )


@rule("chart-launch-dependency", scope="file", kinds=("app",), files=(CHART,))
def launch_dependency(ctx: Context) -> Iterator[Hit]:
    """The Launch microservice chart is not a dependency of the umbrella chart.

    Every app deploys through the org-managed `launch-microservice` chart; without it
    the umbrella chart renders nothing the platform supports.
    """
    chart = _chart(ctx)
    if chart is None:
        return
    if not any(d.get("name") == LAUNCH_CHART_NAME for d in _dependencies(chart)):
        line, column = _at(ctx, "dependencies")
        yield Hit(
            f"dependency {LAUNCH_CHART_NAME!r} is missing",
            f"add `- name: {LAUNCH_CHART_NAME}` with an exact version and repository under dependencies",
            line=line,
            column=column,
        )


@rule("chart-dependency-pinned", scope="file", kinds=("app",), files=(CHART,))
def dependency_pinned(ctx: Context) -> Iterator[Hit]:
    """A chart dependency's version is a range or missing instead of an exact version.

    Ranges (`^1.2`, `~1`, `1.x`, `>=1`) let the same commit render different charts;
    the standard wants stable outcomes, so each dependency names one SemVer version.
    """
    chart = _chart(ctx)
    deps = chart.get("dependencies") if chart else None
    for i, dep in enumerate(deps if isinstance(deps, list) else []):
        if not isinstance(dep, dict):
            continue
        version = dep.get("version")
        if not isinstance(version, str) or not EXACT_SEMVER.match(version):
            line, column = _at(ctx, "dependencies", i, "version")
            yield Hit(
                f"dependency {_key(dep.get('name'))!r} is not pinned to an exact version (got {_key(version)!r})",
                "pin an exact version, e.g. `version: 1.2.3`",
                line=line,
                column=column,
            )


def allowed_repositories(ctx: Context) -> list[str]:
    configured = list(ctx.options.get("allowed-repositories") or [])
    if configured:
        return configured
    answers = ctx.repo.config.get("answers")
    recorded = answers.get("chart_repository") if isinstance(answers, dict) else None
    return [BUILTIN_CHART_REPOSITORY, *([recorded] if isinstance(recorded, str) else [])]


@rule(
    "chart-dependency-repository",
    scope="file",
    kinds=("app",),
    files=(CHART,),
    options={"allowed-repositories": []},
)
def dependency_repository(ctx: Context) -> Iterator[Hit]:
    """A chart dependency comes from a repository that is not allowed.

    Option `allowed-repositories`: URL prefixes dependencies may come from. Empty (the
    default) allows the Launch chart repository recorded in `.launchgen.yaml` and the
    vendored chart's placeholder repository.

        lint:
          rules:
            chart-dependency-repository:
              allowed-repositories: [oci://registry.example.com/charts]
    """
    chart = _chart(ctx)
    deps = chart.get("dependencies") if chart else None
    allowed = allowed_repositories(ctx)
    for i, dep in enumerate(deps if isinstance(deps, list) else []):
        if not isinstance(dep, dict):
            continue
        repository = dep.get("repository")
        if not isinstance(repository, str) or not any(
            repository.rstrip("/").startswith(a.rstrip("/")) for a in allowed
        ):
            line, column = _at(ctx, "dependencies", i, "repository")
            yield Hit(
                f"dependency {_key(dep.get('name'))!r} comes from {_url(repository)!r}, which is not an allowed "
                "repository",
                f"use one of {', '.join(allowed)}, or add the repository to chart-dependency-repository's "
                f"allowed-repositories in {REPO_CONFIG_FILE}",
                line=line,
                column=column,
            )


@rule("chart-lock", scope="repo", kinds=("app",))
def lock(ctx: Context) -> Iterator[Hit]:
    """Chart.lock is missing or out of sync with Chart.yaml's dependencies.

    The lock's digest is helm's: sha256 over the requested and the locked dependencies.
    Run `helm dependency update` (or regenerate the repo's lock) after changing
    dependencies, and commit Chart.lock.
    """
    from launchgen import charts

    chart = _chart(ctx)
    if chart is None or not _dependencies(chart):
        return
    source = ctx.source(CHART)
    document = source.document if source else None
    line, column = document.position(("dependencies",)) if document else (1, 1)
    lock_source = ctx.source(LOCK)
    if lock_source is None:
        yield Hit(
            "Chart.lock is missing",
            "run `helm dependency update` and commit Chart.lock",
            path=CHART,
            line=line,
            column=column,
        )
        return
    lock_data = lock_source.data
    if not isinstance(lock_data, dict):
        parsed = lock_source.parsed
        if lock_source.unreadable is not None:
            unreadable = explained(lock_source.unreadable)[1]
            yield Hit(
                f"Chart.lock cannot be read: {unreadable.message}",
                "regenerate it with `helm dependency update`",
                path=LOCK,
                line=unreadable.line,
            )
        elif parsed is not None and lock_source.document is None:
            # Not a *.yaml file: the yaml rules do not check it, so its parse errors are told here.
            mark = parsed.error or parsed.alias_abuse
            yield Hit(
                f"Chart.lock is not valid YAML: {mark.message if mark else 'unreadable'}",
                "regenerate it with `helm dependency update`",
                path=LOCK,
                line=mark.line if mark else 1,
                column=mark.column if mark else 1,
            )
        else:
            yield Hit(
                "Chart.lock is not a mapping",
                "regenerate it with `helm dependency update`",
                path=LOCK,
            )
        return
    lock_doc = lock_source.document
    listed = lock_data.get("dependencies")
    if listed is not None and not isinstance(listed, list):
        line, column = lock_doc.position(("dependencies",)) if lock_doc else (1, 1)
        yield Hit(
            f"Chart.lock dependencies is {json_type(listed)}, not a list",
            "regenerate it with `helm dependency update`",
            path=LOCK,
            line=line,
            column=column,
        )
        return
    locked = [d for d in listed or [] if isinstance(d, dict)]
    requested = _dependencies(chart)
    digest_at = lock_doc.position(("digest",)) if lock_doc else (1, 1)
    pairs = {
        (_key(d.get("name")), _key(d.get("version")), _key(d.get("repository"))) for d in locked
    }
    missing = [
        d
        for d in requested
        if (_key(d.get("name")), _key(d.get("version")), _key(d.get("repository"))) not in pairs
    ]
    if missing or len(locked) != len(listed or []) or len(locked) != len(requested):
        names = ", ".join(_key(d.get("name")) for d in missing[:5]) or "dependency list"
        yield Hit(
            f"Chart.lock does not lock Chart.yaml's dependencies ({names} differ)",
            "run `helm dependency update` and commit Chart.lock",
            path=LOCK,
            line=1,
            column=1,
        )
        return
    try:
        expected = charts.lock_digest(requested, locked)
    except (ValueError, TypeError, RecursionError):  # values helm could not have written
        expected = None
    if lock_data.get("digest") != expected:
        digest = lock_data.get("digest")
        shown = printable(digest, limit=80) if isinstance(digest, str) else json_type(digest)
        yield Hit(
            f"Chart.lock digest {shown!r} does not match Chart.yaml"
            + (f" (expected {expected})" if expected else ""),
            "run `helm dependency update` and commit Chart.lock",
            path=LOCK,
            line=digest_at[0],
            column=digest_at[1],
        )


RULES = (
    api_version,
    app_version,
    app_version_quoted,
    launch_dependency,
    dependency_pinned,
    dependency_repository,
    lock,
)
