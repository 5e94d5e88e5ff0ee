"""A semantic diff of two sets of Kubernetes objects.

Objects are matched by (group/kind, namespace, name); fields are compared by path,
list items by their `name` where they have one (containers, ports, env). A change is
*appVersion-derived* when both sides read the same once the app version (and, for
immutable deployments, the namespace/name postfix) is replaced by a token: an image
tag, the version label, an APP_VERSION variable, a name carrying the postfix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

VERSION_LABEL = "app.kubernetes.io/version"
_POSTFIX = re.compile(r"-([0-9a-f]{8})$")
VERSION_TOKEN, POSTFIX_TOKEN = "<appVersion>", "<postfix>"

Key = tuple[str, str, str]


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any
    derived: bool


@dataclass
class ResourceChange:
    kind: str
    namespace: str
    name: str
    status: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def derived(self) -> bool:
        return self.status == "changed" and all(f.derived for f in self.fields)

    @property
    def label(self) -> str:
        return "/".join(p for p in (self.kind, self.namespace, self.name) if p)


@dataclass
class DiffResult:
    old_version: str | None
    new_version: str | None
    resources: list[ResourceChange]

    @property
    def other_changes(self) -> int:
        return sum(1 for r in self.resources if r.status != "changed") + sum(
            1 for r in self.resources for f in r.fields if not f.derived
        )

    @property
    def derived_changes(self) -> int:
        return sum(1 for r in self.resources for f in r.fields if f.derived)

    @property
    def only_app_version(self) -> bool:
        return self.other_changes == 0


class _Normaliser:
    """Replaces one side's app version and postfix with tokens, so sides compare equal.

    The version is replaced only where it stands on its own (not inside a longer run of
    letters, digits and dots): with versions 42 -> 43, `4200` -> `4300` is a change of
    consequence, not one derived from the app version."""

    def __init__(self, version: str | None, postfix: str | None) -> None:
        self.version, self.postfix = version, postfix
        self._version = (
            re.compile(r"(?<![A-Za-z0-9.])" + re.escape(version) + r"(?![A-Za-z0-9.])")
            if version
            else None
        )

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if self.postfix:
            value = value.replace(self.postfix, POSTFIX_TOKEN)
        if self._version is not None:
            value = self._version.sub(VERSION_TOKEN, value)
        return value


def _app_version(docs: list[dict[str, Any]]) -> str | None:
    labels = Counter(
        str(d.get("metadata", {}).get("labels", {}).get(VERSION_LABEL))
        for d in docs
        if isinstance(d.get("metadata"), dict)
        and isinstance(d["metadata"].get("labels"), dict)
        and VERSION_LABEL in d["metadata"]["labels"]
    )
    return labels.most_common(1)[0][0] if labels else None


def _postfixes(docs: list[dict[str, Any]]) -> set[str]:
    found = set()
    for doc in docs:
        meta = doc.get("metadata") or {}
        for value in (meta.get("namespace"), meta.get("name")):
            match = _POSTFIX.search(str(value or ""))
            if match:
                found.add(match[0])
    return found


def _key(doc: dict[str, Any], norm: _Normaliser) -> Key:
    group = str(doc.get("apiVersion", "")).rpartition("/")[0]
    kind = f"{doc.get('kind')}.{group}" if group else str(doc.get("kind"))
    meta = doc.get("metadata") or {}
    return kind, norm(str(meta.get("namespace") or "")), norm(str(meta.get("name") or ""))


def _is_named_list(value: Any) -> bool:
    """A non-empty list of objects with distinct names (containers, env, ports)."""
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(i, dict) and "name" in i for i in value):
        return False
    return len({str(i["name"]) for i in value}) == len(value)


def _walk(
    old: Any, new: Any, path: str, norm_old: _Normaliser, norm_new: _Normaliser
) -> Iterator[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            child = f"{path}.{key}" if path else str(key)
            if "." in str(key) or "/" in str(key):
                child = f"{path}[{key}]" if path else f"[{key}]"
            yield from _walk(
                old.get(key, _ABSENT), new.get(key, _ABSENT), child, norm_old, norm_new
            )
        return
    if _is_named_list(old) and _is_named_list(new):
        old_items = {norm_old(str(i["name"])): i for i in old}
        new_items = {norm_new(str(i["name"])): i for i in new}
        for name in sorted(set(old_items) | set(new_items)):
            yield from _walk(
                old_items.get(name, _ABSENT),
                new_items.get(name, _ABSENT),
                f"{path}[name={name}]",
                norm_old,
                norm_new,
            )
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=False)):
            yield from _walk(a, b, f"{path}[{index}]", norm_old, norm_new)
        return
    if old == new:
        return
    derived = old is not _ABSENT and new is not _ABSENT and norm_old(old) == norm_new(new)
    yield FieldChange(
        path, None if old is _ABSENT else old, None if new is _ABSENT else new, derived
    )


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


def diff_manifests(
    old_docs: list[dict[str, Any]],
    new_docs: list[dict[str, Any]],
    old_version: str | None = None,
    new_version: str | None = None,
) -> DiffResult:
    """Compare two rendered deployments; versions default to their version labels."""
    old_version = old_version or _app_version(old_docs)
    new_version = new_version or _app_version(new_docs)
    if old_version == new_version:
        old_version = new_version = None  # nothing can be derived from an unchanged version
    old_post, new_post = _postfixes(old_docs), _postfixes(new_docs)
    old_postfix = next(iter(old_post)) if len(old_post) == 1 and old_post != new_post else None
    new_postfix = next(iter(new_post)) if len(new_post) == 1 and old_post != new_post else None
    norm_old, norm_new = (
        _Normaliser(old_version, old_postfix),
        _Normaliser(new_version, new_postfix),
    )
    old_map = {_key(d, norm_old): d for d in old_docs}
    new_map = {_key(d, norm_new): d for d in new_docs}
    changes: list[ResourceChange] = []
    for key in sorted(set(old_map) | set(new_map)):
        kind, _, _ = key
        shown = new_map.get(key) or old_map[key]
        meta = shown.get("metadata") or {}
        namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")
        if key not in new_map:
            changes.append(ResourceChange(kind, namespace, name, "removed"))
        elif key not in old_map:
            changes.append(ResourceChange(kind, namespace, name, "added"))
        else:
            fields = list(_walk(old_map[key], new_map[key], "", norm_old, norm_new))
            if fields:
                changes.append(ResourceChange(kind, namespace, name, "changed", fields))
    return DiffResult(old_version, new_version, changes)
