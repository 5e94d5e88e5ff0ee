"""yaml family: syntax, duplicate keys, alias abuse, yamllint with the repo's .yamllint."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import PROPS_ENVS, Case, bad, good, params, props

DEV = "envs/dev/values.yaml"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)
RELAXED = ".yamllint"
RELAXED_CONFIG = "extends: default\nrules:\n  colons: disable\n  document-start: disable\n"


def dev(text: str, **more: str) -> dict[str, str]:
    return {**PROPS_ENVS, DEV: text, **more}


CASES = [
    bad("yaml-syntax", props(dev("a: [1, 2\n")), (DEV, 2, 1)),
    bad("yaml-syntax", props(dev("a: 1\n\tb: 2\n")), (DEV, 2, 1)),
    bad("yaml-syntax", props(dev("a: 1\n---\nb: 2\n")), (DEV, 2, 1)),
    bad("yaml-syntax", props(dev("[" * 300 + "]" * 300 + "\n")), (DEV, 1, 201)),
    good("yaml-syntax", props(dev("a: 1\n"))),
    bad("yaml-duplicate-key", props(dev("replicaCount: 1\nreplicaCount: 2\n")), (DEV, 2, 1)),
    good("yaml-duplicate-key", props(dev("replicaCount: 1\nreplicas: 2\n"))),
    bad("yaml-anchors", props(dev(BOMB)), (DEV, 6, 4)),
    bad("yaml-anchors", props(dev("a: &a [*a]\n")), (DEV, 1, 4)),
    good("yaml-anchors", props(dev("a: &x {b: 1}\nc: *x\n"))),
    bad("yaml-lint", props(dev("replicaCount:   1\n")), (DEV, 1, 16), yamllint=True),
    bad("yaml-lint", props(dev("replicaCount: 1   \n")), (DEV, 1, 16), yamllint=True),
    good("yaml-lint", props(dev("replicaCount: 1\n")), yamllint=True),
    # The repo's .yamllint is honoured.
    good(
        "yaml-lint", props(dev("replicaCount:   1\n", **{RELAXED: RELAXED_CONFIG})), yamllint=True
    ),
    good(
        "yaml-lint",
        props(dev("replicaCount:   1\n"), lint="lint:\n  yamllint: false\n"),
        yamllint=True,
    ),
    good(
        "yaml-lint",
        props(dev("replicaCount:   1\n"), lint="lint:\n  rules:\n    yaml-lint: disable\n"),
        yamllint=True,
    ),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)


def test_yamllint_names_its_rule_and_keeps_its_level(tmp_path: Path) -> None:
    error = bad("yaml-lint", props(dev("replicaCount:   1\n")), (DEV, 1, 16), yamllint=True)
    [problem] = [p for p in error.check(tmp_path / "a") if p.rule == "yaml-lint"]
    assert problem.message.endswith("(colons)") and problem.severity == "error"
    warning = bad(
        "yaml-lint", props(dev("replicaCount: 1  # ok\n#bad comment\n")), (DEV, 2, 2), yamllint=True
    )
    assert [p.severity for p in warning.check(tmp_path / "b") if p.rule == "yaml-lint"] == [
        "warning"
    ]
    configured = bad(
        "yaml-lint",
        props(
            dev("replicaCount: 1  # ok\n#bad comment\n"),
            lint="lint:\n  rules:\n    yaml-lint: error\n",
        ),
        (DEV, 2, 2),
        yamllint=True,
    )
    assert [p.severity for p in configured.check(tmp_path / "c") if p.rule == "yaml-lint"] == [
        "error"
    ]
