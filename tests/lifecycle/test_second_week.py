"""A team's second and third week, played for real: the deploy loop after the first deploy.

Everything runs as a team runs it: the installed `launchgen` command in a subprocess,
real git repos with bare remotes, real helm, the test control plane. After every step
`status --format json` must agree with what the cluster runs, and both repos must
lint clean, because that is what the next pipeline run checks first.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cluster.fixture import KubeCluster
from tests.helpers.cli import run_launchgen
from tests.helpers.gitrepo import git
from tests.helpers.tools import HELM_VERSIONS, tool

pytestmark = [pytest.mark.cluster, pytest.mark.helm]


@dataclass
class Team:
    """One microservice's two repos, their remotes, a signing key, and the cluster."""

    root: Path
    service: str
    helm: str
    kubeconfig: Path
    log: list[str] = field(default_factory=list)

    @property
    def app(self) -> Path:
        return self.root / self.service

    @property
    def props(self) -> Path:
        return self.root / f"{self.service}-properties"

    def launchgen(self, *args: str | Path, cwd: Path | None = None, expect: int = 0) -> str:
        env = {**os.environ, "LAUNCHGEN_HELM": self.helm, "LAUNCHGEN_KUBECTL": str(tool("kubectl"))}
        result = run_launchgen(*args, cwd=cwd or self.props, env=env)
        self.log.append(f"$ launchgen {' '.join(str(a) for a in args)} -> {result.returncode}")
        stdout = result.stdout.decode()
        output = stdout + result.stderr.decode()
        assert "Traceback" not in output and "internal error" not in output, output
        assert result.returncode == expect, (
            f"launchgen {' '.join(map(str, args))}: exit {result.returncode}\n{output}"
        )
        return stdout

    def cluster(self, *args: str) -> list[str]:
        return [
            *args,
            "--properties",
            str(self.props),
            "--kubeconfig",
            str(self.kubeconfig),
            "--by",
            "team",
        ]

    def kubectl(self, *args: str) -> str:
        return subprocess.run(
            [str(tool("kubectl")), "--kubeconfig", str(self.kubeconfig), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def image(self, namespace: str, name: str | None = None) -> str:
        return self.kubectl(
            "get",
            "deployment",
            name or self.service,
            "-n",
            namespace,
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        )

    # -- the steps a pipeline runs -------------------------------------------------------

    def bundle(self, version: str, env: str, *extra: str) -> Path:
        """render -> validate -> package, as the app repo's pipeline does, with the lint gate on."""
        out = self.root / "work" / f"{env}-{version}-{len(self.log)}"
        self.launchgen("render", ".", "--app-version", version, "--env", env, "-o", out, *extra)
        self.launchgen("validate", out / env)
        bundle = out.with_suffix(".tar.gz")
        self.launchgen("package", out / env, "--key", self.root / "signing.key", "-o", bundle)
        return bundle

    def deploy(self, bundle: Path) -> None:
        self.launchgen(
            "deploy",
            bundle,
            "--key",
            self.root / "signing.pub",
            "--timeout",
            "60s",
            *self.cluster(),
        )

    def commit_record(self, message: str) -> None:
        """The pipeline commits the record it wrote and pushes it to the properties remote."""
        git(self.props, "add", "deployments")
        git(self.props, "commit", "-q", "-m", message)
        git(self.props, "push", "-q", "origin", "HEAD:main")

    def status(self) -> dict[str, dict[str, object]]:
        data = json.loads(self.launchgen("status", "--format", "json", *self.cluster()))
        assert data["service"] == self.service
        return {row["environment"]: row for row in data["environments"]}

    # -- what must hold after every step --------------------------------------------------

    def check_clean(self) -> None:
        """Both repos lint clean and the gate passes against the previous commit."""
        self.launchgen("lint", ".", cwd=self.props)
        self.launchgen("lint", ".", cwd=self.app)
        if git(self.props, "rev-list", "--count", "HEAD") != "1":
            self.launchgen("lint", ".", "--base", "HEAD~1", cwd=self.props)

    def check_agrees(
        self, expected: dict[str, str | None], *, pending: dict[str, bool] | None = None
    ) -> None:
        """status --format json says what the cluster runs, environment by environment."""
        rows = self.status()
        for env, version in expected.items():
            row = rows[env]
            assert row["appVersion"] == version, (env, row)
            if version is None:
                continue
            namespace = str(row["namespace"])
            release = str(row["release"])
            assert self.image(namespace, self.service).endswith(f":{version}"), (env, row)
            live = row["cluster"]
            assert isinstance(live, dict) and live.get("appVersion") == version, (env, row)
            assert live.get("status") == "deployed", (env, row)
            helm_list = json.loads(
                subprocess.run(
                    [
                        self.helm,
                        "list",
                        "-n",
                        namespace,
                        "-o",
                        "json",
                        "--kubeconfig",
                        str(self.kubeconfig),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            assert [(r["name"], r["app_version"]) for r in helm_list] == [(release, version)], (
                env,
                helm_list,
            )
            if pending and env in pending:
                assert row["approved"] is (not pending[env]), (env, row)


def make_team(root: Path, helm: str, kubeconfig: Path, name: str) -> Team:
    team = Team(root, name, helm, kubeconfig)
    team.launchgen("new", name, "--output-dir", root, cwd=root)
    team.launchgen("keygen", "-o", root / "signing", cwd=root)
    for repo in (team.app, team.props):
        remote = root / "remotes" / f"{repo.name}.git"
        git(root, "init", "-q", "--bare", "-b", "main", remote)
        git(repo, "branch", "-M", "main")
        git(repo, "remote", "add", "origin", str(remote))
        git(repo, "push", "-q", "origin", "main")
    return team


@pytest.fixture(params=sorted(HELM_VERSIONS))
def helm_binary(request: pytest.FixtureRequest) -> str:
    return str(tool(request.param))


def test_second_and_third_week(kube_cluster: KubeCluster, helm_binary: str, tmp_path: Path) -> None:
    import uuid

    team = make_team(tmp_path, helm_binary, kube_cluster.kubeconfig, f"week-{uuid.uuid4().hex[:5]}")
    envs = ["dev", "test", "prod"]
    team.check_clean()
    team.check_agrees(dict.fromkeys(envs))

    # 2. The PR gate on a values change: a clean change passes, a bad one is stopped.
    git(team.props, "switch", "-q", "-c", "more-replicas")
    values = team.props / "envs" / "dev" / "values.yaml"
    assert "replicaCount: 1\n" in values.read_text()
    values.write_text(values.read_text().replace("replicaCount: 1\n", "replicaCount: 2\n"))
    git(team.props, "commit", "-qam", "dev: two replicas")
    team.launchgen("lint", ".", "--base", "main")
    values.write_text(values.read_text() + "image:\n  tag: latest\n")
    git(team.props, "commit", "-qam", "pin a tag in values")
    stopped = team.launchgen("lint", ".", "--base", "main", expect=1)
    assert "tag" in stopped
    git(team.props, "reset", "-q", "--hard", "HEAD~1")
    git(team.props, "switch", "-q", "main")
    git(team.props, "merge", "-q", "--ff-only", "more-replicas")
    git(team.props, "push", "-q", "origin", "main")

    # 3-5. The first deploy, its record committed; the next pipeline run is green.
    team.deploy(team.bundle("1.0.0", "dev"))
    team.commit_record("deploy 1.0.0 to dev")
    team.check_clean()
    team.check_agrees({"dev": "1.0.0", "test": None, "prod": None}, pending={"dev": True})
    assert (
        team.kubectl(
            "get",
            "deployment",
            team.service,
            "-n",
            f"{team.service}-dev",
            "-o",
            "jsonpath={.spec.replicas}",
        )
        == "2"
    )
    # render with its defaults, inside the properties repo: the output is git-ignored scratch.
    team.launchgen("render", ".", "--app-version", "1.0.0", "--env", "dev")
    assert (team.props / "rendered" / "dev").is_dir()
    team.check_clean()

    # 6. Approve and commit.
    team.launchgen("approve", *team.cluster("--env", "dev"))
    team.commit_record("approve 1.0.0 in dev")
    team.check_clean()
    team.check_agrees({"dev": "1.0.0"}, pending={"dev": False})

    # 7. Promote the same app version through every environment.
    for env in envs[1:]:
        team.deploy(team.bundle("1.0.0", env))
        team.commit_record(f"deploy 1.0.0 to {env}")
        team.check_clean()
        team.launchgen("approve", *team.cluster("--env", env))
        team.commit_record(f"approve 1.0.0 in {env}")
        team.check_clean()
    team.check_agrees(dict.fromkeys(envs, "1.0.0"), pending=dict.fromkeys(envs, False))

    # 8. A second release, rejected: dev goes back to what was approved.
    team.deploy(team.bundle("1.1.0", "dev"))
    team.commit_record("deploy 1.1.0 to dev")
    team.check_agrees({"dev": "1.1.0"}, pending={"dev": True})
    team.launchgen("reject", *team.cluster("--env", "dev"))
    team.commit_record("reject 1.1.0 in dev")
    team.check_clean()
    team.check_agrees({"dev": "1.0.0", "test": "1.0.0", "prod": "1.0.0"})

    # 9. Rollback: two approved releases later, dev goes back one.
    for version in ("1.2.0", "1.3.0"):
        team.deploy(team.bundle(version, "dev"))
        team.launchgen("approve", *team.cluster("--env", "dev"))
        team.commit_record(f"deploy and approve {version} in dev")
        team.check_clean()
    team.check_agrees({"dev": "1.3.0"})
    team.launchgen("rollback", *team.cluster("--env", "dev"))
    team.commit_record("roll dev back")
    team.check_clean()
    team.check_agrees({"dev": "1.2.0", "test": "1.0.0", "prod": "1.0.0"})

    # The records on the remote are the ones the cluster agrees with.
    clone = tmp_path / "reviewer"
    git(tmp_path, "clone", "-q", tmp_path / "remotes" / f"{team.props.name}.git", clone)
    assert (clone / "deployments" / "dev.yaml").read_text() == (
        team.props / "deployments" / "dev.yaml"
    ).read_text()


def test_immutable_releases_then_prune(
    kube_cluster: KubeCluster, helm_binary: str, tmp_path: Path
) -> None:
    import uuid

    team = make_team(tmp_path, helm_binary, kube_cluster.kubeconfig, f"imm-{uuid.uuid4().hex[:5]}")
    namespaces = []
    for version in ("2.0.0", "2.1.0", "2.2.0"):
        team.deploy(team.bundle(version, "dev", "--immutable"))
        team.launchgen("approve", *team.cluster("--env", "dev"))
        team.commit_record(f"immutable {version} in dev")
        team.check_clean()
        row = team.status()["dev"]
        assert row["appVersion"] == version
        namespaces.append(str(row["namespace"]))
        assert team.image(namespaces[-1], str(row["release"])).endswith(f":{version}")
    assert len(set(namespaces)) == 3

    team.launchgen("prune", "--keep", "1", *team.cluster("--env", "dev"))
    team.commit_record("prune dev")
    team.check_clean()
    row = team.status()["dev"]
    assert row["appVersion"] == "2.2.0" and row["namespace"] == namespaces[-1]
    for gone in namespaces[:2]:
        phase = team.kubectl(
            "get", "namespace", gone, "--ignore-not-found", "-o", "jsonpath={.status.phase}"
        )
        assert phase in ("", "Terminating"), gone
    assert team.image(namespaces[-1], str(row["release"])).endswith(":2.2.0")
