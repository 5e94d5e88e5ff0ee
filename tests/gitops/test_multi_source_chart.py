"""Argo CD multi-source mode deploys the tag in envs/<env>/values.yaml, proved as Argo CD's
repo-server renders it: real helm 4 and 3 run `helm template` of the app repo's chart
(its Launch dependency built from a real chart repository) with the values file the
generated Application names, and the Deployment runs that tag. Without image.tag (push
mode) the chart's appVersion stays the tag."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import git
import pytest
import yaml

from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.standard import APP_VERSION_PLACEHOLDER
from launchgen.validate import ValidateOptions, validate
from tests.helpers.chartrepo import serve_chart_repo
from tests.helpers.cli import invoke
from tests.helpers.tools import run
from tests.scaffold.test_generated_chart_helm import documents

pytestmark = pytest.mark.helm

Helm = tuple[Path, dict[str, str]]
TAGS = {"dev": "1.4.2", "prod": "1.4.1"}
IMAGE = "registry.example.com/checkout"


def _new(out: Path, chart_repository: str) -> tuple[Path, Path]:
    result = invoke(
        "new", "checkout", "-o", out, "--envs", "dev,prod", "--chart-repository", chart_repository,
        "--gitops", "argocd:multi-source", "--gitops-url", "https://git.example.com/shop",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out / "checkout", out / "checkout-properties"


def _argo_template(helm: Helm, app: Path, props: Path, env: str) -> list[dict[str, Any]]:
    """What Argo CD's repo-server runs for the generated Application of `env`: `helm
    template` of the chart source's path, with its releaseName, the destination namespace
    and its valueFiles, `$values` being the `ref: values` source's checkout."""
    binary, helm_env = helm
    application = yaml.safe_load((props / "gitops" / f"{env}.yaml").read_text())
    chart_source, values_source = application["spec"]["sources"]
    assert values_source["ref"] == "values" and chart_source["path"] == "."
    values = [
        ("--values", props / f.removeprefix("$values/")) for f in chart_source["helm"]["valueFiles"]
    ]
    rendered = run(
        [
            binary, "template", ".", "--name-template", chart_source["helm"]["releaseName"],
            "--namespace", application["spec"]["destination"]["namespace"], "--include-crds",
            *[part for pair in values for part in pair],
        ],
        cwd=app,
        env=helm_env,
    )  # fmt: skip
    return documents(rendered.stdout)


def _container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _lint_rules(repo: Path) -> tuple[int, set[str]]:
    import json

    result = invoke("lint", repo, "--format", "json")
    return result.exit_code, {p["rule"] for p in json.loads(result.output)["problems"]}


def test_argo_cd_renders_the_environment_tag_with_helm(tmp_path: Path, helm: Helm) -> None:
    binary, helm_env = helm
    with serve_chart_repo(tmp_path / "charts") as url:
        app, props = _new(tmp_path / "out", url)
        # As Argo CD does for a chart repository it knows: build the dependency first.
        run([binary, "repo", "add", "launch", url], env=helm_env)
        run([binary, "dependency", "build", "."], cwd=app, env=helm_env)
    # Freshly generated (and committed), each environment's values say where the tag goes,
    # and lint says exactly what is missing: each environment's tag.
    with git.Repo(props) as handle:
        assert not handle.is_dirty(untracked_files=True)
    for env in TAGS:
        text = (props / "envs" / env / "values.yaml").read_text()
        assert "properties-image-tag-required" in text and "never set here" not in text
    code, rules = _lint_rules(props)
    assert (code, rules) == (1, {"properties-image-tag-required"})
    # Rendered now, Argo CD would deploy the placeholder: that is what lint stops.
    assert _container(_argo_template(helm, app, props, "dev"))["image"] == (
        f"{IMAGE}:{APP_VERSION_PLACEHOLDER}"
    )
    for env, tag in TAGS.items():
        values = props / "envs" / env / "values.yaml"
        values.write_text(values.read_text() + f"image:\n  tag: {tag}\n")
    assert _lint_rules(props) == (0, set())
    assert _lint_rules(app) == (0, set())
    for env, tag in TAGS.items():
        docs = _argo_template(helm, app, props, env)
        container = _container(docs)
        assert container["image"] == f"{IMAGE}:{tag}"
        assert {"name": "APP_VERSION", "value": tag} in container["env"]
        versions = {d["metadata"]["labels"]["app.kubernetes.io/version"] for d in docs}
        assert versions == {tag}
        assert {d["metadata"].get("namespace", "checkout-" + env) for d in docs} == {
            "checkout-" + env
        }
    # The generated Applications, as written, match Argo CD's CRD schema.
    checked = validate([props / "gitops"], ValidateOptions())
    assert [p.message for p in checked.problems if p.severity == "error"] == []


def test_without_a_tag_the_app_version_is_deployed(tmp_path: Path, helm: Helm) -> None:
    """Push mode is unchanged by chart 1.1.0: the packaged appVersion is the tag."""
    binary, helm_env = helm
    with serve_chart_repo(tmp_path / "charts") as url:
        app, props = _new(tmp_path / "out", url)
        run([binary, "repo", "add", "launch", url], env=helm_env)
        run([binary, "dependency", "build", "."], cwd=app, env=helm_env)
    dist = tmp_path / "dist"
    run([binary, "package", ".", "--app-version", "2.3.4", "-d", dist], cwd=app, env=helm_env)
    [package] = list(dist.iterdir())
    with tarfile.open(package) as tar:  # helm packages the dependency unpacked
        member = tar.extractfile("checkout/charts/launch-microservice/Chart.yaml")
        assert member is not None
        assert yaml.safe_load(member)["version"] == BUILTIN_LAUNCH_CHART_VERSION
    values = props / "envs" / "prod" / "values.yaml"
    rendered = run(
        [binary, "template", "checkout", package, "--values", values], env=helm_env
    ).stdout
    docs = documents(rendered)
    container = _container(docs)
    assert container["image"] == f"{IMAGE}:2.3.4"
    assert {"name": "APP_VERSION", "value": "2.3.4"} in container["env"]
    assert {d["metadata"]["labels"]["app.kubernetes.io/version"] for d in docs} == {"2.3.4"}
