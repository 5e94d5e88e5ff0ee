"""Render, package and deploy generated repos for real, through the CLI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from click.testing import Result

from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.cli import invoke
from tests.helpers.tools import tool


@dataclass
class Service:
    """A generated app + properties pair, a signing key, and where bundles go."""

    name: str
    app: Path
    props: Path
    key: Path
    pub: Path
    out: Path
    helm: str
    kubeconfig: Path

    def set_values(self, env: str, extra: str) -> None:
        path = self.props / "envs" / env / "values.yaml"
        path.write_text(path.read_text() + extra)

    def bundle(self, version: str, env: str = "dev", *, immutable: bool = False) -> Path:
        rendered = self.out / f"render-{version}-{env}-{uuid.uuid4().hex[:4]}"
        args: list[str | Path] = [
            "render",
            self.props,
            "--app-version",
            version,
            "--env",
            env,
            "-o",
            rendered,
            "--helm",
            self.helm,
            "--no-lint",
        ]
        if immutable:
            args.append("--immutable")
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        bundle = self.out / f"{self.name}-{env}-{version}-{uuid.uuid4().hex[:4]}.tar.gz"
        result = invoke("package", rendered / env, "--key", self.key, "-o", bundle)
        assert result.exit_code == 0, result.output
        return bundle

    def cluster_args(self, dry_run: bool = False) -> list[str | Path]:
        args: list[str | Path] = [
            "--properties",
            self.props,
            "--kubeconfig",
            self.kubeconfig,
            "--helm",
            self.helm,
            "--kubectl",
            tool("kubectl"),
            "--by",
            "tester",
        ]
        return args + (["--dry-run"] if dry_run else [])

    def deploy(
        self, bundle: Path, *extra: str, dry_run: bool = False, timeout: str = "40s"
    ) -> Result:
        return invoke(
            "deploy",
            bundle,
            "--key",
            self.pub,
            "--timeout",
            timeout,
            *extra,
            *self.cluster_args(dry_run),
        )

    def run(self, command: str, *extra: str | Path, dry_run: bool = False) -> Result:
        return invoke(command, *extra, *self.cluster_args(dry_run))


def make_service(tmp_path: Path, helm: str, kubeconfig: Path) -> Service:
    name = f"svc-{uuid.uuid4().hex[:6]}"
    new(make_answers(name), tmp_path)
    result = invoke("keygen", "-o", tmp_path / "signing")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    out.mkdir()
    return Service(
        name,
        tmp_path / name,
        tmp_path / f"{name}-properties",
        tmp_path / "signing.key",
        tmp_path / "signing.pub",
        out,
        helm,
        kubeconfig,
    )
