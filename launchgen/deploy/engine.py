"""The standard's deployment workflow on a cluster: deploy, monitor, approve or reject,
roll back, prune. Every cluster call goes through `Cluster`; every outcome is
appended to the environment's deployment history in the properties repo.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen import records, sopssecrets
from launchgen.deploy import policy
from launchgen.deploy.cluster import Cluster
from launchgen.deploy.source import DeploymentSource
from launchgen.deploy.wrapper import write_chart
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError, ToolError

LABEL_SERVICE, LABEL_ENV, LABEL_MODE = "launchgen.dev/service", "launchgen.dev/environment", "launchgen.dev/mode"


class DeploymentFailed(LaunchgenError):
    """The deployment did not become ready or failed its tests; it was rolled back (exit 1)."""

    exit_code = EXIT_PROBLEMS


@dataclass
class Outcome:
    message: str
    entry: dict[str, Any] | None = None


def _namespace_manifest(source_service: str, environment: str, namespace: str, immutable: bool) -> str:
    labels = {LABEL_SERVICE: source_service, LABEL_ENV: environment, LABEL_MODE: "immutable" if immutable else "in-place"}
    return json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": labels}})


def deploy(
    cluster: Cluster,
    source: DeploymentSource,
    properties: Path,
    *,
    by: str,
    timeout: str = "5m",
    run_tests: bool = True,
    allow_chart_only_upgrade: bool = False,
) -> Outcome:
    """helm upgrade --install the bundle, wait, test; roll back on failure; record it."""
    history = records.load(properties, source.environment)
    live = history.current() if history else None
    policy.check(source, live, allow_chart_only_upgrade=allow_chart_only_upgrade)
    # envs/<env>/secrets.yaml, checked and decrypted before anything changes (refusals leave the cluster alone)
    secrets = sopssecrets.for_deploy(source.manifests, source.release, source.environment, properties,
                                     dry_run=cluster.dry_run)
    release, namespace = source.release, source.namespace
    cluster.note(f"deploy {source.service} {source.app_version} (chart {source.chart_version}) to "
                 f"{source.environment}: release {release} in namespace {namespace}")
    cluster.kubectl(["apply", "-f", "-"], "create namespace",
                    stdin=_namespace_manifest(source.service, source.environment, namespace, source.immutable))
    with tempfile.TemporaryDirectory(prefix="launchgen-deploy-") as scratch:
        chart = write_chart(source, Path(scratch))
        secret_args = sopssecrets.attach(secrets, chart, dry_run=cluster.dry_run)
        if cluster.dry_run:
            chart = Path(f"<chart from bundle {source.digest[:19]}>")
        args = ["upgrade", "--install", release, str(chart), "--namespace", namespace,
                "--wait=watcher", "--rollback-on-failure", "--timeout", timeout, *secret_args]
        try:
            cluster.helm_run(args, "helm upgrade --install")
        except ToolError as exc:
            _record_failure(properties, source, by, f"not ready: {exc.message}")
            if source.immutable:
                _remove_namespace(cluster, namespace)
            raise DeploymentFailed(f"{release} did not become ready and was rolled back: {exc.message}") from None
    if run_tests:
        try:
            cluster.helm_run(["test", release, "--namespace", namespace, "--timeout", timeout], "helm test")
        except ToolError as exc:
            _undo(cluster, release, namespace, source.immutable)
            _record_failure(properties, source, by, f"tests failed: {exc.message}")
            raise DeploymentFailed(f"{release} failed its helm tests and was rolled back: {exc.message}") from None
    if cluster.dry_run:
        cluster.note(f"append a 'deployed' entry to deployments/{source.environment}.yaml")
        return Outcome("dry run: nothing changed")
    revisions = cluster.history(release, namespace)
    entry = records.append(
        properties, source.service, source.environment, "deployed", by,
        appVersion=source.app_version, chartVersion=source.chart_version, bundleDigest=source.digest,
        release=release, namespace=namespace, revision=revisions[-1]["revision"] if revisions else None,
        dataSchema=source.data_schema,
    )
    return Outcome(f"deployed {source.service} {source.app_version} to {source.environment} "
                   f"(release {release}, namespace {namespace}, record seq {entry['seq']}); waiting for approval", entry)


def _record_failure(properties: Path, source: DeploymentSource, by: str, note: str) -> None:
    records.append(properties, source.service, source.environment, "failed", by,
                   appVersion=source.app_version, chartVersion=source.chart_version, bundleDigest=source.digest,
                   release=source.release, namespace=source.namespace, note=note[:500])


def _remove_namespace(cluster: Cluster, namespace: str) -> None:
    cluster.kubectl(["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"], "delete namespace")


def _undo(cluster: Cluster, release: str, namespace: str, immutable: bool, to_revision: int | None = None) -> None:
    """Take a release back: immutable ones are removed with their namespace; in-place
    ones go back to `to_revision` (default: the one before the last), or are
    uninstalled when there is none."""
    if immutable:
        cluster.helm_run(["uninstall", release, "--namespace", namespace, "--wait"], "helm uninstall")
        _remove_namespace(cluster, namespace)
        return
    if to_revision is None:
        revisions = [r["revision"] for r in cluster.history(release, namespace)]
        to_revision = revisions[-2] if len(revisions) >= 2 else None
        if cluster.dry_run:
            to_revision = 0  # helm's "previous revision"
    if to_revision is None:
        cluster.helm_run(["uninstall", release, "--namespace", namespace, "--wait"], "helm uninstall")
    else:
        cluster.helm_run(["rollback", release, str(to_revision), "--namespace", namespace, "--wait"], "helm rollback")


def _history(properties: Path, environment: str) -> records.History:
    history = records.load(properties, environment)
    if history is None or not history.deployments():
        raise LaunchgenError(f"nothing has been deployed to {environment}: no deployments/{environment}.yaml entries",
                             path=str(properties))
    return history


def _is_immutable(entry: dict[str, Any], service: str) -> bool:
    return str(entry["release"]) != service


def approve(cluster: Cluster, properties: Path, service: str, environment: str, *, by: str) -> Outcome:
    """Approve the pending deployment; a paused Argo Rollout is promoted."""
    history = _history(properties, environment)
    pending = history.pending()
    if pending is None:
        raise LaunchgenError(f"no deployment is waiting for approval in {environment}")
    rollouts = cluster.kubectl_read(["get", "rollouts.argoproj.io", "--namespace", pending["namespace"], "-l",
                                     f"app.kubernetes.io/instance={pending['release']}", "-o", "name"], "get rollouts")
    for name in (rollouts or "").split():
        _promote(cluster, name, pending["namespace"])
    if cluster.dry_run:
        cluster.note(f"promote any paused Rollout of {pending['release']}; append 'approved' of seq {pending['seq']}")
        return Outcome("dry run: nothing changed")
    entry = records.append(properties, service, environment, "approved", by, of=pending["seq"])
    return Outcome(f"approved {pending['appVersion']} in {environment} (seq {pending['seq']})", entry)


def _promote(cluster: Cluster, rollout: str, namespace: str) -> None:
    """What `kubectl argo rollouts promote` does: unpause and clear the pause conditions."""
    cluster.kubectl(["patch", rollout, "--namespace", namespace, "--type", "merge", "-p", '{"spec":{"paused":false}}'],
                    "promote rollout")
    cluster.kubectl(["patch", rollout, "--namespace", namespace, "--type", "merge", "--subresource", "status",
                     "-p", '{"status":{"pauseConditions":null}}'], "promote rollout")


def reject(cluster: Cluster, properties: Path, service: str, environment: str, *, by: str) -> Outcome:
    """Reject the pending deployment: back to the previous revision, or (immutable) remove it."""
    history = _history(properties, environment)
    pending = history.pending()
    if pending is None:
        raise LaunchgenError(f"no deployment is waiting for approval in {environment}")
    live = history.live()
    previous = live[-2] if len(live) >= 2 else None
    immutable = _is_immutable(pending, service)
    target = previous.get("revision") if previous and not immutable else None
    _undo(cluster, pending["release"], pending["namespace"], immutable, target)
    if cluster.dry_run:
        cluster.note(f"append 'rejected' of seq {pending['seq']}")
        return Outcome("dry run: nothing changed")
    entry = records.append(properties, service, environment, "rejected", by, of=pending["seq"])
    back = f"back to {previous['appVersion']}" if previous else "nothing deployed now"
    return Outcome(f"rejected {pending['appVersion']} in {environment}; {back}", entry)


def rollback(cluster: Cluster, properties: Path, service: str, environment: str, *, by: str,
             to_seq: int | None = None) -> Outcome:
    """Roll back to an earlier live deployment (default: the one before the current)."""
    history = _history(properties, environment)
    live = history.live()
    if to_seq is None:
        if len(live) < 2:
            raise LaunchgenError(f"no earlier deployment to roll back to in {environment}")
        target = live[-2]
    else:
        found = [d for d in live if d["seq"] == to_seq]
        if not found:
            raise LaunchgenError(f"seq {to_seq} is not a live deployment in {environment} "
                                 f"(live: {', '.join(str(d['seq']) for d in live) or 'none'})")
        target = found[0]
    undone = [d for d in live if d["seq"] > target["seq"]]
    if not undone:
        raise LaunchgenError(f"seq {target['seq']} is already the current deployment in {environment}")
    if _is_immutable(target, service):
        for deployment in reversed(undone):
            _undo(cluster, deployment["release"], deployment["namespace"], True)
    else:
        _undo(cluster, target["release"], target["namespace"], False, int(target["revision"]))
    if not _record_each(cluster, properties, service, environment, undone, "rolled-back", by):
        return Outcome("dry run: nothing changed")
    return Outcome(f"rolled {environment} back to {target['appVersion']} (seq {target['seq']})")


def _record_each(cluster: Cluster, properties: Path, service: str, environment: str,
                 deployments: list[dict[str, Any]], event: str, by: str) -> bool:
    """Append `event` about each deployment; in a dry run only say so in the plan (False)."""
    if cluster.dry_run:
        cluster.note(f"append '{event}' for seq {', '.join(str(d['seq']) for d in deployments) or '(none)'}")
        return False
    for deployment in deployments:
        records.append(properties, service, environment, event, by, of=deployment["seq"])
    return True


def prune(cluster: Cluster, properties: Path, service: str, environment: str, *, keep: int, by: str) -> Outcome:
    """Remove old immutable deployments (release and namespace), keeping the last `keep`."""
    if keep < 1:
        raise LaunchgenError("--keep must be at least 1: the current deployment is never pruned")
    history = _history(properties, environment)
    immutable = [d for d in history.live() if _is_immutable(d, service)]
    old = immutable[:-keep] if len(immutable) > keep else []
    for deployment in old:
        _undo(cluster, deployment["release"], deployment["namespace"], True)
    if not _record_each(cluster, properties, service, environment, old, "pruned", by):
        return Outcome("dry run: nothing changed")
    return Outcome(f"pruned {len(old)} deployment(s) of {service} in {environment}; kept {min(keep, len(immutable))}")


def status(cluster: Cluster, properties: Path, service: str, environments: list[str]) -> list[dict[str, Any]]:
    """What is deployed where: from the records, and from the cluster when it answers."""
    rows = []
    reachable = cluster.reachable()
    for environment in environments:
        history = records.load(properties, environment)
        current = history.current() if history else None
        row: dict[str, Any] = {"environment": environment, "appVersion": None, "chartVersion": None,
                               "seq": None, "approved": None, "release": None, "namespace": None, "cluster": None}
        if current:
            row.update(appVersion=current["appVersion"], chartVersion=current["chartVersion"], seq=current["seq"],
                       approved=history is not None and history.pending() is None,
                       release=current["release"], namespace=current["namespace"])
            if reachable:
                # `helm history -o json` has the same shape in helm 3 and helm 4.
                revisions = cluster.history(current["release"], current["namespace"])
                last = revisions[-1] if revisions else None
                row["cluster"] = ({"status": last.get("status"), "revision": last.get("revision"),
                                   "appVersion": last.get("app_version")} if last else {"status": "not found"})
        rows.append(row)
    return rows
