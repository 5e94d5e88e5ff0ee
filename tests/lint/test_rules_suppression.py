"""suppression family: inline `# launchgen: disable=ID reason`, unused and invalid ones."""

from __future__ import annotations

from pathlib import Path

from tests.lint.helpers import check, found

DEV = "envs/dev/values.yaml"


def test_same_line_suppression(props: Path) -> None:
    values = "db:\n  password: hunter2  # launchgen: disable=secrets-plaintext test fixture only\n"
    problems = check(props, {DEV: values}, "secrets-plaintext")
    assert found(problems, "suppress-unused") == []


def test_own_line_suppression_applies_to_the_next_line(props: Path) -> None:
    values = "db:\n  # launchgen: disable=secrets-plaintext rotated weekly, dev only\n\n  password: hunter2\n"
    check(props, {DEV: values}, "secrets-plaintext")


def test_file_suppression(props: Path) -> None:
    values = "# launchgen: disable-file=secrets-plaintext,yaml-duplicate-key fixture\na:\n  password: x\na: 2\n"
    problems = check(props, {DEV: values}, "secrets-plaintext")
    assert found(problems, "yaml-duplicate-key") == []


def test_unused_suppression(props: Path) -> None:
    values = "replicaCount: 1  # launchgen: disable=secrets-plaintext was a password here\n"
    check(props, {DEV: values}, "suppress-unused", (DEV, 1, 18))


def test_suppression_of_repo_rule_is_not_unused_in_per_file_mode(props: Path) -> None:
    values = "replicaCount: 1  # launchgen: disable=properties-drift on purpose\n"
    check(
        props, {"envs/prod/values.yaml": values}, "suppress-unused", paths=["envs/prod/values.yaml"]
    )


def test_invalid_suppressions(props: Path) -> None:
    values = "a: 1  # launchgen: disable=no-such-rule why\nb: 2  # launchgen: disable=secrets-plaintext\n"
    check(props, {DEV: values}, "suppress-invalid", (DEV, 1, 7), (DEV, 2, 7))
