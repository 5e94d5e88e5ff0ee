"""The standard's deployment workflow on a cluster: deploy, monitor, approve or reject,
roll back, prune. Every cluster call goes through `Cluster`; every outcome is
appended to the environment's deployment history in the properties repo.

Records are read from their end and only as far as each step needs. In a dry run,
when the records cannot say what a step would act on (nothing recorded yet, as after
`deploy --dry-run`, or nothing waiting for approval), the plan is made against the
release and namespace an in-place deploy of this repo uses, and says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from launchgen import helmargv, records
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError, ToolError

if TYPE_CHECKING:  # the day-2 commands import none of what deploy alone needs
    from launchgen.deploy.cluster import Cluster
    from launchgen.deploy.source import DeploymentSource

LABEL_SERVICE, LABEL_ENV, LABEL_MODE = (
    "launchgen.dev/service",
    "launchgen.dev/environment",
    "launchgen.dev/mode",
)
PROMOTE_PATCHES: tuple[tuple[list[str], str], ...] = (
    ([], '{"spec":{"paused":false}}'),
    (["--subresource", "status"], '{"status":{"pauseConditions":null}}'),
)


class DeploymentFailed(LaunchgenError):
    """The deployment did not become ready or failed its tests; it was rolled back (exit 1)."""

    exit_code = EXIT_PROBLEMS


@dataclass
class Outcome:
    message: str
    entry: records.Entry | None = None


def _namespace_manifest(
    source_service: str, environment: str, namespace: str, immutable: bool
) -> str:
    labels = {
        LABEL_SERVICE: source_service,
        LABEL_ENV: environment,
        LABEL_MODE: "immutable" if immutable else "in-place",
    }
    return json.dumps(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": labels}}
    )


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
    import tempfile

    from launchgen import sopssecrets
    from launchgen.deploy import policy
    from launchgen.deploy.wrapper import write_chart

    history = records.load(properties, source.environment, source.service)
    live = history.current() if history else None
    policy.check(source, live, allow_chart_only_upgrade=allow_chart_only_upgrade)
    if not cluster.dry_run:
        records.preflight(properties, source.environment)
    # envs/<env>/secrets.yaml, checked and decrypted before anything changes (refusals leave the cluster alone)
    secrets = sopssecrets.for_deploy(
        source.manifests, source.release, source.environment, properties, dry_run=cluster.dry_run
    )
    release, namespace = source.release, source.namespace
    cluster.note(
        f"deploy {source.service} {source.app_version} (chart {source.chart_version}) to "
        f"{source.environment}: release {release} in namespace {namespace}"
    )
    cluster.kubectl(
        ["apply"],
        "create namespace",
        flags=["-f", "-"],
        stdin=_namespace_manifest(source.service, source.environment, namespace, source.immutable),
    )
    with tempfile.TemporaryDirectory(prefix="launchgen-deploy-") as scratch:
        chart: Path | str = write_chart(source, Path(scratch))
        secret_values = sopssecrets.attach(secrets, Path(chart), dry_run=cluster.dry_run)
        if cluster.dry_run:
            chart = f"<chart from bundle {source.digest[:19]}>"
        try:
            cluster.helm_run(
                helmargv.upgrade_install(
                    cluster.release(release, namespace),
                    chart,
                    timeout=timeout,
                    values=[secret_values] if secret_values else [],
                ),
                what="helm upgrade --install",
            )
        except ToolError as exc:
            _record_failure(properties, source, by, f"not ready: {exc.message}")
            if source.immutable:
                _remove_namespace(cluster, namespace)
            raise DeploymentFailed(
                f"{release} did not become ready and was rolled back: {exc.message}"
            ) from None
    if run_tests:
        try:
            cluster.helm_run(
                helmargv.test(cluster.release(release, namespace), timeout=timeout),
                what="helm test",
            )
        except ToolError as exc:
            _undo(cluster, release, namespace, source.immutable)
            _record_failure(properties, source, by, f"tests failed: {exc.message}")
            raise DeploymentFailed(
                f"{release} failed its helm tests and was rolled back: {exc.message}"
            ) from None
    if cluster.dry_run:
        cluster.note(f"append a 'deployed' entry to deployments/{source.environment}.yaml")
        return Outcome("dry run: nothing changed")
    revisions = cluster.history(release, namespace)
    entry = records.append(
        properties,
        source.service,
        source.environment,
        "deployed",
        by,
        **source.record_fields(),
        revision=revisions[-1]["revision"] if revisions else None,
        dataSchema=source.data_schema,
    )
    return Outcome(
        f"deployed {source.service} {source.app_version} to {source.environment} "
        f"(release {release}, namespace {namespace}, record seq {entry['seq']}); waiting for approval",
        entry,
    )


def _record_failure(properties: Path, source: DeploymentSource, by: str, note: str) -> None:
    records.append(
        properties,
        source.service,
        source.environment,
        "failed",
        by,
        **source.record_fields(),
        note=note[:1000],
    )


def _remove_namespace(cluster: Cluster, namespace: str) -> None:
    cluster.kubectl(
        ["delete", "namespace"],
        "delete namespace",
        flags=["--ignore-not-found", "--wait=false"],
        names=[namespace],
    )


def _undo(
    cluster: Cluster, release: str, namespace: str, immutable: bool, to_revision: int | None = None
) -> None:
    """Take a release back: immutable ones are removed with their namespace; in-place
    ones go back to `to_revision` (default: the one before the last), or are
    uninstalled when there is none."""
    target = cluster.release(release, namespace)
    if immutable:
        cluster.helm_run(helmargv.uninstall(target), what="helm uninstall")
        _remove_namespace(cluster, namespace)
        return
    if to_revision is None:
        revisions = [r["revision"] for r in cluster.history(release, namespace)]
        to_revision = revisions[-2] if len(revisions) >= 2 else None
        if cluster.dry_run:
            cluster.note("0 is helm's previous revision; a first install is uninstalled instead")
            to_revision = 0
    if to_revision is None:
        cluster.helm_run(helmargv.uninstall(target), what="helm uninstall")
    else:
        cluster.helm_run(helmargv.rollback(target, to_revision), what="helm rollback")


def _load(
    properties: Path, service: str, environment: str, cluster: Cluster
) -> records.History | None:
    """The environment's history; outside a dry run, there must be a deployment in it."""
    history = records.load(properties, environment, service)
    if cluster.dry_run:
        return history
    if history is None or not history.has_deployments():
        raise LaunchgenError(
            f"nothing has been deployed to {environment}: no deployments/{environment}.yaml entries",
            path=str(properties),
        )
    records.preflight(properties, environment)
    return history


def _planned(cluster: Cluster, service: str, environment: str, why: str) -> dict[str, Any]:
    """What a dry run acts on when the records cannot say: this repo's in-place release."""
    from launchgen.naming import namespace_for

    release, namespace = service, namespace_for(service, environment)
    cluster.note(
        f"{why}: planning against release {release} in namespace {namespace}, "
        "as an in-place deploy of this repo would use"
    )
    return {
        "seq": None,
        "release": release,
        "namespace": namespace,
        "appVersion": "(planned)",
        "revision": None,
    }


def _is_immutable(entry: Mapping[str, Any], service: str) -> bool:
    return str(entry["release"]) != service


def approve(
    cluster: Cluster, properties: Path, service: str, environment: str, *, by: str
) -> Outcome:
    """Approve the pending deployment; a paused Argo Rollout is promoted."""
    from launchgen.deploy.cluster import release_selector

    history = _load(properties, service, environment, cluster)
    pending: Mapping[str, Any] | None = history.pending() if history else None
    if pending is None:
        if not cluster.dry_run:
            raise LaunchgenError(f"no deployment is waiting for approval in {environment}")
        pending = _planned(
            cluster,
            service,
            environment,
            _why_planned(history, environment, "waiting for approval"),
        )
    release, namespace = pending["release"], pending["namespace"]
    rollouts = cluster.kubectl_read(
        ["get", "rollouts.argoproj.io"],
        "get rollouts",
        namespace=namespace,
        flags=["-l", release_selector(release), "-o", "name"],
    )
    if cluster.dry_run:
        from launchgen.deploy.cluster import shown

        cluster.note("then, for each Rollout listed (as `kubectl argo rollouts promote` does):")
        for extra, patch in PROMOTE_PATCHES:
            argv = cluster.kubectl_args(
                ["patch"], namespace=namespace, flags=["--type", "merge", *extra, "-p", patch]
            )
            cluster.plan.append(shown([*argv, "--", "<rollout>"]))
    for name in (rollouts or "").split():
        _promote(cluster, name, namespace)
    if cluster.dry_run:
        cluster.note(
            f"append 'approved' of seq {pending['seq'] or '(the deployment)'} to deployments/{environment}.yaml"
        )
        return Outcome("dry run: nothing changed")
    entry = records.append(properties, service, environment, "approved", by, of=pending["seq"])
    return Outcome(
        f"approved {pending['appVersion']} in {environment} (seq {pending['seq']})", entry
    )


def _why_planned(history: records.History | None, environment: str, wanted: str) -> str:
    if history is None or not history.has_deployments():
        return f"nothing is recorded in deployments/{environment}.yaml (a dry-run deploy records nothing)"
    return f"no deployment is {wanted} in {environment}"


def _promote(cluster: Cluster, rollout: str, namespace: str) -> None:
    """What `kubectl argo rollouts promote` does: unpause and clear the pause conditions."""
    for extra, patch in PROMOTE_PATCHES:
        cluster.kubectl(
            ["patch"],
            "promote rollout",
            namespace=namespace,
            names=[rollout],
            flags=["--type", "merge", *extra, "-p", patch],
        )


def reject(
    cluster: Cluster, properties: Path, service: str, environment: str, *, by: str
) -> Outcome:
    """Reject the pending deployment: back to the previous revision, or (immutable) remove it."""
    history = _load(properties, service, environment, cluster)
    pending: Mapping[str, Any] | None = history.pending() if history else None
    previous = history.previous() if history and pending else None
    if pending is None:
        if not cluster.dry_run:
            raise LaunchgenError(f"no deployment is waiting for approval in {environment}")
        pending = _planned(
            cluster,
            service,
            environment,
            _why_planned(history, environment, "waiting for approval"),
        )
    immutable = _is_immutable(pending, service)
    target = previous.get("revision") if previous and not immutable else None
    _undo(cluster, pending["release"], pending["namespace"], immutable, target)
    if cluster.dry_run:
        cluster.note(f"append 'rejected' of seq {pending['seq'] or '(the deployment)'}")
        return Outcome("dry run: nothing changed")
    entry = records.append(properties, service, environment, "rejected", by, of=pending["seq"])
    back = f"back to {previous['appVersion']}" if previous else "nothing deployed now"
    return Outcome(f"rejected {pending['appVersion']} in {environment}; {back}", entry)


def rollback(
    cluster: Cluster,
    properties: Path,
    service: str,
    environment: str,
    *,
    by: str,
    to: int | str | None = None,
) -> Outcome:
    """Roll back to an earlier live deployment (default: the one before the current);
    `to`: its seq or app version."""
    history = _load(properties, service, environment, cluster)
    target, undone = rollback_target(history, environment, to, cluster.dry_run)
    if target is None:  # dry run with nothing to go on
        planned = _planned(
            cluster,
            service,
            environment,
            _why_planned(history, environment, "live before the current one"),
        )
        _undo(cluster, planned["release"], planned["namespace"], False, None)
        cluster.note("append 'rolled-back' for the current deployment")
        return Outcome("dry run: nothing changed")
    if _is_immutable(target, service):
        for deployment in undone:
            _undo(cluster, deployment["release"], deployment["namespace"], True)
    else:
        if target.get("revision") is None:
            raise LaunchgenError(
                f"seq {target['seq']} has no helm revision recorded: roll back in place with "
                f"`helm rollback` and record it by hand"
            )
        _undo(cluster, target["release"], target["namespace"], False, int(target["revision"]))
    if not _record_each(
        cluster, properties, service, environment, list(reversed(undone)), "rolled-back", by
    ):
        return Outcome("dry run: nothing changed")
    return Outcome(f"rolled {environment} back to {target['appVersion']} (seq {target['seq']})")


def rollback_target(
    history: records.History | None, environment: str, to: int | str | None, dry_run: bool
) -> tuple[records.Entry | None, list[records.Entry]]:
    """(target, the live deployments after it, newest first), reading back only that far.
    `to`: the target's seq (int) or app version (str, its newest live deployment)."""
    undone: list[records.Entry] = []
    if history is None:
        return None, undone
    named = f"seq {to}" if isinstance(to, int) else f"version {to}"
    for deployment in history.live_newest():
        hit = deployment["seq"] == to if isinstance(to, int) else deployment["appVersion"] == to
        if (to is None and undone) or hit:
            if not undone:
                raise LaunchgenError(f"{named} is already the current deployment in {environment}")
            return deployment, undone
        if isinstance(to, int) and deployment["seq"] < to:
            break
        undone.append(deployment)
    if to is None:
        if dry_run:
            return None, []
        raise LaunchgenError(f"no earlier deployment to roll back to in {environment}")
    live = ", ".join(f"{d['seq']} ({d['appVersion']})" for d in reversed(history.live())) or "none"
    raise LaunchgenError(f"{named} is not a live deployment in {environment} (live: {live})")


def parse_to(text: str | None) -> int | str | None:
    """`rollback --to`: a record seq (digits) or an app version."""
    from launchgen.naming import check_version

    if text is None:
        return None
    if text.isdigit() and text.isascii():
        return int(text)
    return check_version(text, source="--to")


def _record_each(
    cluster: Cluster,
    properties: Path,
    service: str,
    environment: str,
    deployments: list[records.Entry],
    event: str,
    by: str,
) -> bool:
    """Append `event` about each deployment; in a dry run only say so in the plan (False)."""
    if cluster.dry_run:
        cluster.note(f"append '{event}' for seq {', '.join(str(d['seq']) for d in deployments)}")
        return False
    for deployment in deployments:
        records.append(properties, service, environment, event, by, of=deployment["seq"])
    return True


def prune(
    cluster: Cluster, properties: Path, service: str, environment: str, *, keep: int, by: str
) -> Outcome:
    """Remove old immutable deployments (release and namespace), keeping the last `keep`."""
    if keep < 1:
        raise LaunchgenError("--keep must be at least 1: the current deployment is never pruned")
    history = _load(properties, service, environment, cluster)
    immutable = [d for d in (history.live() if history else []) if _is_immutable(d, service)]
    old = immutable[:-keep] if len(immutable) > keep else []
    if not old:
        return Outcome(
            f"nothing to prune in {environment}: {len(immutable)} immutable deployment(s) live, keeping {keep}"
        )
    for deployment in old:
        _undo(cluster, deployment["release"], deployment["namespace"], True)
    if not _record_each(cluster, properties, service, environment, old, "pruned", by):
        return Outcome("dry run: nothing changed")
    return Outcome(
        f"pruned {len(old)} deployment(s) of {service} in {environment}; kept {min(keep, len(immutable))}"
    )


def status(
    cluster: Cluster, properties: Path, service: str, environments: list[str]
) -> list[dict[str, Any]]:
    """What is deployed where: from the records (their last entries), and from the cluster
    when it answers. A dry run shows the cluster reads in the plan instead."""
    from launchgen.publish.record import published

    rows = []
    reachable = cluster.reachable()
    for environment in environments:
        history = records.load(properties, environment, service)
        current = history.current() if history else None
        row: dict[str, Any] = {
            "environment": environment,
            "appVersion": None,
            "chartVersion": None,
            "seq": None,
            "approved": None,
            "release": None,
            "namespace": None,
            "cluster": None,
            "mode": "push",
        }
        if current and history:
            row.update(
                appVersion=current["appVersion"],
                chartVersion=current["chartVersion"],
                seq=current["seq"],
                approved=history.approved(current["seq"]),
                release=current["release"],
                namespace=current["namespace"],
            )
            if published(current):
                row["mode"] = (
                    "engine"  # no helm release to ask about; status adds the engine's view
                )
            elif reachable or cluster.dry_run:
                revisions = cluster.history(current["release"], current["namespace"])
                last = revisions[-1] if revisions else None
                if not cluster.dry_run:
                    row["cluster"] = (
                        {
                            "status": _text(last.get("status")),
                            "revision": last.get("revision"),
                            "appVersion": _text(last.get("app_version")),
                        }
                        if last
                        else {"status": "not found"}
                    )
        rows.append(row)
    return rows


def _text(value: Any) -> str | None:
    from launchgen.display import printable

    return None if value is None else printable(value, limit=100)
