"""The pre-commit hooks generated repos use.

With no `hooks_repo` in the org config, `.pre-commit-config.yaml` gets `repo: local`
hooks (`language: system`): pre-commit runs the `launchgen` already installed, so the
hooks work offline and need no hooks repository or tag. They are made from launchgen's
own `.pre-commit-hooks.yaml` (shipped as `launchgen/_data/pre-commit-hooks.yaml`),
so the ids, entries and file filters are the ones the hooks repo form would use.
With `hooks_repo` set, the repo points at that repository at tag `v<version>`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parents[1]
MANIFEST_CANDIDATES = (
    _PACKAGE / "_data" / "pre-commit-hooks.yaml",
    _PACKAGE.parent / ".pre-commit-hooks.yaml",
)

# Keys of a manifest hook a `repo: local` hook takes over unchanged. `language` becomes
# `system`; language_version and additional_dependencies mean nothing for it, and the
# description is left out of the generated file.
LOCAL_KEYS = (
    "id",
    "name",
    "entry",
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "args",
    "pass_filenames",
    "always_run",
    "require_serial",
    "stages",
    "verbose",
    "fail_fast",
    "minimum_pre_commit_version",
)
_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ .()/-]*\Z")


def manifest_path() -> Path:
    for candidate in MANIFEST_CANDIDATES:
        if candidate.is_file():
            return candidate
    from launchgen.errors import LaunchgenError

    raise LaunchgenError(
        "launchgen installation is incomplete: no pre-commit-hooks.yaml in launchgen/_data"
    )


def manifest() -> list[dict[str, Any]]:
    """launchgen's hooks, as its `.pre-commit-hooks.yaml` defines them."""
    from launchgen import yamlio

    path = manifest_path()
    hooks = yamlio.load_fast(path.read_bytes(), str(path))
    if not isinstance(hooks, list) or not all(isinstance(h, dict) and "id" in h for h in hooks):
        raise ValueError(f"{manifest_path()}: not a pre-commit hooks manifest")
    return hooks


def hook_ids() -> list[str]:
    return [str(h["id"]) for h in manifest()]


def local_hooks_yaml(indent: int = 6) -> str:
    """The manifest's hooks as `repo: local` hooks run by the installed launchgen."""
    lines: list[str] = []
    pad = " " * indent
    for hook in manifest():
        local = {
            "id": hook["id"],
            "name": hook.get("name", hook["id"]),
            "entry": hook["entry"],
            "language": "system",
        }
        local.update({key: hook[key] for key in LOCAL_KEYS if key in hook and key not in local})
        for index, (key, value) in enumerate(local.items()):
            lines.append(f"{pad}{'- ' if index == 0 else '  '}{key}: {_scalar(value)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    """A YAML flow scalar: plain where that is unambiguous, else JSON (valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if (
        _PLAIN.match(text)
        and not text[0].isdigit()
        and text.lower() not in ("true", "false", "yes", "no", "on", "off", "null", "~")
    ):
        return text
    return json.dumps(text)
