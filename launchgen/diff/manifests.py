"""One side of a diff: the rendered deployments in a folder or a bundle (tar.gz).

A side holds one deployment per environment, never a merge of several:

- a render folder (`rendered/prod`, with render.json): its listed manifests;
- a render root (`rendered/`, a folder of render folders): one deployment per
  environment, named by each render.json;
- a bundle (`.tar.gz`): its `manifests/`, the environment named by its statement;
- any other folder of YAML files: one deployment, no environment name.

Two resources with the same identity in one deployment mean two renders were mixed
up; that is refused rather than letting one silently hide the other.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from launchgen.display import printable
from launchgen.errors import LaunchgenError
from launchgen.standard import RENDER_RECORD

YAML_SUFFIXES = (".yaml", ".yml")
BUNDLE_STATEMENT = "attestation.dsse.json"


@dataclass(frozen=True)
class Deployment:
    """The resources of one rendered deployment, and the environment it is for."""

    origin: str  # what the user named, for messages
    environment: str | None
    docs: list[dict[str, Any]]
    in_root: bool = False  # one of a render root's environments


def documents(text: str, display: str) -> Iterator[dict[str, Any]]:
    """The Kubernetes objects (mappings with apiVersion and kind) of a YAML stream."""
    import yaml

    try:
        for doc in yaml.load_all(text, Loader=yaml.CSafeLoader):
            if isinstance(doc, dict) and "kind" in doc and "apiVersion" in doc:
                yield doc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LaunchgenError(
            "not valid YAML", path=display, line=mark.line + 1 if mark else None
        ) from None


def identity(doc: dict[str, Any]) -> tuple[str, str, str]:
    """(kind with API group, namespace, name): what makes a resource itself."""
    group = str(doc.get("apiVersion", "")).rpartition("/")[0]
    kind = f"{doc.get('kind')}.{group}" if group else str(doc.get("kind"))
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    return kind, str(meta.get("namespace") or ""), str(meta.get("name") or "")


def _deployment(origin: str, environment: str | None, sources: list[tuple[str, str]]) -> Deployment:
    """A deployment from (display name, YAML text) pairs; duplicates refused."""
    seen: dict[tuple[str, str, str], str] = {}
    docs: list[dict[str, Any]] = []
    for display, text in sources:
        for doc in documents(text, display):
            key = identity(doc)
            if key in seen:
                label = "/".join(p for p in key if p)
                raise LaunchgenError(
                    f"{label} appears twice ({seen[key]} and {display}): one side mixes several renders; "
                    "compare one render folder, bundle or render root per side",
                    path=origin,
                )
            seen[key] = display
            docs.append(doc)
    if not docs:
        raise LaunchgenError("holds no Kubernetes resources to compare", path=origin)
    return Deployment(origin, environment, docs)


def load_side(source: Path) -> list[Deployment]:
    """Every deployment of one side, one per environment."""
    if source.is_dir():
        if (source / RENDER_RECORD).is_file():
            return [_render_folder(source)]
        records = sorted(source.rglob(RENDER_RECORD))
        if records:
            return _render_root(source, [r.parent for r in records])
        files = sorted(p for p in source.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        return [_deployment(str(source), None, [(str(p), _read_text(p)) for p in files])]
    if source.is_file():
        return [_bundle(source)]
    raise LaunchgenError("no such file or folder", path=str(source))


def load(source: Path) -> list[dict[str, Any]]:
    """The resources of a side holding exactly one deployment."""
    side = load_side(source)
    if len(side) != 1:
        raise LaunchgenError(
            f"holds {len(side)} environments; name one render folder", path=str(source)
        )
    return side[0].docs


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LaunchgenError(
            f"cannot read ({exc.__class__.__name__})", path=printable(str(path))
        ) from None


def _record(folder: Path) -> dict[str, Any]:
    path = folder / RENDER_RECORD
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        raise LaunchgenError("not a readable launchgen render record", path=str(path)) from None
    if not isinstance(record, dict):
        raise LaunchgenError("not a launchgen render record", path=str(path))
    return record


def _render_folder(folder: Path) -> Deployment:
    """The manifests render.json lists (never inputs/, whose values files are not resources)."""
    record = _record(folder)
    listed = record.get("manifests")
    if not isinstance(listed, list) or not listed:
        raise LaunchgenError("lists no manifests", path=str(folder / RENDER_RECORD))
    environment = record.get("environment")
    sources = [(str(folder / str(name)), _read_text(folder / str(name))) for name in listed]
    return _deployment(str(folder), str(environment) if environment else folder.name, sources)


def _render_root(root: Path, folders: list[Path]) -> list[Deployment]:
    deployments = [replace(_render_folder(f), in_root=True) for f in folders]
    owners: dict[str | None, str] = {}
    for deployment in deployments:
        if deployment.environment in owners:
            raise LaunchgenError(
                f"two renders of environment {deployment.environment} ({owners[deployment.environment]} and "
                f"{deployment.origin}): compare one render root per side",
                path=str(root),
            )
        owners[deployment.environment] = deployment.origin
    inside = tuple(folders)
    for path in sorted(root.rglob("*")):
        if (
            path.suffix in YAML_SUFFIXES
            and path.is_file()
            and not any(f in path.parents for f in inside)
        ):
            raise LaunchgenError(
                f"{path} is not part of any render in it: a render root holds only render folders",
                path=str(root),
            )
    return sorted(deployments, key=lambda d: str(d.environment))


def _bundle(path: Path) -> Deployment:
    import tarfile  # only for bundles: render and deploy read manifests without it

    sources: list[tuple[str, str]] = []
    environment: str | None = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
            names = {m.name for m in members}
            manifests_only = any(n.startswith("manifests/") for n in names)
            for member in members:
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                if member.name == BUNDLE_STATEMENT:
                    environment = _bundle_environment(handle.read())
                    continue
                if not member.name.endswith(YAML_SUFFIXES):
                    continue
                if manifests_only and not member.name.startswith("manifests/"):
                    continue  # inputs/: values files, not resources
                sources.append((f"{path}:{member.name}", handle.read().decode("utf-8")))
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise LaunchgenError(
            f"not a readable .tar.gz bundle or folder of manifests ({exc})", path=str(path)
        ) from None
    return _deployment(str(path), environment, sources)


def _bundle_environment(envelope: bytes) -> str | None:
    """The environment the bundle's statement names (read, not verified: `verify` does that)."""
    try:
        payload = json.loads(base64.b64decode(json.loads(envelope)["payload"]))
        value = payload["predicate"]["buildDefinition"]["externalParameters"]["environment"]
    except (ValueError, KeyError, TypeError):
        return None
    return str(value) if value else None
