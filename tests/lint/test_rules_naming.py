"""naming family: DNS-1123 names, helm's length limits, chart and repo names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import APP_CONFIG, PROPS_ENVS, Case, Tree, app, bad, good, params, props

CONFIG = ".launchgen.yaml"
LONG = "a" * 45  # with the 9-character immutable postfix: 54, over helm's 53
CHART = 'apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: "0.0.0-launch.placeholder"\n'


def config(text: str, name: str = "checkout") -> Tree:
    return Tree(name, {CONFIG: text})


CASES = [
    bad(
        "naming-dns1123",
        config("kind: app\nservice: Check_Out\nenvironments: [dev, Prod]\n"),
        (CONFIG, 2, 1),
        (CONFIG, 3, 21),
    ),
    bad(
        "naming-dns1123", app({"Chart.yaml": CHART.format(name="Check_Out")}), ("Chart.yaml", 2, 1)
    ),
    good("naming-dns1123", app({"Chart.yaml": CHART.format(name="checkout")})),
    bad(
        "naming-release-length",
        config(APP_CONFIG.replace("service: checkout", f"service: {LONG}")),
        (CONFIG, 2, 1),
    ),
    good(
        "naming-release-length",
        config(APP_CONFIG.replace("service: checkout", f"service: {'a' * 44}")),
    ),
    bad(
        "naming-namespace-length",
        config(f"kind: app\nservice: {'a' * 44}\nenvironments:\n  - dev\n  - {'p' * 10}\n"),
        (CONFIG, 5, 5),
    ),
    good(
        "naming-namespace-length",
        config(f"kind: app\nservice: {'a' * 44}\nenvironments:\n  - dev\n  - {'p' * 9}\n"),
    ),
    bad("naming-chart-name", app({"Chart.yaml": CHART.format(name="cart")}), ("Chart.yaml", 2, 1)),
    good("naming-chart-name", app({"Chart.yaml": CHART.format(name="checkout")})),
    bad("naming-repo-name", config(APP_CONFIG, name="not-checkout"), (CONFIG, 2, 1)),
    bad("naming-repo-name", Tree("checkout", props(PROPS_ENVS).files), (CONFIG, 2, 1)),
    bad(
        "naming-repo-name",
        config(APP_CONFIG.replace("../checkout-properties", "../other-properties")),
        (CONFIG, 4, 1),
    ),
    good("naming-repo-name", app()),
    good("naming-repo-name", props(PROPS_ENVS)),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)
