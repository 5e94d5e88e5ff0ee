"""Generated app repos work with real helm 4.1.4 and 3.19.0, as they are."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import pytest

from launchgen import yamlio
from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.scaffold import new
from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.conftest import make_answers
from tests.helpers.chartrepo import serve_chart_repo
from tests.helpers.tools import run

pytestmark = pytest.mark.helm

Helm = tuple[Path, dict[str, str]]


def documents(rendered: str) -> list[dict[str, Any]]:
    from ruamel.yaml import YAML

    return [d for d in YAML(typ="safe").load_all(rendered) if d]


def deployment_image(rendered: str) -> str:
    [deployment] = [d for d in documents(rendered) if d["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return str(container["image"])


def test_dependency_build_from_a_real_chart_repository(tmp_path: Path, helm: Helm) -> None:
    binary, env = helm
    with serve_chart_repo(tmp_path / "repo") as url:
        new(make_answers(chart_repository=url), tmp_path / "out")
        app = tmp_path / "out" / "checkout"
        props = tmp_path / "out" / "checkout-properties"
        assert not (app / "charts").exists()
        # As a user would: helm 3 only fetches from repositories it knows.
        run([binary, "repo", "add", "launch", url], env=env)
        built = run([binary, "dependency", "build", "."], cwd=app, env=env)
    # The generated Chart.lock was accepted as in sync, and the chart came over HTTP.
    assert "out of sync" not in built.stdout + built.stderr
    assert (app / "charts" / f"launch-microservice-{BUILTIN_LAUNCH_CHART_VERSION}.tgz").is_file()
    for env_dir in sorted((props / "envs").iterdir()):
        values = env_dir / "values.yaml"
        run([binary, "lint", "--strict", ".", "-f", values], cwd=app, env=env)
        rendered = run([binary, "template", "checkout", ".", "-f", values], cwd=app, env=env).stdout
        kinds = sorted({d["kind"] for d in documents(rendered)})
        assert kinds == ["Deployment", "Pod", "PodDisruptionBudget", "Service", "ServiceAccount"]


def test_chart_lock_out_of_sync_is_caught_by_helm(tmp_path: Path, helm: Helm) -> None:
    """Proves the lock digest is really checked: a doctored Chart.yaml is refused."""
    binary, env = helm
    with serve_chart_repo(tmp_path / "repo") as url:
        new(make_answers(chart_repository=url), tmp_path / "out", git=False)
        app = tmp_path / "out" / "checkout"
        chart = app / "Chart.yaml"
        chart.write_text(
            chart.read_text().replace(f"version: {BUILTIN_LAUNCH_CHART_VERSION}", "version: 9.0.1")
        )
        run([binary, "repo", "add", "launch", url], env=env)
        result = run([binary, "dependency", "build", "."], cwd=app, env=env, check=False)
    assert result.returncode != 0
    assert "out of sync" in result.stderr


def test_vendored_chart_renders_offline_with_each_environment(
    app_repos: tuple[Path, Path], helm: Helm
) -> None:
    binary, env = helm
    app, props = app_repos
    for env_name in ("dev", "test", "prod"):
        values = props / "envs" / env_name / "values.yaml"
        run([binary, "lint", "--strict", ".", "-f", values], cwd=app, env=env)
        rendered = run([binary, "template", "checkout", ".", "-f", values], cwd=app, env=env).stdout
        assert (
            deployment_image(rendered) == f"registry.example.com/checkout:{APP_VERSION_PLACEHOLDER}"
        )
        replicas = next(d for d in documents(rendered) if d["kind"] == "Deployment")["spec"][
            "replicas"
        ]
        assert replicas == (2 if env_name == "prod" else 1)


def test_app_version_becomes_the_image_tag(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    binary, env = helm
    app, props = app_repos
    dist = tmp_path / "dist"
    run([binary, "package", ".", "--app-version", "2.3.4", "-d", dist], cwd=app, env=env)
    [package] = list(dist.iterdir())
    with tarfile.open(package) as tar:
        member = tar.extractfile("checkout/Chart.yaml")
        assert member is not None
        chart = yamlio.loads(member.read().decode(), "Chart.yaml")
    assert chart["appVersion"] == "2.3.4"
    rendered = run(
        [binary, "template", "checkout", package, "-f", props / "envs" / "prod" / "values.yaml"],
        env=env,
    ).stdout
    assert deployment_image(rendered) == "registry.example.com/checkout:2.3.4"
    labels = {
        d["kind"]: d["metadata"]["labels"]["app.kubernetes.io/version"] for d in documents(rendered)
    }
    assert set(labels.values()) == {"2.3.4"}


def test_values_schema_rejects_a_malformed_image_tag(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    """image.tag is a value since chart 1.1.0 (Argo CD multi-source), but only a tag."""
    binary, env = helm
    app, _ = app_repos
    values = tmp_path / "tag.yaml"
    values.write_text("image:\n  tag: 1.4.2+build.7\n")
    result = run([binary, "template", "checkout", ".", "-f", values], cwd=app, env=env, check=False)
    assert result.returncode != 0
    assert "tag" in result.stderr and "1.4.2+build.7" in result.stderr
