"""The standard's checks on rendered manifests, beyond what a schema can say.

Each check takes one object and the deployment's context and yields
(rule, message, keys) where keys locate the offending value in the document. Each
rule's summary, fix hint and documentation are in the catalog, `launchgen.checks`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from launchgen.display import printable as _p

Finding = tuple[str, str, list[str | int]]

HOOK_ANNOTATION = "helm.sh/hook"
NAME_LABEL = "app.kubernetes.io/name"

# Where each workload kind keeps its pod spec.
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Rollout": (
        "spec",
        "template",
        "spec",
    ),  # Argo Rollouts, the Launch chart's progressive-delivery workload
}

_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class Context:
    """What the manifests were rendered for (from render.json or options)."""

    namespace: str | None = None
    postfix: str = ""
    immutable: bool = False
    app_version: str | None = None
    app_kind: bool = True  # app repo (the app image tag is the appVersion), not middleware


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return rest[:colon], rest[colon + 1 :], digest or None
    return rest, None, digest or None


def _get(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _images(obj: dict[str, Any]) -> Iterator[tuple[list[str | int], dict[str, Any]]]:
    keys = _POD_SPEC_PATHS.get(str(obj.get("kind")))
    spec = _get(obj, keys) if keys else None
    if not isinstance(spec, dict):
        return
    for group in _CONTAINER_LISTS:
        containers = spec.get(group)
        if isinstance(containers, list):
            for index, container in enumerate(containers):
                if isinstance(container, dict):
                    yield [*keys, group, index], container  # type: ignore[misc]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def check_object(
    obj: dict[str, Any], context: Context, namespaced: bool | None
) -> Iterator[Finding]:
    metadata = _mapping(obj.get("metadata"))
    name = str(metadata.get("name") or "")
    namespace = metadata.get("namespace")
    kind, shown = _p(obj.get("kind"), limit=120), _p(name, limit=120)
    if (
        namespace is not None
        and namespaced is not False
        and context.namespace
        and namespace != context.namespace
    ):
        yield (
            "standard-namespace",
            f"{kind} {shown} is pinned to namespace {_p(namespace)!r}, not the deployment's "
            f"{context.namespace!r}: leave metadata.namespace unset (or use .Release.Namespace)",
            ["metadata", "namespace"],
        )
    if (
        context.immutable
        and namespaced is False
        and context.postfix
        and context.postfix not in name
    ):
        yield (
            "standard-cluster-scoped",
            f"cluster-scoped {kind} {shown} in an immutable deployment must carry the postfix "
            f"{context.postfix!r} in its name, or deployments would share it",
            ["metadata", "name"],
        )
    if obj.get("kind") == "Secret" and str(obj.get("apiVersion")) == "v1":
        for field in ("data", "stringData"):
            if _mapping(obj.get(field)):
                yield (
                    "standard-secret-literal",
                    f"Secret {shown} carries literal {field}: the rendered bundle would hold the secret in plain "
                    "text",
                    [field],
                )
    is_hook = HOOK_ANNOTATION in _mapping(metadata.get("annotations"))
    app_name = _mapping(metadata.get("labels")).get(NAME_LABEL)
    for keys, container in _images(obj):
        image = container.get("image")
        where = [*keys, "image"]
        if not isinstance(image, str) or not image:
            yield (
                "standard-image-tag",
                f"container {_p(container.get('name'))!r} has no image",
                keys,
            )
            continue
        _, tag, digest = split_image(image)
        if tag is None and digest is None:
            yield (
                "standard-image-tag",
                f"image {_p(image)!r} has no tag: pin an exact version",
                where,
            )
        elif tag == "latest":
            yield (
                "standard-image-tag",
                f"image {_p(image)!r} uses the 'latest' tag: pin an exact version",
                where,
            )
        elif (
            context.app_kind
            and context.app_version
            and not is_hook
            and app_name
            and container.get("name") == app_name
            and tag is not None
            and tag != context.app_version
        ):
            yield (
                "standard-app-version",
                f"app image {_p(image)!r} has tag {_p(tag)!r}, but the appVersion is {_p(context.app_version)!r}",
                where,
            )
