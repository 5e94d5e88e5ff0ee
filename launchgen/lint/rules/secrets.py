"""Secrets: no plaintext secrets in values.

Values repos are read by everyone who can read the repo and end up in rendered,
attested manifests. Secrets come from a secret manager: an external-secret reference,
`existingSecret`-style names, `valueFrom.secretKeyRef`, or files encrypted with
sops / helm-secrets (which these rules skip).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from launchgen.lint.contract import Context, Hit, rule

VALUES_FILES = ("values.yaml", "envs/*.yaml", "envs/*.yml")
# A key whose name ends in one of these words holds a secret...
_SECRET_NAME = re.compile(
    r"(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|secret[-_]?key|"
    r"credentials?|auth[-_]?key|client[-_]?secret|connection[-_]?string|dsn)$",
    re.IGNORECASE,
)
# ...unless it names or references one held elsewhere.
_REFERENCE_NAME = re.compile(
    r"^existing|ref$|name$|keys?ref|path$|file$|enabled$|^create|length$", re.IGNORECASE
)
_REFERENCE_VALUE = re.compile(
    r"^(ENC\[|\$\{|\{\{|ref\+|vault:|secretref:|awssm:|gcpsm:|azkv:|arn:aws:secretsmanager)"
)
_B64 = re.compile(r"^[A-Za-z0-9+/=_-]+$")


def _is_encrypted(data: Any) -> bool:
    """sops (and helm-secrets, which uses sops) add a top-level `sops` block."""
    return isinstance(data, dict) and isinstance(data.get("sops"), dict)


def _leaves(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    else:
        yield path, data


def _plaintext(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    text = str(value).strip()
    return bool(text) and not _REFERENCE_VALUE.match(text)


def _secret_key(path: tuple[str | int, ...], data: Any) -> str | None:
    """The secret-looking name governing this leaf: its key, or a Kubernetes env entry's name."""
    key = path[-1] if path else None
    if isinstance(key, str):
        if _SECRET_NAME.search(key) and not _REFERENCE_NAME.search(key):
            return key
        if key == "value" and len(path) >= 2:
            parent = data
            for part in path[:-1]:
                parent = parent[part]
            name = parent.get("name") if isinstance(parent, dict) else None
            if isinstance(name, str) and _SECRET_NAME.search(name):
                return name
    return None


@rule("secrets-plaintext", scope="file", files=VALUES_FILES, options={"allow-keys": []})
def plaintext(ctx: Context) -> Iterator[Hit]:
    """A value whose key (or env entry name) says it is a secret holds plaintext.

    Keys ending in password, secret, token, apiKey, privateKey, credentials and the
    like, and `env` entries named like them, must not carry the secret itself.
    References are fine: `existingSecret`, `*SecretName`, `valueFrom.secretKeyRef`,
    `ENC[...]`, `ref+...`, `${...}`. Option `allow-keys`: dotted key paths to accept.
    """
    source = ctx.file
    if source is None or source.document is None or _is_encrypted(source.data):
        return
    allowed = set(ctx.options.get("allow-keys") or [])
    for path, value in _leaves(source.data):
        name = _secret_key(path, source.data)
        if name is None or not _plaintext(value) or ".".join(map(str, path)) in allowed:
            continue
        line, column = source.document.position(path)
        yield Hit(
            f"plaintext secret in {'.'.join(map(str, path))} ({name})",
            "reference a secret instead (existingSecret, valueFrom.secretKeyRef, an ExternalSecret) or "
            "encrypt the file with sops/helm-secrets",
            line=line,
            column=column,
        )


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


@rule(
    "secrets-high-entropy",
    scope="file",
    files=VALUES_FILES,
    severity="warning",
    options={"min-length": 24, "min-entropy": 4.2},
)
def high_entropy(ctx: Context) -> Iterator[Hit]:
    """A value looks like a key or token: a long, random-looking string (Shannon entropy).

    Catches secrets under innocent key names. URLs, image references and digests are
    not flagged. Tune with options `min-length` (default 24) and `min-entropy`
    (bits per character, default 4.2).
    """
    source = ctx.file
    if source is None or source.document is None or _is_encrypted(source.data):
        return
    min_length = int(ctx.options.get("min-length", 24))
    min_entropy = float(ctx.options.get("min-entropy", 4.2))
    for path, value in _leaves(source.data):
        if not isinstance(value, str) or len(value) < min_length or not _B64.match(value):
            continue
        if _REFERENCE_VALUE.match(value) or _secret_key(path, source.data):
            continue  # references are fine; named secrets are secrets-plaintext's
        if entropy(value) >= min_entropy:
            line, column = source.document.position(path)
            yield Hit(
                f"{'.'.join(map(str, path))} looks like a secret (random-looking {len(value)}-character string)",
                "move it to a secret manager, or suppress with a reason if it is not secret",
                line=line,
                column=column,
            )


# Files whose name says they hold secrets, so they must be sops-encrypted.
SECRET_FILES = (
    "envs/*/secrets.yaml",
    "envs/*/secrets.yml",
    "envs/*/secrets.*.yaml",
    "secrets.yaml",
)


@rule("secrets-unencrypted-file", scope="file", files=SECRET_FILES)
def unencrypted_file(ctx: Context) -> Iterator[Hit]:
    """A secrets file is not encrypted: it has no sops metadata.

    `envs/<env>/secrets.yaml` (the layout `launchgen new --secrets sops` sets up) is
    meant for sops / helm-secrets: encrypted in git, decrypted only at deploy time. A
    file without a top-level `sops` block is plaintext in the repo's history.
    """
    source = ctx.file
    if source is None or source.data is None or _is_encrypted(source.data):
        return
    yield Hit(
        "secrets file is not sops-encrypted (no top-level sops metadata)",
        f"encrypt it in place: sops --encrypt --in-place {source.relpath} (rules in .sops.yaml)",
    )


RULES = (plaintext, high_entropy, unencrypted_file)
