"""chart family: the app repo's Chart.yaml and Chart.lock, on minimal trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import Case, app, bad, good, params

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
# helm's lock of CHART with OK's dependency (`helm dependency update` writes this digest).
LOCK = (
    "dependencies:\n- name: launch-microservice\n  repository: https://charts.launchgen.invalid\n"
    "  version: 1.0.0\n"
    "digest: sha256:626ab141b0fef7ce2e370b671fc99406bb16f340dfbc64c6d94183d5df438f89\n"
    'generated: "1980-01-01T00:00:00Z"\n'
)


def chart(**changes: str) -> dict[str, str]:
    return {"Chart.yaml": CHART.format(**{**OK, **changes}), "Chart.lock": LOCK}


NO_DEPENDENCY = (
    'apiVersion: v2\nname: checkout\nversion: 0.1.0\nappVersion: "0.0.0-launch.placeholder"\n'
    "dependencies: []\n"
)
ALLOWED = "lint:\n  rules:\n    chart-dependency-repository:\n      allowed-repositories: [oci://registry.example.com]\n"

CASES = [
    good("chart-api-version", app(chart())),
    bad("chart-api-version", app(chart(api="v1")), ("Chart.yaml", 1, 1)),
    bad("chart-app-version", app(chart(app='"1.2.3"')), ("Chart.yaml", 4, 1)),
    good("chart-app-version", app(chart(app="'0.0.0-launch.placeholder'"))),
    # Not a mapping: nothing to check, and no internal error (Case.check looks).
    good("chart-app-version", app({"Chart.yaml": "- a\n- b\n"})),
    bad(
        "chart-app-version-quoted",
        app(chart(app="0.0.0-launch.placeholder")),
        ("Chart.yaml", 4, 13),
    ),
    good("chart-app-version-quoted", app(chart(app="'0.0.0-launch.placeholder'"))),
    bad("chart-launch-dependency", app({"Chart.yaml": NO_DEPENDENCY}), ("Chart.yaml", 5, 1)),
    good("chart-launch-dependency", app(chart())),
    bad("chart-dependency-pinned", app(chart(dep="^1.0.0")), ("Chart.yaml", 7, 5)),
    bad("chart-dependency-pinned", app(chart(dep="1.0.x")), ("Chart.yaml", 7, 5)),
    good("chart-dependency-pinned", app(chart(dep="1.0.0-rc.1"))),
    bad(
        "chart-dependency-repository",
        app(chart(repo="https://evil.example.com")),
        ("Chart.yaml", 8, 5),
    ),
    good("chart-dependency-repository", app(chart(repo="https://charts.launchgen.invalid/"))),
    # The option replaces the built-in repository.
    bad("chart-dependency-repository", app(chart(), lint=ALLOWED), ("Chart.yaml", 8, 5)),
    good(
        "chart-dependency-repository", app(chart(repo="oci://registry.example.com"), lint=ALLOWED)
    ),
    good("chart-lock", app(chart())),
    bad(
        "chart-lock",
        app({**chart(), "Chart.lock": LOCK.replace("version: 1.0.0", "version: 1.0.1")}),
        ("Chart.lock", 1, 1),
    ),
    bad(
        "chart-lock",
        app({**chart(), "Chart.lock": LOCK.replace("sha256:6", "sha256:7")}),
        ("Chart.lock", 5, 1),
    ),
    bad("chart-lock", app({"Chart.yaml": chart()["Chart.yaml"]}), ("Chart.yaml", 5, 1)),
    bad("chart-lock", app({**chart(), "Chart.lock": "a: [1\n"}), ("Chart.lock", 2, 1)),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)
