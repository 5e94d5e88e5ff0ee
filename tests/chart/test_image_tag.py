"""Chart 1.1.0's image.tag, rendered by real helm through a generated app repo: it replaces
the app version everywhere the version shows, and the template refuses a malformed tag
even when helm's schema check is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.chart.test_launch_chart import by_kind, render
from tests.helpers.tools import run

pytestmark = pytest.mark.helm

Helm = tuple[Path, dict[str, str]]


def test_the_tag_is_the_version_of_every_workload(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    app, _ = app_repos
    docs = render(
        app,
        helm,
        tmp_path,
        "image:\n  tag: 1.4.2\nrollout:\n  enabled: true\n"
        "migration:\n  enabled: true\n  command: [/app/migrate]\n",
    )
    [rollout] = by_kind(docs, "Rollout")
    [job] = by_kind(docs, "Job")
    for workload in (rollout, job):
        [container] = workload["spec"]["template"]["spec"]["containers"]
        assert container["image"] == "registry.example.com/checkout:1.4.2"
        assert {"name": "APP_VERSION", "value": "1.4.2"} in container["env"]
    assert {d["metadata"]["labels"]["app.kubernetes.io/version"] for d in docs} == {"1.4.2"}
    # The selector never carries the version: changing the tag never orphans pods.
    assert "app.kubernetes.io/version" not in rollout["spec"]["selector"]["matchLabels"]


def test_without_a_tag_nothing_changes(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path
) -> None:
    app, _ = app_repos
    docs = render(app, helm, tmp_path, "image:\n  pullPolicy: Always\n")
    [deployment] = by_kind(docs, "Deployment")
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == f"registry.example.com/checkout:{APP_VERSION_PLACEHOLDER}"
    assert {"name": "APP_VERSION", "value": APP_VERSION_PLACEHOLDER} in container["env"]


@pytest.mark.parametrize("tag", ["-x", "1.4.2+build.7", "a" * 129, "v1 2"])
def test_the_template_refuses_a_malformed_tag_without_the_schema(
    app_repos: tuple[Path, Path], helm: Helm, tmp_path: Path, tag: str
) -> None:
    app, _ = app_repos
    binary, env = helm
    values = tmp_path / "tag.yaml"
    values.write_text(f"image:\n  tag: '{tag}'\n")
    result = run(
        [binary, "template", "checkout", ".", "-f", values, "--skip-schema-validation"],
        cwd=app,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert f'image.tag "{tag}" is not an image tag' in result.stderr
    # and the longest tag OCI allows renders
    values.write_text(f"image:\n  tag: {'a' * 128}\n")
    run([binary, "template", "checkout", ".", "-f", values], cwd=app, env=env)
