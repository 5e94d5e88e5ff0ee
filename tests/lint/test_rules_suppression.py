"""suppression family: inline `# launchgen: disable=ID reason`, unused and invalid ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import PROPS_ENVS, Case, bad, found, good, params, props

DEV = "envs/dev/values.yaml"
TEST = "envs/test/values.yaml"
PROD = "envs/prod/values.yaml"


def dev(text: str) -> dict[str, str]:
    return {**PROPS_ENVS, DEV: text}


CASES = [
    # A suppression of a problem that is there is used; one of a problem that is not, unused.
    good(
        "suppress-unused",
        props(dev("db:\n  password: hunter2  # launchgen: disable=secrets-plaintext fixture\n")),
    ),
    bad(
        "suppress-unused",
        props(dev("replicaCount: 1  # launchgen: disable=secrets-plaintext was a password\n")),
        (DEV, 1, 18),
    ),
    # The per-file hook does not run repo rules: their suppressions are not unused there.
    good(
        "suppress-unused",
        props({**PROPS_ENVS, PROD: "a: 1  # launchgen: disable=properties-drift on purpose\n"}),
        paths=(PROD,),
    ),
    bad(
        "suppress-unused",
        props(
            {
                **PROPS_ENVS,
                TEST: "a: 1\n",
                PROD: "a: 1  # launchgen: disable=properties-drift why\n",
            }
        ),
        (PROD, 1, 7),
    ),
    good("suppress-invalid", props(dev("a: 1  # launchgen: disable=secrets-plaintext a reason\n"))),
    bad(
        "suppress-invalid",
        props(
            dev(
                "a: 1  # launchgen: disable=no-such-rule why\nb: 2  # launchgen: disable=secrets-plaintext\n"
            )
        ),
        (DEV, 1, 7),
        (DEV, 2, 7),
    ),
    bad("suppress-invalid", props(dev("a: 1  # launchgen: disable= why\n")), (DEV, 1, 7)),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)


@pytest.mark.parametrize(
    "values",
    [
        "db:\n  password: hunter2  # launchgen: disable=secrets-plaintext test fixture only\n",
        "db:\n  # launchgen: disable=secrets-plaintext rotated weekly, dev only\n\n  password: hunter2\n",
        "# launchgen: disable-file=secrets-plaintext,yaml-duplicate-key fixture\na: 1\na: 2\ndb:\n  password: x\n",
    ],
    ids=["same-line", "own-line-covers-the-next", "whole-file"],
)
def test_suppressed_problems_are_not_reported(values: str, tmp_path: Path) -> None:
    problems = good("secrets-plaintext", props(dev(values))).check(tmp_path / "suppressed")
    assert found(problems, "suppress-unused") == found(problems, "yaml-duplicate-key") == []
    # Without the comments the problems are there.
    bare = "\n".join(line.split("#")[0].rstrip() for line in values.splitlines()) + "\n"
    problems = Case("secrets-plaintext", props(dev(bare)), ()).run(tmp_path / "bare")
    assert found(problems, "secrets-plaintext")
