"""The engine's view of an environment, for `launchgen status`: what the Flux Kustomization
or Argo CD Application deploying it says it applied, whether it is Ready, its last error.

Read with `kubectl get -o json` through `Cluster` (names checked, after `--`); the
object is untrusted input, so every field is type-checked and escaped before it is
shown, and an object of an unexpected shape reads as "unknown", never as a crash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from launchgen.display import printable
from launchgen.gitops.mode import GitOps
from launchgen.gitops.objects import engine_object

if TYPE_CHECKING:
    from launchgen.deploy.cluster import Cluster

LIMIT = 300


def _text(value: Any) -> str | None:
    return (
        printable(value, limit=LIMIT)
        if isinstance(value, (str, int, float)) and value != ""
        else None
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _condition(status: dict[str, Any], kind: str) -> dict[str, Any]:
    conditions = status.get("conditions")
    for condition in conditions if isinstance(conditions, list) else []:
        if isinstance(condition, dict) and condition.get("type") == kind:
            return condition
    return {}


def parse_flux(obj: Any) -> dict[str, Any]:
    """A Flux Kustomization's status: applied revision, Ready, and the Ready message when not ready."""
    status = _mapping(_mapping(obj).get("status"))
    ready = _condition(status, "Ready")
    state = {"True": "ready", "False": "not ready"}.get(str(ready.get("status")), "unknown")
    if state == "unknown" and ready.get("reason") == "Progressing":
        state = "progressing"
    view: dict[str, Any] = {
        "engine": "flux",
        "revision": _text(status.get("lastAppliedRevision")),
        "attempted": _text(status.get("lastAttemptedRevision")),
        "ready": state,
        "reason": _text(ready.get("reason")),
        "error": _text(ready.get("message")) if state != "ready" else None,
    }
    if view["attempted"] == view["revision"]:
        view["attempted"] = None
    return view


def parse_argocd(obj: Any) -> dict[str, Any]:
    """An Argo CD Application's status: synced revision(s), sync and health, the last error."""
    status = _mapping(_mapping(obj).get("status"))
    sync, health = _mapping(status.get("sync")), _mapping(status.get("health"))
    revisions = sync.get("revisions")
    revision = (
        ", ".join(t for t in (_text(r) for r in revisions) if t)
        if isinstance(revisions, list) and revisions
        else _text(sync.get("revision"))
    )
    synced, healthy = _text(sync.get("status")), _text(health.get("status"))
    state = "ready" if synced == "Synced" and healthy == "Healthy" else "not ready"
    if synced is None and healthy is None:
        state = "unknown"
    elif healthy == "Progressing":
        state = "progressing"
    error = None
    operation = _mapping(status.get("operationState"))
    if operation.get("phase") in ("Failed", "Error"):
        error = _text(operation.get("message"))
    conditions = status.get("conditions")
    for condition in conditions if isinstance(conditions, list) else []:
        if isinstance(condition, dict) and str(condition.get("type", "")).endswith("Error"):
            error = error or _text(f"{condition.get('type')}: {condition.get('message')}")
    if error is None and healthy == "Degraded":
        error = _text(health.get("message")) or "Degraded"
    return {
        "engine": "argocd",
        "revision": revision,
        "sync": synced,
        "health": healthy,
        "ready": state,
        "error": error,
    }


def read(cluster: Cluster, mode: GitOps, service: str, environment: str) -> dict[str, Any] | None:
    """The engine's view; "not found" when its object (or the engine's CRD) is missing from a
    reachable cluster, None in a dry run (the read is in the plan)."""
    resource, namespace, name = engine_object(mode, service, environment)
    out = cluster.kubectl_read(
        ["get", resource],
        f"get {resource}",
        namespace=namespace,
        flags=["-o", "json"],
        names=[name],
    )
    if out is None:
        return (
            None
            if cluster.dry_run
            else {"engine": mode.engine, "object": f"{namespace}/{name}", "ready": "not found"}
        )
    try:
        obj = json.loads(out)
    except ValueError:
        obj = None
    view = parse_flux(obj) if mode.engine == "flux" else parse_argocd(obj)
    view["object"] = f"{namespace}/{name}"
    return view


def add_views(cluster: Cluster, properties: Path, service: str, rows: list[dict[str, Any]]) -> None:
    """Add each row's engine view (key "engine") when an engine deploys the repo."""
    from launchgen import repoconfig
    from launchgen.gitops.mode import from_config

    mode = from_config(repoconfig.load(properties))
    if mode is None or not (cluster.dry_run or cluster.reachable()):
        return  # the text says the cluster was not reachable; "not found" would be a guess
    for row in rows:
        view = read(cluster, mode, service, row["environment"])
        if view is not None and view.get("revision"):
            view["published"] = _applies_publish(
                properties, service, row["environment"], view["revision"]
            )
        row["engine"] = view


def _revision_id(revision: str) -> str:
    """The commit or digest in an engine's revision (`prod@sha256:…`, `branch@sha1:…`, a bare sha)."""
    last = revision.rsplit("@", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else last


def applies(note: str, revision: str) -> bool:
    """Whether a publish record's note names what the engine applied (a digest, or a commit
    of which the note keeps the first 12 characters)."""
    found = _revision_id(revision)
    if len(found) < 12:
        return False
    words = note.replace("@", " ").replace(";", " ").replace("sha256:", " ").split()
    return any(found == word or (len(word) == 12 and found.startswith(word)) for word in words)


def _applies_publish(
    properties: Path, service: str, environment: str, revision: str
) -> bool | None:
    """Whether the engine applied the environment's current (published) deployment; None
    when the records do not say (nothing recorded, or not a publish)."""
    from launchgen import records

    history = records.load(properties, environment, service)
    current = history.current() if history else None
    note = str(current.get("note") or "") if current else ""
    if not note.startswith("published to "):
        return None
    if applies(note, revision):
        return True
    # a reject or rollback in engine mode re-published it (on git, as a commit of its own)
    from launchgen.gitops.day2 import went_back_to

    assert history is not None and current is not None
    return any(applies(back, revision) for back in went_back_to(history, current))


def describe(view: dict[str, Any] | None) -> str:
    """One line's worth of the engine's view, for status's text output."""
    if view is None:
        return ""
    where = f"{view['engine']} {view.get('object', '')}".rstrip()
    if view["ready"] == "not found":
        return f"; {where}: not found"
    parts = [str(view["ready"])]
    if view.get("revision"):
        parts.append(f"revision {view['revision']}")
    if view.get("published") is not None:
        parts.append("the recorded publish" if view["published"] else "NOT the recorded publish")
    if view.get("attempted"):
        parts.append(f"attempted {view['attempted']}")
    if view.get("error"):
        parts.append(f"last error: {view['error']}")
    return f"; {where}: " + ", ".join(parts)
