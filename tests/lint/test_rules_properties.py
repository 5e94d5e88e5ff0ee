"""properties family: envs/<env>/values.yaml, forbidden keys, schema, drift, records."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import records
from tests.lint.helpers import PROPS_ENVS, Case, app, bad, good, middleware, params, props

DEV = "envs/dev/values.yaml"
TEST = "envs/test/values.yaml"
PROD = "envs/prod/values.yaml"
RECORD = "deployments/dev.yaml"


def values(dev: str = "{}\n", test: str = "{}\n", prod: str = "{}\n") -> dict[str, str]:
    return {DEV: dev, TEST: test, PROD: prod}


def deployed(root: Path) -> None:
    records.append(
        root,
        "checkout",
        "dev",
        "deployed",
        "ci",
        appVersion="1.0.0",
        chartVersion="0.1.0",
        bundleDigest="sha256:" + "ab" * 32,
        release="checkout",
        namespace="checkout-dev",
        at="2026-11-26T10:00:00Z",
    )


def renumbered(root: Path) -> None:
    deployed(root)
    path = root / RECORD
    path.write_text(path.read_text().replace("seq: 1", "seq: 2"))


CASES = [
    good("properties-env-files", props(PROPS_ENVS)),
    bad("properties-env-files", props({DEV: "{}\n", PROD: "{}\n"}), (".launchgen.yaml", 3, 21)),
    bad(
        "properties-env-files",
        props(
            {
                **PROPS_ENVS,
                "envs/qa/values.yaml": "{}\n",
                "envs/dev/extra.yaml": "{}\n",
                "values.yaml": "{}\n",
            }
        ),
        ("envs/qa/values.yaml", 1, 1),
        ("envs/dev/extra.yaml", 1, 1),
        ("values.yaml", 1, 1),
    ),
    good("properties-env-files", props({**PROPS_ENVS, "envs/dev/secrets.yaml": "sops: {}\n"})),
    # A middleware repo's environments, in flow style: the column of the missing one.
    bad(
        "properties-env-files",
        middleware({"envs/dev/values.yaml": "{}\n"}),
        (".launchgen.yaml", 3, 21),
    ),
    bad("properties-forbidden-keys", props(values(dev="image:\n  tag: 1.2.3\n")), (DEV, 2, 3)),
    bad("properties-forbidden-keys", props(values(dev="appVersion: 1.2.3\n")), (DEV, 1, 1)),
    bad("properties-forbidden-keys", props(values(dev="version: 0.2.0\n")), (DEV, 1, 1)),
    bad(
        "properties-forbidden-keys",
        props(values(dev="nested:\n  image:\n    tag: latest\n")),
        (DEV, 3, 5),
    ),
    bad(
        "properties-forbidden-keys",
        app({"values.yaml": "image:\n  repository: r/x\n  tag: 1.0.0\n"}),
        ("values.yaml", 3, 3),
    ),
    good("properties-forbidden-keys", props(values(dev="env:\n  - name: X\n    value: '1'\n"))),
    good("properties-values-schema", props(values(dev="replicaCount: 2\n"))),
    good("properties-values-schema", props(values(dev=""))),
    bad("properties-values-schema", props(values(dev="replicaCount: two\n")), (DEV, 1, 1)),
    bad("properties-values-schema", props(values(dev="replicaCunt: 2\n")), (DEV, 1, 1)),
    bad(
        "properties-values-schema",
        props(values(dev="resources:\n  requests:\n    cpuu: 1\n")),
        (DEV, 3, 5),
    ),
    bad(
        "properties-drift",
        props(
            values(prod="replicaCount: 2\ningress:\n  enabled: true\n", test="replicaCount: 2\n")
        ),
        (PROD, 2, 1),
    ),
    good(
        "properties-drift",
        props(values(prod="podLabels:\n  team: a\n", test="podLabels:\n  team: a\n")),
    ),
    # check-all: a key in test but not in dev drifts too.
    good("properties-drift", props(values(test="podLabels:\n  team: a\n"))),
    bad(
        "properties-drift",
        props(
            values(test="podLabels:\n  team: a\n"),
            lint="lint:\n  rules:\n    properties-drift:\n      check-all: true\n",
        ),
        (TEST, 1, 1),
    ),
    good("properties-deployment-records", props(PROPS_ENVS), setup=deployed),
    bad("properties-deployment-records", props(PROPS_ENVS), (RECORD, 8, 5), setup=renumbered),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)


def test_values_schema_names_the_unknown_key(tmp_path: Path) -> None:
    case = bad("properties-values-schema", props(values(dev="replicaCunt: 2\n")), (DEV, 1, 1))
    message = next(p.message for p in case.check(tmp_path) if p.rule == case.rule)
    assert "unknown key 'replicaCunt'" in message
