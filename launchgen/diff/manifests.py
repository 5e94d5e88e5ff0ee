"""Loading rendered manifests from a folder or a deployment bundle (tar.gz)."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from launchgen.errors import LaunchgenError

YAML_SUFFIXES = (".yaml", ".yml")


def documents(text: str, display: str) -> Iterator[dict[str, Any]]:
    """The Kubernetes objects (mappings with apiVersion and kind) of a YAML stream."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe", pure=False)
    try:
        for doc in yaml.load_all(text):
            if isinstance(doc, dict) and "kind" in doc and "apiVersion" in doc:
                yield doc
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LaunchgenError("not valid YAML", path=display, line=mark.line + 1 if mark else None) from None


def load(source: Path) -> list[dict[str, Any]]:
    """Every Kubernetes object in a folder of YAML files or a .tar.gz bundle."""
    if source.is_dir():
        docs: list[dict[str, Any]] = []
        for path in sorted(p for p in source.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()):
            docs.extend(documents(path.read_text(encoding="utf-8"), str(path)))
        return docs
    if source.is_file():
        return _load_bundle(source)
    raise LaunchgenError("no such file or folder", path=str(source))


def _load_bundle(path: Path) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if not member.isfile() or not member.name.endswith(YAML_SUFFIXES):
                    continue
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                docs.extend(documents(handle.read().decode("utf-8"), f"{path}:{member.name}"))
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise LaunchgenError(f"not a readable .tar.gz bundle or folder of manifests ({exc})", path=str(path)) from None
    return docs
