"""Freshly generated repos are clean: the generator and the linter agree on the standard."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.lint import lint
from launchgen.scaffold import new
from launchgen.scaffold.answers import VendorChart
from tests.conftest import make_answers


def test_generated_app_and_properties_repos_are_clean(repos: tuple[Path, Path]) -> None:
    problems = lint([str(r) for r in repos], cache=False)
    assert problems == []


def test_generated_middleware_repo_only_warns_about_the_missing_oci_digest(
    middleware: Path,
) -> None:
    problems = lint([str(middleware)], cache=False)
    config = (middleware / ".launchgen.yaml").read_text().splitlines()
    version = config.index("  version: 16.4.1") + 1  # the chart's, where the digest belongs
    assert [(p.rule, p.severity, p.path, p.line) for p in problems] == [
        ("middleware-chart-digest", "warning", ".launchgen.yaml", version)
    ]


def test_generated_ci_files_pass_launchgens_own_rules(tmp_path: Path) -> None:
    new(make_answers(), tmp_path, git=False)
    problems = lint(
        [str(tmp_path / "checkout"), str(tmp_path / "checkout-properties")],
        cache=False,
        yamllint=False,
    )
    assert problems == []


@pytest.mark.parametrize("ci", ["github", "gitlab"])
@pytest.mark.parametrize("secrets", ["none", "external"])
def test_every_generated_repo_is_clean_with_its_pipelines_and_yamllint(
    tmp_path: Path, ci: str, secrets: str
) -> None:
    """The generator's whole output, CI pipelines included, passes --strict lint with yamllint."""
    # Six environments, long names: no generated line may grow past yamllint's limit with them.
    envs = ("dev", "qa", "stage-eu", "pre-prod", "prod-us-east", "prod")
    new(make_answers(ci=ci, secrets=secrets, environments=envs), tmp_path, git=False)
    vendor = VendorChart(
        "postgresql", "oci://registry.example.test/charts", "16.4.1", "sha256:" + "ab" * 32
    )
    new(
        make_answers("orders-db", kind="middleware", vendor_chart=vendor, ci=ci, environments=envs),
        tmp_path,
        git=False,
    )
    repos = [
        tmp_path / "checkout",
        tmp_path / "checkout-properties",
        tmp_path / "orders-db-properties",
    ]
    problems = lint([str(r) for r in repos], cache=False)
    assert [(p.path, p.line, p.rule, p.message) for p in problems] == []
