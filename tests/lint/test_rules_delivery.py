"""delivery family: progressive rollouts keep their approval step."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import PROPS_ENVS, Case, app, bad, good, params, props

PROD = "envs/prod/values.yaml"


def prod(text: str) -> dict[str, str]:
    return {**PROPS_ENVS, PROD: text}


CANARY = "rollout:\n  enabled: {on}\n  canary:\n    steps:\n      - setWeight: 50\n      - pause: {pause}\n"

CASES = [
    good("delivery-rollout-approval", props(prod("rollout:\n  enabled: true\n"))),
    good(
        "delivery-rollout-approval",
        props(prod("rollout:\n  enabled: true\n  strategy: blueGreen\n")),
    ),
    bad(
        "delivery-rollout-approval",
        props(
            prod(
                "rollout:\n  enabled: true\n  strategy: blueGreen\n  blueGreen:\n    autoPromotionEnabled: true\n"
            )
        ),
        (PROD, 5, 5),
    ),
    bad(
        "delivery-rollout-approval",
        props(prod(CANARY.format(on="true", pause="{duration: 5m}"))),
        (PROD, 4, 5),
    ),
    bad(
        "delivery-rollout-approval",
        app({"values.yaml": CANARY.format(on="true", pause="{duration: 5m}")}),
        ("values.yaml", 4, 5),
    ),
    good("delivery-rollout-approval", props(prod(CANARY.format(on="true", pause="{}")))),
    good(
        "delivery-rollout-approval", props(prod(CANARY.format(on="false", pause="{duration: 5m}")))
    ),
    bad(
        "delivery-rollout-strategy",
        props(prod("rollout:\n  enabled: true\n  strategy: linear\n")),
        (PROD, 3, 3),
    ),
    good(
        "delivery-rollout-strategy", props(prod("rollout:\n  enabled: true\n  strategy: canary\n"))
    ),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)
