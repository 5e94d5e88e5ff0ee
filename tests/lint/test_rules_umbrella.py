"""umbrella family: one chart for every environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import PROPS_ENVS, Case, app, bad, good, params, props

ENV_VALUES = [
    "values-prod.yaml",
    "values.dev.yaml",
    "envs/prod/values.yaml",
    "prod/values.yaml",
    "prod.yaml",
]
CHART_FILES = ["Chart.yaml", "templates/deployment.yaml", "envs/dev/_helpers.tpl"]

CASES = [
    *(
        bad("umbrella-env-values", app({name: "replicaCount: 3\n"}), (name, 1, 1))
        for name in ENV_VALUES
    ),
    good(
        "umbrella-env-values", app({"values.yaml": "replicaCount: 3\n", "ci/config.yaml": "a: 1\n"})
    ),
    bad(
        "umbrella-env-overrides",
        app({"values.yaml": "replicaCount: 1\nprod:\n  replicaCount: 3\n"}),
        ("values.yaml", 2, 1),
    ),
    good("umbrella-env-overrides", app({"values.yaml": "replicaCount: 1\nproduct:\n  name: x\n"})),
    *(
        bad("umbrella-properties-templates", props({**PROPS_ENVS, name: "a: 1\n"}), (name, 1, 1))
        for name in CHART_FILES
    ),
    good("umbrella-properties-templates", props(PROPS_ENVS)),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)
