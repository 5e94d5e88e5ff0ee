"""secrets family: plaintext secrets by key name and by entropy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import check

DEV = "envs/dev/values.yaml"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("db:\n  password: hunter2\n", [(2, 3)]),
        ("apiKey: abc\n", [(1, 1)]),
        ("env:\n  - name: DB_PASSWORD\n    value: hunter2\n", [(3, 5)]),
        (
            "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: pw}\n",
            [],
        ),
        ("auth:\n  existingSecret: db-credentials\n", []),
        ("auth:\n  passwordSecretName: db\n", []),
        ("db:\n  password: ENC[AES256_GCM,data:abc]\n", []),
        ("db:\n  password: ''\n", []),
        ("db:\n  password: hunter2\nsops:\n  version: 3.8.1\n", []),
    ],
)
def test_plaintext(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {DEV: values}, "secrets-plaintext", *[(DEV, *e) for e in expected])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            "podAnnotations:\n  note: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A\n",
            [(2, 3)],
        ),
        ("podAnnotations:\n  note: this-is-a-long-but-boring-annotation-value\n", []),
        ("podAnnotations:\n  url: https://example.com/a/b/c/d/e/f/g/h/i/j/k/l\n", []),
    ],
)
def test_high_entropy(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {DEV: values}, "secrets-high-entropy", *[(DEV, *e) for e in expected])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("db:\n  password: hunter2\n", [(1, 1)]),
        ("db:\n  password: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.8.1\n  age: []\n", []),
    ],
)
def test_unencrypted_secrets_file(props: Path, text: str, expected: list[tuple[int, int]]) -> None:
    secrets = "envs/dev/secrets.yaml"
    check(props, {secrets: text}, "secrets-unencrypted-file", *[(secrets, *e) for e in expected])
