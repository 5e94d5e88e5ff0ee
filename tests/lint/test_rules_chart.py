"""app chart family: one line a case, on the generated app repo's Chart.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import check

CHART = (
    "apiVersion: {api}\nname: checkout\nversion: 0.1.0\nappVersion: {app}\ndependencies:\n"
    "  - name: launch-microservice\n    version: {dep}\n    repository: {repo}\n"
)
OK = {
    "api": "v2",
    "app": '"0.0.0-launch.placeholder"',
    "dep": "1.0.0",
    "repo": "https://charts.launchgen.invalid",
}


def chart(**changes: str) -> str:
    return CHART.format(**{**OK, **changes})


@pytest.mark.parametrize(
    ("rule", "changes", "expected"),
    [
        ("chart-api-version", {}, []),
        ("chart-api-version", {"api": "v1"}, [(1, 1)]),
        ("chart-app-version", {"app": '"1.2.3"'}, [(4, 1)]),
        ("chart-app-version", {"app": "'0.0.0-launch.placeholder'"}, []),
        ("chart-app-version-quoted", {"app": "0.0.0-launch.placeholder"}, [(4, 13)]),
        ("chart-app-version-quoted", {"app": "'0.0.0-launch.placeholder'"}, []),
        ("chart-dependency-pinned", {"dep": "^1.0.0"}, [(7, 5)]),
        ("chart-dependency-pinned", {"dep": "1.0.x"}, [(7, 5)]),
        ("chart-dependency-pinned", {"dep": "1.0.0-rc.1"}, []),
        ("chart-dependency-repository", {"repo": "https://evil.example.com"}, [(8, 5)]),
        ("chart-dependency-repository", {"repo": "https://charts.launchgen.invalid/"}, []),
    ],
)
def test_chart_rules(
    app: Path, rule: str, changes: dict[str, str], expected: list[tuple[int, int]]
) -> None:
    check(app, {"Chart.yaml": chart(**changes)}, rule, *[("Chart.yaml", *e) for e in expected])


def test_launch_dependency_missing(app: Path) -> None:
    text = 'apiVersion: v2\nname: checkout\nversion: 0.1.0\nappVersion: "0.0.0-launch.placeholder"\ndependencies: []\n'
    check(app, {"Chart.yaml": text}, "chart-launch-dependency", ("Chart.yaml", 5, 1))


def test_allowed_repositories_option(app: Path) -> None:
    config = (app / ".launchgen.yaml").read_text() + (
        "lint:\n  rules:\n    chart-dependency-repository:\n      allowed-repositories: [oci://registry.example.com]\n"
    )
    check(app, {".launchgen.yaml": config}, "chart-dependency-repository", ("Chart.yaml", 15, 5))


def test_chart_lock_out_of_sync(app: Path) -> None:
    lock = (app / "Chart.lock").read_text().replace("version: 1.0.0", "version: 1.0.1")
    check(app, {"Chart.lock": lock}, "chart-lock", ("Chart.lock", 1, 1))


def test_chart_lock_bad_digest_points_at_digest(app: Path) -> None:
    lock = (app / "Chart.lock").read_text().replace("sha256:6", "sha256:7")
    check(app, {"Chart.lock": lock}, "chart-lock", ("Chart.lock", 5, 1))


def test_chart_lock_missing(app: Path) -> None:
    (app / "Chart.lock").unlink()
    check(app, {}, "chart-lock", ("Chart.yaml", 12, 1))


def test_chart_that_is_a_list_is_no_traceback(app: Path) -> None:
    problems = check(app, {"Chart.yaml": "- a\n- b\n"}, "chart-app-version")
    assert {p.rule for p in problems} == {"chart-lock"} or all(
        "internal" not in p.message for p in problems
    )
