"""delivery family: progressive rollouts keep their approval step."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import check

PROD = "envs/prod/values.yaml"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("rollout:\n  enabled: true\n", []),
        ("rollout:\n  enabled: true\n  strategy: blueGreen\n", []),
        (
            "rollout:\n  enabled: true\n  strategy: blueGreen\n  blueGreen:\n    autoPromotionEnabled: true\n",
            [(5, 5)],
        ),
        (
            "rollout:\n  enabled: true\n  canary:\n    steps:\n      - setWeight: 50\n      - pause: {duration: 5m}\n",
            [(4, 5)],
        ),
        (
            "rollout:\n  enabled: true\n  canary:\n    steps:\n      - setWeight: 50\n      - pause: {}\n",
            [],
        ),
        ("rollout:\n  enabled: false\n  canary:\n    steps:\n      - setWeight: 50\n", []),
    ],
)
def test_rollout_approval(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {PROD: values}, "delivery-rollout-approval", *[(PROD, *e) for e in expected])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("rollout:\n  enabled: true\n  strategy: linear\n", [(3, 3)]),
        ("rollout:\n  enabled: true\n  strategy: canary\n", []),
    ],
)
def test_rollout_strategy(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {PROD: values}, "delivery-rollout-strategy", *[(PROD, *e) for e in expected])
