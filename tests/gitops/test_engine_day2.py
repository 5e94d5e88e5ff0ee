"""approve, reject, rollback and prune in engine mode: they act on what the engine pulls
(the environment branch of a real bare deploy repo, the tags of the real local OCI
registry), record it in deployments/<env>.yaml, and never run helm or kubectl: a fake
helm and kubectl on every path they could be found by write a marker file when run."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from launchgen import records
from launchgen.bundle import keys
from launchgen.publish.registry import digest_of
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import git
from tests.publish.conftest import Signer

FOLDER = "checkout"
BRANCH = "environments/prod"


@dataclass
class Day2:
    """A properties repo, a deploy repo, a signing key, and fake helm/kubectl that tell."""

    signer: Signer
    properties: Path
    remote: Path
    marker: Path
    env: dict[str, str | None]

    def run(self, *args: str | Path) -> tuple[int, str]:
        result = invoke(*args, "--properties", self.properties, "--by", "ci-bot", env=self.env)
        return result.exit_code, result.output

    def publish(self, version: str, *target: str | Path) -> None:
        """Publish VERSION to `target` (default: the deploy repo), recorded."""
        path = self.signer.bundle(version, "prod")
        where = target or ("--git", self.remote)
        code, out = self.run("publish", path, "--key", self.signer.public, *where)
        assert code == 0, out

    def history(self) -> records.History:
        history = records.load(self.properties, "prod", "checkout")
        assert history is not None
        return history

    def helm_ran(self) -> str:
        return self.marker.read_text() if self.marker.exists() else ""


def _fake_tools(folder: Path, marker: Path) -> None:
    folder.mkdir()
    for name in ("helm", "kubectl"):
        tool = folder / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{marker}"\nexit 1\n')
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def _properties(tmp_path: Path, gitops: str) -> Path:
    repo = tmp_path / "checkout-properties"
    repo.mkdir()
    (repo / ".launchgen.yaml").write_text(
        "kind: properties\nservice: checkout\nenvironments:\n  - dev\n  - prod\n" + gitops
    )
    git(repo, "init", "-q")
    return repo


def _day2(tmp_path: Path, gitops: str = "") -> Day2:
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    private, public = keys.write_key_pair(tmp_path / "signing", "ecdsa-p256")
    signer = Signer(keys.load_private_key(private, environ={}), private, public, bundles)
    remote = tmp_path / "deploy.git"
    git(tmp_path, "init", "-q", "--bare", remote)
    marker = tmp_path / "helm-ran"
    _fake_tools(tmp_path / "fakebin", marker)
    import os

    env: dict[str, str | None] = {
        "PATH": f"{tmp_path / 'fakebin'}{os.pathsep}{os.environ['PATH']}",
        "LAUNCHGEN_HELM": str(tmp_path / "fakebin" / "helm"),
        "LAUNCHGEN_KUBECTL": str(tmp_path / "fakebin" / "kubectl"),
    }
    gitops_block = gitops.replace("REMOTE", remote.as_uri())
    return Day2(signer, _properties(tmp_path, gitops_block), remote, marker, env)


GIT_MODE = "gitops:\n  engine: flux\n  source: git\n  url: REMOTE\n"


@pytest.fixture
def day2(tmp_path: Path) -> Day2:
    """Engine mode recorded in .launchgen.yaml: Flux reads environments/<env> of the deploy repo."""
    return _day2(tmp_path, GIT_MODE)


def _tree(remote: Path, rev: str) -> str:
    return git(remote, "rev-parse", f"{rev}:{FOLDER}").strip()


def _files(remote: Path, rev: str) -> dict[str, str]:
    names = git(remote, "ls-tree", "-r", "--name-only", rev, "--", FOLDER).split()
    return {name: git(remote, "show", f"{rev}:{name}") for name in names}


def test_rollback_restores_the_earlier_publish_on_the_branch(day2: Day2) -> None:
    day2.publish("1.4.2")
    first = git(day2.remote, "rev-parse", BRANCH).strip()
    assert day2.run("approve", "--env", "prod")[0] == 0
    day2.publish("1.5.0")
    second = git(day2.remote, "rev-parse", BRANCH).strip()
    assert _files(day2.remote, second) != _files(day2.remote, first)

    code, out = day2.run("rollback", "--env", "prod", "--dry-run")
    assert code == 0, out
    assert out.startswith(
        f"dry run: would restore the folder on {BRANCH} of {day2.remote.as_uri()}"
    )
    assert "then append 'rolled-back' of seq 3; nothing changed" in out
    assert git(day2.remote, "rev-parse", BRANCH).strip() == second
    assert day2.history().last_seq == 3

    code, out = day2.run("rollback", "--env", "prod")
    assert code == 0, out
    assert "rolled prod back to 1.4.2 (seq 1)" in out
    head = git(day2.remote, "rev-parse", BRANCH).strip()
    # A new commit on top (no history rewritten) whose folder is v1's, byte for byte.
    assert git(day2.remote, "rev-parse", f"{head}~1").strip() == second
    assert _tree(day2.remote, head) == _tree(day2.remote, first)
    assert _files(day2.remote, head) == _files(day2.remote, first)
    message = git(day2.remote, "log", "-1", "--format=%B", BRANCH)
    assert message.startswith("Roll back checkout prod to 1.4.2\n")
    assert f"as published in {first}" in message and "Rolls back: 1.5.0 (seq 3" in message
    # Recorded as push mode records a rollback: the current deployment is v1 again.
    history = day2.history()
    last = history.entries[-1]
    assert (last["event"], last["of"]) == ("rolled-back", 3)
    assert f"git {day2.remote.as_uri()} {BRANCH} {head[:12]}" in last["note"]
    current = history.current()
    assert current is not None and (current["seq"], current["appVersion"]) == (1, "1.4.2")
    assert history.approved(1)
    assert day2.helm_ran() == ""

    # Nothing earlier is live now: said so, nothing changes.
    code, out = day2.run("rollback", "--env", "prod")
    assert code == 2 and "no earlier deployment to roll back to in prod" in out
    assert git(day2.remote, "rev-parse", BRANCH).strip() == head


def test_rollback_to_a_version_and_with_git_given(tmp_path: Path) -> None:
    """No gitops block: --git names the target, as publish was given it; --to takes a version."""
    day2 = _day2(tmp_path)
    for version in ("1.4.2", "1.5.0", "1.6.0"):
        day2.publish(version, "--git", day2.remote)
    first = git(day2.remote, "rev-list", "--max-parents=0", BRANCH).strip()

    # The records say it was published: helm is not the way back, and the target must be named.
    code, out = day2.run("rollback", "--env", "prod")
    assert code == 2 and "give --git REMOTE or --oci oci://HOST/PATH" in out
    code, out = day2.run("rollback", "--env", "prod", "--to", "1.4.2", "--git", day2.remote)
    assert code == 0, out
    assert _files(day2.remote, BRANCH) == _files(day2.remote, first)
    undone = [(e["event"], e.get("of")) for e in day2.history().entries[3:]]
    assert undone == [("rolled-back", 2), ("rolled-back", 3)]
    code, out = day2.run("rollback", "--env", "prod", "--to", "1.6.0", "--git", day2.remote)
    assert code == 2 and "version 1.6.0 is not a live deployment in prod" in out
    assert day2.helm_ran() == ""


def test_reject_goes_back_to_the_last_approved_publish(day2: Day2) -> None:
    day2.publish("1.4.2")
    approved = git(day2.remote, "rev-parse", BRANCH).strip()
    assert day2.run("approve", "--env", "prod")[0] == 0
    day2.publish("1.5.0")  # never approved
    day2.publish("1.6.0")  # pending

    code, out = day2.run("reject", "--env", "prod")
    assert code == 0, out
    assert "rejected 1.6.0 in prod (seq 4); back to 1.4.2 (seq 1)" in out
    assert _files(day2.remote, BRANCH) == _files(day2.remote, approved)
    message = git(day2.remote, "log", "-1", "--format=%B", BRANCH)
    assert "Rejects: 1.6.0 (seq 4" in message and "Rolls back: 1.5.0 (seq 3" in message
    assert "Rolled-back-with: launchgen reject" in message
    history = day2.history()
    events = [(e["event"], e.get("of")) for e in history.entries[4:]]
    assert events == [("rejected", 4), ("rolled-back", 3)]
    current = history.current()
    assert current is not None and current["seq"] == 1
    assert day2.helm_ran() == ""


def test_reject_with_nothing_approved_before_changes_nothing(day2: Day2) -> None:
    day2.publish("1.4.2")
    day2.publish("1.5.0")
    head = git(day2.remote, "rev-parse", BRANCH).strip()
    code, out = day2.run("reject", "--env", "prod")
    assert code == 2
    assert "nothing was approved in prod before 1.5.0 (seq 2)" in out
    assert git(day2.remote, "rev-parse", BRANCH).strip() == head
    assert day2.history().last_seq == 2


def test_a_record_the_deploy_repo_does_not_hold_is_refused(day2: Day2, tmp_path: Path) -> None:
    """The records name bundles another deploy repo's branch never held: nothing is pushed
    and nothing recorded (the record alone is never trusted)."""
    day2.publish("1.4.2")
    day2.publish("1.5.0")
    other = tmp_path / "other.git"
    git(tmp_path, "init", "-q", "--bare", other)
    extra = {
        "manifests/03-configmap.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    }
    for version, more in (("1.4.2", extra), ("1.5.0", None)):
        bundle = day2.signer.bundle(version, "prod", name=f"other-{version}.tar.gz", extra=more)
        code, out = day2.run(
            "publish", bundle, "--key", day2.signer.public, "--git", other, "--no-record"
        )
        assert code == 0, out
    head = git(other, "rev-parse", BRANCH).strip()
    code, out = day2.run("rollback", "--env", "prod", "--git", other)
    assert code == 1, out
    recorded = day2.history().entries[0]["bundleDigest"]
    assert f"naming bundle {recorded}" in out and "nothing was changed" in out
    assert git(other, "rev-parse", BRANCH).strip() == head
    assert day2.history().last_seq == 2


def test_a_commit_that_only_mentions_the_digest_is_not_restored(day2: Day2) -> None:
    """git finds commits by the digest's text; each is read back and must be the publish of
    that bundle for this service and environment, or it is passed over."""
    day2.publish("1.4.2")
    first = git(day2.remote, "rev-parse", BRANCH).strip()
    day2.publish("1.5.0")
    digest = day2.history().entries[0]["bundleDigest"]
    work = day2.properties.parent / "forge"
    git(day2.properties.parent, "clone", "-q", "--branch", BRANCH, day2.remote, work)
    meta_path = work / FOLDER / "launchgen.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "previous": digest}))
    (work / FOLDER / "manifests" / "01-deployment-checkout.yaml").write_text("forged: true\n")
    git(work, "add", "-A")
    git(work, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "forged")
    git(work, "push", "-q", "origin", BRANCH)
    code, out = day2.run("rollback", "--env", "prod")
    assert code == 0, out
    assert _files(day2.remote, BRANCH) == _files(day2.remote, first)
    assert f"as published in {first}" in git(day2.remote, "log", "-1", "--format=%B", BRANCH)


def test_approve_and_prune_in_engine_mode_run_no_helm(day2: Day2) -> None:
    day2.publish("1.4.2")
    code, out = day2.run("approve", "--env", "prod", "--helm", day2.env["LAUNCHGEN_HELM"] or "")
    assert code == 0 and out.strip() == "approved 1.4.2 in prod (seq 1)"
    last = day2.history().entries[-1]
    assert (last["event"], last["of"]) == ("approved", 1)
    code, out = day2.run("approve", "--env", "prod")
    assert code == 2 and "no deployment is waiting for approval in prod" in out
    code, out = day2.run("prune", "--env", "prod", "--keep", "1")
    assert code == 0
    assert out.strip() == (
        "nothing to prune in prod: Flux (its Kustomization prunes: prune: true) prunes what it deploys"
    )
    assert day2.history().last_seq == 2
    assert day2.helm_ran() == ""


def test_published_records_without_a_gitops_block_are_engine_mode(tmp_path: Path) -> None:
    day2 = _day2(tmp_path)
    day2.publish("1.4.2", "--git", day2.remote)
    assert day2.run("approve", "--env", "prod")[0] == 0
    code, out = day2.run("prune", "--env", "prod")
    assert code == 0 and "the GitOps engine prunes what it deploys" in out
    assert day2.helm_ran() == ""


def test_the_fake_tools_tell_when_push_mode_runs_them(tmp_path: Path) -> None:
    """The control: a helm deploy's records (no gitops block, not published) go to helm."""
    day2 = _day2(tmp_path)
    for seq, version in ((1, "1.4.2"), (2, "1.5.0")):
        records.append(
            day2.properties, "checkout", "prod", "deployed", "ci",
            appVersion=version, chartVersion="0.1.0", bundleDigest=digest_of(version.encode()),
            release="checkout", namespace="checkout-prod", revision=seq,
        )  # fmt: skip
    code, _ = day2.run("rollback", "--env", "prod")
    assert code == 2
    assert "helm rollback" in day2.helm_ran()


def _resolve(host: str, path: str, tag: str) -> str | None:
    import urllib.error
    import urllib.request

    from launchgen.publish.registry import MANIFEST

    request = urllib.request.Request(
        f"http://{host}/v2/{path}/manifests/{tag}", headers={"Accept": MANIFEST}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return digest_of(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def test_rollback_and_reject_move_the_environment_tag_back(
    tmp_path: Path, oci_registry: str
) -> None:
    registry = oci_registry
    path = f"shop/{tmp_path.name.lower().replace('_', '-')}"
    url = f"oci://{registry}/{path}"
    day2 = _day2(tmp_path, f"gitops:\n  engine: flux\n  source: oci\n  url: {url}\n")
    day2.publish("1.4.2", "--oci", url, "--plain-http")
    one = _resolve(registry, path, "prod")
    assert one is not None and _resolve(registry, path, "prod-1.4.2") == one
    assert day2.run("approve", "--env", "prod")[0] == 0
    day2.publish("1.5.0", "--oci", url, "--plain-http")
    two = _resolve(registry, path, "prod")
    assert two not in (None, one)

    code, out = day2.run("reject", "--env", "prod", "--plain-http")
    assert code == 0, out
    assert _resolve(registry, path, "prod") == one  # the same bytes: the same digest
    assert f"{url}@{one} (tag prod)" in out
    last = day2.history().entries[-1]
    assert (last["event"], last["of"]) == ("rejected", 3) and one in last["note"]

    day2.publish("1.5.0", "--oci", url, "--plain-http")  # published again: seq 5
    assert _resolve(registry, path, "prod") == two
    code, out = day2.run("rollback", "--env", "prod", "--plain-http")
    assert code == 0, out
    assert _resolve(registry, path, "prod") == one
    current = day2.history().current()
    assert current is not None and current["seq"] == 1
    assert day2.helm_ran() == ""


def test_a_version_tag_published_over_is_refused(tmp_path: Path, oci_registry: str) -> None:
    """prod-1.4.2 names other content than the record's publish: the tag stays where it is."""
    registry = oci_registry
    path = f"shop/{tmp_path.name.lower().replace('_', '-')}"
    url = f"oci://{registry}/{path}"
    day2 = _day2(tmp_path)
    day2.publish("1.4.2", "--oci", url, "--plain-http")
    day2.publish("1.5.0", "--oci", url, "--plain-http")
    extra = {
        "manifests/03-configmap.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    }
    other = day2.signer.bundle("1.4.2", "prod", name="other.tar.gz", extra=extra)
    code, out = day2.run(
        "publish", other, "--key", day2.signer.public, "--oci", url, "--plain-http", "--no-record"
    )
    assert code == 0, out
    day2.publish("1.5.0", "--oci", url, "--plain-http")  # the engine's tag back on 1.5.0: seq 3
    before = _resolve(registry, path, "prod")
    code, out = day2.run("rollback", "--env", "prod", "--to", "1", "--oci", url, "--plain-http")
    assert code == 1, out
    assert "the record names" in out and "nothing was changed" in out
    assert _resolve(registry, path, "prod") == before
    assert day2.history().last_seq == 3


def test_status_knows_the_rollback_commit_is_the_recorded_deployment(
    day2: Day2, tmp_path: Path
) -> None:
    """A git rollback is a commit of its own: status matches the engine's revision against
    the rollback's record too, not only the original publish's (no false alarm)."""
    from tests.gitops.test_engine_status import FLUX_READY, _fake_kubectl
    from tests.helpers.tools import tool

    day2.publish("1.4.2")
    day2.publish("1.5.0")
    assert day2.run("rollback", "--env", "prod")[0] == 0
    head = git(day2.remote, "rev-parse", BRANCH).strip()

    def status(revision: str) -> str:
        folder = tmp_path / f"kubectl-{revision[-8:]}"
        folder.mkdir()
        applied = {**FLUX_READY["status"], "lastAppliedRevision": revision}
        kubectl, _ = _fake_kubectl(folder, {"checkout-prod": {**FLUX_READY, "status": applied}})
        result = invoke(
            "status", "--properties", day2.properties, "--kubectl", kubectl,
            "--helm", tool("helm4"),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return next(line for line in result.output.splitlines() if line.strip().startswith("prod"))

    now = status(f"{BRANCH}@sha1:{head}")
    assert "the recorded publish" in now and "NOT" not in now
    second = git(day2.remote, "rev-parse", f"{BRANCH}~1").strip()  # 1.5.0, rolled back
    assert "NOT the recorded publish" in status(f"{BRANCH}@sha1:{second}")


def test_status_asks_helm_nothing_about_a_published_deployment(day2: Day2) -> None:
    # There is no helm release: "cluster: not found" would be a false alarm.
    day2.publish("1.4.2")
    code, out = day2.run("status", "--env", "prod")
    assert code == 0, out
    assert "1.4.2" in out and "cluster" not in out, out
    assert not [line for line in day2.helm_ran().splitlines() if line.startswith("helm")]
    code, out = day2.run("status", "--env", "prod", "--format", "json")
    assert code == 0 and json.loads(out)["environments"][0]["mode"] == "engine"
