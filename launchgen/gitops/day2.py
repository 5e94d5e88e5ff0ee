"""approve, reject, rollback and prune when a GitOps engine deploys the environment.

There is no helm release then: Flux or Argo CD applies what `launchgen publish` wrote,
and a deploy job must not run helm against a cluster an engine owns. So:

- `approve` records the approval (the promotion commit, or the tag move, was the
  deployment); nothing else happens;
- `rollback` goes back to an earlier publish, on the target publish wrote to: on the
  environment branch, a new commit that restores `<service>/` exactly as the commit that
  published it left it; in the registry, tag `<env>` back on the artifact tagged
  `<env>-<version>`. Both are checked against the record's bundle digest before anything
  moves. Then `rolled-back` entries for the deployments undone, as push mode records;
- `reject` records `rejected` and goes back, the same way, to the newest earlier publish
  that was approved;
- `prune` has nothing to do: the engine prunes what it no longer deploys.

Engine mode is when the properties repo records a `gitops:` block, when `--git`/`--oci`
name the target, or when the deployment acted on was recorded by `publish`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from launchgen import records
from launchgen.display import printable
from launchgen.errors import ConfigError, LaunchgenError
from launchgen.publish.record import published

if TYPE_CHECKING:
    from launchgen.records import Entry, History

BACK_TO = "back to "  # how a re-publish's record note starts
ENGINE_NAMES = {
    "flux": "Flux (its Kustomization prunes: prune: true)",
    "argocd": "Argo CD (its sync prunes: syncPolicy automated.prune)",
    "": "the GitOps engine",
}


@dataclass(frozen=True)
class Targets:
    """Where the engine pulls the environment from: what publish wrote to."""

    git: str | None = None
    oci: str | None = None
    plain_http: bool = False
    engine: str = ""  # flux, argocd; "" when only the options or the records say
    multi_source: bool = False  # Argo CD renders the chart itself: launchgen publishes nothing


def targets(
    properties: Path,
    service: str,
    environment: str,
    *,
    git: str | None = None,
    oci: str | None = None,
    plain_http: bool = False,
) -> Targets | None:
    """Engine mode's targets for the environment; None in push mode (helm deploys it).
    `--git`/`--oci` win; otherwise the `gitops:` block of .launchgen.yaml names one."""
    from launchgen import repoconfig
    from launchgen.gitops import mode as gitops

    config = repoconfig.load(properties)
    recorded = gitops.from_config(config)
    if git or oci:
        return Targets(git, oci, plain_http, recorded.engine if recorded else "")
    if recorded is not None:
        if recorded.multi_source:
            return Targets(engine=recorded.engine, multi_source=True)
        git, oci = gitops.pull_source(recorded, properties)
        return Targets(git, oci, plain_http, recorded.engine)
    history = records.load(properties, environment, service)
    current = history.current() if history else None
    return Targets() if current is not None and published(current) else None


def _history(properties: Path, service: str, environment: str) -> History:
    history = records.load(properties, environment, service)
    if history is None or not history.has_deployments():
        raise LaunchgenError(
            f"nothing has been deployed to {environment}: no deployments/{environment}.yaml entries",
            path=str(properties),
        )
    return history


def _pending(history: History, environment: str) -> Entry:
    pending = history.pending()
    if pending is None:
        raise LaunchgenError(f"no deployment is waiting for approval in {environment}")
    return pending


def approve(
    properties: Path, service: str, environment: str, *, by: str, dry_run: bool = False
) -> str:
    """Record the approval of the pending publish; the engine deploys it already."""
    pending = _pending(_history(properties, service, environment), environment)
    if dry_run:
        return (
            f"dry run: would append 'approved' of seq {pending['seq']} to "
            f"deployments/{environment}.yaml (engine mode: no helm, no cluster); nothing changed"
        )
    records.append(properties, service, environment, "approved", by, of=pending["seq"])
    return f"approved {pending['appVersion']} in {environment} (seq {pending['seq']})"


def prune(environment: str, where: Targets) -> str:
    """Nothing to remove: an engine keeps no old releases and prunes what it stopped deploying."""
    engine = ENGINE_NAMES.get(where.engine, ENGINE_NAMES[""])
    return f"nothing to prune in {environment}: {engine} prunes what it deploys"


def rollback(
    properties: Path,
    service: str,
    environment: str,
    where: Targets,
    *,
    by: str,
    to: int | str | None = None,
    dry_run: bool = False,
) -> str:
    """Go back to an earlier live publish (default: the one before the current)."""
    from launchgen.deploy.engine import rollback_target

    history = _history(properties, service, environment)
    target, undone = rollback_target(history, environment, to, dry_run=False)
    assert target is not None  # not a dry run: rollback_target raises instead
    if dry_run:
        return _planned(environment, where, target, undone, [])
    places = _go_back(properties, service, environment, where, target, undone, "rollback", by)
    note = _note(target, places)
    for deployment in reversed(undone):
        records.append(
            properties, service, environment, "rolled-back", by, of=deployment["seq"], note=note
        )
    return (
        f"rolled {environment} back to {target['appVersion']} (seq {target['seq']}): "
        + "; ".join(printable(place, limit=500) for place in places)
    )


def reject(
    properties: Path,
    service: str,
    environment: str,
    where: Targets,
    *,
    by: str,
    dry_run: bool = False,
) -> str:
    """Reject the pending publish and go back to the newest earlier approved one."""
    history = _history(properties, service, environment)
    pending = _pending(history, environment)
    target, between = None, []
    for deployment in history.live_newest():
        if deployment["seq"] == pending["seq"]:
            continue
        if history.approved(deployment["seq"]):
            target = deployment
            break
        between.append(deployment)  # published after the approved one, never approved
    if target is None:
        raise LaunchgenError(
            f"nothing was approved in {environment} before {pending['appVersion']} "
            f"(seq {pending['seq']}): there is no approved publish to go back to; nothing "
            "changed. Publish the bundle that should run instead."
        )
    undone = [pending, *between]
    if dry_run:
        return _planned(environment, where, target, undone, [pending["seq"]])
    places = _go_back(properties, service, environment, where, target, undone, "reject", by)
    note = _note(target, places)
    records.append(properties, service, environment, "rejected", by, of=pending["seq"], note=note)
    for deployment in reversed(between):
        records.append(
            properties, service, environment, "rolled-back", by, of=deployment["seq"], note=note
        )
    return (
        f"rejected {pending['appVersion']} in {environment} (seq {pending['seq']}); back to "
        f"{target['appVersion']} (seq {target['seq']}): "
        + "; ".join(printable(place, limit=500) for place in places)
    )


def _planned(
    environment: str, where: Targets, target: Entry, undone: list[Entry], rejected: list[int]
) -> str:
    _check_where(where, environment)
    steps = []
    if where.git:
        from launchgen.publish.gitbranch import branch_for, shown_remote

        steps.append(
            f"restore the folder on {branch_for(environment)} of {shown_remote(where.git)} "
            f"as published from bundle {target['bundleDigest']}"
        )
    if where.oci:
        steps.append(
            f"point tag {environment} of {printable(where.oci)} at the artifact tagged "
            f"{environment}-{target['appVersion']}"
        )
    events = [
        f"'{'rejected' if d['seq'] in rejected else 'rolled-back'}' of seq {d['seq']}"
        for d in reversed(undone)
    ]
    return (
        f"dry run: would {' and '.join(steps)} ({target['appVersion']}, seq {target['seq']}), "
        f"then append {', '.join(events)}; nothing changed"
    )


def _check_where(where: Targets, environment: str) -> None:
    if where.multi_source:
        raise ConfigError(
            "in Argo CD multi-source mode launchgen publishes nothing: go back by reverting "
            f"envs/{environment}/values.yaml in the properties repo; Argo CD syncs it"
        )
    if not where.git and not where.oci:
        raise ConfigError(
            f"{environment} was published for a GitOps engine, not deployed with helm: give "
            "--git REMOTE or --oci oci://HOST/PATH as publish was given, or record the target "
            "in .launchgen.yaml (gitops: {engine, source, url})"
        )


def _go_back(
    properties: Path,
    service: str,
    environment: str,
    where: Targets,
    target: Entry,
    undone: list[Entry],
    command: str,
    by: str,
) -> list[str]:
    """Re-publish `target` on every target; where it went. Everything that can refuse (the
    records' lock, the names, the registry's artifact) is asked before anything moves."""
    from launchgen.naming import check_version
    from launchgen.publish import oci
    from launchgen.publish.ociref import check_digest

    _check_where(where, environment)
    records.preflight(properties, environment)
    version = check_version(target["appVersion"], source="the record's appVersion")
    digest = check_digest(target["bundleDigest"])

    def retag(move: bool) -> oci.Retagged:
        assert where.oci is not None
        recorded = _recorded_oci_digest(str(target.get("note") or ""), where.oci)
        return oci.retag(
            where.oci,
            environment,
            version,
            digest,
            recorded=recorded,
            plain_http=where.plain_http,
            move=move,
        )

    if where.oci:
        retag(move=False)  # refuses before the branch moves
    places = []
    if where.git:
        from launchgen.publish import gitbranch

        def message(source_commit: str) -> str:
            return _message(service, environment, target, undone, source_commit, command, by)

        done, _ = gitbranch.restore(where.git, environment, service, digest, message, by=by)
        places.append(
            f"git {done.remote} {done.branch} {done.commit[:12]}"
            + ("" if done.changed else " (already there)")
        )
    if where.oci:
        moved = retag(move=True)
        places.append(
            f"{moved.repository}@{moved.digest} (tag {moved.tag})"
            + ("" if moved.changed else " (already there)")
        )
    return places


def _recorded_oci_digest(note: str, repository: str) -> str | None:
    """The artifact digest publish noted for `repository`; None when it noted none there."""
    from launchgen.publish.ociref import repository as parse

    url = parse(repository).url
    found = re.search(re.escape(url) + r"@(sha256:[0-9a-f]{64})(?![0-9a-f])", note)
    return found.group(1) if found else None


def _message(
    service: str,
    environment: str,
    target: Entry,
    undone: list[Entry],
    source_commit: str,
    command: str,
    by: str,
) -> str:
    lines = [
        f"Roll back {service} {environment} to {target['appVersion']}",
        "",
        f"Restores {service}/ as published in {source_commit} (record seq {target['seq']}).",
        f"Bundle: {target['bundleDigest']}",
        *(
            f"{'Rejects' if command == 'reject' and d is undone[0] else 'Rolls back'}: "
            f"{d['appVersion']} (seq {d['seq']}, bundle {d['bundleDigest']})"
            for d in undone
        ),
        "",
        f"Rolled-back-by: {by}",
        f"Rolled-back-with: launchgen {command}",
    ]
    return "\n".join(printable(line, limit=1000) for line in lines) + "\n"


def _note(target: Entry, places: list[str]) -> str:
    return printable(
        f"{BACK_TO}{target['appVersion']} (seq {target['seq']}) at {'; '.join(places)}",
        limit=1000,
    )


def went_back_to(history: History, deployment: Entry) -> list[str]:
    """The notes of the rejections and rollbacks that put `deployment` back (where they
    re-published it: a git rollback is a commit of its own). Reads the whole history."""
    marker = f"(seq {deployment['seq']}) at "
    return [
        str(entry.get("note") or "")
        for entry in history.entries
        if entry["seq"] > deployment["seq"]
        and entry["event"] in ("rejected", "rolled-back")
        and str(entry.get("note") or "").startswith(BACK_TO)
        and marker in str(entry.get("note") or "")
    ]
