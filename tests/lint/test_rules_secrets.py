"""secrets family: plaintext secrets by key name and by entropy, unencrypted secrets files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import PROPS_ENVS, Case, bad, good, params, props

DEV = "envs/dev/values.yaml"
SECRETS = "envs/dev/secrets.yaml"
RANDOM = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A"


def dev(text: str) -> dict[str, str]:
    return {**PROPS_ENVS, DEV: text}


CASES = [
    bad("secrets-plaintext", props(dev("db:\n  password: hunter2\n")), (DEV, 2, 3)),
    bad("secrets-plaintext", props(dev("apiKey: abc\n")), (DEV, 1, 1)),
    bad(
        "secrets-plaintext",
        props(dev("env:\n  - name: DB_PASSWORD\n    value: hunter2\n")),
        (DEV, 3, 5),
    ),
    good(
        "secrets-plaintext",
        props(
            dev(
                "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: pw}\n"
            )
        ),
    ),
    good("secrets-plaintext", props(dev("auth:\n  existingSecret: db-credentials\n"))),
    good("secrets-plaintext", props(dev("auth:\n  passwordSecretName: db\n"))),
    good("secrets-plaintext", props(dev("db:\n  password: ENC[AES256_GCM,data:abc]\n"))),
    good("secrets-plaintext", props(dev("db:\n  password: ''\n"))),
    good("secrets-plaintext", props(dev("db:\n  password: hunter2\nsops:\n  version: 3.8.1\n"))),
    good(
        "secrets-plaintext",
        props(
            dev("db:\n  password: hunter2\n"),
            lint="lint:\n  rules:\n    secrets-plaintext:\n      allow-keys: [db.password]\n",
        ),
    ),
    bad("secrets-high-entropy", props(dev(f"podAnnotations:\n  note: {RANDOM}\n")), (DEV, 2, 3)),
    good(
        "secrets-high-entropy",
        props(dev("podAnnotations:\n  note: this-is-a-long-but-boring-annotation-value\n")),
    ),
    good(
        "secrets-high-entropy",
        props(dev("podAnnotations:\n  url: https://example.com/a/b/c/d/e/f/g/h/i/j/k/l\n")),
    ),
    good(
        "secrets-high-entropy",
        props(
            dev(f"podAnnotations:\n  note: {RANDOM}\n"),
            lint="lint:\n  rules:\n    secrets-high-entropy:\n      min-length: 60\n",
        ),
    ),
    bad(
        "secrets-unencrypted-file",
        props({**PROPS_ENVS, SECRETS: "db:\n  password: hunter2\n"}),
        (SECRETS, 1, 1),
    ),
    good(
        "secrets-unencrypted-file",
        props(
            {
                **PROPS_ENVS,
                SECRETS: "db:\n  password: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.8.1\n  age: []\n",
            }
        ),
    ),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)
