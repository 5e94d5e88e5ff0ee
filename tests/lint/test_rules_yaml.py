"""yaml family: syntax, duplicate keys, alias abuse, yamllint with the repo's .yamllint."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.lint import lint
from tests.lint.helpers import check

DEV = "envs/dev/values.yaml"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("a: [1, 2\n", [(2, 1)]),
        ("a: 1\n\tb: 2\n", [(2, 1)]),
        ("a: 1\n---\nb: 2\n", [(2, 1)]),
        ("[" * 300 + "]" * 300 + "\n", [(1, 201)]),
        ("a: 1\n", []),
    ],
)
def test_syntax(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {DEV: values}, "yaml-syntax", *[(DEV, *e) for e in expected])


def test_duplicate_key(props: Path) -> None:
    check(props, {DEV: "replicaCount: 1\nreplicaCount: 2\n"}, "yaml-duplicate-key", (DEV, 2, 1))


@pytest.mark.parametrize(
    ("values", "expected"),
    [(BOMB, [(6, 4)]), ("a: &a [*a]\n", [(1, 4)]), ("a: &x {b: 1}\nc: *x\n", [])],
)
def test_anchors(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {DEV: values}, "yaml-anchors", *[(DEV, *e) for e in expected])


def test_yamllint_honours_the_repos_yamllint(props: Path) -> None:
    (props / DEV).write_text("replicaCount:   1\n")
    problems = lint([str(props)], cache=False)
    assert [(p.rule, p.path, p.line, p.column) for p in problems] == [("yaml-lint", DEV, 1, 16)]
    assert "(colons)" in problems[0].message and problems[0].severity == "error"
    (props / ".yamllint").write_text(
        "extends: default\nrules:\n  colons: disable\n  document-start: disable\n  truthy: {check-keys: false}\n"
    )
    assert lint([str(props)], cache=False) == []


def test_yamllint_warnings_stay_warnings_and_can_be_disabled(props: Path) -> None:
    (props / DEV).write_text("replicaCount: 1  # ok\n#bad comment\n")
    problems = lint([str(props)], cache=False)
    assert [(p.rule, p.severity, p.line) for p in problems] == [("yaml-lint", "warning", 2)]
    config = (props / ".launchgen.yaml").read_text() + "lint:\n  yamllint: false\n"
    (props / ".launchgen.yaml").write_text(config)
    assert lint([str(props)], cache=False) == []


def test_yamllint_default_config_without_a_yamllint_file(app: Path) -> None:
    (app / "values.yaml").write_text((app / "values.yaml").read_text() + "replicaCount: 1   \n")
    problems = lint([str(app)], cache=False)
    assert [(p.rule, p.line, p.message) for p in problems] == [
        ("yaml-lint", 7, "trailing spaces (trailing-spaces)")
    ]
